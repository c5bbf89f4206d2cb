package io.lakestream.search.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.search.FieldKind;
import io.lakestream.search.IndexSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenSearch mapping that matches an {@link IndexSchema}, and the check of an existing index's
 * mapping against it.
 *
 * <p>{@code dynamic: false}: members that the schema does not declare stay in {@code _source} but
 * are not indexed, like in the embedded Lucene index. Dotted field names ({@code http.status})
 * become nested {@code properties} objects, which is also how OpenSearch itself stores them.
 */
final class OpenSearchMapping {

  /**
   * Keyword values longer than this are kept in _source but not indexed (as in the Lucene index).
   */
  static final int KEYWORD_IGNORE_ABOVE = 2048;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private OpenSearchMapping() {}

  /** Every indexed field (system fields first) with its kind, in a stable order. */
  static Map<String, FieldKind> fields(IndexSchema schema) {
    Map<String, FieldKind> out = new LinkedHashMap<>();
    out.put(IndexSchema.ID, FieldKind.KEYWORD);
    out.put(IndexSchema.SOURCE, FieldKind.KEYWORD);
    out.put(IndexSchema.EVENT_TIME, FieldKind.TIME);
    out.put(IndexSchema.INGEST_TIME, FieldKind.TIME);
    put(out, schema.textFields(), FieldKind.TEXT);
    put(out, schema.keywordFields(), FieldKind.KEYWORD);
    put(out, schema.longFields(), FieldKind.LONG);
    put(out, schema.doubleFields(), FieldKind.DOUBLE);
    return out;
  }

  private static void put(Map<String, FieldKind> out, Set<String> names, FieldKind kind) {
    for (String n : new TreeSet<>(names)) {
      out.put(n, kind);
    }
  }

  /** The OpenSearch field type for a kind. */
  static String typeOf(FieldKind kind) {
    return switch (kind) {
      case TEXT -> "text";
      case KEYWORD -> "keyword";
      case LONG -> "long";
      case DOUBLE -> "double";
      case TIME -> "date";
    };
  }

  /** The leaf mapping of one field. */
  static ObjectNode leaf(FieldKind kind) {
    ObjectNode n = JSON.objectNode().put("type", typeOf(kind));
    if (kind == FieldKind.KEYWORD) {
      n.put("ignore_above", KEYWORD_IGNORE_ABOVE);
    } else if (kind == FieldKind.TIME) {
      n.put("format", "epoch_millis");
    }
    return n;
  }

  /** The body of a create-index request: {@code {"mappings": {...}}}. */
  static ObjectNode createIndexBody(IndexSchema schema) {
    ObjectNode mappings = JSON.objectNode();
    mappings.put("dynamic", false);
    mappings.set("properties", properties(fields(schema)));
    ObjectNode body = JSON.objectNode();
    body.set("mappings", mappings);
    return body;
  }

  /**
   * A {@code properties} tree for the given fields; dotted names become nested objects.
   *
   * @throws IllegalArgumentException when a name is both a leaf and the parent of another ({@code
   *     http} and {@code http.status}), which OpenSearch cannot map
   */
  static ObjectNode properties(Map<String, FieldKind> fields) {
    ObjectNode root = JSON.objectNode();
    Map<String, String> leaves = new LinkedHashMap<>();
    for (Map.Entry<String, FieldKind> e : fields.entrySet()) {
      String name = e.getKey();
      String[] parts = name.split("\\.", -1);
      ObjectNode props = root;
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(parts[i]);
        if (leaves.containsKey(path.toString())) {
          throw objectAndLeaf(path.toString(), name);
        }
        JsonNode child = props.get(parts[i]);
        if (child == null) {
          ObjectNode obj = JSON.objectNode();
          obj.set("properties", JSON.objectNode());
          props.set(parts[i], obj);
          child = obj;
        }
        props = (ObjectNode) child.get("properties");
      }
      String last = parts[parts.length - 1];
      if (props.has(last)) {
        throw objectAndLeaf(name, "a field below it");
      }
      props.set(last, leaf(e.getValue()));
      leaves.put(name, name);
    }
    return root;
  }

  private static IllegalArgumentException objectAndLeaf(String leaf, String child) {
    return new IllegalArgumentException(
        "search schema: field '"
            + leaf
            + "' is declared as a field, but '"
            + child
            + "' makes it an object; OpenSearch cannot map a name as both. Rename one of them.");
  }

  /**
   * Compares an existing index's {@code properties} with the schema.
   *
   * @param existing the {@code mappings.properties} of the index (may be missing)
   * @param missing receives the fields the index does not map yet (they can be added)
   * @return one readable line per incompatible field; empty when compatible
   */
  static List<String> incompatibilities(
      IndexSchema schema, JsonNode existing, Map<String, FieldKind> missing) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, FieldKind> e : fields(schema).entrySet()) {
      String name = e.getKey();
      FieldKind kind = e.getValue();
      String[] parts = name.split("\\.", -1);
      JsonNode props = existing;
      JsonNode m = null;
      String path = "";
      boolean absent = false;
      for (int i = 0; i < parts.length; i++) {
        path = path.isEmpty() ? parts[i] : path + "." + parts[i];
        m = props == null ? null : props.get(parts[i]);
        if (m == null || m.isMissingNode()) {
          absent = true;
          break;
        }
        if (i < parts.length - 1) {
          String t = m.path("type").asText("object");
          if (!t.equals("object")) {
            problems.add(
                "'"
                    + path
                    + "' is mapped as '"
                    + t
                    + "', but the schema field '"
                    + name
                    + "' needs it to be an object");
            absent = false;
            m = null;
            break;
          }
          props = m.get("properties");
        }
      }
      if (absent) {
        missing.put(name, kind);
        continue;
      }
      if (m == null) {
        continue; // already reported
      }
      String actual = m.has("type") ? m.get("type").asText() : "object";
      String expected = typeOf(kind);
      boolean typeOk =
          actual.equals(expected) || (kind == FieldKind.TEXT && actual.equals("match_only_text"));
      if (!typeOk) {
        problems.add(
            "'"
                + name
                + "' is mapped as '"
                + actual
                + "', the schema declares it "
                + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " (needs '"
                + expected
                + "')");
      } else if (kind == FieldKind.TIME && m.has("format")) {
        boolean epoch = false;
        for (String f : m.get("format").asText().split("\\|\\|")) {
          epoch |= f.trim().equals("epoch_millis");
        }
        if (!epoch) {
          problems.add(
              "'"
                  + name
                  + "' is a date with format '"
                  + m.get("format").asText()
                  + "', which does not accept epoch_millis (the sink sends epoch millis)");
        }
      }
    }
    return problems;
  }
}
