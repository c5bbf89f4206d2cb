package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a source's event time lives and how it is written.
 *
 * @param field top-level field holding the event time
 * @param format how the value is written
 */
public record EventTimeConfig(String field, TimeFormat format) implements Serializable {

  public EventTimeConfig {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(format, "format");
  }

  /** Accepted encodings of an event-time value. */
  public enum TimeFormat {
    /** ISO-8601 instant or offset date-time string, e.g. {@code 2026-11-23T14:05:00Z}. */
    ISO8601("iso8601"),
    /** Milliseconds since the Unix epoch, as a JSON number or numeric string. */
    EPOCH_MILLIS("epoch_millis"),
    /** Seconds since the Unix epoch (fractions allowed), as a JSON number or numeric string. */
    EPOCH_SECONDS("epoch_seconds");

    private final String yamlName;

    TimeFormat(String yamlName) {
      this.yamlName = yamlName;
    }

    /** The name used in the pipeline file. */
    public String yamlName() {
      return yamlName;
    }
  }
}
