package io.lakestream.registry.compat.internal;

import io.lakestream.registry.compat.InvalidSchemaException;
import org.apache.avro.Schema;

/** Parses untrusted Avro schema text: registry limits first, then Avro's own validation. */
public final class AvroDocuments {
  private AvroDocuments() {}

  /**
   * Parses one Avro schema.
   *
   * @throws InvalidSchemaException when the text breaks a limit or Avro rejects it
   */
  public static Schema parse(String text) {
    // Avro's parser recurses per nesting level; the limit check keeps it far from the stack limit.
    JsonDocuments.read(text, "Avro schema");
    try {
      return new Schema.Parser().setValidateDefaults(true).parse(text);
    } catch (InvalidSchemaException e) {
      throw e;
    } catch (RuntimeException e) {
      // SchemaParseException, AvroTypeException and friends: all mean the document is bad.
      throw new InvalidSchemaException("invalid Avro schema: " + e.getMessage(), e);
    }
  }
}
