package io.lakestream.app;

import static io.lakestream.app.GatewayNodesIT.freePort;
import static io.lakestream.app.GatewayNodesIT.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real three-broker Kafka cluster (KRaft, each broker in its own JVM, replication
 * factor 3, {@code min.insync.replicas=2}) with two gateway nodes in their own JVMs: while events
 * flow through both nodes, one broker is killed with SIGKILL, then one gateway node. Every event a
 * node acknowledged reaches the curated zone exactly once, and the pipeline goes on by itself.
 */
class KafkaClusterIT {

  @TempDir Path dir;

  @Test
  void acknowledgedEventsSurviveABrokerAndAGatewayKilled() throws Exception {
    List<Process> nodes = new ArrayList<>();
    try (KafkaTestCluster kafka = KafkaTestCluster.start(dir, dir)) {
      String bootstrap = kafka.bootstrap();
      GatewayNodesIT.writeSensorSchema(dir);
      String body =
          """
          kafka: {bootstrap_servers: "BOOT", partitions: 3, replication_factor: 3}
          sources:
            sensors:
              type: http
              schema: s.schema.json
              key: device_id
              event_time: {field: ts, allowed_lateness: 1d}
          """
              .replace("BOOT", bootstrap);
      Files.writeString(
          dir.resolve("pipeline.yaml"),
          "pipeline: cluster\ncheckpoint_interval: 1s\nparallelism: 1\ngateway: {port: 0}\n"
              + body);
      Files.writeString(dir.resolve("nodes.yaml"), "pipeline: cluster\n" + body);
      PipelineConfig cfg =
          PipelineLoader.load(
              dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));

      // The job and the lake in this JVM (standing in for the Flink cluster), the gateways apart.
      try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
        int[] gw = {freePort(), freePort()};
        for (int i = 0; i < 2; i++) {
          nodes.add(
              node(
                  dir.resolve("nodes.yaml"),
                  dir.resolve("gw" + i),
                  gw[i],
                  dir.resolve("gw" + i + ".log")));
        }
        Senders load = new Senders("c", Duration.ofSeconds(30), Duration.ofMillis(100), gw);
        Set<String> acked = load.acked;
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 2_000);
        // Kill one broker: the other two keep every partition writable (min.insync.replicas=2).
        kafka.kill(3);
        long brokerKilled = System.nanoTime();
        int afterBroker = acked.size();
        // Batches in flight at the kill may still be acknowledged: wait for a new one after them.
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> acked.size() >= afterBroker + 200);
        long brokerStallMs = (System.nanoTime() - brokerKilled) / 1_000_000;
        await().atMost(Duration.ofSeconds(90)).until(() -> acked.size() >= afterBroker + 2_000);
        // Then one gateway node.
        nodes.get(1).destroyForcibly();
        nodes.get(1).waitFor(20, TimeUnit.SECONDS);
        int afterNode = acked.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= afterNode + 1_000);
        load.close();
        long lakeWait = System.nanoTime();

        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    new HashSet<>(stack.column("SELECT id FROM curated.sensors"))
                        .containsAll(acked));
        assertThat(stack.count("SELECT count(*) - count(DISTINCT id) FROM curated.sensors"))
            .isZero();
        assertThat(stack.count("SELECT count(*) FROM errors.records")).isZero();
        String figures =
            String.format(
                "kafka cluster: %,d events acknowledged through 2 gateway nodes, all curated once;"
                    + " after the broker's SIGKILL the next 200 acknowledgements took %d ms; the"
                    + " lake had every event %d ms after the load stopped%n",
                acked.size(), brokerStallMs, (System.nanoTime() - lakeWait) / 1_000_000);
        new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true)
            .print(figures);
        Files.writeString(Path.of("target", "kafka-cluster.txt"), figures);
      }
    } finally {
      for (Process p : nodes) {
        p.destroyForcibly();
      }
    }
  }
}
