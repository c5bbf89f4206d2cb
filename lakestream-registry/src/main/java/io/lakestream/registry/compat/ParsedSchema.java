package io.lakestream.registry.compat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.registry.compat.internal.AvroDocuments;
import io.lakestream.registry.compat.internal.JsonDocuments;
import io.lakestream.registry.compat.internal.JsonSchemaDocuments;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A schema document that passed parsing and the registry's limits, ready for compatibility checks.
 *
 * <p>Limits, shared by both languages because both are JSON text: at most {@value
 * JsonDocuments#MAX_TEXT_CHARS} characters, JSON nesting at most {@value
 * JsonDocuments#MAX_JSON_DEPTH} levels (a JSON Schema nests about two JSON levels per schema level,
 * so roughly 64 schema levels), at most {@value JsonDocuments#MAX_OBJECT_MEMBERS} members in one
 * JSON object, at most {@value JsonDocuments#MAX_TOKENS} JSON tokens, and no duplicate keys. The
 * limits are checked while streaming, before a tree is built, so an oversized or absurdly deep
 * document costs little and never overflows the stack.
 *
 * <p>JSON Schema documents must be self-contained: a {@code $ref} must be a local fragment ({@code
 * #} or {@code #/...}) that resolves inside the document. Remote or relative references are refused
 * and never fetched; {@code $dynamicRef} and {@code $recursiveRef} are refused. Local references
 * are resolved by the checker, with recursive schemas handled by assuming compatibility for a pair
 * of subschemas already under comparison.
 *
 * <pre>{@code
 * ParsedSchema schema = ParsedSchema.parse(SchemaType.JSON, "{\"type\":\"object\"}");
 * }</pre>
 */
public sealed interface ParsedSchema permits ParsedSchema.Avro, ParsedSchema.Json {

  /** The schema language. */
  SchemaType type();

  /** The document as submitted. */
  String text();

  /**
   * Parses a schema document of the given type.
   *
   * @throws InvalidSchemaException when the document is malformed, exceeds a limit, is not a valid
   *     schema of that type, or (JSON Schema) refers outside itself
   */
  static ParsedSchema parse(SchemaType type, String text) {
    Objects.requireNonNull(type, "type");
    return switch (type) {
      case AVRO -> avro(text);
      case JSON -> json(text);
    };
  }

  /**
   * Parses an Avro schema with Avro's own validation (names, defaults).
   *
   * @throws InvalidSchemaException when the text is not a valid Avro schema or exceeds a limit
   */
  static Avro avro(String text) {
    return new Avro(text, AvroDocuments.parse(text));
  }

  /**
   * Parses a JSON Schema document.
   *
   * @throws InvalidSchemaException when the text is malformed, exceeds a limit, uses a keyword with
   *     a value of the wrong shape, or has a non-local {@code $ref}
   */
  static Json json(String text) {
    return new Json(text, JsonSchemaDocuments.parse(text));
  }

  /** An Avro schema. */
  final class Avro implements ParsedSchema {
    private final String text;
    private final Schema schema;

    private Avro(String text, Schema schema) {
      this.text = text;
      this.schema = schema;
    }

    @Override
    public SchemaType type() {
      return SchemaType.AVRO;
    }

    @Override
    public String text() {
      return text;
    }

    /** The parsed Avro schema; Avro schemas are not to be mutated once parsed. */
    public Schema schema() {
      return schema;
    }

    @Override
    public String toString() {
      return "AVRO " + schema;
    }
  }

  /** A JSON Schema document. */
  final class Json implements ParsedSchema {
    private final String text;
    private final JsonNode document;

    private Json(String text, JsonNode document) {
      this.text = text;
      this.document = document;
    }

    @Override
    public SchemaType type() {
      return SchemaType.JSON;
    }

    @Override
    public String text() {
      return text;
    }

    /** A copy of the parsed document, so callers cannot change what was validated. */
    public JsonNode document() {
      return document.deepCopy();
    }

    @Override
    public String toString() {
      return "JSON " + document;
    }
  }
}
