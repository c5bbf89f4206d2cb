package io.lakestream.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.embedded.EmbeddedLakestream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The JVMs run on the class path of a plain Flink distribution (module {@code
 * lakestream-flink-testdist}): no Lakestream code, no Kafka connector, Iceberg or Hadoop. A job
 * brings those in the job jar ({@link #jobJar()}), as on a real cluster.
 */
final class FlinkTestCluster implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The JDK modules Flink's distribution opens to its code (its default JVM options). */
  private static final List<String> OPENS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.math=ALL-UNNAMED",
          "--add-opens=java.base/java.security=ALL-UNNAMED",
          "--add-opens=java.sql/java.sql=ALL-UNNAMED");

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
    // The logs of an earlier run of the same test would mislead (processes append to them).
    try (var old = Files.list(logs)) {
      for (Path f : old.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
        Files.delete(f);
      }
    }
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
    // What conf/log4j-console.properties is to a distribution: readable INFO logs.
    Files.writeString(
        conf.resolve("log4j-console.properties"), resource("log4j-console.properties"));
    FlinkTestCluster c = new FlinkTestCluster(dir, logs, rest, conf);
    try {
      c.jobManager =
          c.process(
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

  private Process process(String mainClass, Path confDir, Path log) throws Exception {
    return new ProcessBuilder(java("-Xmx768m", mainClass, "--configDir", confDir.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** A JVM command on the distribution's class path, with its opens and logging. */
  private List<String> java(String heap, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(heap);
    cmd.addAll(OPENS);
    cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j-console.properties").toUri());
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Flink's own command line ({@code bin/flink}: {@code CliFrontend}) against this cluster, in a
   * JVM on the distribution's class path with {@code FLINK_CONF_DIR} = {@link #confDir()}; its
   * output goes to {@code log}.
   *
   * @return the exit code
   */
  int flinkCli(Path log, String... args) throws Exception {
    Path lib = Files.createDirectories(dir.resolve("flink-lib"));
    Path plugins = Files.createDirectories(dir.resolve("flink-plugins"));
    ProcessBuilder pb =
        new ProcessBuilder(java("-Xmx512m", "org.apache.flink.client.cli.CliFrontend", args))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("FLINK_CONF_DIR", conf.toString());
    // What bin/config.sh sets; both folders are empty here, as the class path holds lib/.
    pb.environment().put("FLINK_LIB_DIR", lib.toString());
    pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
    Process p = pb.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("flink " + String.join(" ", args) + " did not end");
    }
    return p.exitValue();
  }

  /**
   * The class path of a Flink 2.1 distribution (flink-dist and lib/), from the resource {@code
   * flink-testdist.classpath} of the fixture module {@code lakestream-flink-testdist}.
   */
  static String classPath() {
    return resource("flink-testdist.classpath").strip();
  }

  /**
   * The job jar, {@code lakestream-flink-job/target/lakestream-job.jar} (system property {@code
   * lakestream.jobjar}, set by the build).
   */
  static Path jobJar() {
    String p = System.getProperty("lakestream.jobjar");
    if (p == null || !Files.isRegularFile(Path.of(p))) {
      throw new IllegalStateException(
          "no job jar at "
              + p
              + ": build it with ./mvnw -pl lakestream-flink-job -am package -DskipTests");
    }
    return Path.of(p);
  }

  private static String resource(String name) {
    try (InputStream in = FlinkTestCluster.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "no resource "
                + name
                + " on the test class path: build the module lakestream-flink-testdist");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the pipeline file of the cluster tests, {@code pipeline.yaml} in {@code dir}: an HTTP
   * source of the sensor schema ({@code s.schema.json}, written too) per name in {@code sources}, a
   * checkpoint every second, two Kafka partitions, the given parallelism.
   *
   * @return the pipeline as a test stack runs it (embedded Kafka, the lake under {@code dir/data})
   */
  static PipelineConfig writePipeline(Path dir, String name, int parallelism, String... sources)
      throws IOException {
    GatewayNodesIT.writeSensorSchema(dir);
    StringBuilder yaml =
        new StringBuilder("pipeline: ")
            .append(name)
            .append("\ncheckpoint_interval: 1s\nparallelism: ")
            .append(parallelism)
            .append("\nkafka: {partitions: 2}\ngateway: {port: 0}\nsources:\n");
    for (String source : sources) {
      yaml.append("  ")
          .append(source)
          .append(":\n    type: http\n    schema: s.schema.json\n    key: device_id\n")
          .append("    event_time: {field: ts, allowed_lateness: 1d}\n");
    }
    Files.writeString(dir.resolve("pipeline.yaml"), yaml);
    return PipelineLoader.load(
        dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));
  }

  /**
   * The pipeline file as the cluster sees it, {@code cluster.yaml} beside {@code pipeline.yaml}:
   * the Kafka of the test's stack ({@code bootstrap}), the same lake.
   */
  static Path writeClusterPipeline(Path dir, String bootstrap) throws IOException {
    Path cluster = dir.resolve("cluster.yaml");
    Files.writeString(
        cluster,
        Files.readString(dir.resolve("pipeline.yaml"))
            .replace(
                "kafka: {partitions: 2}",
                "kafka: {partitions: 2, bootstrap_servers: \"" + bootstrap + "\"}"));
    return cluster;
  }

  /**
   * A stack serving the cluster's job: Kafka on a free port, the gateway, the lake under {@code
   * dir/data}; its own job is held back.
   */
  static TestStack stack(PipelineConfig pipeline, Path dir) {
    return TestStack.start(
        pipeline,
        dir.resolve("data"),
        EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred());
  }

  /**
   * Posts the events {@code <prefix><from>} to {@code <prefix><to - 1>} to the source {@code
   * sensors} of the stack, in one request that must be accepted; answers their ids.
   */
  static List<String> postSensors(TestStack stack, String prefix, int from, int to) {
    List<String> ids = new ArrayList<>();
    List<String> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ids.add(prefix + i);
      batch.add(GatewayNodesIT.event(prefix + i));
    }
    int status = stack.postNdjson("sensors", batch).status();
    if (status != 202) {
      throw new AssertionError("the gateway answered " + status);
    }
    return ids;
  }

  /**
   * {@code lakestream submit} of {@code pipeline} to this cluster with the job jar and {@code more}
   * options, tried again every 2 s for {@code retryFor} while it fails (the cluster still
   * starting); the last exit code.
   */
  int submit(Duration retryFor, Path pipeline, Path dataDir, String... more)
      throws InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "submit",
                "-p",
                pipeline.toString(),
                "-d",
                dataDir.toString(),
                "--flink-rest",
                restUrl(),
                "--job-jar",
                jobJar().toString()));
    args.addAll(List.of(more));
    long deadline = System.nanoTime() + retryFor.toNanos();
    int code = io.lakestream.app.cli.Main.run(args.toArray(new String[0]));
    while (code != 0 && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      code = io.lakestream.app.cli.Main.run(args.toArray(new String[0]));
    }
    return code;
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
