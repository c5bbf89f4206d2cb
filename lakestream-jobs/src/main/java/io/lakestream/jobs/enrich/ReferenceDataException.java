package io.lakestream.jobs.enrich;

/**
 * The error thrown when a reference table cannot be read at all; the message names the reference,
 * the file, URL or topic, what is wrong and what to do about it.
 */
public class ReferenceDataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ReferenceDataException(String message) {
    super(message);
  }

  public ReferenceDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
