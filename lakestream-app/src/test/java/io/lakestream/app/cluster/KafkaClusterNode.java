package io.lakestream.app.cluster;

import io.lakestream.app.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

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
    Properties p =
        EmbeddedKafka.kraftNode(
            id, voters.toString(), brokerPort, Integer.parseInt(controllers[id - 1]), logDir, 3, 2);
    EmbeddedKafka.formatLog(logDir, clusterId, id);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    System.out.println("KAFKA_NODE_STARTED " + id);
    System.out.flush();
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    forever.await();
  }
}
