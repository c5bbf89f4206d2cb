package io.lakestream.api.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One enrichment step of a source: look the event's {@code on} field up in a reference table and
 * add the row's columns to the event.
 *
 * @param reference name of the reference table
 * @param on top-level event field whose value is looked up
 * @param columns reference columns to add, in order
 * @param prefix put in front of each added column's name (to avoid clashes); may be empty
 * @param onMissing what to do with an event whose key has no reference row
 */
public record EnrichConfig(
    String reference, String on, List<String> columns, String prefix, OnMissing onMissing)
    implements Serializable {

  public EnrichConfig {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(on, "on");
    columns = List.copyOf(columns);
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(onMissing, "onMissing");
  }

  /** Name of the column an added reference column gets in the event. */
  public String outputName(String column) {
    return prefix + column;
  }

  /** What happens to an event whose key has no reference row. */
  public enum OnMissing {
    /** Keep the event; the added columns are null. */
    KEEP("keep"),
    /** Route the event to the error zone ({@code enrich: no reference row for key X}). */
    ERROR("error");

    private final String yamlName;

    OnMissing(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
