package io.lakestream.jobs.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversion between a JSON payload as a Jackson tree and the plain mutable map a Java transform
 * works on.
 *
 * <p>Towards the map: objects become {@link LinkedHashMap}s (field order kept), arrays {@link
 * ArrayList}s, numbers {@code Integer}, {@code Long}, {@code Double}, {@code BigInteger} or {@code
 * BigDecimal} as Jackson read them. Back to JSON, whatever a transform put in is written as
 * faithfully as JSON allows; a value of a type JSON has no form for becomes the text of its {@code
 * toString()} (an {@code Instant} becomes its ISO-8601 text, which a {@code timestamp} column
 * reads).
 */
final class JsonMaps {

  /**
   * Deeper nesting than this on the way back is taken as a map or list that contains itself; the
   * parser refuses such depth anyway, so real payloads never reach it.
   */
  static final int MAX_DEPTH = 1000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonMaps() {}

  /** A deep, mutable copy of the object; the node itself is not changed later. */
  static Map<String, Object> toMap(ObjectNode object) {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(16, object.size() * 4 / 3 + 1));
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      map.put(field.getKey(), toJava(field.getValue()));
    }
    return map;
  }

  private static Object toJava(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> toMap((ObjectNode) node);
      case ARRAY -> {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(toJava(element));
        }
        yield list;
      }
      case STRING -> node.textValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER -> number(node);
      case NULL, MISSING -> null;
      // Not produced by parsing; the text form is what the payload would serialize to.
      case BINARY, POJO -> node.asText();
    };
  }

  private static Number number(JsonNode node) {
    Number n = node.numberValue();
    // Trees built in code may hold shorts or floats; transforms are promised the parser's types.
    if (n instanceof Short s) {
      return s.intValue();
    }
    if (n instanceof Float f) {
      return Double.valueOf(f.toString());
    }
    return n;
  }

  /**
   * The map as a JSON object.
   *
   * @throws IllegalArgumentException when the map nests deeper than {@link #MAX_DEPTH} levels, as
   *     one that contains itself does
   */
  static ObjectNode toObjectNode(Map<?, ?> map) {
    return objectNode(map, 0);
  }

  private static ObjectNode objectNode(Map<?, ?> map, int depth) {
    ObjectNode object = new ObjectNode(NODES);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      object.set(String.valueOf(e.getKey()), toNode(e.getValue(), depth + 1));
    }
    return object;
  }

  private static JsonNode toNode(Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "the event nests deeper than "
              + MAX_DEPTH
              + " levels; does a map or list contain itself?");
    }
    if (value == null) {
      return NullNode.getInstance();
    }
    if (value instanceof String s) {
      return TextNode.valueOf(s);
    }
    if (value instanceof Boolean b) {
      return BooleanNode.valueOf(b);
    }
    if (value instanceof Number n) {
      return numberNode(n);
    }
    if (value instanceof Map<?, ?> m) {
      return objectNode(m, depth);
    }
    if (value instanceof Iterable<?> iterable) {
      ArrayNode array = new ArrayNode(NODES);
      for (Object element : iterable) {
        array.add(toNode(element, depth + 1));
      }
      return array;
    }
    if (value instanceof byte[] bytes) {
      // What Jackson itself writes for binary data.
      return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
    }
    if (value.getClass().isArray()) {
      ArrayNode array = new ArrayNode(NODES);
      int length = Array.getLength(value);
      for (int i = 0; i < length; i++) {
        array.add(toNode(Array.get(value, i), depth + 1));
      }
      return array;
    }
    if (value instanceof JsonNode node) {
      return node.deepCopy();
    }
    if (value instanceof Date date) {
      // Date.toString() is neither ISO-8601 nor in UTC; java.sql.Date cannot make an Instant.
      return TextNode.valueOf(java.time.Instant.ofEpochMilli(date.getTime()).toString());
    }
    return TextNode.valueOf(value.toString());
  }

  private static JsonNode numberNode(Number n) {
    if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return IntNode.valueOf(n.intValue());
    }
    if (n instanceof Long l) {
      return LongNode.valueOf(l);
    }
    if (n instanceof Double d) {
      return DoubleNode.valueOf(d);
    }
    if (n instanceof Float f) {
      // Through the text so that 0.1f is written as 0.1, not 0.10000000149011612.
      return DoubleNode.valueOf(Double.parseDouble(f.toString()));
    }
    if (n instanceof BigInteger b) {
      return BigIntegerNode.valueOf(b);
    }
    if (n instanceof BigDecimal d) {
      return DecimalNode.valueOf(d);
    }
    // AtomicLong, LongAdder and the like: their text is a plain decimal number.
    try {
      BigDecimal d = new BigDecimal(n.toString());
      return d.scale() <= 0
          ? BigIntegerNode.valueOf(d.toBigIntegerExact())
          : DecimalNode.valueOf(d);
    } catch (NumberFormatException | ArithmeticException e) {
      return TextNode.valueOf(n.toString());
    }
  }
}
