package io.lakestream.registry.compat.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides structurally whether every document a writer JSON Schema accepts is accepted by a reader
 * JSON Schema. The rules are listed in {@code CompatibilityChecker}'s Javadoc. The comparison errs
 * on the side of "incompatible": what it cannot prove is reported as {@code UNPROVABLE}.
 */
public final class JsonSchemaComparator {
  /** Keywords the comparator does not reason about; a reader may only keep them unchanged. */
  private static final List<String> OPAQUE_KEYWORDS =
      List.of(
          "allOf",
          "anyOf",
          "oneOf",
          "not",
          "if",
          "then",
          "else",
          "dependentSchemas",
          "dependentRequired",
          "dependencies",
          "patternProperties",
          "propertyNames",
          "contains",
          "minContains",
          "maxContains",
          "prefixItems",
          "additionalItems",
          "unevaluatedProperties",
          "unevaluatedItems");

  /** Bounds the work on schemas whose references fan out; checked per subschema pair. */
  private static final int MAX_STEPS = 100_000;

  private static final int MAX_REF_DEPTH = 256;

  private static final JsonNode ANYTHING = BooleanNode.TRUE;

  /** Never mutated; stands for a writer schema of {@code true}. */
  private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

  private final JsonNode readerRoot;
  private final JsonNode writerRoot;
  private final List<Finding> findings = new ArrayList<>();
  private final Set<NodePair> visited = new HashSet<>();
  private int steps;
  private boolean gaveUp;

  private JsonSchemaComparator(JsonNode readerRoot, JsonNode writerRoot) {
    this.readerRoot = readerRoot;
    this.writerRoot = writerRoot;
  }

  /** Returns why {@code reader} may reject documents {@code writer} accepts; empty when none. */
  public static List<Finding> canRead(JsonNode reader, JsonNode writer) {
    JsonSchemaComparator comparator = new JsonSchemaComparator(reader, writer);
    comparator.compare(reader, writer, "", 0);
    return List.copyOf(comparator.findings);
  }

  private void compare(JsonNode r, JsonNode w, String path, int depth) {
    if (gaveUp) {
      return;
    }
    if (++steps > MAX_STEPS || depth > MAX_REF_DEPTH) {
      gaveUp = true;
      add(
          path,
          "UNPROVABLE",
          "structure",
          "too complex",
          "too complex",
          "the schemas are too complex to compare, so {reader} could not be proven to read {writer}");
      return;
    }
    if (isTrue(r) || isFalse(w)) {
      return; // the reader accepts anything, or the writer produces nothing
    }
    if (isFalse(r)) {
      add(
          path,
          "TYPE_CHANGED",
          "schema",
          "false",
          describe(w),
          "{writer} may have a value here, which {reader} rejects (schema is false)");
      return;
    }
    if (isTrue(w)) {
      w = EMPTY; // one shared node, so recursion guards keyed by identity still work
    }
    if (r.has("$ref")) {
      JsonNode target = JsonSchemaDocuments.resolve(readerRoot, r.get("$ref").asText());
      if (visited.add(new NodePair(target, w))) {
        compare(target, w, path, depth + 1);
      }
      ObjectNode siblings = ((ObjectNode) r).deepCopy();
      siblings.remove("$ref");
      if (!siblings.isEmpty()) {
        compare(siblings, w, path, depth + 1);
      }
      return;
    }
    if (w.has("$ref")) {
      // The writer's own sibling constraints only narrow what it produces, so ignoring them is
      // safe.
      JsonNode target = JsonSchemaDocuments.resolve(writerRoot, w.get("$ref").asText());
      if (visited.add(new NodePair(r, target))) {
        compare(r, target, path, depth + 1);
      }
      return;
    }
    compareOpaque(r, w, path);
    Set<String> writerTypes = types(w);
    compareTypes(r, w, writerTypes, path);
    compareEnum(r, w, path);
    if (mayProduce(writerTypes, "number")) {
      compareNumbers(r, w, path);
    }
    if (mayProduce(writerTypes, "string")) {
      compareStrings(r, w, path);
    }
    if (mayProduce(writerTypes, "array")) {
      compareArrays(r, w, path, depth);
    }
    if (mayProduce(writerTypes, "object")) {
      compareObjects(r, w, path, depth);
    }
  }

