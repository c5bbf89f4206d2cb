package io.lakestream.api.config;

/** How urgent a detector's alerts are; channels can ask for a minimum. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  /** The name as written in the pipeline file. */
  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
