package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.cli.ConsoleCapture;
import io.lakestream.app.embedded.EmbeddedLakestream;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.SqlEngine;
import io.lakestream.source.cdc.PostgresServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out benchmark; not part of {@code verify} (its name is not a test's), run it with:
 *
 * <pre>
 * ./mvnw -B -pl lakestream-app verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=ScaleOutBench -Dlakestream.bench.events=200000 -Dlakestream.bench.runs=3
 * </pre>
 *
 * <p>The same readings of the bundled example's {@code sensors} source are (1) posted through two
 * gateway nodes into a three-broker Kafka cluster, unpaced, and (2) replayed by the job from Kafka
 * into the lake (catalog in PostgreSQL) on a Flink session cluster of one TaskManager (parallelism
 * 1), of one TaskManager with two slots (parallelism 2) and of two TaskManagers (parallelism 2, one
 * slot each), each run with a fresh lake and consumer group; then (3) the same readings go through
 * the embedded stack of {@code up}, posted with its job held back and then replayed. Every process
 * shares this machine's cores. Figures go to standard output and {@code
 * target/scale-out-bench.txt}.
 */
class ScaleOutBench {

  @TempDir Path dir;

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  private final StringBuilder figures = new StringBuilder();

  private void say(String format, Object... args) throws Exception {
    String line = String.format(Locale.ROOT, format, args) + "\n";
    figures.append(line);
    new PrintStream(new FileOutputStream(FileDescriptor.out), true).print(line);
    Files.writeString(Path.of("target", "scale-out-bench.txt"), figures.toString());
  }

  /**
   * A replay's timing: when the first rows were readable (ms after the start, and how many), when
   * all {@code n} were.
   */
  record Replay(long firstMs, long firstRows, long allMs, long n) {
    /** Rows per second over the whole replay, start-up included. */
    double overall() {
      return n * 1000.0 / allMs;
    }

    /** Rows per second from the first commit to the last: the job at speed. */
    double steady() {
      return allMs > firstMs ? (n - firstRows) * 1000.0 / (allMs - firstMs) : overall();
    }
  }

