package io.lakestream.app;

import static io.lakestream.app.GatewayNodesIT.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.embedded.EmbeddedLakestream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's job on a Flink session cluster of separate JVMs, started through Flink's own entry
 * points ({@code StandaloneSessionClusterEntrypoint}, {@code TaskManagerRunner}) on the
 * Maven-resolved class path: submitted over REST, it curates events; one TaskManager is killed with
 * SIGKILL and the job recovers on the other by itself; every acknowledged event is curated once.
 */
class FlinkClusterIT {

  @TempDir Path dir;

  @org.junit.jupiter.api.extension.RegisterExtension
  final io.lakestream.app.cli.ConsoleCapture console = new io.lakestream.app.cli.ConsoleCapture();

  private static int run(String command, String[] common, String... more) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(List.of(common));
    args.addAll(List.of(more));
    return io.lakestream.app.cli.Main.run(args.toArray(new String[0]));
  }

  /** The newest savepoint folder under {@code dir}. */
  private static String newest(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("savepoint-"))
          .max(java.util.Comparator.comparingLong(p -> p.toFile().lastModified()))
          .orElseThrow()
          .toUri()
          .toString();
    }
  }

  @Test
  void theJobRunsOnASessionClusterAndSurvivesATaskManagerKill() throws Exception {
    Files.writeString(
        dir.resolve("s.schema.json"),
        """
        {"type": "object", "required": ["id", "device_id", "ts"],
         "properties": {"id": {"type": "string"}, "device_id": {"type": "string"},
          "ts": {"type": "string", "format": "date-time"}, "temperature": {"type": "number"}}}
        """);
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        """
        pipeline: fcluster
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 2}
        gateway: {port: 0}
        sources:
          sensors:
            type: http
            schema: s.schema.json
            key: device_id
            event_time: {field: ts, allowed_lateness: 1d}
          probes:
            type: http
            schema: s.schema.json
            key: device_id
            event_time: {field: ts, allowed_lateness: 1d}
        """);
    PipelineConfig file =
        PipelineLoader.load(
            dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));

    // Logs stay in target/ after the test, for when it fails.
    Path logs = Path.of("target", "flink-cluster-it");
    try (FlinkTestCluster flink = FlinkTestCluster.start(dir, logs, 2, 2);
        TestStack stack =
            TestStack.start(
                file,
                dir.resolve("data"),
                EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred())) {
      // The pipeline file as the cluster sees it: the stack's Kafka, the same lake.
      Files.writeString(
          dir.resolve("cluster.yaml"),
          Files.readString(dir.resolve("pipeline.yaml"))
              .replace(
                  "kafka: {partitions: 2}",
                  "kafka: {partitions: 2, bootstrap_servers: \""
                      + stack.ls.kafkaBootstrap()
                      + "\"}"));
      // Submitted through the command line, retried while the cluster is still starting.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int code = -1;
      while (code != 0 && System.nanoTime() < deadline) {
        code =
            io.lakestream.app.cli.Main.run(
                "submit",
                "-p",
                dir.resolve("cluster.yaml").toString(),
                "-d",
                dir.resolve("data").toString(),
                "--flink-rest",
                flink.restUrl());
        if (code != 0) {
          Thread.sleep(2000);
        }
      }
      assertThat(code).as("submit; jobmanager log:%n%s", flink.jobManagerLog()).isZero();
      JobClient job = flink.job();
      JobClient running = job;
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> running.getJobStatus().get(10, TimeUnit.SECONDS) == JobStatus.RUNNING);

      List<String> ids = new ArrayList<>();
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String id = "f-" + i;
        ids.add(id);
        batch.add(event(id));
      }
      assertThat(stack.postNdjson("sensors", batch).status()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == 500);

      // Kill the TaskManager that runs the job; with two slots each, it fits on the other one.
      String runner = flink.taskManagerOf(running.getJobID());
      assertThat(runner).isIn("tm1", "tm2");
      flink.killTaskManager(runner);
      long killed = System.nanoTime();
      List<String> after = new ArrayList<>();
      for (int i = 500; i < 1000; i++) {
        String id = "f-" + i;
        ids.add(id);
        after.add(event(id));
      }
      assertThat(stack.postNdjson("sensors", after).status()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(180))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") >= 1000);
      long recoveredMs = (System.nanoTime() - killed) / 1_000_000;
      assertThat(new HashSet<>(stack.column("SELECT id FROM curated.sensors"))).containsAll(ids);
      assertThat(stack.count("SELECT count(*) - count(DISTINCT id) FROM curated.sensors")).isZero();
      String figures =
          String.format(
              "flink session cluster: after the SIGKILL of the TaskManager running the job (%s),"
                  + " the next events were curated %d ms later%n",
              runner, recoveredMs);
      new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true)
          .print(figures);
      Files.writeString(Path.of("target", "flink-cluster.txt"), figures);

      // Stop with a savepoint; events posted meanwhile wait in Kafka.
      Path savepoints = dir.resolve("savepoints");
      String[] common = {
        "-p",
        dir.resolve("cluster.yaml").toString(),
        "-d",
        dir.resolve("data").toString(),
        "--flink-rest",
        flink.restUrl()
      };
      assertThat(run("stop", common, "--savepoint-dir", savepoints.toUri().toString())).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> running.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState());
      List<String> whileStopped = new ArrayList<>();
      for (int i = 1000; i < 1300; i++) {
        String id = "f-" + i;
        ids.add(id);
        whileStopped.add(event(id));
      }
      assertThat(stack.postNdjson("sensors", whileStopped).status()).isEqualTo(202);

      // A change the state can follow (the checkpoint interval), resumed from the savepoint.
      Files.writeString(
          dir.resolve("cluster.yaml"),
          Files.readString(dir.resolve("cluster.yaml"))
              .replace("checkpoint_interval: 1s", "checkpoint_interval: 2s"));
      assertThat(run("submit", common, "--from-savepoint", newest(savepoints))).isZero();
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") >= 1300);
      assertThat(new HashSet<>(stack.column("SELECT id FROM curated.sensors"))).containsAll(ids);
      assertThat(stack.count("SELECT count(*) - count(DISTINCT id) FROM curated.sensors")).isZero();
      assertThat(stack.count("SELECT count(*) FROM curated.sensors")).isEqualTo(1300);

      // A change it cannot follow (a source with state removed): refused, the state untouched.
      assertThat(run("stop", common, "--savepoint-dir", savepoints.toUri().toString())).isZero();
      String second = newest(savepoints);
      String yaml = Files.readString(dir.resolve("cluster.yaml"));
      Files.writeString(dir.resolve("cluster.yaml"), yaml.substring(0, yaml.indexOf("  probes:")));
      assertThat(run("submit", common, "--from-savepoint", second)).isEqualTo(1);
      assertThat(console.err())
          .contains("Cannot map checkpoint/savepoint state")
          .contains("Nothing was changed. Submit again with --allow-non-restored-state");
      assertThat(run("submit", common, "--from-savepoint", second, "--allow-non-restored-state"))
          .isZero();
      JobClient last = flink.job();
      last.cancel().get(60, TimeUnit.SECONDS);
    }
  }
}
