package io.lakestream.app.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, its
 * log under a data directory so it survives restarts.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of("data/kafka"), 9092)) {
 *   String bootstrap = kafka.bootstrapServers(); // "127.0.0.1:9092"
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String CLUSTER_ID_FILE = "lakestream-cluster-id";

  private final KafkaRaftServer server;
  private final int port;
  private final Path logDir;

  private EmbeddedKafka(KafkaRaftServer server, int port, Path logDir) {
    this.server = server;
    this.port = port;
    this.logDir = logDir;
  }

  /**
   * Formats the log directory if it is new, starts the broker and waits until it answers.
   *
   * @param logDir where the broker keeps its log; reused across restarts
   * @param port client port on 127.0.0.1; 0 picks a free one
   * @throws IllegalStateException if the port is taken or the broker does not come up in time
   */
  public static EmbeddedKafka start(Path logDir, int port) {
    try {
      Files.createDirectories(logDir);
      int brokerPort = port == 0 ? freePort() : port;
      requireFree(brokerPort);
      int controllerPort = freePort();
      // One broker: a record acked with acks=all is in this broker's log (page cache), which
      // survives a crash of this process but not of the machine. Documented in docs/durability.
      Properties p =
          kraftNode(1, "1@127.0.0.1:" + controllerPort, brokerPort, controllerPort, logDir, 1, 1);
      p.put("num.partitions", "4");
      p.put("log.retention.hours", "168");
      p.put("log.segment.bytes", String.valueOf(256 * 1024 * 1024));
      KafkaConfig config = KafkaConfig.fromProps(p, false);
      format(logDir);
      long t0 = System.nanoTime();
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(server, brokerPort, logDir);
      kafka.awaitReady(Duration.ofSeconds(60));
      LOG.info(
          "Kafka broker ready on 127.0.0.1:{} in {} ms (log: {})",
          brokerPort,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          logDir);
      return kafka;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  /**
   * The settings of one KRaft node that is both broker and controller, on loopback: a PLAINTEXT
   * listener on {@code brokerPort}, the controller on {@code controllerPort}, its log in {@code
   * logDir}; topics are created only on request, never automatically.
   *
   * @param voters the controller quorum, {@code id@host:port,...}
   * @param replication replication factor of new and internal topics
   * @param minInsync {@code min.insync.replicas} of every topic; unclean leader election stays off
   */
  public static Properties kraftNode(
      int nodeId,
      String voters,
      int brokerPort,
      int controllerPort,
      Path logDir,
      int replication,
      int minInsync) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("default.replication.factor", String.valueOf(replication));
    p.put("min.insync.replicas", String.valueOf(minInsync));
    p.put("offsets.topic.replication.factor", String.valueOf(replication));
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", String.valueOf(replication));
    p.put("transaction.state.log.min.isr", String.valueOf(minInsync));
    p.put("share.coordinator.state.topic.replication.factor", String.valueOf(replication));
    p.put("share.coordinator.state.topic.min.isr", String.valueOf(minInsync));
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("unclean.leader.election.enable", "false");
    return p;
  }

  /** Formats a KRaft node's log folder for the cluster; a formatted folder is left as it is. */
  public static void formatLog(Path logDir, String clusterId, int nodeId) throws Exception {
    new Formatter()
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .setClusterId(clusterId)
        .setNodeId(nodeId)
        .setDirectories(List.of(logDir.toAbsolutePath().toString()))
        .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setIgnoreFormatted(true)
        .run();
  }

  private static void format(Path logDir) {
    // The cluster id is kept so a restarted broker formats nothing and finds its log again.
    Path idFile = logDir.resolve(CLUSTER_ID_FILE);
    try {
      String clusterId;
      if (Files.exists(idFile)) {
        clusterId = Files.readString(idFile).trim();
      } else {
        clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Files.writeString(idFile, clusterId);
      }
      formatLog(logDir, clusterId, 1);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format the Kafka log directory "
              + logDir
              + ": "
              + e.getMessage()
              + ". If it holds a log of another cluster, move it away or use another --data-dir.",
          e);
    }
  }

  private void awaitReady(Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(p)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the embedded Kafka broker did not become ready", e);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the embedded Kafka broker did not become ready");
        }
        Thread.onSpinWait();
      }
    }
  }

  /** {@code 127.0.0.1:port} of the broker's client listener. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path logDir() {
    return logDir;
  }

  /** Stops the broker and waits until it has closed its log. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static void requireFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " on 127.0.0.1 is in use, so the embedded Kafka broker cannot listen there."
              + " Stop what uses it or pass --kafka-port <other port> (0 picks a free one).");
    }
  }
}
