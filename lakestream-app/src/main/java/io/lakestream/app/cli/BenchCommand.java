package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.internal.Durations;
import io.lakestream.app.bench.AlertBench;
import io.lakestream.app.bench.BenchClient;
import io.lakestream.app.bench.ProcessStats;
import io.lakestream.app.bench.ProcessingBench;
import io.lakestream.app.bench.SensorReadings;
import io.lakestream.app.bench.SourceBench;
import io.lakestream.app.embedded.EmbeddedLakestream;
import io.lakestream.lake.LakeSchemas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lakestream bench}: drives sensor readings over HTTP through the whole embedded path and
 * reports ingest rate, end-to-end rate and ack→queryable latency.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the whole path: HTTP gateway → Kafka → Flink → Iceberg raw zone.",
      "Starts the embedded stack on a fresh data directory (deleted afterwards unless --keep),",
      "posts N sensor readings (~200 B each) in NDJSON batches and waits until the lake has them.",
      "Prints: ingest rate (events/s acked), end-to-end rate (events/s committed to the lake),",
      "ack→queryable latency p50/p99, start-up time and peak RSS."
    })
final class BenchCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(names = "--events", description = "Events to send (default: ${DEFAULT-VALUE}).")
  long events = 1_000_000;

  @Option(names = "--batch", description = "Events per HTTP request (default: ${DEFAULT-VALUE}).")
  int batch = 1000;

  @Option(
      names = "--connections",
      description = "Concurrent HTTP requests in flight (default: ${DEFAULT-VALUE}).")
  int connections = 4;

  @Option(
      names = "--checkpoint-interval",
      description = "Override the pipeline's checkpoint interval in seconds (lake commit cadence).")
  Double checkpointSeconds;

  @Option(
      names = "--rate",
      paramLabel = "EVENTS_PER_SECOND",
      description =
          "Pace the load at this many events/s (default: as fast as the gateway answers). Below"
              + " the end-to-end capacity this measures latency without a backlog.")
  Long rate;

  @Option(names = "--keep", description = "Keep the benchmark's data directory.")
  boolean keep;

  @Option(names = "--source", description = "Source to post to (default: ${DEFAULT-VALUE}).")
  String source = "sensors";

  @Option(
      names = "--full",
      description =
          "Measure the whole processing of the example pipeline instead: load the raw topic with"
              + " sensors (80%), clicks and payments while the job is held back, then start the"
              + " job and time validation, enrichment, the SQL transform, windows and the join"
              + " until every event is curated or in the error zone; also reports how long"
              + " window results take to land.")
  boolean full;

  @Option(
      names = "--alerts",
      description =
          "Measure alert latency instead: from the HTTP acknowledgement of an anomalous reading to"
              + " the webhook request arriving, while --rate events/s (default 50,000) of"
              + " background readings flow through the file's sensors source with a threshold"
              + " detector. Each detector type's cost per event and per key: 'lakestream detect --cost'.")
  boolean alerts;

  @Option(
      names = "--ingest",
      paramLabel = "PROTOCOL",
      description =
          "Measure a non-HTTP source instead: syslog (RFC 5424 over TCP), fluent (Fluentd forward"
              + " protocol, PackedForward chunks with acks) or mqtt (QoS 1). A load generator in"
              + " this process sends --events events per run, --runs times, to a stack without its"
              + " Flink job; prints events/s acknowledged into Kafka, each run and the median."
              + " Ignores the pipeline file.")
  String ingest;

  @Option(
      names = "--lake",
      description =
          "Query benchmark: a curated table of --events rows (default here 10,000,000) in the"
              + " streaming job's file layout; times an aggregate by key and hour, a one-day"
              + " filtered count and a top-N (--runs each, after a warm-up).")
  boolean lake;

  @Option(
      names = "--pages",
      paramLabel = "N",
      description =
          "Keep N dashboard pages open during the run (each reads the live stream), to measure"
              + " what streaming to them costs the server: compare the rates with --pages 0.")
  int pages;

  @Option(
      names = "--search",
      description =
          "Search benchmark: load the example pipeline's app_logs source with --events log lines"
              + " while its job is held back, replay them with the search index fed (index rate,"
              + " how far it trails the lake) and once without it (the replay rate ratio); then"
              + " build an index of --search-docs lines directly and time query shapes over it"
              + " (p50/p99, size per million documents).")
  boolean search;

  @Option(
      names = "--search-docs",
      paramLabel = "N",
      description = "With --search: documents of the query index (default: ${DEFAULT-VALUE}).")
  long searchDocs = 10_000_000;

  @Option(
      names = "--commits",
      description = "With --lake: commits the rows arrive in (default: ${DEFAULT-VALUE}).")
  int commits = 200;

  @Option(
      names = "--runs",
      description =
          "With --ingest, --lake and --search: measured runs (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      description =
          "With --alerts: measure a window-based detector instead: a threshold on the maximum of a"
              + " tumbling window of this size (e.g. 5s) per device, timed from the window's close"
              + " (event time passing its end) to the webhook request.")
  String window;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description =
          "With --alerts: how long to send probes under load (default: ${DEFAULT-VALUE}).")
  int durationSeconds = 60;

  @Option(
      names = "--stage",
      paramLabel = "STAGE",
      description =
          "With --full: how much of the job replays the raw topic. 'all' (default): the whole"
              + " pipeline. 'ingest': dedup and validation into the raw and error zones only."
              + " 'floor': a job that only writes each event to one Iceberg table, nothing parsed:"
              + " what Kafka, Flink and Iceberg cost on this machine, which no pipeline beats.")
  String stage = "all";

  @Option(
      names = "--profile",
      paramLabel = "FILE",
      description =
          "With --full: write a Java Flight Recording (profile settings) of the replay phase to"
              + " FILE, e.g. for 'jfr print --events jdk.ExecutionSample FILE'.")
  Path profile;

  @Override
  public Integer call() throws Exception {
    if (ingest != null) {
      return runIngest();
    }
    if (lake) {
      return runLake();
    }
    Path dataDir =
        pipeline.dataDir.equals(Path.of("data"))
            ? Files.createTempDirectory("lakestream-bench-")
            : pipeline.dataDirAbsolute();
    pipeline.dataDir = dataDir;
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (full) {
      return runFull(cfg, dataDir);
    }
    if (search) {
      try {
        boolean ok =
            new io.lakestream.app.bench.SearchBench(System.out)
                .run(
                    dir -> {
                      pipeline.dataDir = dir;
                      PipelineConfig c = pipeline.load();
                      return checkpointSeconds == null
                          ? c
                          : c.withCheckpointInterval(
                              Duration.ofMillis((long) (checkpointSeconds * 1000)));
                    },
                    dataDir,
                    events,
                    batch,
                    searchDocs,
                    Math.max(1, runs));
        printPeakRss();
        return ok ? 0 : 1;
      } finally {
        if (!keep) {
          EmbeddedLakestream.deleteTree(dataDir);
        }
      }
    }
    if (alerts) {
      try {
        if (checkpointSeconds != null) {
          cfg = cfg.withCheckpointInterval(Duration.ofMillis((long) (checkpointSeconds * 1000)));
        }
        Duration windowSize = window == null ? null : Durations.parse(window);
        boolean ok =
            new AlertBench(System.out, windowSize)
                .run(
                    cfg,
                    dataDir,
                    rate == null ? 50_000 : rate,
                    Duration.ofSeconds(durationSeconds),
                    Duration.ofMillis(250));
        printPeakRss();
        return ok ? 0 : 1;
      } catch (IllegalArgumentException e) {
        System.err.println("error: " + e.getMessage());
        return 2;
      } finally {
        if (!keep) {
          EmbeddedLakestream.deleteTree(dataDir);
        }
      }
    }
    if (!"all".equals(stage)) {
      System.err.println("error: --stage goes with --full");
      return 2;
    }
    if (!cfg.sources().containsKey(source)) {
      System.err.println("error: pipeline has no source '" + source + "'");
      return 2;
    }
    if (checkpointSeconds != null) {
      cfg = cfg.withCheckpointInterval(Duration.ofMillis((long) (checkpointSeconds * 1000)));
    }
    cfg = cfg.withGateway(cfg.gateway().withPort(0));
    System.out.printf(
        Locale.ROOT,
        "bench: %,d events in batches of %,d over %d connections%s; checkpoint every %.1f s; data %s%n",
        events,
        batch,
        connections,
        rate == null ? "" : String.format(Locale.ROOT, " at %,d events/s", rate),
        cfg.checkpointInterval().toMillis() / 1000.0,
        dataDir);
    long startNanos = System.nanoTime();
    try (EmbeddedLakestream ls =
        EmbeddedLakestream.start(
            cfg, dataDir, EmbeddedLakestream.Options.defaults().withKafkaPort(0))) {
      long upMillis = (System.nanoTime() - startNanos) / 1_000_000;
      System.out.printf(Locale.ROOT, "bench: stack up in %.2f s%n", upMillis / 1000.0);
      Result r = drive(ls, cfg);
      r.upMillis = upMillis;
      r.print(events);
      return r.committed >= events ? 0 : 1;
    } finally {
      if (!keep) {
        EmbeddedLakestream.deleteTree(dataDir);
      }
    }
  }

  private int runLake() throws Exception {
    Path dir =
        pipeline.dataDir.equals(Path.of("data"))
            ? Files.createTempDirectory("lakestream-bench-")
            : pipeline.dataDirAbsolute();
    long rows = events == 1_000_000 ? 10_000_000 : events;
    try {
      boolean ok =
          new io.lakestream.app.bench.LakeBench(System.out)
              .run(dir, rows, commits, Math.max(1, runs));
      printPeakRss();
      return ok ? 0 : 1;
    } finally {
      if (!keep) {
        EmbeddedLakestream.deleteTree(dir);
      }
    }
  }

  private int runIngest() throws Exception {
    SourceBench.Protocol protocol;
    try {
      protocol = SourceBench.Protocol.valueOf(ingest.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("error: --ingest takes syslog, fluent or mqtt, not '" + ingest + "'");
      return 2;
    }
    Path dir =
        pipeline.dataDir.equals(Path.of("data"))
            ? Files.createTempDirectory("lakestream-bench-")
            : pipeline.dataDirAbsolute();
    try {
      boolean ok = new SourceBench(System.out).run(protocol, dir, events, Math.max(1, runs));
      printPeakRss();
      return ok ? 0 : 1;
    } finally {
      if (!keep) {
        EmbeddedLakestream.deleteTree(dir);
      }
    }
  }

  private static void printPeakRss() {
    long rss = ProcessStats.peakRssKb();
    System.out.printf(
        Locale.ROOT,
        "  peak RSS             %s%n",
        rss < 0 ? "unknown" : String.format(Locale.ROOT, "%,d MB", rss / 1024));
  }

  private int runFull(PipelineConfig loaded, Path dataDir) throws Exception {
    ProcessingBench.Stage replayStage;
    try {
      replayStage = ProcessingBench.Stage.valueOf(stage.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("error: --stage must be all, ingest or floor, not '" + stage + "'");
      return 2;
    }
    String why = ProcessingBench.unsupported(loaded);
    if (why != null) {
      System.err.println("error: " + why);
      return 2;
    }
    Files.createDirectories(dataDir);
    PipelineConfig cfg = ProcessingBench.withGeneratedReferences(loaded, dataDir);
    if (checkpointSeconds != null) {
      cfg = cfg.withCheckpointInterval(Duration.ofMillis((long) (checkpointSeconds * 1000)));
    }
    cfg = cfg.withGateway(cfg.gateway().withPort(0));
    System.out.printf(
        Locale.ROOT,
        "bench --full%s: %,d events in batches of %,d; checkpoint every %.1f s; data %s%n",
        "all".equals(stage) ? "" : " --stage " + stage,
        events,
        batch,
        cfg.checkpointInterval().toMillis() / 1000.0,
        dataDir);
    long startNanos = System.nanoTime();
    try (EmbeddedLakestream ls =
        EmbeddedLakestream.start(
            cfg,
            dataDir,
            EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred())) {
      System.out.printf(
          Locale.ROOT, "bench: stack up in %.2f s%n", (System.nanoTime() - startNanos) / 1e9);
      boolean ok = new ProcessingBench(System.out, profile, replayStage).run(ls, events, batch);
      printPeakRss();
      return ok ? 0 : 1;
    } finally {
      if (!keep) {
        EmbeddedLakestream.deleteTree(dataDir);
      }
    }
  }

  private Result drive(EmbeddedLakestream ls, PipelineConfig cfg) throws Exception {
    SensorReadings gen =
        new SensorReadings("bench" + System.currentTimeMillis(), 5000, Instant.now());
    int batches = (int) ((events + batch - 1) / batch);
    long[] ackNanos = new long[batches];
    long[] ackedAfter = new long[batches]; // events acked when this batch was acked
    AtomicLong acked = new AtomicLong();
    AtomicLong nextBatch = new AtomicLong();
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    URI uri = URI.create(ls.gatewayUrl() + "/v1/sources/" + source + "/events");
    Table table = ls.lake().catalog().loadTable(LakeSchemas.rawTable(source));
    long baseline = BenchClient.committedRows(table);

    List<long[]> commits = new ArrayList<>(); // {nanos, rows}
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                long rows = BenchClient.committedRows(table) - baseline;
                synchronized (commits) {
                  if (commits.isEmpty() || commits.get(commits.size() - 1)[1] != rows) {
                    commits.add(new long[] {System.nanoTime(), rows});
                  }
                }
                if (rows >= events) {
                  return;
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-lake-watcher");

    // Bodies are built before the clock starts so the load generator does not compete for the
    // same two cores as the path it measures.
    System.out.printf(Locale.ROOT, "bench: generating %,d request bodies...%n", batches);
    byte[][] bodies = new byte[batches][];
    for (int b = 0; b < batches; b++) {
      long from = (long) b * batch;
      bodies[b] = gen.batch(from, Math.min(events, from + batch));
    }
    io.lakestream.app.bench.DashboardPages open =
        pages > 0 ? new io.lakestream.app.bench.DashboardPages(ls.gatewayUrl(), pages) : null;
    if (open != null) {
      System.out.printf(Locale.ROOT, "bench: %d dashboard pages open%n", pages);
    }
    long cpu0 = ProcessStats.cpuNanos();
    long t0 = System.nanoTime();
    watcher.start();
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      futures.add(
          pool.submit(
              () -> {
                long b;
                while ((b = nextBatch.getAndIncrement()) < batches) {
                  if (rate != null) {
                    long due = t0 + (long) (b * batch * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                  }
                  long from = b * batch;
                  long to = Math.min(events, from + batch);
                  byte[] body = bodies[(int) b];
                  bodies[(int) b] = null; // let it go once sent
                  HttpRequest req =
                      HttpRequest.newBuilder(uri)
                          .header("Content-Type", "application/x-ndjson")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build();
                  BenchClient.postUntilAccepted(http, req);
                  synchronized (ackNanos) {
                    ackNanos[(int) b] = System.nanoTime();
                    ackedAfter[(int) b] = acked.addAndGet(to - from);
                  }
                }
                return null;
              }));
    }
    long lastPrint = System.nanoTime();
    while (!futures.stream().allMatch(Future::isDone) || watcher.isAlive()) {
      Thread.sleep(100);
      if (System.nanoTime() - lastPrint > 2_000_000_000L) {
        lastPrint = System.nanoTime();
        long rows;
        synchronized (commits) {
          rows = commits.isEmpty() ? 0 : commits.get(commits.size() - 1)[1];
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "  %5.1f s  acked %,d/%,d (%,.0f ev/s)  in lake %,d%n",
            secs,
            acked.get(),
            events,
            acked.get() / secs,
            rows);
      }
      for (Future<?> f : futures) {
        if (f.isDone()) {
          f.get(); // surfaces a sender failure at once
        }
      }
      if (System.nanoTime() - t0 > Duration.ofMinutes(30).toNanos()) {
        throw new IllegalStateException("benchmark did not finish within 30 minutes");
      }
    }
    pool.shutdown();
    Result r = new Result();
    r.cpuSeconds = (ProcessStats.cpuNanos() - cpu0) / 1e9;
    if (open != null) {
      System.out.printf(
          Locale.ROOT,
          "bench: the %d dashboard pages received %,d snapshots (%,d KB)%n",
          pages,
          open.snapshots(),
          open.bytes() / 1024);
      open.close();
    }
    long lastAck = Arrays.stream(ackNanos).max().orElse(t0);
    r.ingestSeconds = (lastAck - t0) / 1e9;
    synchronized (commits) {
      long[] last = commits.get(commits.size() - 1);
      r.committed = last[1];
      r.endToEndSeconds = (last[0] - t0) / 1e9;
      r.latenciesMs = latencies(ackNanos, ackedAfter, commits);
      long[] first = commits.stream().filter(c -> c[1] > 0).findFirst().orElse(last);
      if (last[0] > first[0]) {
        r.sustainedRate = (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
      }
    }
    return r;
  }

  /**
   * Latency of each batch: from its ack until the lake's committed row count first covers every
   * event acked up to and including that batch. Kafka partitions progress together at checkpoint
   * barriers, so this tracks the batch's own visibility closely without querying per id.
   */
  static double[] latencies(long[] ackNanos, long[] ackedAfter, List<long[]> commits) {
    double[] out = new double[ackNanos.length];
    int c = 0;
    Integer[] order = new Integer[ackNanos.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> ackedAfter[i]));
    for (int k = 0; k < order.length; k++) {
      int b = order[k];
      while (c < commits.size() && commits.get(c)[1] < ackedAfter[b]) {
        c++;
      }
      long visible = c < commits.size() ? commits.get(c)[0] : Long.MAX_VALUE;
      out[k] = Math.max(0, (visible - ackNanos[b]) / 1e6);
    }
    Arrays.sort(out);
    return out;
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private static final class Result {
    long upMillis;
    double ingestSeconds;
    double endToEndSeconds;
    long committed;
    double[] latenciesMs;
    double cpuSeconds;
    double sustainedRate = Double.NaN;

    void print(long events) {
      long rss = ProcessStats.peakRssKb();
      System.out.println();
      System.out.println("bench results");
      System.out.printf(
          Locale.ROOT, "  events               %,d (committed %,d)%n", events, committed);
      System.out.printf(
          Locale.ROOT, "  ingest rate          %,.0f events/s acked%n", events / ingestSeconds);
      System.out.printf(
          Locale.ROOT,
          "  end-to-end rate      %,.0f events/s committed to the lake%n",
          committed / endToEndSeconds);
      System.out.printf(
          Locale.ROOT,
          "  sustained commits    %,.0f events/s between the first and the last lake commit%n",
          sustainedRate);
      System.out.printf(
          Locale.ROOT,
          "  ack→queryable        p50 %,.0f ms   p99 %,.0f ms%n",
          percentile(latenciesMs, 50),
          percentile(latenciesMs, 99));
      System.out.printf(
          Locale.ROOT,
          "  CPU per event        %,.1f µs (process CPU %,.1f s; %d cores ⇒ capacity ≈ %,.0f events/s)%n",
          cpuSeconds * 1e6 / events,
          cpuSeconds,
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors() * events / cpuSeconds);
      System.out.printf(Locale.ROOT, "  up time to ready     %,.2f s%n", upMillis / 1000.0);
      System.out.printf(
          Locale.ROOT,
          "  peak RSS             %s%n",
          rss < 0 ? "unknown" : String.format(Locale.ROOT, "%,d MB", rss / 1024));
    }
  }
}
