package io.lakestream.notify;

/**
 * A place alerts go to. A channel makes single delivery attempts; the {@link Notifier} queues,
 * retries and reports. Create channels through {@link Notifier#create}, or directly to check a
 * configuration (the constructors run the {@link TargetGuard} check).
 */
public abstract sealed class NotificationChannel implements AutoCloseable
    permits WebhookChannel, SlackChannel, LogChannel {

  NotificationChannel() {}

  /** The configuration the channel was made from. */
  public abstract ChannelConfig config();

  /** The channel's name. */
  public String name() {
    return config().name();
  }

  /** Makes one attempt; never throws for delivery problems, which are results. */
  abstract AttemptResult attempt(Delivery delivery, int attempt);

  abstract RetryPolicy retryPolicy();

  /** Releases what the channel holds; the default holds nothing. */
  @Override
  public void close() {}
}