  private void compareOpaque(JsonNode r, JsonNode w, String path) {
    for (String keyword : OPAQUE_KEYWORDS) {
      JsonNode rv = r.get(keyword);
      if (rv == null) {
        continue; // the writer may add constraints the reader lacks: that only narrows its data
      }
      JsonNode wv = w.get(keyword);
      // Identical text is only provably identical meaning when no $ref can point elsewhere.
      if (!rv.equals(wv) || rv.findValue("$ref") != null) {
        add(
            JsonPointers.child(path, keyword),
            "UNPROVABLE",
            keyword,
            wv == null ? "absent" : "present",
            "changed",
            "'" + keyword + "' differs; {reader} could not be proven to accept all of {writer}");
      }
    }
    JsonNode ri = r.get("items");
    if (ri != null && ri.isArray() && !ri.equals(w.get("items"))) {
      add(
          JsonPointers.child(path, "items"),
          "UNPROVABLE",
          "items",
          "tuple",
          "changed",
          "tuple 'items' differ; {reader} could not be proven to accept all of {writer}");
    }
  }

  private void compareTypes(JsonNode r, JsonNode w, Set<String> writerTypes, String path) {
    Set<String> readerTypes = types(r);
    if (readerTypes == null) {
      return;
    }
    if (writerTypes == null) {
      add(
          path,
          "TYPE_CHANGED",
          "type",
          join(readerTypes),
          "any",
          "{writer} may have any type here, which {reader} restricts to " + join(readerTypes));
      return;
    }
    for (String t : writerTypes) {
      boolean accepted =
          readerTypes.contains(t) || (t.equals("integer") && readerTypes.contains("number"));
      if (!accepted) {
        add(
            path,
            "TYPE_CHANGED",
            "type",
            join(readerTypes),
            join(writerTypes),
            "{writer} has " + article(t) + " here, which {reader} rejects");
      }
    }
  }

  private void compareEnum(JsonNode r, JsonNode w, String path) {
    List<JsonNode> readerValues = enumValues(r);
    if (readerValues == null) {
      return;
    }
    List<JsonNode> writerValues = enumValues(w);
    if (writerValues == null) {
      add(
          path,
          "ENUM_CHANGED",
          "enum",
          render(readerValues),
          "unrestricted",
          "{writer} may have values outside " + render(readerValues) + ", which {reader} rejects");
      return;
    }
    List<JsonNode> missing =
        writerValues.stream().filter(v -> !containsValue(readerValues, v)).toList();
    if (!missing.isEmpty()) {
      add(
          path,
          "ENUM_CHANGED",
          "enum",
          render(readerValues),
          render(writerValues),
          "{writer} may have " + render(missing) + " here, which {reader} rejects");
    }
  }

  private void compareNumbers(JsonNode r, JsonNode w, String path) {
    compareBound(r, w, path, "minimum", "exclusiveMinimum", true);
    compareBound(r, w, path, "maximum", "exclusiveMaximum", false);
    JsonNode rm = r.get("multipleOf");
    if (rm != null && rm.isNumber()) {
      JsonNode wm = w.get("multipleOf");
      boolean ok =
          wm != null
              && wm.isNumber()
              && wm.decimalValue().remainder(rm.decimalValue()).compareTo(BigDecimal.ZERO) == 0;
      if (!ok) {
        add(
            JsonPointers.child(path, "multipleOf"),
            "CONSTRAINT_TIGHTENED",
            "multipleOf",
            rm.asText(),
            wm == null ? "absent" : wm.asText(),
            "{writer} may have numbers that are not multiples of "
                + rm.asText()
                + ", which {reader} rejects");
      }
    }
  }

  /** Compares one side of a numeric range, honouring draft 6+ numeric exclusive bounds. */
  private void compareBound(
      JsonNode r, JsonNode w, String path, String inclusive, String exclusive, boolean lower) {
    Bound rb = bound(r, inclusive, exclusive);
    if (rb == null) {
      return;
    }
    Bound wb = bound(w, inclusive, exclusive);
    boolean ok;
    if (wb == null) {
      ok = false;
    } else {
      int c = wb.value.compareTo(rb.value);
      boolean tighter = lower ? c > 0 : c < 0;
      ok = tighter || (c == 0 && (wb.exclusive || !rb.exclusive));
    }
    if (!ok) {
      String what = lower ? "below" : "above";
      add(
          JsonPointers.child(path, rb.exclusive ? exclusive : inclusive),
          "CONSTRAINT_TIGHTENED",
          lower ? "lower bound" : "upper bound",
          rb.toString(),
          wb == null ? "none" : wb.toString(),
          "{writer} may have numbers "
              + what
              + " "
              + rb.value.toPlainString()
              + ", which {reader} rejects");
    }
  }

