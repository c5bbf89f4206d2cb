package io.lakestream.jobs.curated;

import io.lakestream.jobs.validate.IsoTimestamps;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Exception-free parsing of the scalar texts a JSON payload carries into curated-zone values: RFC
 * 3339 timestamps, ISO dates, and numbers or booleans written as text.
 *
 * <p>The common, fixed-layout forms are parsed by hand because {@code java.time}'s formatters cost
 * about a microsecond per value and throw on bad input; anything unusual falls back to {@code
 * java.time}, so the answers agree with it.
 */
final class JsonValues {

  /** Returned by the {@code long}-valued parsers when the text is not a value of the type. */
  static final long NONE = Long.MIN_VALUE;

  private JsonValues() {}

  /**
   * Microseconds since the epoch of an RFC 3339 date-time ({@code 2026-11-23T14:05:00.123Z}, {@code
   * 2026-11-23t15:05:00+01:00}, {@code 2026-11-23 14:05:00Z}), or {@link #NONE}. Digits past
   * microseconds are truncated, as {@code Instant} to micros would.
   */
  static long timestampMicros(String s) {
    // The validator's fast path handles the usual layouts; java.time the rest.
    long fast = IsoTimestamps.micros(s);
    if (fast != IsoTimestamps.NOT_FAST) {
      return fast;
    }
    return slowTimestampMicros(s);
  }

  /** Days since the epoch of an ISO date ({@code 2026-11-23}), or {@link #NONE}. */
  static long epochDay(String s) {
    if (s.length() == 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      if ((year | month | day) >= 0) {
        return validDate(year, month, day) ? daysFromCivil(year, month, day) : NONE;
      }
    }
    try {
      // rare forms such as +10000-01-01
      return LocalDate.parse(s).toEpochDay();
    } catch (DateTimeException e) {
      return NONE;
    }
  }

  /**
   * The integer a text spells (optional sign, decimal digits, surrounding blanks allowed), or
   * {@code null} when it is not one or does not fit a {@code long}.
   */
  static Long parseLong(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isBlank(s.charAt(from))) {
      from++;
    }
    while (to > from && isBlank(s.charAt(to - 1))) {
      to--;
    }
    if (from == to) {
      return null;
    }
    boolean negative = false;
    char first = s.charAt(from);
    if (first == '-' || first == '+') {
      negative = first == '-';
      if (++from == to) {
        return null;
      }
    }
    // accumulate negatively so that Long.MIN_VALUE is reachable
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return null;
      }
      int digit = c - '0';
      if (value < (Long.MIN_VALUE + digit) / 10) {
        return null;
      }
      value = value * 10 - digit;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        return null;
      }
      value = -value;
    }
    return value;
  }

  /**
   * The number a text spells in JSON number syntax (blanks around it allowed), or {@code null}.
   * Java-only spellings such as {@code NaN}, {@code 0x1p3} or {@code 1.5d} are refused.
   */
  static Double parseDouble(String s) {
    String t = s.strip();
    if (t.isEmpty()) {
      return null;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!isDigit(c) && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
        return null;
      }
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return null; // e.g. "1-2": right characters, wrong order
    }
  }

  /** {@code true}/{@code false} in any letter case, or {@code null}. */
  static Boolean parseBoolean(String s) {
    if (s.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (s.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    return null;
  }

  /** Other ISO-8601 spellings java.time accepts (offsets with seconds, no seconds, ...). */
  private static long slowTimestampMicros(String s) {
    try {
      Instant i;
      try {
        i = Instant.parse(s);
      } catch (DateTimeException e) {
        i = OffsetDateTime.parse(s).toInstant();
      }
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
    } catch (DateTimeException | ArithmeticException e) {
      return NONE;
    }
  }

  private static boolean validDate(int year, int month, int day) {
    return month >= 1 && month <= 12 && day >= 1 && day <= monthLength(year, month);
  }

  private static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  static long daysFromCivil(long year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  /** The non-negative number in {@code count} decimal digits at {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
