package io.lakestream.search.opensearch;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between attempts: {@code initial * 2^(retry-1)}, capped at {@code max}, with
 * up to 20 % jitter subtracted so that many writers do not retry in lock step. A {@code
 * Retry-After} the cluster sent raises the delay to at least that value, still capped at {@code
 * max} so that a misbehaving proxy cannot park the pipeline for hours.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /**
   * The delay before retry number {@code retry} (1 for the first retry).
   *
   * @param retryAfter what the server asked for, or {@code null}
   */
  Duration delay(int retry, Duration retryAfter) {
    long base = initial.toMillis();
    long cap = max.toMillis();
    long exp = base;
    for (int i = 1; i < retry && exp < cap; i++) {
      exp *= 2;
    }
    exp = Math.min(exp, cap);
    long jitter = exp <= 1 ? 0 : ThreadLocalRandom.current().nextLong(exp / 5 + 1);
    long delay = exp - jitter;
    if (retryAfter != null) {
      delay = Math.max(delay, Math.min(retryAfter.toMillis(), cap));
    }
    return Duration.ofMillis(delay);
  }

  /**
   * Parses a {@code Retry-After} header: delay seconds or an HTTP date; {@code null} when absent or
   * unreadable.
   */
  static Duration parseRetryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.trim();
    try {
      long seconds = Long.parseLong(h);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
