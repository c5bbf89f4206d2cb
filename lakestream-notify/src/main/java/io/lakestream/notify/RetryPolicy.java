package io.lakestream.notify;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a delivery again: exponential backoff with full jitter. Before retry {@code n} (after
 * {@code n} failed attempts) the delay is uniformly random between 0 and {@code min(maxBackoff,
 * initialBackoff * multiplier^(n-1))}, which spreads retries of many deliveries over time instead
 * of sending them in waves. A receiver's {@code Retry-After} replaces the random delay, capped at
 * {@code maxBackoff}.
 */
record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

  static final double DEFAULT_MULTIPLIER = 2.0;

  /** A single attempt, no retries. */
  static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), DEFAULT_MULTIPLIER);

  /** The longest delay before the retry that follows {@code attemptsMade} failed attempts. */
  long ceilingNanos(int attemptsMade) {
    double ceiling = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attemptsMade - 1));
    return (long) Math.min(ceiling, (double) maxBackoff.toNanos());
  }

  /**
   * The delay before the next attempt.
   *
   * @param attemptsMade attempts made so far (at least 1)
   * @param retryAfter what the receiver asked for, or null
   */
  long delayNanos(int attemptsMade, Duration retryAfter) {
    if (retryAfter != null && !retryAfter.isNegative()) {
      return Math.min(retryAfter.toNanos(), maxBackoff.toNanos());
    }
    long ceiling = ceilingNanos(attemptsMade);
    return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
  }
}
