package io.lakestream.jobs.enrich;

import io.lakestream.api.config.ReferenceConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live, in-memory copy of a reference table, loaded when opened and then kept fresh by a daemon
 * thread named {@code lakestream-reference-<name>}.
 *
 * <p>Files and JDBC tables are re-read whole and swapped in as a new immutable map, so a lookup
 * sees either the old or the new table, never a mix; a Kafka topic's records are applied one by one
 * to a concurrent map as they arrive. When a refresh fails the previous data stays in use and a
 * warning is logged.
 *
 * <pre>{@code
 * try (ReferenceData devices = ReferenceData.open(cfg, "kafka:9092", Map.of())) {
 *   Object[] row = devices.lookup("dev-1"); // values in cfg.columns() order, or null
 * }
 * }</pre>
 */
public final class ReferenceData implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);
  private static final Duration MIN_REFRESH = Duration.ofMillis(10);
  private static final Duration KAFKA_POLL = Duration.ofSeconds(1);
  private static final Duration KAFKA_RETRY = Duration.ofSeconds(5);
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  private final ReferenceConfig cfg;
  private final String source;
  private final KafkaTableFeed feed;
  private final AtomicLong version = new AtomicLong(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Map<String, Object[]> rows;
  private volatile Thread refresher;

  private ReferenceData(
      ReferenceConfig cfg, String source, Map<String, Object[]> rows, KafkaTableFeed feed) {
    this.cfg = cfg;
    this.source = source;
    this.rows = rows;
    this.feed = feed;
  }

  /**
   * Loads the reference table and starts keeping it fresh.
   *
   * @param kafkaBootstrapServers the pipeline's Kafka, for {@link ReferenceConfig.Type#KAFKA}
   * @param kafkaProperties the pipeline's Kafka client properties (security and the like), for
   *     {@link ReferenceConfig.Type#KAFKA}; the reference's own properties override them
   * @throws ReferenceDataException when the table cannot be loaded at all
   */
  public static ReferenceData open(
      ReferenceConfig cfg, String kafkaBootstrapServers, Map<String, String> kafkaProperties) {
    Objects.requireNonNull(cfg, "cfg");
    return switch (cfg.type()) {
      case FILE -> fromSnapshots(cfg, new FileTableReader(cfg));
      case JDBC -> fromSnapshots(cfg, new JdbcTableReader(cfg));
      case KAFKA -> fromTopic(cfg, kafkaBootstrapServers, kafkaProperties);
    };
  }

  private static ReferenceData fromSnapshots(ReferenceConfig cfg, SnapshotReader reader) {
    long t0 = System.nanoTime();
    SnapshotReader.Snapshot snapshot = reader.readIfChanged();
    if (snapshot == null) {
      throw new IllegalStateException("a first read returned nothing: " + reader.describe());
    }
    snapshot.warnings().summarize();
    Map<String, Object[]> first = snapshot.rows();
    ReferenceData data = new ReferenceData(cfg, reader.describe(), first, null);
    LOG.info(
        "reference {}: loaded {} rows from {} in {} ms; checking for changes every {}",
        cfg.name(),
        first.size(),
        reader.describe(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
        cfg.refresh());
    data.start(() -> data.refreshSnapshots(reader));
    return data;
  }

  private static ReferenceData fromTopic(
      ReferenceConfig cfg, String bootstrap, Map<String, String> kafkaProperties) {
    long t0 = System.nanoTime();
    KafkaTableFeed feed = new KafkaTableFeed(cfg, bootstrap, kafkaProperties);
    // Applied to in place from here on: a topic delivers changes row by row, not whole tables.
    ConcurrentHashMap<String, Object[]> rows = new ConcurrentHashMap<>();
    try {
      LoadWarnings warnings = LoadWarnings.immediate(LOG, cfg.name(), feed.describe());
      feed.loadInitial(rows, warnings);
      warnings.summarize();
    } catch (RuntimeException e) {
      try {
        feed.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    ReferenceData data = new ReferenceData(cfg, feed.describe(), rows, feed);
    LOG.info(
        "reference {}: loaded {} rows from {} in {} ms; following it for changes",
        cfg.name(),
        rows.size(),
        feed.describe(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    data.start(() -> data.followTopic(rows));
    return data;
  }

  private void start(Runnable loop) {
    Thread t = new Thread(loop, "lakestream-reference-" + cfg.name());
    t.setDaemon(true);
    t.setUncaughtExceptionHandler(
        (thread, e) ->
            LOG.error(
                "reference {}: the refresher stopped; the table will no longer change",
                cfg.name(),
                e));
    refresher = t;
    t.start();
  }

  /**
   * The row of a key, its values in {@code cfg.columns()} order as Flink internal values ({@code
   * StringData}, {@code Long}, {@code Double}, {@code Boolean}, {@code TimestampData}, or {@code
   * null}), or {@code null} when there is no row. The array is shared: do not change it.
   */
  public Object[] lookup(String key) {
    return key == null ? null : rows.get(key);
  }

  /** Starts at 1 and goes up whenever changed data is swapped in or applied. */
  public long version() {
    return version.get();
  }

  /** The number of rows. */
  public int size() {
    return rows.size();
  }

  /** Stops keeping the table fresh; lookups go on answering from the last data. */
  @Override
  public void close() {
    closing.countDown();
    if (feed != null) {
      feed.wakeup();
    }
    Thread t = refresher;
    if (t != null && t != Thread.currentThread()) {
      try {
        // a JDBC read in progress is not interruptible everywhere; the thread is a daemon anyway
        t.join(CLOSE_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits for the next refresh; true when closing instead. */
  private boolean awaitClosing(Duration wait) {
    try {
      return closing.await(Math.max(wait.toNanos(), MIN_REFRESH.toNanos()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void refreshSnapshots(SnapshotReader reader) {
    while (!awaitClosing(cfg.refresh())) {
      try {
        SnapshotReader.Snapshot snapshot = reader.readIfChanged();
        if (snapshot == null) {
          continue;
        }
        Map<String, Object[]> previous = rows;
        Map<String, Object[]> next = snapshot.rows();
        if (reader.compareBeforeSwap() && sameRows(previous, next)) {
          // its bad rows, if any, were reported when this data was swapped in
          LOG.debug("reference {}: {} unchanged", cfg.name(), source);
          continue;
        }
        snapshot.warnings().summarize();
        rows = next;
        LOG.info(
            "reference {}: reloaded {}: {} rows (before: {}), version {}",
            cfg.name(),
            source,
            next.size(),
            previous.size(),
            version.incrementAndGet());
      } catch (ReferenceDataException e) {
        LOG.warn(
            "reference {}: refresh failed, keeping the {} rows read before: {}",
            cfg.name(),
            rows.size(),
            withoutName(e.getMessage()));
      } catch (RuntimeException e) {
        LOG.warn(
            "reference {}: refresh of {} failed, keeping the {} rows read before",
            cfg.name(),
            source,
            rows.size(),
            e);
      }
    }
  }

  /** The message without its "reference NAME: " opening, which the log line already has. */
  private String withoutName(String message) {
    String opening = "reference " + cfg.name() + ": ";
    return message != null && message.startsWith(opening)
        ? message.substring(opening.length())
        : message;
  }

  private static boolean sameRows(Map<String, Object[]> a, Map<String, Object[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<String, Object[]> e : b.entrySet()) {
      if (!Arrays.equals(e.getValue(), a.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private void followTopic(Map<String, Object[]> live) {
    // Bad records keep arriving on a topic; warnings are limited per refresh interval instead.
    LoadWarnings warnings = LoadWarnings.immediate(LOG, cfg.name(), source);
    long windowStart = System.nanoTime();
    try {
      while (closing.getCount() > 0) {
        try {
          if (feed.poll(live, KAFKA_POLL, warnings)) {
            version.incrementAndGet();
          }
        } catch (WakeupException e) {
          // close() woke us up; the loop condition ends it
        } catch (RuntimeException e) {
          LOG.warn(
              "reference {}: reading {} failed, keeping the {} rows it has; retrying in {}",
              cfg.name(),
              source,
              live.size(),
              KAFKA_RETRY,
              e);
          if (awaitClosing(KAFKA_RETRY)) {
            break;
          }
        }
        if (System.nanoTime() - windowStart >= cfg.refresh().toNanos()) {
          warnings.summarize();
          warnings = LoadWarnings.immediate(LOG, cfg.name(), source);
          windowStart = System.nanoTime();
        }
      }
    } finally {
      warnings.summarize();
      feed.close();
    }
  }
}
