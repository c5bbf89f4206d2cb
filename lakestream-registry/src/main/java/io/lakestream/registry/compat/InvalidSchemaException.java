package io.lakestream.registry.compat;

/**
 * Thrown when a schema document cannot be registered: malformed, over a size or depth limit, or not
 * self-contained. The message says what is wrong and where (a JSON pointer or Avro name), and is
 * meant to be returned to the client as a 4xx response body.
 */
public class InvalidSchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a client-facing message. */
  public InvalidSchemaException(String message) {
    super(message);
  }

  /** Creates the exception with a client-facing message and the parser's exception as cause. */
  public InvalidSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
