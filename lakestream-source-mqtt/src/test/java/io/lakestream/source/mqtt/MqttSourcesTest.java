package io.lakestream.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.MqttSettings;
import io.lakestream.api.config.MqttSettings.User;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.SourceCounters;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link MqttBroker#create} and {@link MqttClientSource#create} accept, without a network. */
class MqttSourcesTest {

  final FakeRawSink sink = new FakeRawSink();
  final Path dir = Path.of("target/unused");

  @Test
  void sourcesSharingTheBrokerMustAgreeOnThePort() {
    SourceConfig a = Mosquitto.embeddedSourceOnPort("a", 1883);
    SourceConfig b = Mosquitto.embeddedSourceOnPort("b", 1884);
    assertThatThrownBy(() -> MqttBroker.create(List.of(a, b), sink, counters("a", "b"), dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("'b'")
        .hasMessageContaining("port");
  }

  @Test
  void sourcesSharingTheBrokerMustAgreeOnUsers() {
    SourceConfig a = Mosquitto.embeddedSource("a", List.of("a/#"), null, List.of());
    SourceConfig b =
        Mosquitto.embeddedSource("b", List.of("b/#"), null, List.of(new User("u", "p")));
    assertThatThrownBy(() -> MqttBroker.create(List.of(a, b), sink, counters("a", "b"), dir))
        .hasMessageContaining("users");
  }

  @Test
  void aFilterOfTwoSourcesIsRefused() {
    SourceConfig a = Mosquitto.embeddedSource("a", List.of("x/#"), null, List.of());
    SourceConfig b = Mosquitto.embeddedSource("b", List.of("x/#"), null, List.of());
    assertThatThrownBy(() -> MqttBroker.create(List.of(a, b), sink, counters("a", "b"), dir))
        .hasMessageContaining("x/#");
  }

  @Test
  void theBrokerServesOnlyEmbeddedModeSources() {
    SourceConfig client = Mosquitto.clientSource("c", 1883, "id", null, null);
    assertThatThrownBy(() -> MqttBroker.create(List.of(client), sink, counters("c"), dir))
        .hasMessageContaining("'c'");
    assertThatThrownBy(() -> MqttBroker.create(List.of(), sink, Map.of(), dir))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void beforeStartTheEndpointShowsTheConfiguredPort() {
    MqttBroker b =
        MqttBroker.create(
            List.of(Mosquitto.embeddedSourceOnPort("a", 1883)), sink, counters("a"), dir);
    assertThat(b.endpoints()).containsExactly("mqtt tcp 127.0.0.1:1883");
    b.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:1883", "http://h:1", "tcp://", "tcp//h:1"})
  void aClientSourceNeedsATcpOrSslBrokerAddress(String broker) {
    SourceConfig s = clientSourceFor(broker);
    assertThatThrownBy(() -> MqttClientSource.create(s, sink, new SourceCounters("c")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(broker);
  }

  @Test
  void aClientSourceWithoutClientIdGetsAStableOne() {
    MqttClientSource src =
        MqttClientSource.create(clientSourceFor("tcp://h:1"), sink, new SourceCounters("c"));
    assertThat(src.clientId()).isEqualTo("lakestream-c");
    assertThat(src.endpoints()).containsExactly("mqtt client tcp://h:1 topics a/#");
    assertThat(src.connected()).isFalse();
    src.close();
  }

  private static SourceConfig clientSourceFor(String broker) {
    return new SourceConfig(
        "c",
        "mqtt",
        "s.json",
        "{}",
        "id",
        new io.lakestream.api.config.EventTimeConfig(
            "ts", io.lakestream.api.config.EventTimeConfig.TimeFormat.ISO8601),
        List.of(),
        List.of(),
        null,
        new MqttSettings(
            List.of("a/#"),
            null,
            "device_id",
            "127.0.0.1",
            1883,
            List.of(),
            broker,
            null,
            null,
            null));
  }

  private static Map<String, SourceCounters> counters(String... names) {
    Map<String, SourceCounters> m = new java.util.HashMap<>();
    for (String n : names) {
      m.put(n, new SourceCounters(n));
    }
    return m;
  }
}
