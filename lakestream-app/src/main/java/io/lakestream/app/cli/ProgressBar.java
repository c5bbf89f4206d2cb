package io.lakestream.app.cli;

import java.util.Locale;

/** The one-line progress bar long-running commands redraw on stderr. */
final class ProgressBar {

  private static final int WIDTH = 30;

  private ProgressBar() {}

  /** Redraws the line: {@code [#####.....] 45%} then {@code detail}. */
  static void draw(double fraction, String detail) {
    double f = Math.max(0, Math.min(1, fraction));
    int filled = (int) Math.round(f * WIDTH);
    System.err.printf(
        Locale.ROOT,
        "\r\033[K[%s%s] %3.0f%%  %s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        f * 100,
        detail);
    System.err.flush();
  }

  /** Clears the line before the command prints its results. */
  static void clear() {
    System.err.print("\r\033[K");
  }
}
