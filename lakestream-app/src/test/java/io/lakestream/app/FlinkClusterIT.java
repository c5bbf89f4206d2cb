package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's job on a Flink session cluster of separate JVMs, started through Flink's own entry
 * points ({@code StandaloneSessionClusterEntrypoint}, {@code TaskManagerRunner}) on the class path
 * of a plain Flink distribution, so the job's code comes from the job jar {@code lakestream submit}
 * sends: submitted over REST, it curates events; one TaskManager is killed with SIGKILL and the job
 * recovers on the other by itself; every acknowledged event is curated once.
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
    if (command.equals("submit")) {
      args.addAll(List.of("--job-jar", FlinkTestCluster.jobJar().toString()));
    }
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
    PipelineConfig file = FlinkTestCluster.writePipeline(dir, "fcluster", 1, "sensors", "probes");

    // Logs stay in target/ after the test, for when it fails.
    Path logs = Path.of("target", "flink-cluster-it");
    try (FlinkTestCluster flink = FlinkTestCluster.start(dir, logs, 2, 2);
        TestStack stack = FlinkTestCluster.stack(file, dir)) {
      FlinkTestCluster.writeClusterPipeline(dir, stack.ls.kafkaBootstrap());
      // Submitted through the command line, retried while the cluster is still starting.
      int code =
          flink.submit(Duration.ofMinutes(2), dir.resolve("cluster.yaml"), dir.resolve("data"));
      assertThat(code).as("submit; jobmanager log:%n%s", flink.jobManagerLog()).isZero();
      JobClient job = flink.job();
      JobClient running = job;
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> running.getJobStatus().get(10, TimeUnit.SECONDS) == JobStatus.RUNNING);
      // A second submit of the same pipeline is refused while its job runs.
      assertThat(flink.submit(Duration.ZERO, dir.resolve("cluster.yaml"), dir.resolve("data")))
          .isEqualTo(1);
      assertThat(console.err()).contains("already runs on").contains("Stop it first");

      List<String> ids = new ArrayList<>(FlinkTestCluster.postSensors(stack, "f-", 0, 500));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == 500);

      // Kill the TaskManager that runs the job; with two slots each, it fits on the other one.
      String runner = flink.taskManagerOf(running.getJobID());
      assertThat(runner).isIn("tm1", "tm2");
      flink.killTaskManager(runner);
      long killed = System.nanoTime();
      ids.addAll(FlinkTestCluster.postSensors(stack, "f-", 500, 1000));
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
      ids.addAll(FlinkTestCluster.postSensors(stack, "f-", 1000, 1300));

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
