package io.lakestream.jobs.curated;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.ColumnType;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Turns a validated JSON payload into a curated-zone row laid out as a {@link CuratedSchema}.
 *
 * <p>Conversion never throws: a JSON {@code null}, a missing property, or a value that does not fit
 * its column becomes {@code null}. Per column type:
 *
 * <ul>
 *   <li>{@code STRING}: a JSON string as its text, any other value as its JSON text;
 *   <li>{@code BIGINT}: an integer within the {@code long} range, a whole floating-point number
 *       ({@code 42.0}), or text spelling an integer ({@code "42"});
 *   <li>{@code DOUBLE}: any number, or text in JSON number syntax;
 *   <li>{@code BOOLEAN}: {@code true}/{@code false}, also as text;
 *   <li>{@code TIMESTAMP_LTZ(6)}: RFC 3339 date-time text (offsets, {@code Z}, up to nine fraction
 *       digits, truncated to microseconds);
 *   <li>{@code DATE}: {@code yyyy-MM-dd} text;
 *   <li>{@code ROW}: a JSON object, field by field; {@code ARRAY}: a JSON array, element by
 *       element.
 * </ul>
 *
 * <p>Fields added by Java transforms are read as {@link ColumnTypes#toInternal} reads plain values
 * (so a {@code timestamp} field may also be epoch milliseconds); enrichment columns are left {@code
 * null} for the enrichment step to fill.
 *
 * <p>What to do for each column is decided once, in the constructor, so build one per Flink subtask
 * and reuse it; it keeps no per-record state. Serializable: the per-column converters are rebuilt
 * on deserialization.
 */
public final class CuratedRowConverter implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Converts one present, non-null JSON value; answers {@code null} when it does not fit. */
  @FunctionalInterface
  private interface ValueConverter {
    Object convert(JsonNode value);
  }

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final ValueConverter STRING = CuratedRowConverter::toStringData;
  private static final ValueConverter BIGINT = CuratedRowConverter::toLong;
  private static final ValueConverter DOUBLE = CuratedRowConverter::toDouble;
  private static final ValueConverter BOOLEAN = CuratedRowConverter::toBoolean;
  private static final ValueConverter TIMESTAMP = CuratedRowConverter::toTimestamp;
  private static final ValueConverter DATE = CuratedRowConverter::toDate;

  private final CuratedSchema schema;

  // derived from the schema; rebuilt after deserialization since the lambdas are not Serializable
  private transient int arity;
  private transient String[] names;
  private transient ValueConverter[] converters;

  public CuratedRowConverter(CuratedSchema schema) {
    this.schema = schema;
    init();
  }

  private void init() {
    RowType type = schema.rowType();
    arity = type.getFieldCount();
    int start = CuratedSchema.PAYLOAD_START;
    int end = schema.enrichmentStart();
    names = new String[end - start];
    converters = new ValueConverter[end - start];
    List<ColumnType> addedTypes = schema.addedTypes();
    for (int pos = start; pos < end; pos++) {
      names[pos - start] = type.getFields().get(pos).getName();
      converters[pos - start] =
          pos < schema.addedStart()
              ? converterFor(type.getTypeAt(pos))
              : addedConverter(addedTypes.get(pos - schema.addedStart()));
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    init();
  }

  /** The layout this converter fills. */
  public CuratedSchema schema() {
    return schema;
  }

  /**
   * A new row with the system and payload columns filled. Added fields are read from the payload
   * when it holds them; enrichment columns are left {@code null}. A payload that is {@code null} or
   * not a JSON object yields a row with only the system columns set.
   */
  public GenericRowData convert(
      String eventId, long eventTimeMillis, long ingestTimeMillis, JsonNode payload) {
    return convert(eventId, eventTimeMillis, ingestTimeMillis, null, payload);
  }

  /**
   * A new row as {@link #convert(String, long, long, JsonNode)} makes, with the schema version
   * column set.
   *
   * @param schemaVersion registry version the event was validated against; {@code null} when none
   */
  public GenericRowData convert(
      String eventId,
      long eventTimeMillis,
      long ingestTimeMillis,
      Integer schemaVersion,
      JsonNode payload) {
    GenericRowData row = new GenericRowData(arity);
    row.setField(0, eventId == null ? null : StringData.fromString(eventId));
    row.setField(1, TimestampData.fromEpochMillis(eventTimeMillis));
    row.setField(2, TimestampData.fromEpochMillis(ingestTimeMillis));
    row.setField(CuratedSchema.SCHEMA_VERSION_INDEX, schemaVersion);
    if (payload != null && payload.isObject()) {
      int start = CuratedSchema.PAYLOAD_START;
      for (int i = 0; i < converters.length; i++) {
        JsonNode value = payload.get(names[i]);
        if (value != null && !value.isNull() && !value.isMissingNode()) {
          row.setField(start + i, safely(converters[i], value));
        }
      }
    }
    return row;
  }

  /** The converters are written not to throw; this is the guarantee should one still do. */
  private static Object safely(ValueConverter converter, JsonNode value) {
    try {
      return converter.convert(value);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static ValueConverter converterFor(LogicalType type) {
    return switch (type.getTypeRoot()) {
      case CHAR, VARCHAR -> STRING;
      case BIGINT -> BIGINT;
      case DOUBLE -> DOUBLE;
      case BOOLEAN -> BOOLEAN;
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> TIMESTAMP;
      case DATE -> DATE;
      case ROW -> rowConverter((RowType) type);
      case ARRAY -> arrayConverter(((ArrayType) type).getElementType());
      default ->
          throw new IllegalStateException(
              "no JSON conversion for " + type.asSummaryString() + "; CuratedSchema never maps it");
    };
  }

  private static ValueConverter rowConverter(RowType type) {
    int n = type.getFieldCount();
    String[] fieldNames = type.getFieldNames().toArray(new String[0]);
    ValueConverter[] fields = new ValueConverter[n];
    for (int i = 0; i < n; i++) {
      fields[i] = converterFor(type.getTypeAt(i));
    }
    return node -> {
      if (!node.isObject()) {
        return null;
      }
      GenericRowData row = new GenericRowData(n);
      for (int i = 0; i < n; i++) {
        JsonNode value = node.get(fieldNames[i]);
        if (value != null && !value.isNull()) {
          row.setField(i, fields[i].convert(value));
        }
      }
      return row;
    };
  }

  private static ValueConverter arrayConverter(LogicalType elementType) {
    ValueConverter element = converterFor(elementType);
    return node -> {
      if (!node.isArray()) {
        return null;
      }
      Object[] values = new Object[node.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode value = node.get(i);
        if (value != null && !value.isNull()) {
          values[i] = element.convert(value);
        }
      }
      return new GenericArrayData(values);
    };
  }

  private static Object toStringData(JsonNode node) {
    // toString() of a JsonNode is its JSON text
    return StringData.fromString(node.isTextual() ? node.textValue() : node.toString());
  }

  private static Object toLong(JsonNode node) {
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? node.longValue() : null;
    }
    if (node.isFloatingPointNumber()) {
      return wholeLong(node);
    }
    if (node.isTextual()) {
      return JsonValues.parseLong(node.textValue());
    }
    return null;
  }

  /** The value of a floating-point node that is a whole number within the long range. */
  private static Long wholeLong(JsonNode node) {
    if (node.isBigDecimal()) {
      BigDecimal d = node.decimalValue();
      if (d.compareTo(LONG_MIN) < 0
          || d.compareTo(LONG_MAX) > 0
          || d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
        return null;
      }
      return d.longValue();
    }
    double d = node.doubleValue();
    // 2^63 is exactly representable; every double below it and at or above -2^63 fits a long
    if (d != Math.rint(d) || d < -0x1p63 || d >= 0x1p63) {
      return null;
    }
    return (long) d;
  }

  private static Object toDouble(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      return JsonValues.parseDouble(node.textValue());
    }
    return null;
  }

  private static Object toBoolean(JsonNode node) {
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return JsonValues.parseBoolean(node.textValue());
    }
    return null;
  }

  private static Object toTimestamp(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    long micros = JsonValues.timestampMicros(node.textValue());
    return micros == JsonValues.NONE ? null : fromMicros(micros);
  }

  private static Object toDate(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    long day = JsonValues.epochDay(node.textValue());
    return day == JsonValues.NONE || day != (int) day ? null : Integer.valueOf((int) day);
  }

  private static TimestampData fromMicros(long micros) {
    return TimestampData.fromEpochMillis(
        Math.floorDiv(micros, 1000L), (int) Math.floorMod(micros, 1000L) * 1000);
  }

  /**
   * Reads a field a Java transform added. The matching JSON kinds take a fast path; anything else
   * goes through {@link ColumnTypes#toInternal}, so odd values are read exactly as that reads them.
   */
  private static ValueConverter addedConverter(ColumnType type) {
    return switch (type) {
      case STRING -> STRING;
      case LONG ->
          node -> {
            if (node.isIntegralNumber()) {
              return node.canConvertToLong() ? node.longValue() : null;
            }
            return viaColumnTypes(type, node);
          };
      case DOUBLE -> node -> node.isNumber() ? node.doubleValue() : viaColumnTypes(type, node);
      case BOOLEAN -> node -> node.isBoolean() ? node.booleanValue() : viaColumnTypes(type, node);
      case TIMESTAMP ->
          node -> {
            if (node.isTextual()) {
              long micros = JsonValues.timestampMicros(node.textValue());
              if (micros != JsonValues.NONE) {
                return fromMicros(micros);
              }
            } else if (node.isIntegralNumber() && !node.canConvertToLong()) {
              return null; // toInternal would silently wrap it around
            }
            return viaColumnTypes(type, node);
          };
    };
  }

  private static Object viaColumnTypes(ColumnType type, JsonNode node) {
    Object plain;
    if (node.isTextual()) {
      plain = node.textValue();
    } else if (node.isBoolean()) {
      plain = node.booleanValue();
    } else if (node.isBigInteger()) {
      // as a BigDecimal, toInternal checks the long range instead of wrapping around
      plain = node.decimalValue();
    } else if (node.isNumber()) {
      plain = node.numberValue();
    } else {
      plain = node.toString();
    }
    try {
      return ColumnTypes.toInternal(type, plain);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
