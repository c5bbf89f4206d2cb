package io.lakestream.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.mqtt.FakeRawSink.Mode;
import io.lakestream.source.mqtt.FakeRawSink.Sent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client mode against Debian's mosquitto broker, started by each test on a free port. */
class MqttClientSourceIT {

  @TempDir Path dir;

  final FakeRawSink sink = new FakeRawSink();
  final SourceCounters counters = new SourceCounters("sensors");
  Mosquitto.Broker mosquitto;
  MqttClientSource source;

  @BeforeEach
  void startBroker() throws Exception {
    mosquitto = new Mosquitto.Broker(dir, Mosquitto.freePort(), List.of()).start();
    await().atMost(Duration.ofSeconds(10)).until(mosquitto::ready);
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    mosquitto.close();
  }

  private MqttClientSource start(String clientId) throws Exception {
    SourceConfig cfg = Mosquitto.clientSource("sensors", mosquitto.port, clientId, null, null);
    MqttClientSource s = MqttClientSource.create(cfg, sink, counters);
    s.start();
    return s;
  }

  private void publish(String topic, String payload, String... more) throws Exception {
    String[] args = new String[6 + more.length];
    System.arraycopy(new String[] {"-q", "1", "-t", topic, "-m", payload}, 0, args, 0, 6);
    System.arraycopy(more, 0, args, 6, more.length);
    try (Mosquitto.Client pub = Mosquitto.pub(mosquitto.port, args)) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).as(pub.text()).isZero();
    }
  }

  @Test
  void receivesWhatIsPublishedWithTheDeviceIdFromTheTopic() throws Exception {
    source = start("it-receive");
    assertThat(source.connected()).isTrue();
    int n = 2_000;
    Path file = Mosquitto.lines(dir, "c", n);
    try (Mosquitto.Client pub =
        Mosquitto.pubLines(mosquitto.port, file, "-q", "1", "-t", "sensors/dev-9/telemetry")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(pub.pubacks.get()).isEqualTo(n));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(counters.accepted()).isEqualTo(n));
    }
    List<Sent> sent = sink.sent();
    assertThat(sent.stream().map(s -> s.record().id()).collect(Collectors.toSet()))
        .isEqualTo(IntStream.range(0, n).mapToObj(i -> "c-" + i).collect(Collectors.toSet()));
    assertThat(sent.get(0).text()).startsWith("{\"device_id\":\"dev-9\",\"id\":\"c-");
    assertThat(sent.get(0).record().origin())
        .isEqualTo(
            "mqtt tcp://127.0.0.1:"
                + mosquitto.port
                + " client it-receive topic sensors/dev-9/telemetry");
  }

  @Test
  void qos0MessagesAreTakenToo() throws Exception {
    source = start("it-qos0");
    try (Mosquitto.Client pub =
        Mosquitto.pub(mosquitto.port, "-q", "0", "-t", "sensors/a/telemetry", "-m", "{}")) {
      assertThat(pub.exited(20)).isTrue();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 1);
  }

  @Test
  void aMessageIsAcknowledgedOnlyAfterKafkaHoldsIt() throws Exception {
    sink.mode(Mode.HOLD);
    source = start("it-ack");
    publish("sensors/dev-1/telemetry", "{\"id\":\"held-1\"}");
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.held().size() == 1);
    // stop without Kafka's answer: the message stays unacknowledged in the broker's session
    source.close();
    sink.mode(Mode.COMPLETE);
    source = start("it-ack");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 1);
    assertThat(sink.sent()).extracting(s -> s.record().id()).containsExactly("held-1", "held-1");

    // now acknowledged: after another restart only new messages arrive
    source.close();
    source = start("it-ack");
    publish("sensors/dev-1/telemetry", "{\"id\":\"next\"}");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 2);
    assertThat(sink.sent())
        .extracting(s -> s.record().id())
        .containsExactly("held-1", "held-1", "next");
  }

  @Test
  void messagesPublishedWhileTheSourceIsDownArriveWhenItIsBack() throws Exception {
    source = start("it-session");
    source.close();
    for (int i = 0; i < 5; i++) {
      publish("sensors/dev-2/telemetry", "{\"id\":\"offline-" + i + "\"}");
    }
    source = start("it-session");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 5);
    assertThat(sink.sent())
        .extracting(s -> s.record().id())
        .containsExactly("offline-0", "offline-1", "offline-2", "offline-3", "offline-4");
  }

  @Test
  void reconnectsAndResubscribesAfterTheBrokerRestarts() throws Exception {
    source = start("it-restart");
    publish("sensors/dev-3/telemetry", "{\"id\":\"before\"}");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 1);

    mosquitto.stop();
    await().atMost(Duration.ofSeconds(20)).until(() -> !source.connected());
    // persistence is off: the restarted broker has forgotten the session and its subscription
    mosquitto.start();
    await().atMost(Duration.ofSeconds(10)).until(mosquitto::ready);
    await().atMost(Duration.ofSeconds(60)).until(source::connected);

    // the subscription is renewed right after the reconnect; publish until one gets through
    AtomicInteger k = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              publish("sensors/dev-3/telemetry", "{\"id\":\"after-" + k.getAndIncrement() + "\"}");
              return sink.sent().stream().anyMatch(s -> s.record().id().startsWith("after-"));
            });
  }

  @Test
  void whenKafkaFailsTheSameRecordIsSentAgainUntilItIsStored() throws Exception {
    source = start("it-retry");
    sink.failNext(2);
    publish("sensors/dev-4/telemetry", "{\"v\":1}");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 1);
    List<Sent> sent = sink.sent();
    assertThat(sent).hasSize(3);
    // no id in the payload: the generated one is kept across attempts
    assertThat(sent.stream().map(s -> s.record().id()).distinct()).hasSize(1);
    assertThat(sent.get(2).future()).isCompleted();

    // acknowledged: the session is not blocked by it
    publish("sensors/dev-4/telemetry", "{\"v\":2}");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 2);
  }

  @Test
  void aPayloadThatIsNotJsonIsKeptForTheErrorZone() throws Exception {
    source = start("it-bad");
    publish("sensors/dev-5/telemetry", "{not json");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 1);
    Sent s = sink.sent().get(0);
    assertThat(s.record().error()).isNotBlank();
    assertThat(s.record().value()).isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(counters.undecodable()).isEqualTo(1);
  }

  @Test
  void logsInWithItsCredentialsAndFailsToStartWithWrongOnes() throws Exception {
    mosquitto.stop();
    Path passwords = dir.resolve("passwd");
    Process p =
        new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), "ingest", "pw-1")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // mosquitto started as root reads it after switching to the mosquitto user
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
    mosquitto =
        new Mosquitto.Broker(
                dir,
                Mosquitto.freePort(),
                List.of("allow_anonymous false", "password_file " + passwords))
            .start();
    await().atMost(Duration.ofSeconds(10)).until(mosquitto::ready);

    MqttClientSource wrong =
        MqttClientSource.create(
            Mosquitto.clientSource("sensors", mosquitto.port, "it-auth", "ingest", "nope"),
            sink,
            counters);
    assertThatThrownBy(wrong::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sensors")
        .hasMessageContaining("tcp://127.0.0.1:" + mosquitto.port);
    wrong.close();

    source =
        MqttClientSource.create(
            Mosquitto.clientSource("sensors", mosquitto.port, "it-auth", "ingest", "pw-1"),
            sink,
            counters);
    source.start();
    publish("sensors/d/telemetry", "{}", "-u", "ingest", "-P", "pw-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> counters.accepted() == 1);
  }
}
