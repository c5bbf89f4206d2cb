package io.lakestream.export.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Encodes Iceberg generic values as fields of PostgreSQL's COPY text format: columns separated by a
 * tab, rows ended by a newline, NULL as {@code \N}, and backslash, tab, newline and carriage return
 * escaped with a backslash. Nested values (struct, list, map) become JSON text for jsonb.
 */
public final class CopyText {

  private static final JsonFactory JSON = new JsonFactory();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CopyText() {}

  /** Appends one row (the given top-level fields of a record) and its newline. */
  public static void appendRow(StringBuilder out, Record record, List<Types.NestedField> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append('\t');
      }
      appendField(out, record.get(i), fields.get(i).type());
    }
    out.append('\n');
  }

  /** Appends one field: {@code \N} for null, else the escaped text of the value. */
  public static void appendField(StringBuilder out, Object value, Type type) {
    if (value == null) {
      out.append("\\N");
      return;
    }
    switch (type.typeId()) {
      case STRING -> appendEscaped(out, value.toString());
      case LONG, INTEGER -> out.append(((Number) value).longValue());
      case DOUBLE -> out.append(floating(((Number) value).doubleValue()));
      case FLOAT -> out.append(floating(((Number) value).floatValue()));
      case BOOLEAN -> out.append(((Boolean) value) ? 't' : 'f');
      case DECIMAL -> out.append(((BigDecimal) value).toPlainString());
      case DATE, TIME, TIMESTAMP, TIMESTAMP_NANO, UUID -> out.append(scalarText(value));
      case BINARY, FIXED -> {
        // bytea hex input is \x...; the backslash itself is escaped in COPY text
        out.append("\\\\x");
        for (byte b : bytes(value)) {
          out.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
      }
      case STRUCT, LIST, MAP -> appendEscaped(out, json(value, type));
      default -> throw new IllegalArgumentException("unsupported Iceberg type " + type);
    }
  }

  /** Appends text with COPY's escapes. */
  public static void appendEscaped(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\0' ->
            throw new IllegalArgumentException(
                "a text value contains a NUL character (U+0000), which PostgreSQL text cannot"
                    + " store");
        default -> out.append(c);
      }
    }
  }

  /** JSON text of a nested value (struct as object, list as array, map as object or pairs). */
  public static String json(Object value, Type type) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      writeJson(g, value, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void writeJson(JsonGenerator g, Object value, Type type) throws IOException {
    if (value == null) {
      g.writeNull();
      return;
    }
    switch (type.typeId()) {
      case STRUCT -> {
        List<Types.NestedField> fields = type.asStructType().fields();
        StructLike struct = (StructLike) value;
        g.writeStartObject();
        for (int i = 0; i < fields.size(); i++) {
          g.writeFieldName(fields.get(i).name());
          Object v = struct instanceof Record r ? r.get(i) : struct.get(i, Object.class);
          writeJson(g, v, fields.get(i).type());
        }
        g.writeEndObject();
      }
      case LIST -> {
        Type element = type.asListType().elementType();
        g.writeStartArray();
        for (Object e : (Iterable<?>) value) {
          writeJson(g, e, element);
        }
        g.writeEndArray();
      }
      case MAP -> {
        Types.MapType map = type.asMapType();
        Map<?, ?> m = (Map<?, ?>) value;
        if (map.keyType().typeId() == Type.TypeID.STRING) {
          g.writeStartObject();
          for (Map.Entry<?, ?> e : m.entrySet()) {
            g.writeFieldName(e.getKey().toString());
            writeJson(g, e.getValue(), map.valueType());
          }
          g.writeEndObject();
        } else {
          // JSON object keys are strings; other keys become [{"key":..,"value":..}]
          g.writeStartArray();
          for (Map.Entry<?, ?> e : m.entrySet()) {
            g.writeStartObject();
            g.writeFieldName("key");
            writeJson(g, e.getKey(), map.keyType());
            g.writeFieldName("value");
            writeJson(g, e.getValue(), map.valueType());
            g.writeEndObject();
          }
          g.writeEndArray();
        }
      }
      case STRING -> g.writeString(value.toString());
      case LONG, INTEGER -> g.writeNumber(((Number) value).longValue());
      case DOUBLE, FLOAT -> {
        double d = ((Number) value).doubleValue();
        if (Double.isFinite(d)) {
          if (type.typeId() == Type.TypeID.FLOAT) {
            g.writeNumber(((Number) value).floatValue());
          } else {
            g.writeNumber(d);
          }
        } else {
          g.writeString(floating(d)); // JSON has no NaN or infinity
        }
      }
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case DECIMAL -> g.writeNumber((BigDecimal) value);
      case BINARY, FIXED -> g.writeString(Base64.getEncoder().encodeToString(bytes(value)));
      default -> g.writeString(scalarText(value));
    }
  }

  private static String floating(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return Double.toString(d);
  }

  private static String floating(float f) {
    if (Float.isNaN(f)) {
      return "NaN";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "Infinity" : "-Infinity";
    }
    return Float.toString(f);
  }

  private static String scalarText(Object value) {
    if (value instanceof OffsetDateTime t) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }
    if (value instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }
    if (value instanceof LocalDate d) {
      return d.toString();
    }
    if (value instanceof LocalTime t) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    }
    if (value instanceof UUID u) {
      return u.toString();
    }
    return value.toString();
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    ByteBuffer buf = ((ByteBuffer) value).duplicate();
    byte[] b = new byte[buf.remaining()];
    buf.get(b);
    return b;
  }
}
