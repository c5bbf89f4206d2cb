package io.lakestream.registry.compat.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.lakestream.registry.compat.InvalidSchemaException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and checks untrusted JSON Schema documents: well-formed keywords where the checker relies
 * on them, and self-containment ({@code $ref} only to local fragments that resolve).
 */
public final class JsonSchemaDocuments {
  /** Keywords whose value is one subschema (or, for {@code items}, possibly an array of them). */
  static final Set<String> SCHEMA_KEYWORDS =
      Set.of(
          "items",
          "additionalItems",
          "additionalProperties",
          "unevaluatedItems",
          "unevaluatedProperties",
          "contains",
          "propertyNames",
          "not",
          "if",
          "then",
          "else");

  /** Keywords whose value is an array of subschemas. */
  static final Set<String> SCHEMA_ARRAY_KEYWORDS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");

  /** Keywords whose value maps names to subschemas. */
  static final Set<String> SCHEMA_MAP_KEYWORDS =
      Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

  static final Set<String> TYPE_NAMES =
      Set.of("null", "boolean", "object", "array", "number", "string", "integer");

  private JsonSchemaDocuments() {}

  /**
   * Parses a JSON Schema document.
   *
   * @throws InvalidSchemaException naming the JSON pointer of the first problem
   */
  public static JsonNode parse(String text) {
    JsonNode root = JsonDocuments.read(text, "JSON Schema");
    if (!root.isObject() && !root.isBoolean()) {
      throw new InvalidSchemaException(
          "JSON Schema must be an object or a boolean, got "
              + root.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    // Recursion is bounded by JsonDocuments.MAX_JSON_DEPTH.
    checkSchema(root, root, "");
    return root;
  }

  private static void checkSchema(JsonNode root, JsonNode schema, String pointer) {
    if (schema.isBoolean()) {
      return;
    }
    if (!schema.isObject()) {
      throw invalid(pointer, "a schema must be an object or a boolean");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String keyword = entry.getKey();
      JsonNode value = entry.getValue();
      String at = JsonPointers.child(pointer, keyword);
      switch (keyword) {
        case "$ref" -> checkRef(root, value, at);
        case "$dynamicRef", "$recursiveRef" ->
            throw invalid(at, keyword + " is not supported; use a local $ref");
        case "type" -> checkType(value, at);
        case "required" -> checkStringArray(value, at);
        case "enum" -> {
          if (!value.isArray()) {
            throw invalid(at, "enum must be an array");
          }
        }
        default -> {
          if (SCHEMA_KEYWORDS.contains(keyword)) {
            if (keyword.equals("items") && value.isArray()) {
              checkSchemaArray(root, value, at);
            } else {
              checkSchema(root, value, at);
            }
          } else if (SCHEMA_ARRAY_KEYWORDS.contains(keyword)) {
            if (!value.isArray()) {
              throw invalid(at, keyword + " must be an array of schemas");
            }
            checkSchemaArray(root, value, at);
          } else if (SCHEMA_MAP_KEYWORDS.contains(keyword)) {
            if (!value.isObject()) {
              throw invalid(at, keyword + " must be an object whose values are schemas");
            }
            for (Iterator<Map.Entry<String, JsonNode>> sub = value.fields(); sub.hasNext(); ) {
              Map.Entry<String, JsonNode> e = sub.next();
              checkSchema(root, e.getValue(), JsonPointers.child(at, e.getKey()));
            }
          }
          // Other keywords (annotations, enum/const/default data, vocabulary extensions) hold
          // data, not schemas: a "$ref" inside "default" is a value, not a reference.
        }
      }
    }
  }

  private static void checkSchemaArray(JsonNode root, JsonNode array, String pointer) {
    for (int i = 0; i < array.size(); i++) {
      checkSchema(root, array.get(i), pointer + "/" + i);
    }
  }

  private static void checkRef(JsonNode root, JsonNode ref, String pointer) {
    String owner = JsonPointers.display(pointer.substring(0, pointer.length() - "/$ref".length()));
    if (!ref.isTextual()) {
      throw invalid(pointer, "$ref must be a string");
    }
    String value = ref.asText();
    if (!value.equals("#") && !value.startsWith("#/")) {
      String what = value.contains(":") ? "remote" : "non-local";
      throw new InvalidSchemaException(
          what
              + " $ref '"
              + value
              + "' at "
              + owner
              + " is not allowed; registered schemas must be self-contained"
              + " (use a local reference such as '#/$defs/name')");
    }
    if (resolve(root, value).isMissingNode()) {
      throw new InvalidSchemaException(
          "$ref '" + value + "' at " + owner + " does not resolve to anything in this schema");
    }
  }

  /** Resolves a local {@code #...} reference against the document root. */
  static JsonNode resolve(JsonNode root, String ref) {
    String fragment = ref.substring(1);
    try {
      // Fragments are URI-encoded JSON pointers; decode percent escapes such as %24 for '$'.
      String decoded = URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
      return root.at(decoded);
    } catch (IllegalArgumentException e) {
      return MissingNode.getInstance();
    }
  }

  private static void checkType(JsonNode value, String pointer) {
    if (value.isTextual()) {
      checkTypeName(value.asText(), pointer);
    } else if (value.isArray() && !value.isEmpty()) {
      for (JsonNode t : value) {
        if (!t.isTextual()) {
          throw invalid(pointer, "type must be a string or an array of strings");
        }
        checkTypeName(t.asText(), pointer);
      }
    } else {
      throw invalid(pointer, "type must be a string or a non-empty array of strings");
    }
  }

  private static void checkTypeName(String name, String pointer) {
    if (!TYPE_NAMES.contains(name)) {
      throw invalid(
          pointer, "unknown type '" + name + "'; expected one of " + String.join(", ", TYPE_NAMES));
    }
  }

  private static void checkStringArray(JsonNode value, String pointer) {
    if (!value.isArray()) {
      throw invalid(pointer, "required must be an array of property names");
    }
    for (JsonNode name : value) {
      if (!name.isTextual()) {
        throw invalid(pointer, "required must be an array of property names");
      }
    }
  }

  private static InvalidSchemaException invalid(String pointer, String message) {
    return new InvalidSchemaException(
        "invalid JSON Schema at " + JsonPointers.display(pointer) + ": " + message);
  }
}
