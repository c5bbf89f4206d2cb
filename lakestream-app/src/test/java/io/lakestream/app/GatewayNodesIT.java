package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway nodes ({@code lakestream gateway}) in their own JVMs against the Kafka of a running stack
 * (standing in for a Kafka cluster with the job on a Flink cluster): both take events while a load
 * runs through them, one is killed with SIGKILL mid-load, and every event a node acknowledged is in
 * the curated zone exactly once. The nodes share the stack's schema registry through Kafka.
 */
class GatewayNodesIT {

  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Copies what a child process prints to {@code log}, line by line, on a daemon thread; the answer
   * completes with true at the first line starting with {@code readyPrefix}, or false when the
   * process ends before that.
   */
  static CompletableFuture<Boolean> logOutput(Process p, Path log, String readyPrefix) {
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = r.readLine()) != null) {
                  out.write(line);
                  out.newLine();
                  out.flush();
                  if (line.startsWith(readyPrefix)) {
                    ready.complete(true);
                  }
                }
              } catch (Exception e) {
                // process gone
              }
              ready.complete(false);
            });
    reader.setDaemon(true);
    reader.start();
    return ready;
  }

  /** A node in its own JVM, started through the command line; ready when it says so. */
  static Process node(Path pipeline, Path data, int port, Path log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.lakestream.app.cli.Main");
    cmd.addAll(
        List.of("gateway", "-p", pipeline.toString(), "-d", data.toString(), "--port", "" + port));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CompletableFuture<Boolean> ready = logOutput(p, log, "Ready.");
    if (!ready.get(90, TimeUnit.SECONDS)) {
      throw new AssertionError("the gateway node did not start:\n" + Files.readString(log));
    }
    return p;
  }

  /**
   * Writes {@code s.schema.json} into {@code dir}: the schema of the readings {@link #event} makes.
   */
  static void writeSensorSchema(Path dir) throws IOException {
    Files.writeString(
        dir.resolve("s.schema.json"),
        """
        {"type": "object", "required": ["id", "device_id", "ts"],
         "properties": {"id": {"type": "string"}, "device_id": {"type": "string"},
          "ts": {"type": "string", "format": "date-time"}, "temperature": {"type": "number"}}}
        """);
  }

  static String event(String id) {
    return "{\"id\":\""
        + id
        + "\",\"device_id\":\"d-"
        + (id.hashCode() & 7)
        + "\",\"ts\":\""
        + Instant.now()
        + "\",\"temperature\":21.5}";
  }

  @Test
  void nodesAcknowledgeOnlyWhatKafkaHoldsAndAKilledOneLosesNothing() throws Exception {
    writeSensorSchema(dir);
    String sources =
        """
        sources:
          sensors:
            type: http
            schema: s.schema.json
            key: device_id
            event_time: {field: ts, allowed_lateness: 1d}
        """;
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        "pipeline: nodes\ncheckpoint_interval: 1s\nparallelism: 1\nkafka: {partitions: 3}\n"
            + "gateway: {port: 0}\n"
            + sources);
    PipelineConfig cfg =
        PipelineLoader.load(
            dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));
    try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
      // The nodes' pipeline file: the same pipeline, pointed at the stack's Kafka.
      Files.writeString(
          dir.resolve("nodes.yaml"),
          "pipeline: nodes\nkafka: {partitions: 3, bootstrap_servers: \""
              + stack.ls.kafkaBootstrap()
              + "\"}\n"
              + sources);
      int port1 = freePort();
      int port2 = freePort();
      Process n1 =
          node(dir.resolve("nodes.yaml"), dir.resolve("gw1"), port1, dir.resolve("gw1.log"));
      Process n2 =
          node(dir.resolve("nodes.yaml"), dir.resolve("gw2"), port2, dir.resolve("gw2.log"));
      try {
        // The registry is the stack's: the same subject, version and id.
        HttpResponse<String> reg =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + port2 + "/registry/subjects/sensors/versions/1"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reg.statusCode()).as(reg.body()).isEqualTo(200);
        assertThat(TestStack.JSON.readTree(reg.body()).get("id").asInt())
            .isEqualTo(stack.ls.registry().latest("sensors").orElseThrow().id());

        Senders load =
            new Senders("p", Duration.ofSeconds(10), Duration.ofMillis(50), port1, port2);
        Set<String> acked = load.acked;
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 3_000);
        // SIGKILL: no shutdown, no flush.
        n2.destroyForcibly();
        assertThat(n2.waitFor(20, TimeUnit.SECONDS)).isTrue();
        int atKill = acked.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= atKill + 2_000);
        load.close();
        assertThat(acked.stream().filter(id -> id.startsWith("p" + port2 + "-"))).isNotEmpty();

        // Every acknowledged event is curated, once.
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> {
                  Set<String> lake = new HashSet<>(stack.column("SELECT id FROM curated.sensors"));
                  return lake.containsAll(acked);
                });
        assertThat(stack.count("SELECT count(*) - count(DISTINCT id) FROM curated.sensors"))
            .isZero();
        assertThat(stack.count("SELECT count(*) FROM errors.records")).isZero();
      } finally {
        // SIGTERM through the handle: Process.destroy() would also close our end of its output.
        n1.toHandle().destroy();
        n1.waitFor(30, TimeUnit.SECONDS);
        n2.destroyForcibly();
      }
      // The node stopped cleanly on SIGTERM, and said so.
      assertThat(n1.exitValue()).isZero();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> Files.readString(dir.resolve("gw1.log")).contains("Stopped."));
    }
  }
}
