package io.lakestream.app.bench;

import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.ReferenceConfig;
import io.lakestream.app.embedded.EmbeddedLakestream;
import io.lakestream.jobs.FloorJob;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.lake.LakeSchemas;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;

/**
 * The processing benchmark: loads the raw topic with the example pipeline's sensors, clicks and
 * payments while the Flink job is held back, then starts the job and measures how fast it turns the
 * backlog into curated, aggregate and join tables, and how long window results take to land after
 * the events that close their windows.
 *
 * <p>Measuring a replay isolates the processing from the gateway, which would otherwise share the
 * same cores; the end-to-end figures of {@code bench} without {@code --full} cover the gateway.
 */
public final class ProcessingBench {

  private static final String[] SOURCES = {"sensors", "clickstream", "transactions"};
  private static final int DEVICES = 5000;
  private static final int USERS = 100_000;

  private final PrintStream out;
  private final Path profile;
  private final Stage stage;

  /** How much of the job replays the backlog: the rungs of a ladder that shows what each costs. */
  public enum Stage {
    /** {@link FloorJob}: the raw topic into one Iceberg table, nothing parsed. */
    FLOOR,
    /** The pipeline's job up to the raw and error zones: dedup and validation. */
    INGEST,
    /** The whole pipeline: curated, aggregate and join tables too. */
    ALL
  }

  /**
   * @param profile where to write a Java Flight Recording of the replay phase, or null for none
   * @param stage how much of the job to run
   */
  public ProcessingBench(PrintStream out, Path profile, Stage stage) {
    this.out = out;
    this.profile = profile;
    this.stage = stage;
  }

  /** The pipeline with its reference tables pointed at generated files that match the events. */
  public static PipelineConfig withGeneratedReferences(PipelineConfig cfg, Path dir)
      throws IOException {
    ExampleEvents.writeDevices(dir.resolve("devices.csv"), DEVICES);
    new ExampleEvents("ref", USERS, Instant.EPOCH).writeUsers(dir.resolve("users.csv"));
    Map<String, ReferenceConfig> refs = new LinkedHashMap<>();
    cfg.references()
        .forEach(
            (name, r) -> {
              Path file = dir.resolve(name + ".csv");
              refs.put(
                  name,
                  r.type() == ReferenceConfig.Type.FILE && file.toFile().exists()
                      ? new ReferenceConfig(
                          r.name(),
                          r.type(),
                          file.toString(),
                          null,
                          null,
                          null,
                          null,
                          r.properties(),
                          r.key(),
                          r.columns(),
                          r.refresh())
                      : r);
            });
    return cfg.withReferences(refs);
  }

  /** Checks that the pipeline has what this benchmark drives; null when fine, else why not. */
  public static String unsupported(PipelineConfig cfg) {
    for (String s : SOURCES) {
      if (!cfg.sources().containsKey(s)) {
        return "--full drives the example pipeline's sources "
            + String.join(", ", SOURCES)
            + "; this pipeline has no '"
            + s
            + "'";
      }
    }
    return null;
  }

  record Load(String source, byte[] body, long events) {}

