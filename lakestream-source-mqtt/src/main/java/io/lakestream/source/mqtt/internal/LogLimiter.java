package io.lakestream.source.mqtt.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts the ones it held back, so a client that sends
 * thousands of bad messages a second cannot flood the log.
 *
 * <p>{@code if (limiter.allow()) LOG.warn("... ({} similar suppressed)", ...,
 * limiter.suppressed());}
 */
public final class LogLimiter {

  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong lastHeld = new AtomicLong();

  public LogLimiter(long interval, TimeUnit unit) {
    this.intervalNanos = unit.toNanos(interval);
  }

  /** Whether to log now; when not, the line is counted as suppressed. */
  public boolean allow() {
    long now = System.nanoTime();
    long due = next.get();
    if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + intervalNanos)) {
      lastHeld.set(held.getAndSet(0));
      return true;
    }
    held.incrementAndGet();
    return false;
  }

  /** How many lines were held back before the one {@link #allow()} just let through. */
  public long suppressed() {
    return lastHeld.get();
  }
}
