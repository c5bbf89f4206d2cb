package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * A piece of Flink SQL taken from the pipeline file, with where it was written so that errors the
 * planner finds later can point at it.
 *
 * @param sql the SQL text
 * @param path YAML path, e.g. {@code sources.sensors.transform}
 * @param line 1-based line of the value in the pipeline file, 0 when unknown
 */
public record SqlText(String sql, String path, int line) implements Serializable {
  public SqlText {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(path, "path");
  }
}
