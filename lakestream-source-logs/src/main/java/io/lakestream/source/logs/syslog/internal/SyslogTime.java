package io.lakestream.source.logs.syslog.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes instants as ISO-8601 UTC text ({@code 2003-10-11T22:14:15.003Z}), with the fraction in
 * groups of three digits like {@link Instant#toString()}.
 *
 * <p>Hand-written because {@code DateTimeFormatter} costs more per message than parsing the message
 * does.
 */
public final class SyslogTime {

  private SyslogTime() {}

  /** {@code epochSecond} and {@code nanos} as ISO-8601 UTC. */
  public static String iso(long epochSecond, int nanos) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, nanos, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return Instant.ofEpochSecond(epochSecond, nanos).toString(); // signed, expanded year
    }
    int digits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
    char[] c = new char[20 + (digits == 0 ? 0 : digits + 1)];
    put(c, 0, year, 4);
    c[4] = '-';
    put(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    put(c, 8, t.getDayOfMonth(), 2);
    c[10] = 'T';
    put(c, 11, t.getHour(), 2);
    c[13] = ':';
    put(c, 14, t.getMinute(), 2);
    c[16] = ':';
    put(c, 17, t.getSecond(), 2);
    int i = 19;
    if (digits > 0) {
      c[i++] = '.';
      put(c, i, nanos / pow10(9 - digits), digits);
      i += digits;
    }
    c[i] = 'Z';
    return new String(c);
  }

  /** Epoch milliseconds as ISO-8601 UTC. */
  public static String isoMillis(long epochMillis) {
    return iso(
        Math.floorDiv(epochMillis, 1000), (int) Math.floorMod(epochMillis, 1000) * 1_000_000);
  }

  private static void put(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}
