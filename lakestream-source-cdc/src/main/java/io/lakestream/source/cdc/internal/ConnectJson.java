package io.lakestream.source.cdc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.debezium.data.SpecialValueDecimal;
import io.debezium.data.VariableScaleDecimal;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * The JSON form of Kafka Connect values as the Debezium PostgreSQL connector produces them.
 *
 * <p>The mapping (the connector runs with {@code decimal.handling.mode=precise}, {@code
 * time.precision.mode=adaptive_time_microseconds}, {@code interval.handling.mode=string}, {@code
 * binary.handling.mode=base64}, {@code hstore.handling.mode=json}):
 *
 * <ul>
 *   <li>integers, {@code real}, {@code double precision}: JSON numbers ({@code NaN} and infinities
 *       as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"});
 *   <li>{@code numeric}, {@code decimal}, {@code money}: JSON numbers written with every digit the
 *       database holds ({@code 12.50} stays {@code 12.50}); a {@code numeric} {@code NaN} or
 *       infinity arrives as {@code null}, because the connector's precise decimals cannot carry it;
 *   <li>{@code timestamptz}: ISO-8601 in UTC, {@code "2026-11-23T14:05:00.123456Z"}; {@code
 *       timestamp}: ISO-8601 without offset (it has none), {@code "2026-11-23T14:05:00.123456"};
 *       {@code date}: {@code "2026-11-23"}; {@code time}: {@code "14:05:00.5"}; {@code timetz}: as
 *       the connector writes it, e.g. {@code "14:05:00Z"}; {@code interval}: ISO-8601 duration,
 *       {@code "P0Y0M1DT2H0M0S"};
 *   <li>{@code json}, {@code jsonb}, {@code hstore}: embedded as JSON values, not as strings;
 *   <li>{@code bytea}: base64 string; arrays: JSON arrays; composite values: JSON objects;
 *   <li>everything else ({@code text}, {@code uuid}, enums, {@code xml}, ...): strings.
 * </ul>
 */
public final class ConnectJson {

  /** Streaming JSON with decimals written plainly, so {@code 1E+3} never appears. */
  static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
          .build();

  private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ISO_LOCAL_TIME;

  private ConnectJson() {}

  /** Writes one value of the given schema; {@code null} becomes JSON {@code null}. */
  public static void write(JsonGenerator g, Schema schema, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
      return;
    }
    if (schema == null) {
      writeUntyped(g, value);
      return;
    }
    String logical = schema.name();
    if (logical != null && writeLogical(g, logical, value)) {
      return;
    }
    switch (schema.type()) {
      case INT8, INT16, INT32, INT64 -> g.writeNumber(((Number) value).longValue());
      case FLOAT32 -> g.writeNumber(((Number) value).floatValue());
      case FLOAT64 -> g.writeNumber(((Number) value).doubleValue());
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case STRING -> g.writeString(value.toString());
      case BYTES -> g.writeBinary(bytes(value));
      case ARRAY -> {
        g.writeStartArray();
        for (Object element : (List<?>) value) {
          write(g, schema.valueSchema(), element);
        }
        g.writeEndArray();
      }
      case MAP -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          write(g, schema.valueSchema(), e.getValue());
        }
        g.writeEndObject();
      }
      case STRUCT -> writeStruct(g, (Struct) value);
      default -> writeUntyped(g, value);
    }
  }

  /** Writes a struct as an object with one field per column, in column order. */
  public static void writeStruct(JsonGenerator g, Struct struct) throws IOException {
    if (struct == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    for (Field f : struct.schema().fields()) {
      g.writeFieldName(f.name());
      write(g, f.schema(), struct.get(f));
    }
    g.writeEndObject();
  }

  /** One value as compact JSON text. */
  public static String text(Schema schema, Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, schema, value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a value as JSON: " + e.getMessage(), e);
    }
    return out.toString();
  }

  /**
   * One key column as the text used in Kafka keys and event ids: the value as it reads in the event
   * JSON, without quotes for strings ({@code 42}, {@code A-1}, {@code 2026-11-23}, {@code 12.50}).
   */
  public static String scalarText(Schema schema, Object value) {
    if (value instanceof String s) {
      return s;
    }
    String json = text(schema, value);
    if (!json.startsWith("\"")) {
      return json;
    }
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      return p.getText();
    } catch (IOException e) {
      return json;
    }
  }

  private static boolean writeLogical(JsonGenerator g, String logical, Object value)
      throws IOException {
    switch (logical) {
      case Decimal.LOGICAL_NAME -> g.writeNumber((BigDecimal) value);
      case VariableScaleDecimal.LOGICAL_NAME -> {
        SpecialValueDecimal d = VariableScaleDecimal.toLogical((Struct) value);
        if (d.getDecimalValue().isPresent()) {
          g.writeNumber(d.getDecimalValue().get());
        } else {
          g.writeString(special(d));
        }
      }
      case "io.debezium.time.Date" -> g.writeString(LocalDate.ofEpochDay(number(value)).toString());
      case "io.debezium.time.Time" ->
          g.writeString(LOCAL_TIME.format(LocalTime.ofNanoOfDay(number(value) * 1_000_000L)));
      case "io.debezium.time.MicroTime" ->
          g.writeString(LOCAL_TIME.format(LocalTime.ofNanoOfDay(number(value) * 1_000L)));
      case "io.debezium.time.NanoTime" ->
          g.writeString(LOCAL_TIME.format(LocalTime.ofNanoOfDay(number(value))));
      case "io.debezium.time.Timestamp" -> g.writeString(localDateTime(number(value), 1_000_000L));
      case "io.debezium.time.MicroTimestamp" -> g.writeString(localDateTime(number(value), 1_000L));
      case "io.debezium.time.NanoTimestamp" -> g.writeString(localDateTime(number(value), 1L));
      case "org.apache.kafka.connect.data.Timestamp" ->
          g.writeString(((java.util.Date) value).toInstant().toString());
      case "org.apache.kafka.connect.data.Date" ->
          g.writeString(
              LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC).toString());
      case "org.apache.kafka.connect.data.Time" ->
          g.writeString(
              LOCAL_TIME.format(
                  LocalTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC)));
      case "io.debezium.data.Json" -> writeEmbeddedJson(g, value.toString());
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * Embeds JSON text as a value. The text comes from PostgreSQL's own {@code json}/{@code jsonb}
   * output and is always valid; should it not be, the text is kept as a string rather than lost.
   */
  private static void writeEmbeddedJson(JsonGenerator g, String text) throws IOException {
    StringWriter copy = new StringWriter(text.length());
    try (JsonParser p = JSON.createParser(text);
        JsonGenerator c = JSON.createGenerator(copy)) {
      if (p.nextToken() == null) {
        throw new IOException("empty");
      }
      // exact: numbers inside jsonb keep all their digits
      c.copyCurrentStructureExact(p);
      if (p.nextToken() != null) {
        throw new IOException("trailing content");
      }
    } catch (IOException e) {
      g.writeString(text);
      return;
    }
    g.writeRawValue(copy.toString());
  }

  private static String localDateTime(long units, long nanosPerUnit) {
    long nanos = Math.multiplyExact(units, nanosPerUnit);
    Instant instant =
        Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    return LOCAL_DATE_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  private static String special(SpecialValueDecimal d) {
    double v = d.toDouble();
    if (Double.isNaN(v)) {
      return "NaN";
    }
    return v > 0 ? "Infinity" : "-Infinity";
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] b = new byte[buffer.remaining()];
    buffer.get(b);
    return b;
  }

  /** Values without a schema (never produced by the connector; kept total for safety). */
  private static void writeUntyped(JsonGenerator g, Object value) throws IOException {
    if (value instanceof Struct s) {
      writeStruct(g, s);
    } else if (value instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof byte[] || value instanceof ByteBuffer) {
      g.writeBinary(bytes(value));
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeUntyped(g, o);
      }
      g.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeUntyped(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      g.writeString(value.toString());
    }
  }
}
