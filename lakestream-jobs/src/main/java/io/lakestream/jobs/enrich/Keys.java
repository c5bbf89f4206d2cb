package io.lakestream.jobs.enrich;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/**
 * The text form of a lookup key, shared by both sides of a lookup so that an event's {@code 42} (a
 * long) finds the reference row whose key column holds {@code 42}, {@code 42.0} or {@code "42"}.
 */
final class Keys {

  private Keys() {}

  /**
   * The key text of a value: text as is, whole numbers in decimal without a fraction (so {@code
   * 7.0} is {@code "7"}), other doubles as {@link Double#toString}, booleans as {@code
   * "true"}/{@code "false"}; {@code null} for {@code null}.
   */
  static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof StringData s) {
      return s.toString();
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof Double d) {
      return doubleText(d);
    }
    if (value instanceof Float f) {
      // Float.toString, not the widened double: 0.1f must read "0.1", not "0.10000000149011612"
      return f == Math.rint(f) && !Float.isInfinite(f) ? doubleText(f.doubleValue()) : f.toString();
    }
    if (value instanceof BigDecimal b) {
      return decimalText(b);
    }
    if (value instanceof DecimalData d) {
      return decimalText(d.toBigDecimal());
    }
    if (value instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (value instanceof TimestampData t) {
      return t.toInstant().toString();
    }
    return value.toString();
  }

  private static String doubleText(double d) {
    // beyond 2^53 a double is always whole, and beyond the long range it has no exact long text
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  private static String decimalText(BigDecimal b) {
    if (b.signum() == 0) {
      return "0";
    }
    return b.stripTrailingZeros().toPlainString();
  }
}
