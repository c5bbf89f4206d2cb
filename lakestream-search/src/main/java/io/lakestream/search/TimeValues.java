package io.lakestream.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses time values of queries: epoch millis ({@code 1764547200000}), ISO-8601 instants ({@code
 * 2026-12-01T00:00:00Z}, offsets allowed), local date-times read as UTC ({@code
 * 2026-12-01T10:00:00}), dates ({@code 2026-12-01}, the whole UTC day) and relative expressions
 * {@code now}, {@code now-15m}, {@code now+1h} (units s, m, h, d, w).
 */
final class TimeValues {

  private static final Pattern NOW =
      Pattern.compile("now(?:([+-])(\\d{1,9})(ms|s|m|h|d|w))?", Pattern.CASE_INSENSITIVE);

  /** A time interval [from, to) in epoch millis. */
  record Span(long from, long toExclusive) {}

  private TimeValues() {}

  /** The interval a value denotes: a point for instants, a whole day for a date. */
  static Span parse(String field, String raw, LongSupplier clock) {
    String v = raw.trim();
    if (v.matches("-?\\d{1,19}") && !v.matches("\\d{4}")) {
      long ms = Long.parseLong(v);
      return new Span(ms, ms + 1);
    }
    Matcher m = NOW.matcher(v);
    if (m.matches()) {
      long now = clock.getAsLong();
      if (m.group(1) != null) {
        long n = Long.parseLong(m.group(2));
        long unit =
            switch (m.group(3).toLowerCase()) {
              case "ms" -> 1L;
              case "s" -> 1_000L;
              case "m" -> 60_000L;
              case "h" -> 3_600_000L;
              case "d" -> 86_400_000L;
              default -> 7 * 86_400_000L;
            };
        now += (m.group(1).equals("-") ? -1 : 1) * n * unit;
      }
      return new Span(now, now + 1);
    }
    try {
      long ms = Instant.parse(v).toEpochMilli();
      return new Span(ms, ms + 1);
    } catch (DateTimeParseException ignored) {
      // next format
    }
    try {
      long ms = java.time.OffsetDateTime.parse(v).toInstant().toEpochMilli();
      return new Span(ms, ms + 1);
    } catch (DateTimeParseException ignored) {
      // next format
    }
    try {
      long ms = LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
      return new Span(ms, ms + 1);
    } catch (DateTimeParseException ignored) {
      // next format
    }
    try {
      LocalDate d = LocalDate.parse(v);
      return new Span(
          d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
          d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    } catch (DateTimeParseException ignored) {
      // fall through
    }
    throw new SearchException(
        "'"
            + raw
            + "' is not a time for field '"
            + field
            + "': use epoch millis, an ISO-8601 instant like 2026-12-01T00:00:00Z,"
            + " a date like 2026-12-01, or now-15m");
  }
}
