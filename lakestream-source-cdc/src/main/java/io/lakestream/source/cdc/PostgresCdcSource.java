package io.lakestream.source.cdc;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.lakestream.api.config.CdcSettings;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.IngestServer;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.cdc.internal.BatchHandler;
import io.lakestream.source.cdc.internal.ChangeEventEncoder;
import io.lakestream.source.cdc.internal.EngineProperties;
import io.lakestream.source.cdc.internal.ServerCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code postgres_cdc} source: row changes of PostgreSQL tables, read through logical
 * replication ({@code pgoutput}) by the Debezium embedded engine, sent to the pipeline's raw topic
 * as one JSON event per row change.
 *
 * <pre>{@code
 * IngestServer cdc = PostgresCdcSource.create(sourceConfig, rawSink, counters, dataDir.resolve("cdc/orders"));
 * cdc.start();   // checks the server, then snapshot (snapshot: initial), then streaming
 * ...
 * cdc.close();
 * }</pre>
 *
 * <h2>Events</h2>
 *
 * One per inserted, updated, deleted or snapshot-read row:
 *
 * <pre>{@code
 * {"id": "23861544:public.orders:42",
 *  "op": "u",                      // c insert, u update, d delete, r snapshot read
 *  "table": "public.orders",
 *  "key": {"order_id": 42},        // the primary key columns
 *  "before": {"order_id": 42, "status": "new", "total": 12.50, ...},   // null for c and r
 *  "after":  {"order_id": 42, "status": "paid", "total": 12.50, ...},  // null for d
 *  "lsn": 23861544,                // WAL position of this row change
 *  "tx_id": 771,                   // PostgreSQL transaction id
 *  "commit_time": "2026-11-23T14:05:00.123456Z",
 *  "snapshot": false}
 * }</pre>
 *
 * <ul>
 *   <li>Column values: numbers as JSON numbers, {@code numeric} with every stored digit (never
 *       rounded through a double; a {@code numeric} {@code NaN} arrives as {@code null}),
 *       timestamps and dates as ISO-8601 strings ({@code timestamptz} in UTC with {@code Z}, {@code
 *       timestamp} without offset), {@code json}/{@code jsonb} embedded as JSON, {@code bytea} as
 *       base64, arrays as arrays; details in {@code ConnectJson}.
 *   <li>{@code before}: PostgreSQL logs the old row only with {@code REPLICA IDENTITY FULL} ({@code
 *       ALTER TABLE t REPLICA IDENTITY FULL}); otherwise updates have {@code before = null} and
 *       deletes carry only the key columns in {@code before}. {@code start()} logs a warning per
 *       table that lacks it. Large unchanged values (TOAST) of an update without it read {@code
 *       "__debezium_unavailable_value"}.
 *   <li>{@code commit_time}: the commit time of the transaction; for snapshot reads, when the row
 *       was read.
 *   <li>{@code id}: {@code <lsn>:<schema.table>:<key>} for streamed changes; snapshot reads, which
 *       all share the snapshot's LSN, get {@code snapshot:<schema.table>:<key>:<hash of after>}, so
 *       a snapshot repeated after a crash gives unchanged rows the same ids. Changes delivered
 *       again after a crash carry the ids of their first delivery, and the job's dedup removes
 *       them.
 *   <li>Kafka key: the primary key as text: the value of a one-column key ({@code 42}), or the
 *       columns as compact JSON ({@code {"order_id":42,"line":1}}). In the pipeline file use {@code
 *       key: key} and declare {@code key} as an object in the schema; the source sets the Kafka key
 *       itself, so all changes of one row stay in order.
 *   <li>Every table needs a primary key: {@code start()} refuses tables without one. Deletes have
 *       {@code after = null}; Debezium's tombstones are turned off.
 * </ul>
 *
 * <h2>Delivery</h2>
 *
 * At least once, nothing acknowledged lost: the offsets of a batch are written (synced, in {@code
 * stateDir/offsets.json}) only after {@link RawSink#send} completed for all its records, and only
 * then does the connector confirm the position to the replication slot, so PostgreSQL keeps every
 * change Kafka does not hold yet. Kafka failures are retried with backoff without reading further.
 * After a crash or kill the changes since the last committed batch are read again with the same
 * ids. If the engine stops on an error it is restarted after a pause (1 s doubling to 1 min) and
 * resumes from the committed offsets; the error is logged each time.
 */
public final class PostgresCdcSource implements IngestServer {

  /** The source type in the pipeline file. */
  public static final String TYPE = "postgres_cdc";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresCdcSource.class);

  /** Timings; the defaults suit production, tests shorten them. */
  record Options(
      Duration pollInterval,
      Duration heartbeat,
      Duration startTimeout,
      Duration closeGrace,
      Duration closeTimeout,
      Duration firstRestart,
      Duration maxRestart,
      Duration maxSendRetry) {

    static final Options DEFAULTS =
        new Options(
            Duration.ofMillis(20),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofSeconds(30));

    Options withCloseGrace(Duration grace) {
      return new Options(
          pollInterval,
          heartbeat,
          startTimeout,
          grace,
          closeTimeout,
          firstRestart,
          maxRestart,
          maxSendRetry);
    }
  }

  private final String name;
  private final CdcSettings settings;
  private final Path stateDir;
  private final Options options;
  private final BatchHandler handler;
  private final Object lock = new Object();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger failures = new AtomicInteger();

  private ExecutorService engineThreads;
  private ScheduledExecutorService restarts;
  private Run current;
  private volatile boolean running;
  private volatile boolean closing;

  private PostgresCdcSource(
      SourceConfig source, RawSink sink, SourceCounters counters, Path stateDir, Options options) {
    this.name = source.name();
    this.settings =
        Objects.requireNonNull(
            source.settings(CdcSettings.class), "source " + name + " has no postgres_cdc block");
    this.stateDir = stateDir;
    this.options = options;
    ChangeEventEncoder encoder =
        new ChangeEventEncoder(
            TYPE + " " + settings.host() + ":" + settings.port() + "/" + settings.database());
    this.handler =
        new BatchHandler(
            name, sink, counters, encoder, options.maxSendRetry(), () -> failures.set(0));
  }

  /**
   * Creates the source; nothing connects before {@link #start()}.
   *
   * @param source the source's config; its settings must be a {@link CdcSettings}
   * @param sink the pipeline's raw topic
   * @param counters this source's counters
   * @param stateDir this source's own durable folder (holds the offsets file); created if missing
   */
  public static PostgresCdcSource create(
      SourceConfig source, RawSink sink, SourceCounters counters, Path stateDir) {
    return new PostgresCdcSource(source, sink, counters, stateDir, Options.DEFAULTS);
  }

  static PostgresCdcSource create(
      SourceConfig source, RawSink sink, SourceCounters counters, Path stateDir, Options options) {
    return new PostgresCdcSource(source, sink, counters, stateDir, options);
  }

  /**
   * Checks the server, then starts the engine and waits (up to a minute) until it has connected to
   * its replication slot.
   *
   * @throws IllegalStateException with what to fix when PostgreSQL is unreachable, refuses the
   *     user, has {@code wal_level} other than {@code logical}, the user lacks the {@code
   *     REPLICATION} attribute, a table is missing or has no primary key, or the engine fails to
   *     start
   */
  @Override
  public void start() throws IOException, InterruptedException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("postgres_cdc source '" + name + "' was already started");
    }
    ServerCheck.Result check = new ServerCheck(name, settings).run();
    if (!check.problems().isEmpty()) {
      throw new IllegalStateException(
          "postgres_cdc source '"
              + name
              + "' cannot start:\n  - "
              + String.join("\n  - ", check.problems()));
    }
    for (String warning : check.warnings()) {
      LOG.warn("postgres_cdc source '{}': {}", name, warning);
    }
    Files.createDirectories(stateDir);
    if (!check.slotExists() && Files.exists(stateDir.resolve(EngineProperties.OFFSETS_FILE))) {
      // the connector then creates a new slot and streams from now on
      LOG.warn(
          "postgres_cdc source '{}': replication slot '{}' is gone although {} holds offsets;"
              + " changes made while no slot existed are not captured. Delete that file to take a"
              + " new snapshot.",
          name,
          settings.slot(),
          stateDir.resolve(EngineProperties.OFFSETS_FILE));
    }
    engineThreads = Executors.newCachedThreadPool(daemon("lakestream-cdc-" + name));
    restarts = Executors.newSingleThreadScheduledExecutor(daemon("lakestream-cdc-restart-" + name));

    Run first = launch();
    try {
      CompletableFuture.anyOf(first.connected, first.finished)
          .get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "postgres_cdc source '{}': still connecting to its replication slot after {} s (a"
              + " long-running transaction delays creating a slot); continuing in the background",
          name,
          options.startTimeout().toSeconds());
    } catch (ExecutionException e) {
      // reported through first.finished below
    }
    if (first.finished.isDone() && !first.connected.isDone()) {
      Throwable error = first.error;
      close();
      throw new IllegalStateException(
          "postgres_cdc source '"
              + name
              + "' cannot start: "
              + (error == null ? "the change capture engine stopped" : rootMessage(error)),
          error);
    }
    running = true;
    LOG.info("postgres_cdc source '{}' started: {}", name, endpoints().get(0));
    if (first.finished.isDone()) {
      restartLater(first);
    }
  }

  @Override
  public List<String> endpoints() {
    return List.of(
        TYPE
            + " "
            + settings.user()
            + "@"
            + settings.host()
            + ":"
            + settings.port()
            + "/"
            + settings.database()
            + " tables "
            + String.join(",", settings.tables())
            + " slot "
            + settings.slot());
  }

  /**
   * Stops reading, waits (up to 10 s) for a batch Kafka has not yet acknowledged, then stops the
   * engine (up to 30 s). Changes not acknowledged by then stay uncommitted and are read again on
   * the next start. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Run run;
    synchronized (lock) {
      closing = true;
      run = current;
    }
    handler.close();
    try {
      if (run != null) {
        if (!handler.awaitIdle(options.closeGrace())) {
          LOG.warn(
              "postgres_cdc source '{}': Kafka has not acknowledged the last batch within {} ms;"
                  + " it stays uncommitted and is read again on the next start",
              name,
              options.closeGrace().toMillis());
        }
        stopEngine(run);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (restarts != null) {
        restarts.shutdownNow();
      }
      if (engineThreads != null) {
        engineThreads.shutdownNow();
      }
    }
  }

  /** One engine instance: built, run in its own thread, restarted as a new instance on failure. */
  private static final class Run {
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    final AtomicBoolean restartScheduled = new AtomicBoolean();
    final long startNanos = System.nanoTime();
    volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    volatile Throwable error;
  }

  private Run launch() {
    Run run = new Run();
    synchronized (lock) {
      if (closing) {
        run.finished.complete(null);
        return run;
      }
      current = run;
      try {
        run.engine =
            DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(
                    EngineProperties.of(
                        name, settings, stateDir, options.pollInterval(), options.heartbeat()))
                .using(
                    new DebeziumEngine.ConnectorCallback() {
                      @Override
                      public void taskStarted() {
                        run.connected.complete(null);
                      }
                    })
                .using((success, message, error) -> finished(run, success, message, error))
                .notifying(handler)
                .build();
        engineThreads.execute(run.engine);
      } catch (RuntimeException e) {
        // build() already reported it through the completion callback in most cases
        finished(run, false, e.getMessage(), e);
      }
    }
    return run;
  }

  private void finished(Run run, boolean success, String message, Throwable error) {
    if (run.finished.isDone()) {
      return;
    }
    run.error = error != null || success ? error : new IllegalStateException(message);
    run.finished.complete(null);
    if (closing) {
      return;
    }
    if (running) {
      restartLater(run);
    }
  }

  private void restartLater(Run run) {
    if (closing || !run.restartScheduled.compareAndSet(false, true)) {
      return;
    }
    if (System.nanoTime() - run.startNanos > options.maxRestart().toNanos()) {
      failures.set(0);
    }
    int n = Math.min(failures.getAndIncrement(), 16);
    long delay = Math.min(options.maxRestart().toMillis(), options.firstRestart().toMillis() << n);
    LOG.error(
        "postgres_cdc source '{}': the change capture engine stopped ({}); restarting in {} ms."
            + " Changes Kafka has not acknowledged are read again from the replication slot.",
        name,
        run.error == null ? "it ended by itself" : rootMessage(run.error),
        delay,
        run.error);
    try {
      restarts.schedule(this::launch, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void stopEngine(Run run) throws InterruptedException {
    long deadline = System.nanoTime() + options.closeTimeout().toNanos();
    DebeziumEngine<?> engine = run.engine;
    while (engine != null && !run.finished.isDone() && System.nanoTime() < deadline) {
      try {
        engine.close();
        break;
      } catch (IllegalStateException e) {
        // the engine refuses to stop while its tasks are starting (it would leak connections);
        // it also refuses when it is already stopping, and then finishes by itself
        waitFor(run.finished, Duration.ofMillis(100));
      } catch (IOException | RuntimeException e) {
        LOG.warn("postgres_cdc source '{}': stopping the engine failed: {}", name, e.toString());
        break;
      }
    }
    long left = deadline - System.nanoTime();
    if (!waitFor(run.finished, Duration.ofNanos(Math.max(left, 0)))) {
      LOG.warn(
          "postgres_cdc source '{}': the engine did not stop within {} s; abandoning its threads",
          name,
          options.closeTimeout().toSeconds());
    }
  }

  private static boolean waitFor(CompletableFuture<?> f, Duration timeout)
      throws InterruptedException {
    try {
      f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String own = t.getMessage();
    String deepest = root.getMessage() == null ? root.toString() : root.getMessage();
    return own == null || own.equals(deepest) || root == t ? deepest : own + ": " + deepest;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