  /**
   * Runs the benchmark on a started stack whose job is deferred.
   *
   * @return true when every event was accounted for in the lake
   */
  public boolean run(EmbeddedLakestream ls, long events, int batch) throws Exception {
    PipelineConfig cfg = ls.pipeline();
    long sensors = events * 8 / 10;
    long clicks = (events - sensors) / 2;
    long payments = events - sensors - clicks;
    String run = "b" + System.currentTimeMillis();
    // Event times end about now, so the windows are today's.
    Instant base = Instant.now().minusMillis(Math.max(sensors, clicks * 10));
    SensorReadings readings = new SensorReadings(run, DEVICES, base);
    ExampleEvents other = new ExampleEvents(run, USERS, base);

    out.printf(
        Locale.ROOT,
        "bench: generating %,d sensor readings, %,d clicks, %,d payments...%n",
        sensors,
        clicks,
        payments);
    Map<String, List<Load>> loads = new LinkedHashMap<>();
    loads.put("sensors", bodies("sensors", sensors, batch, readings::batch));
    loads.put("clickstream", bodies("clickstream", clicks, batch, other::clicks));
    loads.put("transactions", bodies("transactions", payments, batch, other::payments));

    // Phase 1: fill the raw topic. One request in flight per source keeps each source's events
    // in event-time order, as live traffic would be.
    long t0 = System.nanoTime();
    post(ls, loads);
    double ingestSecs = (System.nanoTime() - t0) / 1e9;
    out.printf(
        Locale.ROOT,
        "bench: raw topic loaded: %,d events in %.1f s (%,.0f events/s)%n",
        events,
        ingestSecs,
        events / ingestSecs);

    // Phase 2: the job replays the backlog.
    Catalog catalog = ls.lake().catalog();
    long cpu0 = ProcessStats.cpuNanos();
    jdk.jfr.Recording recording = null;
    if (profile != null) {
      recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
      recording.setDestination(profile);
      recording.start();
    }
    long s0 = System.nanoTime();
    switch (stage) {
      case FLOOR -> ls.startJob(FloorJob::attachTo);
      case INGEST -> ls.startJob((env, c) -> PipelineJob.of(c).ingestOnly().attachTo(env));
      case ALL -> ls.startJob();
    }
    long running = System.nanoTime();
    out.printf(
        Locale.ROOT,
        "bench: job planned and running in %.1f s; replaying...%n",
        (running - s0) / 1e9);
    List<Sample> samples = new ArrayList<>();
    long lastPrint = running;
    long done = -1;
    {
      while (System.nanoTime() - running < Duration.ofMinutes(30).toNanos()) {
        Sample s =
            stage == Stage.ALL
                ? sample(catalog, System.nanoTime())
                : landed(catalog, stage, System.nanoTime());
        samples.add(s);
        if (s.accounted() >= events) {
          done = s.nanos;
          break;
        }
        if (s.nanos - lastPrint > 2_000_000_000L) {
          lastPrint = s.nanos;
          out.printf(
              Locale.ROOT,
              "  %5.1f s  curated %,d  errors %,d  aggregates %,d  joined %,d%n",
              (s.nanos - running) / 1e9,
              s.curated,
              s.errors,
              s.aggregates,
              s.joined);
        }
        Thread.sleep(1000);
      }
    }
    double cpuSecs = (ProcessStats.cpuNanos() - cpu0) / 1e9;
    if (recording != null) {
      recording.stop();
      recording.close();
      out.println("bench: flight recording of the replay written to " + profile);
    }
    if (done < 0) {
      out.println("bench: the job did not account for every event within 30 minutes");
      return false;
    }
    Sample last = samples.get(samples.size() - 1);
    double replaySecs = (done - running) / 1e9;
    Sample firstCommit = samples.stream().filter(x -> x.curated > 0).findFirst().orElse(last);
    double sustained =
        firstCommit == last
            ? Double.NaN
            : (last.accounted() - firstCommit.accounted())
                / ((last.nanos - firstCommit.nanos) / 1e9);

    EventTimeConfig et = cfg.sources().get("sensors").eventTime();
    long closeAfter = et.outOfOrderness().plus(et.allowedLateness()).toMillis();
    List<Double> lags = windowLags(samples, closeAfter);

    out.println();
    if (stage != Stage.ALL) {
      out.println(
          stage == Stage.FLOOR
              ? "bench results (--full --stage floor: raw topic → one Iceberg table, nothing parsed)"
              : "bench results (--full --stage ingest: raw topic → dedup, validation → raw and"
                  + " error zones)");
      out.printf(Locale.ROOT, "  events               %,d%n", events);
      out.printf(
          Locale.ROOT,
          "  replay rate          %,.0f events/s from the raw topic until every event was"
              + " committed (%.1f s, checkpoint every %.1f s)%n",
          events / replaySecs,
          replaySecs,
          cfg.checkpointInterval().toMillis() / 1000.0);
      out.printf(
          Locale.ROOT,
          "  sustained commits    %,.0f events/s between the first and the last lake commit%n",
          sustained);
      out.printf(
          Locale.ROOT,
          "  CPU per event        %,.1f µs during the replay (process CPU %,.1f s)%n",
          cpuSecs * 1e6 / events,
          cpuSecs);
      return last.accounted() == events;
    }
    out.println("bench results (--full: raw topic → curated, aggregate and join tables)");
    out.printf(
        Locale.ROOT,
        "  events               %,d (sensors %,d, clicks %,d, payments %,d)%n",
        events,
        sensors,
        clicks,
        payments);
    out.printf(
        Locale.ROOT,
        "  raw topic load       %,.0f events/s over HTTP (job held back)%n",
        events / ingestSecs);
    out.printf(
        Locale.ROOT,
        "  replay rate          %,.0f events/s from the raw topic until every event was curated"
            + " or in the error zone (%.1f s, checkpoint every %.1f s)%n",
        events / replaySecs,
        replaySecs,
        cfg.checkpointInterval().toMillis() / 1000.0);
    out.printf(
        Locale.ROOT,
        "  sustained commits    %,.0f events/s between the first and the last lake commit%n",
        sustained);
    out.printf(
        Locale.ROOT,
        "  lake rows            curated %,d, error zone %,d (late or unenriched), aggregates %,d,"
            + " joined %,d%n",
        last.curated,
        last.errors,
        last.aggregates,
        last.joined);
    out.printf(
        Locale.ROOT,
        "  window result lag    %s (from the lake commit holding the first reading %d s past a"
            + " 5-minute window's end to the commit holding that window's row; %d windows)%n",
        lags.isEmpty()
            ? "n/a"
            : String.format(
                Locale.ROOT,
                "median %.1f s, max %.1f s",
                median(lags),
                lags.stream().mapToDouble(Double::doubleValue).max().orElse(0)),
        closeAfter / 1000,
        lags.size());
    out.printf(
        Locale.ROOT,
        "  CPU per event        %,.1f µs during the replay (process CPU %,.1f s)%n",
        cpuSecs * 1e6 / events,
        cpuSecs);
    return true;
  }

