package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.cli.ConsoleCapture;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.SqlEngine;
import io.lakestream.source.cdc.PostgresServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled example pipeline on real clusters, all started by the test on loopback: three Kafka
 * brokers (KRaft, replication factor 3, {@code min.insync.replicas=2}), a Flink session cluster
 * (JobManager and two TaskManagers in their own JVMs), two gateway nodes, the lake's catalog in
 * PostgreSQL. The job is submitted with {@code lakestream submit}; readings go through both
 * gateways while the TaskManager running the job, then a broker, then a gateway are killed with
 * SIGKILL. Afterwards every acknowledged reading is in the curated zone exactly once, the window
 * aggregates equal those of a fault-free run of the same readings on the embedded stack, and the
 * job recovered by itself within 60 s of each kill.
 *
 * <p>{@code -Dlakestream.scaleout.events=1000000} runs the full size (default 60,000, paced over
 * {@code lakestream.scaleout.seconds}, default 120).
 */
class ScaleOutIT {

  @TempDir Path dir;

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  private static final String[] SITES = {"berlin-dc1", "hamburg-port", "munich-lab", "paris-dc2"};
  private static final int DEVICES = 40;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Reading {@code n}: 40 devices on 4 sites, event time {@code ts}. */
  static String reading(String id, int n, Instant ts) {
    int d = n % DEVICES;
    String site = SITES[d % SITES.length];
    return String.format(
        Locale.ROOT,
        "{\"id\":\"%s\",\"device_id\":\"dev-%s-%d\",\"site\":\"%s\",\"ts\":\"%s\","
            + "\"temperature\":%.1f,\"humidity\":%.1f,\"battery\":%d}",
        id,
        site,
        d,
        site,
        ts,
        15 + (n * 37L % 150) / 10.0,
        30 + (n * 11L % 400) / 10.0,
        100 - n % 50);
  }

  /** One acknowledged batch: when (wall clock) and which ids. */
  record Ack(long millis, List<String> ids) {}

  /**
   * The load: two threads, one per gateway, post batches of 500 readings paced to spread {@code
   * total} over {@code duration}, each reading's event time the moment it is made. A batch that is
   * not acknowledged is sent again, alternating between the gateways, as a client behind a load
   * balancer would, until one acknowledges it.
   */
  static final class Load implements AutoCloseable {
    final int total;
    final long startMillis = System.currentTimeMillis();
    final Instant base;
    final long durationMs;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger resent = new AtomicInteger();
    final AtomicLong lastTs = new AtomicLong();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    Load(int total, Duration duration, Instant base, int... ports) {
      this.total = total;
      this.durationMs = duration.toMillis();
      this.base = base;
      for (int i = 0; i < ports.length; i++) {
        int first = i;
        Thread t = new Thread(() -> run(ports, first), "load-" + ports[i]);
        t.start();
        threads.add(t);
      }
    }

    private void run(int[] ports, int first) {
      while (!closed) {
        List<String> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        int from;
        synchronized (this) {
          from = next.get();
          if (from >= total) {
            return;
          }
          int to = Math.min(total, from + 500);
          next.set(to);
          for (int n = from; n < to; n++) {
            long now = System.currentTimeMillis();
            Instant ts = base.plusMillis(now - startMillis);
            lastTs.set(ts.toEpochMilli());
            String id = "so-" + n;
            String e = reading(id, n, ts);
            events.add(e);
            ids.add(id);
            body.append(e).append('\n');
          }
        }
        long due = startMillis + (long) from * durationMs / total;
        sleep(due - System.currentTimeMillis());
        int attempt = 0;
        long giveUp = System.currentTimeMillis() + 180_000;
        while (true) {
          int port = ports[(first + attempt) % ports.length];
          if (post(port, body.toString())) {
            acked.addAll(ids);
            acks.add(new Ack(System.currentTimeMillis(), ids));
            break;
          }
          attempt++;
          resent.incrementAndGet();
          if (System.currentTimeMillis() > giveUp || closed) {
            failures.add("batch from " + ids.get(0) + " never acknowledged");
            break;
          }
          sleep(200);
        }
      }
    }

