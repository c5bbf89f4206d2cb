package io.lakestream.notify;

/**
 * Hears every {@link DeliveryOutcome}: each retry and each delivery's final result. Use it for
 * metrics and an audit trail.
 *
 * <p>It is called from the channels' worker threads, concurrently, and for "queue full" and
 * "notifier closed" outcomes from the thread calling {@link Notifier#submit}; so it must be
 * thread-safe and return quickly. Exceptions it throws are logged and otherwise ignored.
 */
@FunctionalInterface
public interface DeliveryListener {

  /** A listener that ignores outcomes. */
  DeliveryListener NONE = outcome -> {};

  /** Called once per outcome. */
  void onOutcome(DeliveryOutcome outcome);
}
