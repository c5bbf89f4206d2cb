package io.lakestream.export;

/** An export failed; the message says what went wrong and, where it can, what to do about it. */
public class ExportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An error with a message for the user. */
  public ExportException(String message) {
    super(message);
  }

  /** An error with a message for the user and its cause. */
  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
