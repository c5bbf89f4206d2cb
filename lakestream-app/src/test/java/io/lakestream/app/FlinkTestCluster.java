package io.lakestream.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.ClusterClientJobClientAdapter;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;

/**
 * A Flink session cluster of separate JVMs for the scale-out tests: one JobManager and N
 * TaskManagers started through Flink's own entry points ({@code
 * StandaloneSessionClusterEntrypoint}, {@code TaskManagerRunner}), all on loopback. TaskManager
 * {@code i} has the resource id {@code tm<i>}, so a test can find and kill the one running a job.
 * Closing kills every process.
 */
final class FlinkTestCluster implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final int rest;
  private final Path dir;
  private final Path logs;
  private final Path conf;
  private Process jobManager;
  private final List<Process> taskManagers = new ArrayList<>();

  private FlinkTestCluster(Path dir, Path logs, int rest, Path conf) {
    this.dir = dir;
    this.logs = logs;
    this.rest = rest;
    this.conf = conf;
  }

  /**
   * Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots each.
   *
   * @param dir working folder (configuration, checkpoints)
   * @param logs where each process's output goes ({@code jobmanager.log}, {@code tm<i>.log})
   */
  static FlinkTestCluster start(Path dir, Path logs, int taskManagers, int slots) throws Exception {
    int rpc = GatewayNodesIT.freePort();
    int rest = GatewayNodesIT.freePort();
    Files.createDirectories(logs);
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
            + "taskmanager.numberOfTaskSlots: "
            + slots
            + "\n"
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
    FlinkTestCluster c = new FlinkTestCluster(dir, logs, rest, conf);
    try {
      c.jobManager =
          process(
              "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
              conf,
              logs.resolve("jobmanager.log"));
      for (int i = 1; i <= taskManagers; i++) {
        c.taskManagers.add(null);
        c.startTaskManager(i);
      }
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Starts (or starts again) TaskManager {@code i}, with the resource id {@code tm<i>}. */
  void startTaskManager(int i) throws Exception {
    Path tmConf = Files.createDirectories(dir.resolve("flink-conf-tm" + i));
    Files.writeString(
        tmConf.resolve("config.yaml"),
        Files.readString(conf.resolve("config.yaml")) + "taskmanager.resource-id: tm" + i + "\n");
    taskManagers.set(
        i - 1,
        process(
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            tmConf,
            logs.resolve("tm" + i + ".log")));
  }

  private static Process process(String mainClass, Path confDir, Path log) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx768m",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "-cp",
            classPath(),
            mainClass,
            "--configDir",
            confDir.toString());
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** The cluster JVMs' class path. */
  static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** The JobManager's REST port. */
  int restPort() {
    return rest;
  }

  /** The JobManager's REST endpoint, {@code http://127.0.0.1:<port>}. */
  String restUrl() {
    return "http://127.0.0.1:" + rest;
  }

  /** The folder with Flink's configuration file (for {@code FLINK_CONF_DIR}). */
  Path confDir() {
    return conf;
  }

  /** The JobManager's log, for assertion messages. */
  String jobManagerLog() throws Exception {
    return Files.readString(logs.resolve("jobmanager.log"));
  }

  /** Kills TaskManager {@code tm<i>} with SIGKILL. */
  void killTaskManager(String resourceId) {
    int i = Integer.parseInt(resourceId.substring(2));
    taskManagers.get(i - 1).destroyForcibly();
  }

  /** The resource id of the TaskManager running the job's first vertex, from the REST API. */
  String taskManagerOf(JobID job) throws Exception {
    String base = restUrl() + "/jobs/" + job;
    JsonNode j = get(base);
    String vertex = j.get("vertices").get(0).get("id").asText();
    JsonNode tms = get(base + "/vertices/" + vertex + "/taskmanagers");
    return tms.get("taskmanagers").get(0).get("taskmanager-id").asText();
  }

  /** A REST resource of the JobManager, e.g. {@code restUrl() + "/jobs/overview"}. */
  static JsonNode get(String url) throws Exception {
    return TestStack.JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** The one job of the cluster that is not finished, as a client. */
  JobClient job() throws Exception {
    JobID id;
    try (var client = new RestClusterClient<>(restConfiguration(), "standalone")) {
      id =
          client.listJobs().get(30, TimeUnit.SECONDS).stream()
              .filter(j -> !j.getJobState().isGloballyTerminalState())
              .findFirst()
              .orElseThrow()
              .getJobId();
    }
    // The adapter closes the client it is given after each call: give it a new one each time.
    return new ClusterClientJobClientAdapter<>(
        () -> {
          try {
            return new RestClusterClient<>(restConfiguration(), "standalone");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        id,
        FlinkTestCluster.class.getClassLoader());
  }

  private Configuration restConfiguration() {
    Configuration c = new Configuration();
    c.set(RestOptions.ADDRESS, "127.0.0.1");
    c.set(RestOptions.PORT, rest);
    return c;
  }

  @Override
  public void close() {
    for (Process p : taskManagers) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (jobManager != null) {
      jobManager.destroyForcibly();
    }
  }
}
