package io.lakestream.app;

import static io.lakestream.app.GatewayNodesIT.event;
import static io.lakestream.app.GatewayNodesIT.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.embedded.EmbeddedLakestream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
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

  private static Process flink(String mainClass, Path confDir, Path log, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx768m",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            mainClass,
            "--configDir",
            confDir.toString()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return p;
  }

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

  /** The one running job of the cluster, as a client. */
  private static JobClient clusterJob(int rest) throws Exception {
    org.apache.flink.api.common.JobID id;
    try (var client =
        new org.apache.flink.client.program.rest.RestClusterClient<>(
            restConfiguration(rest), "standalone")) {
      id =
          client.listJobs().get(30, TimeUnit.SECONDS).stream()
              .filter(j -> !j.getJobState().isGloballyTerminalState())
              .findFirst()
              .orElseThrow()
              .getJobId();
    }
    // The adapter closes the client it is given after each call: give it a new one each time.
    return new org.apache.flink.client.deployment.ClusterClientJobClientAdapter<>(
        () -> {
          try {
            return new org.apache.flink.client.program.rest.RestClusterClient<>(
                restConfiguration(rest), "standalone");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        id,
        FlinkClusterIT.class.getClassLoader());
  }

  private static Configuration restConfiguration(int rest) {
    Configuration c = new Configuration();
    c.set(org.apache.flink.configuration.RestOptions.ADDRESS, "127.0.0.1");
    c.set(org.apache.flink.configuration.RestOptions.PORT, rest);
    return c;
  }

  /** The resource id of the TaskManager running the job's first vertex, from Flink's REST API. */
  private static String taskManagerOf(int rest, String jobId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + rest + "/jobs/" + jobId;
    JsonNode job =
        TestStack.JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String vertex = job.get("vertices").get(0).get("id").asText();
    JsonNode tms =
        TestStack.JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(base + "/vertices/" + vertex + "/taskmanagers"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    return tms.get("taskmanagers").get(0).get("taskmanager-id").asText();
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

    int rpc = freePort();
    int rest = freePort();
    Path conf = Files.createDirectories(dir.resolve("flink-conf"));
    Files.writeString(
        conf.resolve("config.yaml"),
        "jobmanager.rpc.address: 127.0.0.1\n"
            + "jobmanager.bind-host: 127.0.0.1\n"
            + "jobmanager.rpc.port: "
            + rpc
            + "\n"
            + "rest.address: 127.0.0.1\n"
            + "rest.bind-address: 127.0.0.1\n"
            + "rest.port: "
            + rest
            + "\n"
            + "taskmanager.host: 127.0.0.1\n"
            + "taskmanager.bind-host: 127.0.0.1\n"
            + "taskmanager.numberOfTaskSlots: 2\n"
            // What Flink's start scripts would compute and pass; the entry points need them set.
            + "taskmanager.cpu.cores: 2\n"
            + "taskmanager.memory.task.heap.size: 448m\n"
            + "taskmanager.memory.task.off-heap.size: 0m\n"
            + "taskmanager.memory.managed.size: 64m\n"
            + "taskmanager.memory.framework.heap.size: 128m\n"
            + "taskmanager.memory.framework.off-heap.size: 128m\n"
            + "taskmanager.memory.network.min: 128m\n"
            + "taskmanager.memory.network.max: 128m\n"
            + "taskmanager.memory.jvm-metaspace.size: 256m\n"
            + "taskmanager.memory.jvm-overhead.min: 192m\n"
            + "taskmanager.memory.jvm-overhead.max: 192m\n"
            + "jobmanager.memory.process.size: 800m\n"
            + "heartbeat.interval: 1000\n"
            + "heartbeat.timeout: 8000\n"
            + "restart-strategy.type: fixed-delay\n"
            + "restart-strategy.fixed-delay.attempts: 100\n"
            + "restart-strategy.fixed-delay.delay: 2 s\n"
            + "state.backend.type: hashmap\n"
            + "execution.checkpointing.dir: "
            + dir.resolve("checkpoints").toUri()
            + "\n");
    List<Process> procs = new ArrayList<>();
    // Logs stay in target/ after the test, for when it fails.
    Path logs = Files.createDirectories(Path.of("target", "flink-cluster-it"));
    try (TestStack stack =
        TestStack.start(
            file,
            dir.resolve("data"),
            EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred())) {
      procs.add(
          flink(
              "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
              conf,
              logs.resolve("jobmanager.log")));
      for (int i = 1; i <= 2; i++) {
        // Each TaskManager with its own resource id, so the test knows which one runs the job.
        Path tmConf = Files.createDirectories(dir.resolve("flink-conf-tm" + i));
        Files.writeString(
            tmConf.resolve("config.yaml"),
            Files.readString(conf.resolve("config.yaml"))
                + "taskmanager.resource-id: tm"
                + i
                + "\n");
        procs.add(
            flink(
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                tmConf,
                logs.resolve("tm" + i + ".log")));
      }

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
                "http://127.0.0.1:" + rest);
        if (code != 0) {
          Thread.sleep(2000);
        }
      }
      assertThat(code)
          .as("submit; jobmanager log:%n%s", Files.readString(logs.resolve("jobmanager.log")))
          .isZero();
      JobClient job = clusterJob(rest);
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
      String runner = taskManagerOf(rest, running.getJobID().toString());
      assertThat(runner).isIn("tm1", "tm2");
      procs.get(runner.equals("tm1") ? 1 : 2).destroyForcibly();
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
        "http://127.0.0.1:" + rest
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
      JobClient last = clusterJob(rest);
      last.cancel().get(60, TimeUnit.SECONDS);
    } finally {
      for (Process p : procs) {
        p.destroyForcibly();
      }
    }
  }
}
