package io.lakestream.gateway.http.internal;

/**
 * A request the gateway refuses, carrying everything needed to render the JSON error answer.
 *
 * <p>Thrown from handlers and turned into a response by one exception mapper, so every refusal
 * looks the same on the wire and is logged in one place. It has no stack trace: refusals are
 * routine (bad client input) and filling a trace per bad request would be wasted work.
 */
public final class RequestRejected extends RuntimeException {

  private final int status;
  private final String code;
  private int line = -1;
  private int column = -1;
  private int index = -1;
  private long maxBytes = -1;
  private long retryAfterSeconds = -1;
  private boolean bearerChallenge;
  private String allow;
  private boolean closeConnection;

  public RequestRejected(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** Adds the 1-based line and column of a JSON syntax problem. */
  public RequestRejected at(int line, int column) {
    this.line = line;
    this.column = column;
    return this;
  }

  /** Adds the 0-based index of the offending array element. */
  public RequestRejected index(int index) {
    this.index = index;
    return this;
  }

  /** Adds the body size limit (413). */
  public RequestRejected maxBytes(long maxBytes) {
    this.maxBytes = maxBytes;
    return this;
  }

  /** Adds a {@code Retry-After} header (503). */
  public RequestRejected retryAfter(long seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  /** Adds a {@code WWW-Authenticate: Bearer} challenge (401). */
  public RequestRejected bearerChallenge() {
    this.bearerChallenge = true;
    return this;
  }

  /** Adds an {@code Allow} header (405). */
  public RequestRejected allow(String methods) {
    this.allow = methods;
    return this;
  }

  /**
   * Asks for the connection to be closed after the answer, used when the body was left unread:
   * reading it just to keep the connection alive would defeat the size limit.
   */
  public RequestRejected closeConnection() {
    this.closeConnection = true;
    return this;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public int index() {
    return index;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public boolean hasBearerChallenge() {
    return bearerChallenge;
  }

  public String allowedMethods() {
    return allow;
  }

  public boolean closesConnection() {
    return closeConnection;
  }
}
