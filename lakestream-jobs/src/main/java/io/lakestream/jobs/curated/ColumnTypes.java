package io.lakestream.jobs.curated;

import io.lakestream.api.config.ColumnType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * The Flink types of {@link ColumnType}s, and conversion of plain Java values (as read from CSV,
 * JSON, JDBC or a Java transform) into Flink's internal row values.
 */
public final class ColumnTypes {

  private ColumnTypes() {}

  /** The nullable Flink type of a column type. */
  public static LogicalType logicalType(ColumnType type) {
    return switch (type) {
      case STRING -> new VarCharType(VarCharType.MAX_LENGTH);
      case LONG -> new BigIntType();
      case DOUBLE -> new DoubleType();
      case BOOLEAN -> new BooleanType();
      case TIMESTAMP -> new LocalZonedTimestampType(6);
    };
  }

  /**
   * Converts a value to Flink's internal representation for the type ({@link StringData}, {@code
   * Long}, {@code Double}, {@code Boolean}, {@link TimestampData}).
   *
   * <p>Text is parsed ({@code "42"} becomes a long, {@code "true"} a boolean, an ISO-8601 instant a
   * timestamp); a number becomes a timestamp as epoch milliseconds. {@code null} and empty text
   * become {@code null}.
   *
   * @throws IllegalArgumentException when the value cannot be read as the type; the message says
   *     what was found
   */
  public static Object toInternal(ColumnType type, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s && s.isEmpty() && type != ColumnType.STRING) {
      return null;
    }
    try {
      return switch (type) {
        case STRING -> StringData.fromString(value.toString());
        case LONG -> {
          if (value instanceof Number n) {
            if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
              yield new BigDecimal(n.toString()).longValueExact();
            }
            yield n.longValue();
          }
          yield Long.parseLong(value.toString().strip());
        }
        case DOUBLE -> {
          if (value instanceof Number n) {
            yield n.doubleValue();
          }
          yield Double.parseDouble(value.toString().strip());
        }
        case BOOLEAN -> {
          if (value instanceof Boolean b) {
            yield b;
          }
          String s = value.toString().strip().toLowerCase(java.util.Locale.ROOT);
          if (s.equals("true") || s.equals("1") || s.equals("yes")) {
            yield Boolean.TRUE;
          }
          if (s.equals("false") || s.equals("0") || s.equals("no")) {
            yield Boolean.FALSE;
          }
          throw new IllegalArgumentException("not a boolean");
        }
        case TIMESTAMP -> {
          if (value instanceof Number n) {
            yield TimestampData.fromEpochMillis(n.longValue());
          }
          if (value instanceof java.sql.Timestamp t) {
            yield TimestampData.fromInstant(t.toInstant());
          }
          if (value instanceof Instant i) {
            yield TimestampData.fromInstant(i);
          }
          yield TimestampData.fromInstant(parseInstant(value.toString().strip()));
        }
      };
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "cannot read " + quote(value) + " as " + type.yamlName(), e);
    }
  }

  private static Instant parseInstant(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.parse(s);
    }
  }

  private static String quote(Object value) {
    String s = value.toString();
    if (s.length() > 60) {
      s = s.substring(0, 57) + "...";
    }
    return value instanceof String ? "'" + s + "'" : s;
  }
}
