package io.lakestream.api.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Type of a reference-table column (and of a field a Java transform adds), as named in YAML. */
public enum ColumnType {
  STRING("string"),
  LONG("long"),
  DOUBLE("double"),
  BOOLEAN("boolean"),
  /** An instant: ISO-8601 text or epoch milliseconds in the data. */
  TIMESTAMP("timestamp");

  private final String yamlName;

  ColumnType(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name used in the pipeline file. */
  public String yamlName() {
    return yamlName;
  }

  /** The type with this YAML name; {@code int} and {@code integer} are taken as {@code long}. */
  public static Optional<ColumnType> fromYaml(String name) {
    if (name.equals("int") || name.equals("integer")) {
      return Optional.of(LONG);
    }
    return Arrays.stream(values()).filter(t -> t.yamlName.equals(name)).findFirst();
  }

  /** YAML names of all types, for messages. */
  public static List<String> yamlNames() {
    return Arrays.stream(values()).map(ColumnType::yamlName).toList();
  }
}
