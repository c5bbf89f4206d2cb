package io.lakestream.registry.compat;

/**
 * One reason a proposed schema is incompatible with an existing version, in the form returned to
 * clients with a 409.
 *
 * @param path where in the schema, as a JSON pointer ({@code /properties/qty}) for JSON Schema or a
 *     field path ({@code /fields/qty/type}) for Avro
 * @param kind a stable machine-readable code, e.g. {@code TYPE_CHANGED}, {@code
 *     MISSING_ENUM_SYMBOLS}
 * @param oldType what the existing version has at {@code path}, e.g. {@code integer}
 * @param newType what the proposed schema has at {@code path}, e.g. {@code string}
 * @param message a readable sentence naming path, old and new type, the direction and the version
 */
public record Incompatibility(
    String path, String kind, String oldType, String newType, String message) {

  @Override
  public String toString() {
    return message;
  }
}
