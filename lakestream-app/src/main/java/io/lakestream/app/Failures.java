package io.lakestream.app;

/** How failures are told to users. */
public final class Failures {

  private Failures() {}

  /**
   * The innermost cause of {@code t}, as {@code SimpleClassName: message}: usually the one that
   * says what went wrong (a refused connection, a missing file).
   */
  public static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
}
