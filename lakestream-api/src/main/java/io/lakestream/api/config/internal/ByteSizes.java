package io.lakestream.api.config.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes of pipeline files: a plain number of bytes, or a number with a unit {@code B},
 * {@code KB}, {@code MB}, {@code GB} (1024 multiples) or {@code KiB}, {@code MiB}, {@code GiB}.
 */
public final class ByteSizes {

  /** The hint every size error starts with. */
  public static final String EXPECTED =
      "expected a size like 5MB, 512KB or 1048576 (bytes); units B, KB, MB, GB are 1024-based"
          + " (KiB, MiB, GiB also accepted)";

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");

  // KB means 1024 bytes here, as in most tools' memory settings; nobody sizes an HTTP body
  // limit in powers of ten, and accepting KiB spares the pedants an error.
  private static final Map<String, Long> UNITS =
      Map.of(
          "b", 1L,
          "kb", 1L << 10,
          "kib", 1L << 10,
          "mb", 1L << 20,
          "mib", 1L << 20,
          "gb", 1L << 30,
          "gib", 1L << 30);

  private ByteSizes() {}

  /**
   * Parses a positive size in bytes; fractions of a unit are allowed ({@code 1.5MB}) and rounded
   * down to whole bytes.
   *
   * @throws IllegalArgumentException with a message for the user when the text is not one
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw invalid(text);
    }
    String number = m.group(1);
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    long multiplier;
    if (unit.isEmpty()) {
      if (number.contains(".")) {
        throw invalid(text); // a fraction of a byte
      }
      multiplier = 1;
    } else {
      Long u = UNITS.get(unit);
      if (u == null) {
        throw invalid(text);
      }
      multiplier = u;
    }
    BigDecimal bytes =
        new BigDecimal(number)
            .multiply(BigDecimal.valueOf(multiplier))
            .setScale(0, RoundingMode.DOWN);
    if (bytes.signum() <= 0) {
      throw new IllegalArgumentException("must be greater than 0 bytes, got '" + text + "'");
    }
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return bytes.longValueExact();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
  }
}