  private static Bound bound(JsonNode node, String inclusive, String exclusive) {
    JsonNode in = node.get(inclusive);
    JsonNode ex = node.get(exclusive);
    if (ex != null && ex.isBoolean()) {
      // Draft 4: a boolean exclusive flag modifies the inclusive keyword.
      return in != null && in.isNumber() ? new Bound(in.decimalValue(), ex.asBoolean()) : null;
    }
    Bound a = in != null && in.isNumber() ? new Bound(in.decimalValue(), false) : null;
    Bound b = ex != null && ex.isNumber() ? new Bound(ex.decimalValue(), true) : null;
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    boolean lower = inclusive.equals("minimum");
    int c = b.value.compareTo(a.value);
    // The tighter of the two bounds is the effective one.
    return (lower ? c >= 0 : c <= 0) ? b : a;
  }

  private void compareStrings(JsonNode r, JsonNode w, String path) {
    compareCount(r, w, path, "minLength", true, "strings shorter than %s characters");
    compareCount(r, w, path, "maxLength", false, "strings longer than %s characters");
    compareExact(r, w, path, "pattern", "PATTERN_CHANGED", "strings not matching the pattern %s");
    compareExact(r, w, path, "format", "FORMAT_CHANGED", "strings not in the format %s");
  }

  private void compareArrays(JsonNode r, JsonNode w, String path, int depth) {
    compareCount(r, w, path, "minItems", true, "arrays with fewer than %s items");
    compareCount(r, w, path, "maxItems", false, "arrays with more than %s items");
    if (r.path("uniqueItems").asBoolean(false) && !w.path("uniqueItems").asBoolean(false)) {
      add(
          JsonPointers.child(path, "uniqueItems"),
          "CONSTRAINT_TIGHTENED",
          "uniqueItems",
          "true",
          "false",
          "{writer} may have arrays with duplicate items, which {reader} rejects");
    }
    JsonNode ri = r.get("items");
    if (ri != null && !ri.isArray()) {
      JsonNode wi = w.get("items");
      compare(
          ri,
          wi == null || wi.isArray() ? ANYTHING : wi,
          JsonPointers.child(path, "items"),
          depth + 1);
    }
  }

