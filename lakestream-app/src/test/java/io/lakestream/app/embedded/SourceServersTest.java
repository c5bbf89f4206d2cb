package io.lakestream.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code up} starts the non-HTTP sources. */
class SourceServersTest {

  @TempDir Path dir;

  private final List<RawRecord> received = new CopyOnWriteArrayList<>();
  private final RawSink sink =
      (source, records) -> {
        received.addAll(records);
        return CompletableFuture.completedFuture(null);
      };

  private PipelineConfig pipeline(String gateway) throws Exception {
    Files.writeString(dir.resolve("s.json"), "{\"properties\": {\"host\": {}, \"ts\": {}}}");
    Path file = dir.resolve("p.yaml");
    Files.writeString(
        file,
        "pipeline: p\n"
            + gateway
            + "sources:\n"
            + "  iot:\n"
            + "    type: mqtt\n"
            + "    schema: s.json\n"
            + "    key: host\n"
            + "    event_time: {field: ts}\n"
            + "    mqtt: {topics: [\"t/#\"], port: 0}\n"
            + "  logs:\n"
            + "    type: syslog\n"
            + "    schema: s.json\n"
            + "    key: host\n"
            + "    event_time: {field: ts}\n"
            + "    syslog: {tcp_port: 0, udp_port: off}\n");
    return PipelineLoader.load(file, Map.of("data_dir", dir.resolve("data").toString()));
  }

  private static Mqtt5BlockingClient client(SourceServers servers) {
    return MqttClient.builder()
        .useMqttVersion5()
        .serverHost("127.0.0.1")
        .serverPort(servers.port("mqtt tcp"))
        .buildBlocking();
  }

  @Test
  void startsEveryNonHttpSourceAndNamesItsEndpoints() throws Exception {
    try (SourceServers servers = SourceServers.start(pipeline(""), sink, dir.resolve("state"))) {
      assertThat(servers.endpoints())
          .anySatisfy(e -> assertThat(e).matches("mqtt tcp 127\\.0\\.0\\.1:[0-9]+"))
          .anySatisfy(e -> assertThat(e).matches("syslog tcp 127\\.0\\.0\\.1:[0-9]+"));
      assertThat(servers.counters()).containsOnlyKeys("iot", "logs");
      Mqtt5BlockingClient c = client(servers);
      c.connect(); // no keys configured: anonymous clients on loopback are fine
      c.publishWith()
          .topic("t/1")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload("{\"host\":\"a\"}".getBytes(StandardCharsets.UTF_8))
          .send();
      c.disconnect();
      assertThat(received).extracting(RawRecord::origin).singleElement().asString().contains("t/1");
    }
  }

  @Test
  void withApiKeysTheEmbeddedBrokerTakesOneAndRefusesAnonymousClients() throws Exception {
    String gateway =
        "gateway:\n  api_keys:\n    - {name: fleet, token: \"0123456789abcdef0123\"}\n";
    try (SourceServers servers =
        SourceServers.start(pipeline(gateway), sink, dir.resolve("state"))) {
      assertThatThrownBy(() -> client(servers).connect())
          .isInstanceOf(Mqtt5ConnAckException.class)
          .hasMessageContaining("BAD_USER_NAME_OR_PASSWORD");
      Mqtt5BlockingClient c = client(servers);
      assertThatThrownBy(
              () ->
                  c.connectWith()
                      .simpleAuth()
                      .username("fleet")
                      .password("wrong-token-000000000".getBytes(StandardCharsets.UTF_8))
                      .applySimpleAuth()
                      .send())
          .isInstanceOf(Mqtt5ConnAckException.class)
          .hasMessageContaining("BAD_USER_NAME_OR_PASSWORD");
      c.connectWith()
          .simpleAuth()
          .username("fleet")
          .password("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8))
          .applySimpleAuth()
          .send();
      c.disconnect();
    }
  }
}
