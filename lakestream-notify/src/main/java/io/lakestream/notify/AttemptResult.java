package io.lakestream.notify;

import java.time.Duration;

/**
 * The result of one delivery attempt.
 *
 * @param kind success, worth retrying, or final failure
 * @param httpStatus the response status, or 0 when there was no response
 * @param error what went wrong, for people; null on success
 * @param retryAfter the delay the receiver asked for, or null
 */
record AttemptResult(Kind kind, int httpStatus, String error, Duration retryAfter) {

  enum Kind {
    SUCCESS,
    RETRYABLE,
    PERMANENT
  }

  static AttemptResult success(int httpStatus) {
    return new AttemptResult(Kind.SUCCESS, httpStatus, null, null);
  }

  static AttemptResult retryable(int httpStatus, String error, Duration retryAfter) {
    return new AttemptResult(Kind.RETRYABLE, httpStatus, error, retryAfter);
  }

  static AttemptResult permanent(int httpStatus, String error) {
    return new AttemptResult(Kind.PERMANENT, httpStatus, error, null);
  }
}