  private void compareObjects(JsonNode r, JsonNode w, String path, int depth) {
    compareCount(r, w, path, "minProperties", true, "objects with fewer than %s properties");
    compareCount(r, w, path, "maxProperties", false, "objects with more than %s properties");
    JsonNode rProps = r.path("properties");
    JsonNode wProps = w.path("properties");
    JsonNode rAdditional = r.has("additionalProperties") ? r.get("additionalProperties") : ANYTHING;
    JsonNode wAdditional = w.has("additionalProperties") ? w.get("additionalProperties") : ANYTHING;
    Set<String> wRequired = strings(w.get("required"));
    for (String name : strings(r.get("required"))) {
      if (!wRequired.contains(name)) {
        add(
            JsonPointers.child(JsonPointers.child(path, "properties"), name),
            "PROPERTY_REQUIRED",
            "'" + name + "'",
            "required",
            wProps.has(name) ? "optional" : "absent",
            "{writer} may omit '" + name + "', which {reader} requires");
      }
    }
    Set<String> names = new TreeSet<>();
    rProps.fieldNames().forEachRemaining(names::add);
    wProps.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      String at = JsonPointers.child(JsonPointers.child(path, "properties"), name);
      JsonNode rp = rProps.get(name);
      JsonNode wp = wProps.get(name);
      if (rp != null && wp != null) {
        compare(rp, wp, at, depth + 1);
      } else if (wp != null) {
        // The reader dropped a property the writer declares.
        if (isFalse(rAdditional)) {
          add(
              at,
              "PROPERTY_NOT_ALLOWED",
              "'" + name + "'",
              "not allowed",
              describe(wp),
              "{writer} may have '"
                  + name
                  + "', which {reader} does not allow"
                  + " (additionalProperties is false)");
        } else if (!isTrue(rAdditional)) {
          compare(rAdditional, wp, at, depth + 1);
        }
      } else if (!isTrue(wAdditional) && !isFalse(wAdditional)) {
        // The reader added a property; the writer constrains undeclared ones by a schema.
        compare(rp, wAdditional, at, depth + 1);
      }
      // Otherwise the reader added a property the writer never declared: with a closed writer it
      // never occurs; with an open writer we assume undeclared data does not collide (see the
      // rule table in CompatibilityChecker).
    }
    if (!isTrue(rAdditional) && !isFalse(wAdditional)) {
      String at = JsonPointers.child(path, "additionalProperties");
      if (isFalse(rAdditional)) {
        add(
            at,
            "CONTENT_MODEL_CLOSED",
            "additionalProperties",
            "false",
            describe(wAdditional),
            "{writer} may have undeclared properties, which {reader} does not allow");
      } else {
        compare(rAdditional, wAdditional, at, depth + 1);
      }
    }
  }

  private void compareCount(
      JsonNode r, JsonNode w, String path, String keyword, boolean lower, String rejected) {
    JsonNode rv = r.get(keyword);
    if (rv == null || !rv.isNumber()) {
      return;
    }
    JsonNode wv = w.get(keyword);
    boolean ok =
        wv != null
            && wv.isNumber()
            && (lower
                ? wv.decimalValue().compareTo(rv.decimalValue()) >= 0
                : wv.decimalValue().compareTo(rv.decimalValue()) <= 0);
    if (!ok) {
      add(
          JsonPointers.child(path, keyword),
          "CONSTRAINT_TIGHTENED",
          keyword,
          rv.asText(),
          wv == null ? "absent" : wv.asText(),
          "{writer} may have " + String.format(rejected, rv.asText()) + ", which {reader} rejects");
    }
  }

  private void compareExact(
      JsonNode r, JsonNode w, String path, String keyword, String kind, String rejected) {
    JsonNode rv = r.get(keyword);
    if (rv == null || rv.equals(w.get(keyword))) {
      return;
    }
    JsonNode wv = w.get(keyword);
    add(
        JsonPointers.child(path, keyword),
        kind,
        keyword,
        rv.toString(),
        wv == null ? "absent" : wv.toString(),
        "{writer} may have " + String.format(rejected, rv.toString()) + ", which {reader} rejects");
  }

  private void add(
      String path, String kind, String subject, String reader, String writer, String consequence) {
    findings.add(new Finding(path, kind, subject, reader, writer, consequence));
  }

  /** The declared types, derived from enum/const when there is no type; null means any. */
  private static Set<String> types(JsonNode node) {
    JsonNode type = node.get("type");
    if (type != null) {
      Set<String> out = new LinkedHashSet<>();
      if (type.isArray()) {
        type.forEach(t -> out.add(t.asText()));
      } else {
        out.add(type.asText());
      }
      return out;
    }
    List<JsonNode> values = enumValues(node);
    if (values != null) {
      return values.stream()
          .map(JsonSchemaComparator::jsonType)
          .collect(Collectors.toCollection(LinkedHashSet::new));
    }
    return null;
  }

  private static boolean mayProduce(Set<String> types, String type) {
    if (types == null) {
      return true;
    }
    return types.contains(type) || (type.equals("number") && types.contains("integer"));
  }

  private static List<JsonNode> enumValues(JsonNode node) {
    List<JsonNode> out = null;
    JsonNode e = node.get("enum");
    if (e != null && e.isArray()) {
      out = new ArrayList<>();
      e.forEach(out::add);
    }
    JsonNode c = node.get("const");
    if (c != null) {
      if (out == null) {
        out = new ArrayList<>(List.of(c));
      } else {
        out.removeIf(v -> !sameValue(v, c));
      }
    }
    return out;
  }

  private static boolean containsValue(Collection<JsonNode> values, JsonNode value) {
    return values.stream().anyMatch(v -> sameValue(v, value));
  }

  /** JSON equality, where 1, 1.0 and 1L are one number. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static String jsonType(JsonNode value) {
    if (value.isIntegralNumber()) {
      return "integer";
    }
    return switch (value.getNodeType()) {
      case NUMBER -> "number";
      case STRING -> "string";
      case BOOLEAN -> "boolean";
      case ARRAY -> "array";
      case OBJECT -> "object";
      default -> "null";
    };
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new TreeSet<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static boolean isTrue(JsonNode schema) {
    return (schema.isBoolean() && schema.asBoolean()) || (schema.isObject() && schema.isEmpty());
  }

  private static boolean isFalse(JsonNode schema) {
    return schema.isBoolean() && !schema.asBoolean();
  }

  private static String describe(JsonNode schema) {
    if (schema.isBoolean()) {
      return schema.asText();
    }
    Set<String> t = types(schema);
    return t == null ? "any" : join(t);
  }

  private static String join(Set<String> types) {
    return types.size() == 1 ? types.iterator().next() : "[" + String.join(", ", types) + "]";
  }

  private static String render(List<JsonNode> values) {
    return values.stream().map(JsonNode::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String article(String type) {
    return switch (type) {
      case "integer", "array", "object" -> "an " + type;
      case "null" -> "null";
      default -> "a " + type;
    };
  }

  private record Bound(BigDecimal value, boolean exclusive) {
    @Override
    public String toString() {
      return (exclusive ? "exclusive " : "") + value.toPlainString();
    }
  }

  /** A pair of subschema nodes compared by identity, to stop at recursive $refs. */
  private record NodePair(JsonNode reader, JsonNode writer) {
    @Override
    public boolean equals(Object o) {
      return o instanceof NodePair p && p.reader == reader && p.writer == writer;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(reader) * 31 + System.identityHashCode(writer);
    }
  }
}
