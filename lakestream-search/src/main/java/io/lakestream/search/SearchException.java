package io.lakestream.search;

/**
 * A search the caller got wrong (syntax, unknown field, limits): the message is written for the
 * user and is meant to be returned as an HTTP 400.
 */
public class SearchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int position;

  /** An error without a position in the query. */
  public SearchException(String message) {
    this(message, -1, null);
  }

  /**
   * An error at a position of the query.
   *
   * @param position 1-based character position in the query, or -1 when not applicable
   */
  public SearchException(String message, int position, Throwable cause) {
    super(message, cause);
    this.position = position;
  }

  /** 1-based character position of the error in the query, or -1. */
  public int position() {
    return position;
  }
}
