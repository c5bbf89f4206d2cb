package io.lakestream.notify;

import io.lakestream.api.alert.AlertEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to a set of channels without ever holding up the caller.
 *
 * <h2>Delivery</h2>
 *
 * <p>{@link #submit} hands an alert to every channel whose filters accept it (minimum severity,
 * detector names) and returns at once; it never blocks and never throws. Each channel has its own
 * bounded queue and small pool of worker threads, so a slow or hanging receiver delays only its own
 * channel. A channel holds at most {@link ChannelConfig#queueCapacity()} deliveries (waiting, in
 * flight or waiting to retry); an alert that finds it full is recorded as {@link
 * DeliveryOutcome.Status#FAILED} with reason "queue full". Nothing is lost for good that way: the
 * alert is still on the alerts topic and in the lake.
 *
 * <h2>Attempts and retries</h2>
 *
 * <p>HTTP channels make one attempt at a time per delivery, each limited by the channel's timeout.
 * A 2xx response delivers. Connection errors, timeouts, a host that does not resolve, and HTTP 408,
 * 429 and 5xx are retried, up to {@code max_attempts} attempts in total; other 4xx, 3xx (redirects
 * are not followed) and targets refused by the {@link TargetGuard} fail at once, with the status
 * and the first 200 characters of the response body in the error. Delays between attempts are
 * exponential with full jitter (random between 0 and {@code initial_backoff * 2^(retry-1)}, capped
 * at {@code max_backoff}); a {@code Retry-After} header (seconds or HTTP date) is honoured up to
 * {@code max_backoff}. Waiting retries sit in a scheduler, not in a worker thread.
 *
 * <h2>Outcomes</h2>
 *
 * <p>Each retry and each final result goes to the {@link DeliveryListener} and to the counters of
 * {@link #stats()}. Final failures are also logged at WARN (queue-full ones at most every 10
 * seconds per channel, with a count).
 *
 * <h2>Closing</h2>
 *
 * <p>{@link #close(Duration)} stops taking alerts, waits up to the timeout for held deliveries
 * (including scheduled retries) to finish, then stops the workers and records what is left as
 * failed with reason "notifier closed".
 */
public final class Notifier implements AutoCloseable {

  /** How long {@link #close()} waits for held deliveries. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final long QUEUE_FULL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<Lane> lanes;
  private final DeliveryListener listener;
  private final ScheduledThreadPoolExecutor scheduler;
  private volatile boolean closed;
  private final Object closeLock = new Object();
  private Boolean closeResult;

  private Notifier(List<NotificationChannel> channels, DeliveryListener listener) {
    this.listener = listener == null ? DeliveryListener.NONE : listener;
    this.scheduler = new ScheduledThreadPoolExecutor(1, threads("lakestream-notify-retry"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    List<Lane> l = new ArrayList<>();
    for (NotificationChannel c : channels) {
      l.add(new Lane(c));
    }
    this.lanes = List.copyOf(l);
  }

  /**
   * Creates the channels and starts their workers.
   *
   * @param configs one per channel; names must be unique
   * @param listener hears every outcome; null for none
   * @throws IllegalArgumentException when names repeat, or a channel's URL is refused by the SSRF
   *     guard or does not resolve; the message names the channel
   */
  public static Notifier create(List<? extends ChannelConfig> configs, DeliveryListener listener) {
    Set<String> names = new HashSet<>();
    for (ChannelConfig c : configs) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException(
            "two notification channels are named '"
                + c.name()
                + "'; give each channel its own name");
      }
    }
    List<NotificationChannel> channels = new ArrayList<>();
    try {
      for (ChannelConfig c : configs) {
        channels.add(channel(c));
      }
    } catch (RuntimeException e) {
      channels.forEach(NotificationChannel::close);
      throw e;
    }
    return new Notifier(channels, listener);
  }

  private static NotificationChannel channel(ChannelConfig config) {
    if (config instanceof WebhookConfig w) {
      return new WebhookChannel(w);
    } else if (config instanceof SlackConfig s) {
      return new SlackChannel(s);
    } else if (config instanceof LogConfig l) {
      return new LogChannel(l);
    }
    throw new IllegalArgumentException("unknown channel config " + config);
  }

  /** A notifier over channels made by the caller (tests use it to inject guards and clocks). */
  static Notifier of(List<NotificationChannel> channels, DeliveryListener listener) {
    return new Notifier(channels, listener);
  }

  /**
   * Hands the alert to every channel that accepts it. Never blocks, never throws: problems become
   * {@link DeliveryOutcome}s.
   */
  public void submit(AlertEvent alert) {
    if (alert == null) {
      LOG.warn("ignoring a null alert submitted for notification");
      return;
    }
    for (Lane lane : lanes) {
      try {
        lane.offer(alert);
      } catch (RuntimeException | Error e) {
        LOG.error(
            "channel '{}' could not take alert {}: {}", lane.channel.name(), alert.alertId(), e, e);
      }
    }
  }

  /** The channels' names, in configuration order. */
  public List<String> channelNames() {
    return lanes.stream().map(l -> l.channel.name()).toList();
  }

  /** Counters per channel name, in configuration order. */
  public Map<String, ChannelStats> stats() {
    Map<String, ChannelStats> out = new LinkedHashMap<>();
    for (Lane lane : lanes) {
      out.put(lane.channel.name(), lane.stats());
    }
    return Collections.unmodifiableMap(out);
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops taking alerts (later ones are recorded as failed, "notifier closed"), waits up to the
   * timeout for held deliveries, then stops the workers; deliveries still held are recorded as
   * failed. Calling it again returns the first call's result.
   *
   * @return whether every held delivery finished within the timeout
   */
  public boolean close(Duration timeout) {
    synchronized (closeLock) {
      if (closeResult != null) {
        return closeResult;
      }
      closed = true;
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean drained = true;
      for (Lane lane : lanes) {
        drained &= lane.awaitEmpty(deadline);
      }
      // Record what is left first, so that attempts cut short below report nothing of their own.
      for (Lane lane : lanes) {
        lane.abandonRest(timeout);
      }
      scheduler.shutdownNow();
      for (Lane lane : lanes) {
        lane.workers.shutdownNow();
        lane.channel.close();
      }
      for (Lane lane : lanes) {
        try {
          lane.workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      closeResult = drained;
      return drained;
    }
  }

  private void emit(DeliveryOutcome outcome) {
    try {
      listener.onOutcome(outcome);
    } catch (RuntimeException e) {
      LOG.error("delivery listener failed on {}: {}", outcome, e.toString(), e);
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One channel's queue, workers, counters and held deliveries. */
  private final class Lane {
    final NotificationChannel channel;
    final ChannelConfig config;
    final RetryPolicy policy;
    final int capacity;
    final ThreadPoolExecutor workers;
    final Set<Delivery> held = ConcurrentHashMap.newKeySet();
    final AtomicInteger pending = new AtomicInteger();
    final LongAdder delivered = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final AtomicLong queueFullSinceLog = new AtomicLong();
    final AtomicLong lastQueueFullLog =
        new AtomicLong(System.nanoTime() - QUEUE_FULL_LOG_INTERVAL_NANOS);

    Lane(NotificationChannel channel) {
      this.channel = channel;
      this.config = channel.config();
      this.policy = channel.retryPolicy();
      this.capacity = config.queueCapacity();
      int n = config.workers();
      // Unbounded work queue: what bounds it is `pending`, checked before anything is queued.
      this.workers =
          new ThreadPoolExecutor(
              n,
              n,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              threads("lakestream-notify-" + channel.name()));
    }

    void offer(AlertEvent alert) {
      if (!config.accepts(alert)) {
        return;
      }
      Delivery d = new Delivery(alert);
      if (closed) {
        failed.increment();
        emit(outcome(d, DeliveryOutcome.Status.FAILED, 0, 0, closedReason()));
        return;
      }
      if (pending.incrementAndGet() > capacity) {
        pending.decrementAndGet();
        failed.increment();
        String reason =
            "queue full: channel '"
                + channel.name()
                + "' already holds "
                + capacity
                + " deliveries (queue_capacity); the alert is still on the alerts topic and in"
                + " the lake";
        logQueueFull(reason);
        emit(outcome(d, DeliveryOutcome.Status.FAILED, 0, 0, reason));
        return;
      }
      held.add(d);
      dispatch(d);
    }

    void dispatch(Delivery d) {
      try {
        workers.execute(() -> run(d));
      } catch (RejectedExecutionException e) {
        finish(d, DeliveryOutcome.Status.FAILED, 0, closedReason());
      }
    }

    void run(Delivery d) {
      if (d.finished.get()) {
        return;
      }
      int n = d.attempts.incrementAndGet();
      AttemptResult r;
      try {
        r = channel.attempt(d, n);
      } catch (RuntimeException e) {
        LOG.error(
            "channel '{}' failed unexpectedly on alert {}", channel.name(), d.alert.alertId(), e);
        r = AttemptResult.permanent(0, "unexpected error in channel: " + e);
      }
      switch (r.kind()) {
        case SUCCESS -> finish(d, DeliveryOutcome.Status.DELIVERED, r.httpStatus(), null);
        case PERMANENT -> finish(d, DeliveryOutcome.Status.FAILED, r.httpStatus(), r.error());
        case RETRYABLE -> {
          if (n >= policy.maxAttempts()) {
            finish(
                d,
                DeliveryOutcome.Status.FAILED,
                r.httpStatus(),
                r.error() + " (gave up after " + n + (n == 1 ? " attempt)" : " attempts)"));
          } else {
            retry(d, r);
          }
        }
      }
    }

    void retry(Delivery d, AttemptResult r) {
      if (d.finished.get()) {
        return; // the notifier closed meanwhile and has recorded it
      }
      long delay = policy.delayNanos(d.attempts.get(), r.retryAfter());
      retries.increment();
      String error =
          r.error()
              + " (attempt "
              + d.attempts.get()
              + " of "
              + policy.maxAttempts()
              + "; retrying in "
              + TimeUnit.NANOSECONDS.toMillis(delay)
              + " ms)";
      LOG.debug("channel '{}', alert {}: {}", channel.name(), d.alert.alertId(), error);
      emit(outcome(d, DeliveryOutcome.Status.RETRYING, d.attempts.get(), r.httpStatus(), error));
      try {
        scheduler.schedule(() -> dispatch(d), delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        finish(d, DeliveryOutcome.Status.FAILED, r.httpStatus(), closedReason());
      }
    }

    void finish(Delivery d, DeliveryOutcome.Status status, int httpStatus, String error) {
      finish(d, status, httpStatus, error, true);
    }

    void finish(
        Delivery d, DeliveryOutcome.Status status, int httpStatus, String error, boolean log) {
      if (!d.finished.compareAndSet(false, true)) {
        return;
      }
      held.remove(d);
      if (status == DeliveryOutcome.Status.DELIVERED) {
        delivered.increment();
      } else {
        failed.increment();
      }
      if (status != DeliveryOutcome.Status.DELIVERED && log) {
        LOG.warn(
            "{} channel '{}': alert {} (delivery {}) not delivered: {}",
            config.kind(),
            channel.name(),
            d.alert.alertId(),
            d.id,
            error);
      }
      DeliveryOutcome o = outcome(d, status, d.attempts.get(), httpStatus, error);
      pending.decrementAndGet();
      emit(o);
      synchronized (this) {
        notifyAll();
      }
    }

    boolean awaitEmpty(long deadlineNanos) {
      synchronized (this) {
        while (pending.get() > 0) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
        return true;
      }
    }

    void abandonRest(Duration timeout) {
      List<Delivery> rest = List.copyOf(held);
      for (Delivery d : rest) {
        finish(
            d,
            DeliveryOutcome.Status.FAILED,
            0,
            DeliveryOutcome.CLOSED_PREFIX
                + ": still pending after waiting "
                + HttpSender.human(timeout)
                + " ("
                + d.attempts.get()
                + " attempts made)",
            false);
      }
      if (!rest.isEmpty()) {
        LOG.warn(
            "{} channel '{}': {} alert(s) not delivered, still pending when the notifier closed",
            config.kind(),
            channel.name(),
            rest.size());
      }
    }

    ChannelStats stats() {
      return new ChannelStats(delivered.sum(), failed.sum(), retries.sum(), pending.get());
    }

    private String closedReason() {
      return DeliveryOutcome.CLOSED_PREFIX
          + ": channel '"
          + channel.name()
          + "' no longer takes alerts";
    }

    private DeliveryOutcome outcome(
        Delivery d, DeliveryOutcome.Status status, int attempts, int httpStatus, String error) {
      return new DeliveryOutcome(
          channel.name(),
          d.alert.alertId(),
          d.id,
          status,
          attempts,
          httpStatus,
          error,
          d.elapsedMillis());
    }

    private void logQueueFull(String reason) {
      queueFullSinceLog.incrementAndGet();
      long now = System.nanoTime();
      long last = lastQueueFullLog.get();
      if (now - last >= QUEUE_FULL_LOG_INTERVAL_NANOS
          && lastQueueFullLog.compareAndSet(last, now)) {
        long count = queueFullSinceLog.getAndSet(0);
        LOG.warn(
            "{} channel '{}': {} alert(s) not queued: {}",
            config.kind(),
            channel.name(),
            count,
            reason);
      }
    }
  }
}
