package io.lakestream.api.config.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations of pipeline files: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h},
 * {@code 1d} and combinations such as {@code 1m30s}.
 */
public final class Durations {

  /** The hint every duration error ends with. */
  public static final String EXPECTED = "expected a duration like 10s, 500ms, 5m";

  // "ms" must come before "m" in the alternation, or "500ms" would read as 500m + "s".
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses a positive duration.
   *
   * @throws IllegalArgumentException with a message for the user when the text is not one
   */
  public static Duration parse(String text) {
    Duration total = parseNonNegative(text);
    if (total.isZero()) {
      throw new IllegalArgumentException("must be greater than 0, got '" + text + "'");
    }
    return total;
  }

  /**
   * Parses a duration that may be zero ({@code 0s}), for settings where zero is a meaningful
   * choice, such as "no allowed lateness".
   *
   * @throws IllegalArgumentException with a message for the user when the text is not one
   */
  public static Duration parseNonNegative(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException(EXPECTED + ", got an empty value");
    }
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int previousRank = -1;
    int pos = 0;
    try {
      while (pos < t.length()) {
        m.region(pos, t.length());
        if (!m.lookingAt()) {
          throw invalid(text);
        }
        Unit unit = Unit.of(m.group(2));
        // Units must go from largest to smallest, each at most once: "30s1m" or "1m1m" are
        // more likely mistakes than intentions.
        if (unit.ordinal() <= previousRank) {
          throw invalid(text);
        }
        previousRank = unit.ordinal();
        total = total.plus(unit.of(Long.parseLong(m.group(1))));
        pos = m.end();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("duration '" + text + "' is too long");
    }
    return total;
  }

  /**
   * Writes a duration the way pipeline files do ({@code 1m30s}, {@code 500ms}, {@code 0s}), so that
   * messages comparing two settings read like the file; anything below a millisecond is dropped.
   */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long[] amounts = {
      d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart()
    };
    String[] units = {"d", "h", "m", "s", "ms"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] != 0) {
        sb.append(amounts[i]).append(units[i]);
      }
    }
    return sb.length() == 0 ? "0s" : sb.toString();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        EXPECTED + " (units ms, s, m, h, d; combine as 1m30s), got '" + text + "'");
  }

  private enum Unit {
    DAYS,
    HOURS,
    MINUTES,
    SECONDS,
    MILLIS;

    static Unit of(String suffix) {
      return switch (suffix) {
        case "d" -> DAYS;
        case "h" -> HOURS;
        case "m" -> MINUTES;
        case "s" -> SECONDS;
        default -> MILLIS;
      };
    }

    Duration of(long amount) {
      return switch (this) {
        case DAYS -> Duration.ofDays(amount);
        case HOURS -> Duration.ofHours(amount);
        case MINUTES -> Duration.ofMinutes(amount);
        case SECONDS -> Duration.ofSeconds(amount);
        case MILLIS -> Duration.ofMillis(amount);
      };
    }
  }
}