  private static List<Load> bodies(String source, long count, int batch, Bodies gen) {
    List<Load> out = new ArrayList<>();
    for (long from = 0; from < count; from += batch) {
      long to = Math.min(count, from + batch);
      out.add(new Load(source, gen.body(from, to), to - from));
    }
    return out;
  }

  /** Makes a request body for events [from, to). */
  @FunctionalInterface
  interface Bodies {
    byte[] body(long from, long to);
  }

  private static void post(EmbeddedLakestream ls, Map<String, List<Load>> loads) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(loads.size());
    List<Future<?>> futures = new ArrayList<>();
    for (Map.Entry<String, List<Load>> e : loads.entrySet()) {
      URI uri = URI.create(ls.gatewayUrl() + "/v1/sources/" + e.getKey() + "/events");
      futures.add(
          pool.submit(
              () -> {
                for (Load l : e.getValue()) {
                  HttpRequest req =
                      HttpRequest.newBuilder(uri)
                          .header("Content-Type", "application/x-ndjson")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(l.body()))
                          .build();
                  BenchClient.postUntilAccepted(http, req);
                }
                return null;
              }));
    }
    pool.shutdown();
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /** Lake state at one moment. */
  record Sample(
      long nanos,
      long curated,
      long errors,
      long aggregates,
      long joined,
      long maxReadingMillis,
      long maxWindowEndMillis) {
    long accounted() {
      return curated + errors;
    }
  }

  private static Sample sample(Catalog catalog, long nanos) {
    long curated = 0;
    for (String s : SOURCES) {
      curated += rows(catalog, LakeSchemas.curatedTable(s));
    }
    long errors = rows(catalog, LakeSchemas.ERRORS_TABLE);
    long aggregates = 0;
    for (TableIdentifier id : catalog.listTables(Namespace.of("aggregates"))) {
      aggregates += rows(catalog, id);
    }
    long joined = rows(catalog, LakeSchemas.curatedTable("clicks_to_payments"));
    long maxReading = maxMillis(catalog, LakeSchemas.curatedTable("sensors"), "event_time");
    long maxWindow =
        maxMillis(catalog, LakeSchemas.aggregateTable("sensor_stats_5m"), "window_end");
    return new Sample(nanos, curated, errors, aggregates, joined, maxReading, maxWindow);
  }

  /** What a partial stage landed: the floor table, or the raw tables and the error zone. */
  private static Sample landed(Catalog catalog, Stage stage, long nanos) {
    long rows = 0;
    long errors = 0;
    if (stage == Stage.FLOOR) {
      rows = rows(catalog, FloorJob.TABLE);
    } else {
      for (String s : SOURCES) {
        rows += rows(catalog, LakeSchemas.rawTable(s));
      }
      errors = rows(catalog, LakeSchemas.ERRORS_TABLE);
    }
    return new Sample(nanos, rows, errors, 0, 0, Long.MIN_VALUE, Long.MIN_VALUE);
  }

  private static long rows(Catalog catalog, TableIdentifier id) {
    return catalog.tableExists(id) ? BenchClient.committedRows(catalog.loadTable(id)) : 0;
  }

  /**
   * The largest value of a timestamp column in a table's current snapshot, from the data files'
   * column statistics (no data is read, so sampling does not load the machine being measured).
   */
  private static long maxMillis(Catalog catalog, TableIdentifier id, String column) {
    if (!catalog.tableExists(id)) {
      return Long.MIN_VALUE;
    }
    Table t = catalog.loadTable(id);
    if (t.currentSnapshot() == null) {
      return Long.MIN_VALUE;
    }
    int fieldId = t.schema().findField(column).fieldId();
    long max = Long.MIN_VALUE;
    try (CloseableIterable<FileScanTask> tasks = t.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        var bounds = task.file().upperBounds();
        if (bounds != null && bounds.get(fieldId) != null) {
          long micros =
              Conversions.fromByteBuffer(t.schema().findType(fieldId), bounds.get(fieldId));
          max = Math.max(max, micros / 1000);
        }
      }
    } catch (IOException e) {
      return Long.MIN_VALUE;
    }
    return max;
  }

  /**
   * For each 5-minute window end E: seconds from the first sample whose curated readings reach E
   * plus out-of-orderness and lateness (the events that close E are committed) to the first sample
   * whose aggregates include E.
   */
  static List<Double> windowLags(List<Sample> samples, long closeAfterMillis) {
    TreeMap<Long, Long> closedAt = new TreeMap<>();
    TreeMap<Long, Long> resultAt = new TreeMap<>();
    long step = Duration.ofMinutes(5).toMillis();
    for (Sample s : samples) {
      if (s.maxReadingMillis == Long.MIN_VALUE) {
        continue;
      }
      for (long e = Math.floorDiv(s.maxReadingMillis - closeAfterMillis, step) * step;
          e > s.maxReadingMillis - closeAfterMillis - 4 * step;
          e -= step) {
        closedAt.putIfAbsent(e, s.nanos);
      }
      if (s.maxWindowEndMillis != Long.MIN_VALUE) {
        resultAt.putIfAbsent(s.maxWindowEndMillis, s.nanos);
      }
    }
    List<Double> lags = new ArrayList<>();
    resultAt.forEach(
        (end, at) -> {
          Long closed = closedAt.get(end);
          if (closed != null) {
            lags.add(Math.max(0, (at - closed) / 1e9));
          }
        });
    return lags;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
