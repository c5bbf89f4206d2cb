package io.lakestream.registry.compat;

import java.util.Locale;

/**
 * The schema language of a registered schema, named as Confluent's {@code schemaType} field.
 *
 * <p>A registration without a {@code schemaType} is Avro, as in Confluent Schema Registry.
 */
public enum SchemaType {
  AVRO,
  JSON;

  /**
   * Parses a Confluent {@code schemaType} value; null or blank means {@link #AVRO}.
   *
   * @throws IllegalArgumentException for any other value, e.g. {@code PROTOBUF}, which this
   *     registry does not support
   */
  public static SchemaType parse(String name) {
    if (name == null || name.isBlank()) {
      return AVRO;
    }
    String normalized = name.strip().toUpperCase(Locale.ROOT);
    for (SchemaType type : values()) {
      if (type.name().equals(normalized)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unsupported schemaType '" + name + "'; expected AVRO or JSON");
  }
}
