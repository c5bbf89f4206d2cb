package io.lakestream.source.mqtt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the {@code config.xml} of the embedded HiveMQ broker.
 *
 * <ul>
 *   <li>one TCP listener on the configured host and port (0 lets the OS pick; HiveMQ reports the
 *       bound port);
 *   <li>anonymous usage statistics off: an embedded broker must not phone home;
 *   <li>in-memory persistence: Kafka is the durable store. An unacknowledged QoS 1 message is still
 *       held by the publishing client, not by the broker, so nothing the pipeline promised is lost
 *       when broker state is; file persistence would only carry over subscriber sessions and
 *       retained messages, at the cost of RocksDB/Xodus files and a slower start;
 *   <li>server receive maximum {@value #RECEIVE_MAXIMUM}: how many unacknowledged QoS 1 messages an
 *       MQTT 5 client may have in flight. PUBACKs wait for Kafka, so this window divided by Kafka's
 *       acknowledgement latency bounds a single client's rate (HiveMQ's default of 10 would cap it
 *       at about 2,000 msg/s at 5 ms);
 *   <li>maximum QoS 1: QoS 2's extra round trip buys nothing once the pipeline deduplicates by
 *       event id.
 * </ul>
 */
public final class BrokerConfig {

  /** Server receive maximum announced to MQTT 5 clients. */
  public static final int RECEIVE_MAXIMUM = 1000;

  private BrokerConfig() {}

  /** The config.xml text. */
  public static String xml(String host, int port) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- written by lakestream at every start; edits are overwritten -->
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>%s</bind-address>
              <name>lakestream-mqtt</name>
            </tcp-listener>
          </listeners>
          <mqtt>
            <receive-maximum>
              <server-receive-maximum>%d</server-receive-maximum>
            </receive-maximum>
            <quality-of-service>
              <max-qos>1</max-qos>
            </quality-of-service>
          </mqtt>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
          <persistence>
            <mode>in-memory</mode>
          </persistence>
        </hivemq>
        """
        .formatted(port, escape(host), RECEIVE_MAXIMUM);
  }

  /**
   * Writes {@code conf/config.xml} under {@code dir} and creates the data and extension folders.
   */
  public static Folders write(Path dir, String host, int port) throws IOException {
    Folders f = new Folders(dir.resolve("conf"), dir.resolve("data"), dir.resolve("extensions"));
    Files.createDirectories(f.conf());
    Files.createDirectories(f.data());
    // an empty folder of our own, so HiveMQ never loads extensions from its default location
    Files.createDirectories(f.extensions());
    Files.writeString(f.conf().resolve("config.xml"), xml(host, port), StandardCharsets.UTF_8);
    return f;
  }

  /** The three folders HiveMQ uses. */
  public record Folders(Path conf, Path data, Path extensions) {}

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
