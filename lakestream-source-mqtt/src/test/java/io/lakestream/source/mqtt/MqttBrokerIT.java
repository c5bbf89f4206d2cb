package io.lakestream.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.mqtt.FakeRawSink.Mode;
import io.lakestream.source.mqtt.FakeRawSink.Sent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded broker against real {@code mosquitto_pub} clients, MQTT 3.1.1 and 5. */
class MqttBrokerIT {

  @TempDir static Path dir;

  static final FakeRawSink sink = new FakeRawSink();
  static final SourceCounters sensors = new SourceCounters("sensors");
  static final SourceCounters logs = new SourceCounters("logs");
  static MqttBroker broker;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    List<SourceConfig> sources =
        List.of(
            Mosquitto.embeddedSource("sensors", List.of("sensors/+/telemetry"), 1, List.of()),
            Mosquitto.embeddedSource(
                "logs", List.of("logs/#", "sensors/special/#"), null, List.of()));
    broker =
        MqttBroker.create(
            sources, sink, Map.of("sensors", sensors, "logs", logs), dir.resolve("broker"));
    broker.start();
    port = broker.port();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @BeforeEach
  void reset() {
    sink.clear();
  }

  @Test
  void listensOnTheBoundPortAndSaysSo() throws Exception {
    assertThat(port).isPositive();
    assertThat(broker.endpoints()).containsExactly("mqtt tcp 127.0.0.1:" + port);
    assertThat(Files.readString(dir.resolve("broker/conf/config.xml")))
        .contains("<anonymous-usage-statistics>")
        .contains("<enabled>false</enabled>")
        .contains("<mode>in-memory</mode>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void hundredThousandQos1MessagesArriveExactlyOnceWithTheDeviceId(String version)
      throws Exception {
    int n = 100_000;
    long acceptedBefore = sensors.accepted();
    Path file = Mosquitto.lines(dir, version, n);
    try (Mosquitto.Client pub =
        Mosquitto.pubLines(
            port,
            file,
            "-q",
            "1",
            "-V",
            version,
            "-i",
            "bulk-" + version,
            "-t",
            "sensors/dev-7/telemetry")) {
      // every PUBACK reached the client, and PUBACKs only leave after the sink completed
      await()
          .atMost(Duration.ofMinutes(3))
          .untilAsserted(() -> assertThat(pub.pubacks.get()).isEqualTo(n));
    }
    List<Sent> sent = sink.sent();
    assertThat(sent).hasSize(n).allSatisfy(s -> assertThat(s.source()).isEqualTo("sensors"));
    Set<String> ids = sent.stream().map(s -> s.record().id()).collect(Collectors.toSet());
    assertThat(ids)
        .isEqualTo(
            IntStream.range(0, n).mapToObj(i -> version + "-" + i).collect(Collectors.toSet()));
    assertThat(sent)
        .allSatisfy(
            s -> {
              assertThat(s.text()).startsWith("{\"device_id\":\"dev-7\",\"id\":\"" + version);
              assertThat(s.record().key()).isEqualTo("dev-7".getBytes(StandardCharsets.UTF_8));
              assertThat(s.record().origin())
                  .isEqualTo(
                      "mqtt 127.0.0.1 client bulk-" + version + " topic sensors/dev-7/telemetry");
            });
    assertThat(sensors.accepted() - acceptedBefore).isEqualTo(n);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void qos0MessagesArrive(String version) throws Exception {
    int n = 10_000;
    Path file = Mosquitto.lines(dir, "qos0-" + version, n);
    try (Mosquitto.Client pub =
        Mosquitto.pubLines(port, file, "-q", "0", "-V", version, "-t", "sensors/d0/telemetry")) {
      await().atMost(Duration.ofMinutes(1)).until(() -> sink.count() == n);
    }
    assertThat(sink.sent().stream().map(s -> s.record().id()).distinct()).hasSize(n);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void thePubackWaitsUntilKafkaHoldsTheMessage(String version) throws Exception {
    sink.mode(Mode.HOLD);
    try (Mosquitto.Client pub =
        Mosquitto.pub(
            port, "-V", version, "-q", "1", "-t", "sensors/dev-1/telemetry", "-m", "{\"t\":1}")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.held().size() == 1);
      // held: mosquitto_pub -m exits only once its message is acknowledged
      assertThat(pub.exited(2)).as("exited before Kafka acknowledged").isFalse();
      sink.completeHeld();
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isZero();
    }
  }

  @Test
  void pubacksOfAStreamLeaveInOrderAndOnlyForWhatKafkaHolds() throws Exception {
    sink.mode(Mode.HOLD);
    int n = 50;
    Path file = Mosquitto.lines(dir, "held", n);
    try (Mosquitto.Client pub =
        Mosquitto.pubLines(
            port, file, "-q", "1", "-M", "100", "-V", "mqttv5", "-t", "sensors/h/telemetry")) {
      int stored = 0;
      boolean sawSeveralInFlight = false;
      while (stored < n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !sink.held().isEmpty());
        List<Sent> held = sink.held();
        if (held.size() > 1) {
          // all but the oldest stored: its PUBACK is first in line, so none of theirs leaves
          sawSeveralInFlight = true;
          held.subList(1, held.size()).forEach(s -> s.future().complete(null));
          assertThat(pub.exited(1)).isFalse();
        }
        assertThat(pub.pubacks.get()).isLessThanOrEqualTo(stored);
        held.forEach(s -> s.future().complete(null));
        stored += held.size();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> pub.pubacks.get() == n);
      // messages arriving while a PUBACK waits go to Kafka together, not one by one
      assertThat(sawSeveralInFlight).isTrue();
    }
  }

  @Test
  void whenKafkaFailsTheClientIsDisconnectedAndResendsOnReconnect() throws Exception {
    long rejectedBefore = sensors.rejected();
    sink.failNext(2);
    Path file = dir.resolve("retry.ndjson");
    Files.writeString(file, "{\"id\":\"r-1\"}\n{\"id\":\"r-2\"}\n");
    // -c: a persistent session, so libmosquitto resends unacknowledged messages on reconnect
    try (Mosquitto.Client pub =
        Mosquitto.pubLines(
            port, file, "-q", "1", "-c", "-i", "retrying", "-t", "sensors/dev-2/telemetry")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> pub.pubacks.get() == 2);
      assertThat(pub.text()).contains("sending CONNECT").containsPattern("(?s)CONNECT.*CONNECT");
    }
    List<Sent> sent = sink.sent();
    // r-1 and r-2 failed; both were resent after the reconnect and then stored
    assertThat(sent.stream().filter(s -> s.record().id().equals("r-1"))).hasSizeGreaterThan(1);
    assertThat(sent.stream().filter(s -> s.future().isCompletedExceptionally())).hasSize(2);
    assertThat(
            sent.stream()
                .filter(s -> !s.future().isCompletedExceptionally())
                .map(s -> s.record().id())
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("r-1", "r-2");
    // the two failures, and r-2 if it arrived after the decision to disconnect
    assertThat(sensors.rejected() - rejectedBefore).isGreaterThanOrEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void whenKafkaFailsASingleMessageIsNotAcknowledged(String version) throws Exception {
    sink.mode(Mode.FAIL);
    try (Mosquitto.Client pub =
        Mosquitto.pub(
            port, "-d", "-V", version, "-q", "1", "-t", "sensors/dev-3/telemetry", "-m", "{}")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.pubacks.get()).isZero();
      // MQTT 5: DISCONNECT with reason code 0x80; MQTT 3.1.1: the connection is closed
      assertThat(pub.text())
          .contains(version.equals("mqttv5") ? "Received DISCONNECT (128)" : "connection was lost");
    }
    assertThat(sink.sent()).hasSize(1);
  }

  @Test
  void aTopicNoSourceTakesIsRefusedOnMqtt5() throws Exception {
    try (Mosquitto.Client pub =
        Mosquitto.pub(port, "-d", "-V", "mqttv5", "-q", "1", "-t", "other/x", "-m", "{}")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.text()).contains("Topic Name invalid");
    }
    assertThat(sink.sent()).isEmpty();
  }

  @Test
  void aTopicNoSourceTakesIsAcknowledgedAndDroppedOnMqtt311() throws Exception {
    try (Mosquitto.Client pub =
        Mosquitto.pub(port, "-d", "-V", "mqttv311", "-q", "1", "-t", "other/x", "-m", "{}")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isZero();
      assertThat(pub.pubacks.get()).isEqualTo(1);
    }
    // the interceptor decided before the PUBACK left, so there is nothing left to wait for
    assertThat(sink.sent()).isEmpty();
  }

  @Test
  void aPayloadThatIsNotJsonGoesToTheErrorZoneWithItsOriginalBytes() throws Exception {
    long undecodableBefore = sensors.undecodable();
    try (Mosquitto.Client pub =
        Mosquitto.pub(port, "-q", "1", "-t", "sensors/dev-4/telemetry", "-m", "temp=21.5")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isZero();
    }
    Sent s = sink.sent().get(0);
    assertThat(s.record().error()).contains("JSON");
    assertThat(s.text()).isEqualTo("temp=21.5");
    assertThat(sensors.undecodable() - undecodableBefore).isEqualTo(1);
  }

  @Test
  void aDeviceIdInThePayloadIsKept() throws Exception {
    try (Mosquitto.Client pub =
        Mosquitto.pub(
            port, "-q", "1", "-t", "sensors/dev-5/telemetry", "-m", "{\"device_id\":\"own\"}")) {
      assertThat(pub.exited(20)).isTrue();
    }
    assertThat(sink.sent().get(0).text()).isEqualTo("{\"device_id\":\"own\"}");
  }

  @Test
  void eachTopicGoesToTheSourceWithTheMostSpecificFilter() throws Exception {
    for (String topic :
        List.of(
            "logs/app/1",
            "sensors/special/a/b",
            "sensors/special/telemetry",
            "sensors/x/telemetry")) {
      try (Mosquitto.Client pub = Mosquitto.pub(port, "-q", "1", "-t", topic, "-m", "{}")) {
        assertThat(pub.exited(20)).isTrue();
      }
    }
    assertThat(sink.sent().stream().map(s -> s.source() + " " + s.text()))
        .containsExactly("logs {}", "logs {}", "logs {}", "sensors {\"device_id\":\"x\"}");
  }
}