  /** Follows {@code count}, polled every 250 ms, until it reaches {@code n}. */
  private static Replay replay(LongSupplier count, long n, long startMillis) {
    long[] first = {-1, 0};
    await()
        .atMost(Duration.ofMinutes(30))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              long c = count.getAsLong();
              if (c > 0 && first[0] < 0) {
                first[0] = System.currentTimeMillis() - startMillis;
                first[1] = c;
              }
              return c >= n;
            });
    return new Replay(first[0], first[1], System.currentTimeMillis() - startMillis, n);
  }

  private void sayReplay(String what, Replay r) throws Exception {
    say(
        "%s: first rows readable after %.1f s, all %,d after %.1f s = %,.0f readings/s overall,"
            + " %,.0f readings/s from the first commit to the last",
        what, r.firstMs() / 1000.0, r.n(), r.allMs() / 1000.0, r.overall(), r.steady());
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  @Test
  void clusterAgainstEmbeddedOnTheSameReadings() throws Exception {
    int events = Integer.getInteger("lakestream.bench.events", 200_000);
    int runs = Integer.getInteger("lakestream.bench.runs", 3);
    Path logs = Path.of("target", "scale-out-bench");
    Files.createDirectories(logs);
    Path example = dir.resolve("example");
    TestFiles.copyTree(Path.of("../examples/iot"), example);
    String exampleYaml =
        Files.readString(example.resolve("pipeline.yaml"))
            .replace("checkpoint_interval: 10s", "checkpoint_interval: 5s");
    say(
        "scale-out bench: %,d readings, %d runs; %d cores",
        events, runs, Runtime.getRuntime().availableProcessors());
    List<Process> gateways = new ArrayList<>();
    try (PostgresServer pg = PostgresServer.start();
        KafkaTestCluster kafka = KafkaTestCluster.start(dir, logs)) {
      // Gateways write to Kafka only: any lake settings do.
      pg.createDatabase("lake");
      Path gatewayYaml = example.resolve("gateways.yaml");
      Files.writeString(
          gatewayYaml,
          ScaleOutIT.clusterPipeline(
              exampleYaml,
              kafka.bootstrap(),
              dir.resolve("shared").resolve("gw"),
              pg.port(),
              "lake"));
      int[] ports = {GatewayNodesIT.freePort(), GatewayNodesIT.freePort()};
      for (int i = 0; i < 2; i++) {
        gateways.add(
            GatewayNodesIT.node(
                gatewayYaml,
                dir.resolve("gw" + (i + 1)),
                ports[i],
                logs.resolve("gw" + (i + 1) + ".log")));
      }

      // 1. Ingestion through two gateway nodes into the three brokers.
      long t0 = System.currentTimeMillis();
      List<String> readings;
      try (ScaleOutIT.Load load =
          new ScaleOutIT.Load(
              events, Duration.ZERO, Instant.parse("2026-11-02T08:03:00Z"), ports)) {
        load.join(Duration.ofMinutes(30));
        assertThat(load.failures).isEmpty();
        readings = new ArrayList<>(load.events);
      }
      long ingestMs = System.currentTimeMillis() - t0;
      say(
          "ingest, 2 gateway nodes -> 3 brokers (RF 3, acks=all): %,d readings in %.1f s ="
              + " %,.0f readings/s",
          events, ingestMs / 1000.0, events * 1000.0 / ingestMs);

      Properties ap = new Properties();
      ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
      List<Double> one = new ArrayList<>();
      List<Double> two = new ArrayList<>();
      List<Double> embedded = new ArrayList<>();
      List<Double> oneOverall = new ArrayList<>();
      List<Double> oneTwoSlots = new ArrayList<>();
      List<Double> oneTwoSlotsOverall = new ArrayList<>();
      List<Double> twoOverall = new ArrayList<>();
      List<Double> embeddedOverall = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        // TaskManagers x slots: 1 x 1 at parallelism 1, 1 x 2 and 2 x 1 at parallelism 2.
        for (int[] shape : new int[][] {{1, 1}, {1, 2}, {2, 1}}) {
          int tms = shape[0];
          int slots = shape[1];
          int p = tms * slots;
          String name = "r" + run + "tm" + tms + "s" + slots;
          String db = pg.createDatabase("lake_" + name);
          Path yaml = example.resolve(name + ".yaml");
          Files.writeString(
              yaml,
              ScaleOutIT.clusterPipeline(
                  exampleYaml,
                  kafka.bootstrap(),
                  Files.createDirectories(dir.resolve("shared").resolve(name)),
                  pg.port(),
                  db));
          PipelineConfig cfg =
              PipelineLoader.load(yaml, Map.of("data_dir", dir.resolve("data").toString()));
          // A fresh job reads from the earliest offsets again.
          try (Admin admin = Admin.create(ap)) {
            if (admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                .anyMatch(g -> g.groupId().equals(PipelineJob.consumerGroup(cfg)))) {
              admin
                  .deleteConsumerGroups(List.of(PipelineJob.consumerGroup(cfg)))
                  .all()
                  .get(30, TimeUnit.SECONDS);
            }
          }
          try (FlinkTestCluster flink =
                  FlinkTestCluster.start(dir.resolve(name), logs.resolve(name), tms, slots);
              LakeCatalog lake = LakeCatalog.open(cfg.lake());
              SqlEngine sql = SqlEngine.open(lake.catalog())) {
            int code = flink.submit(Duration.ofMinutes(3), yaml, dir.resolve("data"), "-P", "" + p);
            assertThat(code).as("submit: %s", console.err()).isZero();
            long start = System.currentTimeMillis();
            Replay r =
                replay(
                    () ->
                        ((Number)
                                sql.query("SELECT count(*) FROM curated.sensors")
                                    .rows()
                                    .get(0)
                                    .get(0))
                            .longValue(),
                    events,
                    start);
            (p == 1 ? one : tms == 1 ? oneTwoSlots : two).add(r.steady());
            (p == 1 ? oneOverall : tms == 1 ? oneTwoSlotsOverall : twoOverall).add(r.overall());
            sayReplay(
                String.format(
                    Locale.ROOT,
                    "run %d, Flink cluster, %d TaskManager(s) x %d slot(s), parallelism %d",
                    run,
                    tms,
                    slots,
                    p),
                r);
            flink.job().cancel().get(60, TimeUnit.SECONDS);
          }
        }

        // 3. The embedded stack of 'up', on the same readings: posted with the job held back.
        Path data = dir.resolve("embedded-" + run);
        PipelineConfig cfg =
            TestStack.examplePipeline(data).withCheckpointInterval(Duration.ofSeconds(5));
        try (TestStack stack =
            TestStack.start(
                cfg,
                data,
                EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred())) {
          for (int from = 0; from < readings.size(); from += 1000) {
            assertThat(
                    stack
                        .postNdjson(
                            "sensors",
                            readings.subList(from, Math.min(readings.size(), from + 1000)))
                        .status())
                .isEqualTo(202);
          }
          long start = System.currentTimeMillis();
          stack.ls.startJob();
          Replay r =
              replay(() -> stack.count("SELECT count(*) FROM curated.sensors"), events, start);
          embedded.add(r.steady());
          embeddedOverall.add(r.overall());
          sayReplay(
              String.format(
                  Locale.ROOT, "run %d, embedded (up), parallelism %d", run, cfg.parallelism()),
              r);
        }
      }
      say(
          "medians, from the first commit to the last: 1 TaskManager (p 1) %,.0f/s; 1 TaskManager"
              + " x 2 slots (p 2) %,.0f/s; 2 TaskManagers (p 2) %,.0f/s (x%.2f of 1 TaskManager);"
              + " embedded (p 2) %,.0f/s; cluster with 2 TaskManagers / embedded = %.2f",
          median(one),
          median(oneTwoSlots),
          median(two),
          median(two) / median(one),
          median(embedded),
          median(two) / median(embedded));
      say(
          "medians, whole replay with start-up: 1 TaskManager %,.0f/s, 1 TaskManager x 2 slots"
              + " %,.0f/s, 2 TaskManagers %,.0f/s, embedded %,.0f/s",
          median(oneOverall),
          median(oneTwoSlotsOverall),
          median(twoOverall),
          median(embeddedOverall));
    } finally {
      for (Process p : gateways) {
        p.destroyForcibly();
      }
    }
  }
}
