package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a source's event time lives, how it is written, and how event time progresses (the source's
 * watermark).
 *
 * <p>The watermark trails the largest event time seen by {@code outOfOrderness}. Window results are
 * final and written once the watermark passes a window's end plus {@code allowedLateness}; an event
 * further behind the watermark than {@code allowedLateness} is late and goes to the error zone
 * instead of the curated zone, windows and joins.
 *
 * @param field top-level field holding the event time
 * @param format how the value is written
 * @param outOfOrderness how far behind the newest event time an event may arrive and still be on
 *     time
 * @param allowedLateness how much further behind the watermark an event may still be taken in
 * @param idleTimeout after this long without events, a parallel part of the source stops holding
 *     the watermark back
 */
public record EventTimeConfig(
    String field,
    TimeFormat format,
    Duration outOfOrderness,
    Duration allowedLateness,
    Duration idleTimeout)
    implements Serializable {

  /** Default of {@code out_of_orderness}. */
  public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(10);

  /** Default of {@code allowed_lateness}. */
  public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ZERO;

  /** Default of {@code idle_timeout}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(1);

  public EventTimeConfig {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(outOfOrderness, "outOfOrderness");
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }

  /** Event time with the default watermark settings. */
  public EventTimeConfig(String field, TimeFormat format) {
    this(field, format, DEFAULT_OUT_OF_ORDERNESS, DEFAULT_ALLOWED_LATENESS, DEFAULT_IDLE_TIMEOUT);
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