    static boolean post(int port, String ndjson) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/sources/sensors/events"))
                    .header("Content-Type", "application/x-ndjson")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 202;
      } catch (Exception e) {
        return false;
      }
    }

    private static void sleep(long ms) {
      if (ms <= 0) {
        return;
      }
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The first batch acknowledged after {@code millis}. */
    Ack firstAckAfter(long millis) {
      synchronized (acks) {
        return acks.stream().filter(a -> a.millis() > millis).findFirst().orElse(null);
      }
    }

    /** Waits for the load to finish. */
    void join(Duration timeout) throws InterruptedException {
      for (Thread t : threads) {
        t.join(timeout.toMillis());
      }
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      join(Duration.ofSeconds(40));
    }
  }

  /**
   * Follows {@code curated.sensors} commit by commit, reading only each new snapshot's appended
   * rows: when each event id first became readable (the commit's time), and how many ids came
   * twice.
   */
  static final class LakeTail implements AutoCloseable {
    final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rows = new AtomicLong();
    private final Catalog catalog;
    private final Thread thread;
    private volatile boolean closed;
    private Long seen;

    LakeTail(Catalog catalog) {
      this.catalog = catalog;
      this.thread = new Thread(this::run, "lake-tail");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!closed) {
        try {
          poll();
        } catch (NoSuchTableException e) {
          // not created yet
        } catch (Exception e) {
          // a commit in progress or the catalog busy: next round
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void poll() throws Exception {
      Table t = catalog.loadTable(TableIdentifier.of("curated", "sensors"));
      Snapshot current = t.currentSnapshot();
      if (current == null || (seen != null && seen == current.snapshotId())) {
        return;
      }
      IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(t).select("event_id");
      scan =
          seen == null
              ? scan.useSnapshot(current.snapshotId())
              : scan.appendsBetween(seen, current.snapshotId());
      try (CloseableIterable<Record> records = scan.build()) {
        for (Record r : records) {
          rows.incrementAndGet();
          if (firstSeen.putIfAbsent((String) r.getField("event_id"), current.timestampMillis())
              != null) {
            duplicates.incrementAndGet();
          }
        }
      }
      seen = current.snapshotId();
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      thread.join(10_000);
    }
  }

  /**
   * The job as Flink's REST API reports it, polled every 250 ms: its state changes ({@code
   * "<millis> <state>"}, "(starting)" while not all tasks run) and its completed checkpoints
   * ({@code [trigger, completed]} millis).
   */
  static final class JobWatch implements AutoCloseable {
    final List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    final List<long[]> checkpoints = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean closed;

    JobWatch(FlinkTestCluster flink, String jobId) {
      String base = flink.restUrl() + "/jobs/" + jobId;
      thread =
          new Thread(
              () -> {
                String last = null;
                long lastCheckpoint = -1;
                while (!closed) {
                  try {
                    var job = FlinkTestCluster.get(base);
                    String state = job.get("state").asText();
                    long running = 0;
                    for (var v : job.get("vertices")) {
                      if (v.get("status").asText().equals("RUNNING")) {
                        running++;
                      }
                    }
                    String s = state + (running == job.get("vertices").size() ? "" : "(starting)");
                    if (!s.equals(last)) {
                      transitions.add(System.currentTimeMillis() + " " + s);
                      last = s;
                    }
                    var done = FlinkTestCluster.get(base + "/checkpoints").path("latest");
                    var completed = done.path("completed");
                    if (completed.hasNonNull("id")
                        && completed.get("id").asLong() != lastCheckpoint) {
                      lastCheckpoint = completed.get("id").asLong();
                      checkpoints.add(
                          new long[] {
                            completed.get("trigger_timestamp").asLong(),
                            completed.get("latest_ack_timestamp").asLong()
                          });
                    }
                  } catch (Exception e) {
                    // the REST call failed: next round
                  }
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "job-watch");
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * Milliseconds from {@code millis} to the completion of the first checkpoint triggered after
     * it: the whole job running and committing again; -1 if none yet.
     */
    long checkpointAfter(long millis) {
      synchronized (checkpoints) {
        return checkpoints.stream()
            .filter(c -> c[0] > millis)
            .mapToLong(c -> c[1] - millis)
            .min()
            .orElse(-1);
      }
    }

    /** The state changes, in seconds after {@code origin}. */
    List<String> transitionsAfter(long origin) {
      synchronized (transitions) {
        return transitions.stream()
            .map(
                t -> {
                  String[] parts = t.split(" ", 2);
                  return String.format(
                      Locale.ROOT,
                      "%.1fs %s",
                      (Long.parseLong(parts[0]) - origin) / 1000.0,
                      parts[1]);
                })
            .toList();
      }
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      thread.join(5_000);
    }
  }

  /** The example pipeline as a cluster runs it: the Kafka cluster, a shared lake, PostgreSQL. */
  static String clusterPipeline(
      String example, String bootstrap, Path warehouse, int pgPort, String database) {
    String kafka =
        example.replace(
            "\n  partitions: 4\n",
            "\n  bootstrap_servers: " + bootstrap + "\n  partitions: 4\n  replication_factor: 3\n");
    String lake =
        kafka.replace(
            "  warehouse: ${data_dir}/warehouse\n  catalog_uri: jdbc:sqlite:${data_dir}/catalog.db\n",
            "  warehouse: "
                + warehouse
                + "\n  catalog_uri: jdbc:postgresql://127.0.0.1:"
                + pgPort
                + "/"
                + database
                + "\n  catalog_properties: {jdbc.user: postgres, jdbc.password: \"\"}\n");
    assertThat(kafka).as("the example's kafka block changed").isNotEqualTo(example);
    assertThat(lake).as("the example's lake block changed").isNotEqualTo(kafka);
    return lake;
  }

  /** Rows of a query as sorted strings, doubles to 6 decimals (sums differ in the last bits). */
  static List<String> rows(QueryResult r) {
    List<String> out = new ArrayList<>();
    for (List<Object> row : r.rows()) {
      StringBuilder b = new StringBuilder();
      for (Object v : row) {
        b.append(v instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : v).append('|');
      }
      out.add(b.toString());
    }
    Collections.sort(out);
    return out;
  }

  private static final String STATS =
      "SELECT window_start, window_end, device_id, site, readings, avg_temperature_c,"
          + " min_temperature_c, max_temperature_c, p95_temperature_c"
          + " FROM aggregates.sensor_stats_5m";
  private static final String ACTIVITY =
      "SELECT window_start, window_end, site, active_devices, avg_humidity"
          + " FROM aggregates.site_activity_15m";

  private static void report(String figures) throws Exception {
    new PrintStream(new FileOutputStream(FileDescriptor.out), true).print(figures);
    Files.writeString(Path.of("target", "scale-out.txt"), figures);
  }

  @Test
  void theExamplePipelineOnClustersSurvivesATaskManagerABrokerAndAGatewayKilled() throws Exception {
    int total = Integer.getInteger("lakestream.scaleout.events", 60_000);
    Duration pace = Duration.ofSeconds(Integer.getInteger("lakestream.scaleout.seconds", 120));
    Path logs = Path.of("target", "scale-out-it");
    Files.createDirectories(logs);
    Path example = dir.resolve("example");
    TestFiles.copyTree(Path.of("../examples/iot"), example);
    List<Process> gateways = new ArrayList<>();
    StringBuilder figures = new StringBuilder();
    try (PostgresServer pg = PostgresServer.start();
        KafkaTestCluster kafka = KafkaTestCluster.start(dir, logs);
        FlinkTestCluster flink = FlinkTestCluster.start(dir, logs, 2, 2)) {
      pg.createDatabase("lake");
      Path pipeline = example.resolve("cluster.yaml");
      Files.writeString(
          pipeline,
          clusterPipeline(
              Files.readString(example.resolve("pipeline.yaml")),
              kafka.bootstrap(),
              Files.createDirectories(dir.resolve("shared").resolve("warehouse")),
              pg.port(),
              "lake"));
      PipelineConfig cfg =
          PipelineLoader.load(pipeline, Map.of("data_dir", dir.resolve("data").toString()));

      // Submitted through the command line, retried while the cluster is still starting.
      int code = flink.submit(Duration.ofMinutes(3), pipeline, dir.resolve("data"), "-P", "2");
      assertThat(code)
          .as("submit: %s%njobmanager log:%n%s", console.err(), flink.jobManagerLog())
          .isZero();
      JobClient job = flink.job();
      String jobId = job.getJobID().toString();

      int[] ports = {GatewayNodesIT.freePort(), GatewayNodesIT.freePort()};
      for (int i = 0; i < 2; i++) {
        gateways.add(
            GatewayNodesIT.node(
                pipeline,
                dir.resolve("gw" + (i + 1)),
                ports[i],
                logs.resolve("gw" + (i + 1) + ".log")));
      }

      try (LakeCatalog lake = LakeCatalog.open(cfg.lake());
          LakeTail tail = new LakeTail(lake.catalog());
          JobWatch watch = new JobWatch(flink, jobId)) {
        Instant base = Instant.parse("2026-11-02T08:03:00Z");
        long loadStart = System.currentTimeMillis();
        long[] kills = new long[3];
        String runner;
        try (Load load = new Load(total, pace, base, ports)) {
          // 1. The TaskManager running the job.
          Load.sleep(loadStart + pace.toMillis() * 12 / 100 - System.currentTimeMillis());
          runner = flink.taskManagerOf(job.getJobID());
          flink.killTaskManager(runner);
          kills[0] = System.currentTimeMillis();
          // 2. A Kafka broker.
          Load.sleep(loadStart + pace.toMillis() * 42 / 100 - System.currentTimeMillis());
          kafka.kill(2);
          kills[1] = System.currentTimeMillis();
          // 3. A gateway node.
          Load.sleep(loadStart + pace.toMillis() * 72 / 100 - System.currentTimeMillis());
          gateways.get(0).destroyForcibly();
          kills[2] = System.currentTimeMillis();
          load.join(Duration.ofMinutes(30));
          long loadMs = System.currentTimeMillis() - loadStart;
          assertThat(load.failures).isEmpty();
          assertThat(load.acked).hasSize(total);

          // Readings far ahead on every device move each partition's watermark past the data,
          // so every window of the data closes.
          List<String> closing = new ArrayList<>();
          Instant later = Instant.ofEpochMilli(load.lastTs.get()).plus(Duration.ofHours(2));
          for (int d = 0; d < DEVICES; d++) {
            closing.add(reading("close-" + d, d, later));
          }
          assertThat(Load.post(ports[1], String.join("\n", closing) + "\n")).isTrue();
          List<String> all = new ArrayList<>(load.events);
          all.addAll(closing);

          // Every acknowledged reading curated exactly once.
          long drainStart = System.currentTimeMillis();
          try {
            await()
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> tail.firstSeen.keySet().containsAll(load.acked));
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> missing =
                load.acked.stream().filter(id -> !tail.firstSeen.containsKey(id)).sorted().toList();
            throw new AssertionError(
                String.format(
                    "%,d of %,d acknowledged readings not in curated.sensors after 5 min (e.g."
                        + " %s); job states: %s; see %s",
                    missing.size(),
                    load.acked.size(),
                    missing.subList(0, Math.min(5, missing.size())),
                    watch.transitionsAfter(loadStart),
                    logs.toAbsolutePath()),
                e);
          }
          long drainMs = System.currentTimeMillis() - drainStart;
          // The job's many writers and committers share a few catalog connections per process.
          int connections =
              Integer.parseInt(
                  pg.psql(
                          "postgres",
                          "SELECT count(*) FROM pg_stat_activity WHERE datname = 'lake';")
                      .trim());
          assertThat(connections).isLessThan(20);
          assertThat(tail.duplicates.get()).isZero();

          // The job recovered by itself (the same job, running, no resubmission) within 60 s of
          // each kill: a checkpoint triggered after the kill completed (every task running and
          // committing) within 60 s of it. End to end, the first batch acknowledged after each
          // kill was readable in the lake within 60 s of it (when the load is paced: unpaced, the
          // job's backlog adds to that figure).
          assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
          String[] what = {"TaskManager " + runner, "Kafka broker 2", "gateway node 1"};
          long[] recovery = new long[3];
          long[] checkpointed = new long[3];
          for (int k = 0; k < 3; k++) {
            Ack first = load.firstAckAfter(kills[k]);
            assertThat(first).as("an acknowledgement after the kill of %s", what[k]).isNotNull();
            long readable = first.ids().stream().mapToLong(tail.firstSeen::get).max().orElseThrow();
            recovery[k] = readable - kills[k];
            checkpointed[k] = watch.checkpointAfter(kills[k]);
            figures.append(
                String.format(
                    Locale.ROOT,
                    "scale-out: SIGKILL of %s at %.1f s: the first checkpoint after it completed"
                        + " %d ms after the kill; the first batch acknowledged after it (%d ms"
                        + " later) was in the lake %d ms after the kill%n",
                    what[k],
                    (kills[k] - loadStart) / 1000.0,
                    checkpointed[k],
                    first.millis() - kills[k],
                    recovery[k]));
          }
          figures.append(
              String.format(
                  Locale.ROOT,
                  "scale-out: %,d readings in %.1f s through 2 gateways (%d batches resent to"
                      + " the other gateway), all curated once; the lake had the last %d ms"
                      + " after the load; %d catalog connections; job states: %s%n",
                  total,
                  loadMs / 1000.0,
                  load.resent.get(),
                  drainMs,
                  connections,
                  watch.transitionsAfter(loadStart)));
          report(figures.toString());
          boolean paced = total <= 100_000;
          for (int k = 0; k < 3; k++) {
            assertThat(checkpointed[k])
                .as("job recovery (checkpoint) after the kill of %s", what[k])
                .isBetween(0L, 60_000L);
            if (paced) {
              assertThat(recovery[k])
                  .as("end-to-end recovery after the kill of %s", what[k])
                  .isLessThan(60_000);
            }
          }

          // What the windows must hold, from the readings themselves.
          Map<String, Long> expected = new TreeMap<>();
          Set<String> activityWindows = new java.util.HashSet<>();
          for (String e : load.events) {
            var n = TestStack.JSON.readTree(e);
            long w = Instant.parse(n.get("ts").asText()).toEpochMilli() / 300_000;
            expected.merge(w + "/" + n.get("device_id").asText(), 1L, Long::sum);
            // 15-minute windows sliding by 5: three per reading
            for (long h = w - 2; h <= w; h++) {
              activityWindows.add(h + "/" + n.get("site").asText());
            }
          }
          List<String> faulted;
          List<String> faultedActivity;
          try (SqlEngine sql = SqlEngine.open(lake.catalog())) {
            await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () ->
                        sql.query(STATS).rows().size() == expected.size()
                            && sql.query(ACTIVITY).rows().size() == activityWindows.size());
            faulted = rows(sql.query(STATS));
            faultedActivity = rows(sql.query(ACTIVITY));
            Map<String, Long> counted = new TreeMap<>();
            for (List<Object> r :
                sql.query(
                        "SELECT epoch_ms(window_start) // 300000, device_id, readings"
                            + " FROM aggregates.sensor_stats_5m")
                    .rows()) {
              counted.put(r.get(0) + "/" + r.get(1), ((Number) r.get(2)).longValue());
            }
            assertThat(counted).isEqualTo(expected);
          }

          // The same readings on the embedded stack, without faults.
          PipelineConfig embedded = TestStack.examplePipeline(dir.resolve("fault-free"));
          try (TestStack stack = TestStack.start(embedded, dir.resolve("fault-free"))) {
            for (int from = 0; from < all.size(); from += 1000) {
              assertThat(
                      stack
                          .postNdjson(
                              "sensors", all.subList(from, Math.min(all.size(), from + 1000)))
                          .status())
                  .isEqualTo(202);
            }
            await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () ->
                        stack.sql(STATS).rows().size() == expected.size()
                            && stack.sql(ACTIVITY).rows().size() == activityWindows.size());
            assertThat(faulted).isEqualTo(rows(stack.sql(STATS)));
            assertThat(faultedActivity).isEqualTo(rows(stack.sql(ACTIVITY)));
            assertThat(stack.count("SELECT count(*) FROM curated.sensors")).isEqualTo(all.size());
          }
        }
      }
    } finally {
      for (Process p : gateways) {
        p.destroyForcibly();
      }
    }
  }
}
