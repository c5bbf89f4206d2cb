package io.lakestream.app;

import static org.awaitility.Awaitility.await;

import io.lakestream.app.cluster.KafkaClusterNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real three-broker Kafka cluster for the scale-out tests: KRaft, each node broker and controller
 * in its own JVM ({@link KafkaClusterNode}), replication factor 3 and {@code
 * min.insync.replicas=2}, all on loopback. Closing kills every broker.
 */
final class KafkaTestCluster implements AutoCloseable {

  private final List<Process> brokers = new ArrayList<>();
  private final String bootstrap;

  private KafkaTestCluster(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /**
   * Starts three brokers with their logs in {@code dir/kafka-<i>} and their output in {@code
   * logs/kafka-<i>.log}; answers when all three are in the cluster.
   */
  static KafkaTestCluster start(Path dir, Path logs) throws Exception {
    String clusterId = Uuid.randomUuid().toString();
    int[] ports = {GatewayNodesIT.freePort(), GatewayNodesIT.freePort(), GatewayNodesIT.freePort()};
    String controllers =
        GatewayNodesIT.freePort()
            + ","
            + GatewayNodesIT.freePort()
            + ","
            + GatewayNodesIT.freePort();
    Files.createDirectories(logs);
    KafkaTestCluster c =
        new KafkaTestCluster(
            "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2]);
    try {
      for (int i = 0; i < 3; i++) {
        c.brokers.add(
            broker(
                i + 1,
                dir.resolve("kafka-" + (i + 1)),
                clusterId,
                ports[i],
                controllers,
                logs.resolve("kafka-" + (i + 1) + ".log")));
      }
      Properties ap = new Properties();
      ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap);
      try (Admin admin = Admin.create(ap)) {
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 3);
      }
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static Process broker(
      int id, Path logDir, String clusterId, int port, String controllers, Path log)
      throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-cp",
            System.getProperty("java.class.path"),
            KafkaClusterNode.class.getName(),
            "" + id,
            logDir.toString(),
            clusterId,
            "" + port,
            controllers);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    GatewayNodesIT.logOutput(p, log, "KAFKA_NODE_STARTED");
    return p;
  }

  /** The bootstrap servers, {@code 127.0.0.1:<port>,...}. */
  String bootstrap() {
    return bootstrap;
  }

  /** Kills broker {@code i} (1 to 3) with SIGKILL and waits until it is gone. */
  void kill(int i) throws InterruptedException {
    Process p = brokers.get(i - 1);
    p.destroyForcibly();
    p.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (Process p : brokers) {
      p.destroyForcibly();
    }
  }
}
