package io.lakestream.app.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One node of a real multi-broker Kafka cluster (KRaft, each node broker and controller) in its own
 * JVM, for the scale-out tests: {@code KafkaClusterNode <nodeId> <logDir> <clusterId> <brokerPort>
 * <controllerPort1,controllerPort2,...>}. Replication factor 3 and {@code min.insync.replicas=2} by
 * default, as a production cluster would have. Prints {@code KAFKA_NODE_STARTED} when it runs.
 */
public final class KafkaClusterNode {

  private KafkaClusterNode() {}

  public static void main(String[] args) throws Exception {
    int id = Integer.parseInt(args[0]);
    Path logDir = Path.of(args[1]);
    String clusterId = args[2];
    int brokerPort = Integer.parseInt(args[3]);
    String[] controllers = args[4].split(",");
    Files.createDirectories(logDir);
    StringBuilder voters = new StringBuilder();
    for (int i = 0; i < controllers.length; i++) {
      if (i > 0) {
        voters.append(',');
      }
      voters.append(i + 1).append("@127.0.0.1:").append(controllers[i]);
    }
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(id));
    p.put("controller.quorum.voters", voters.toString());
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllers[id - 1]);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("offsets.topic.replication.factor", "3");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    p.put("share.coordinator.state.topic.replication.factor", "3");
    p.put("share.coordinator.state.topic.min.isr", "2");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("unclean.leader.election.enable", "false");
    new Formatter()
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .setClusterId(clusterId)
        .setNodeId(id)
        .setDirectories(List.of(logDir.toAbsolutePath().toString()))
        .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setIgnoreFormatted(true)
        .run();
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    System.out.println("KAFKA_NODE_STARTED " + id);
    System.out.flush();
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    forever.await();
  }
}
