package io.lakestream.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.MqttSettings.User;
import io.lakestream.api.ingest.SourceCounters;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Login on the embedded broker: users configured, so every client must send one. */
class MqttBrokerSecurityIT {

  @TempDir static Path dir;

  static final FakeRawSink sink = new FakeRawSink();
  static MqttBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker =
        MqttBroker.create(
            List.of(
                Mosquitto.embeddedSource(
                    "sensors",
                    List.of("sensors/+/telemetry"),
                    1,
                    List.of(new User("alice", "s3cret"), new User("bob", "hunter2")))),
            sink,
            Map.of("sensors", new SourceCounters("sensors")),
            dir.resolve("secure"));
    broker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @BeforeEach
  void reset() {
    sink.clear();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void aWrongPasswordIsRefused(String version) throws Exception {
    try (Mosquitto.Client pub =
        Mosquitto.pub(
            broker.port(),
            "-V",
            version,
            "-u",
            "alice",
            "-P",
            "hunter2",
            "-q",
            "1",
            "-t",
            "sensors/d/telemetry",
            "-m",
            "{}")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isNotZero();
      assertThat(pub.text()).containsIgnoringCase("bad user name or password");
    }
    assertThat(sink.sent()).isEmpty();
  }

  @Test
  void noCredentialsAreRefusedWhenUsersAreConfigured() throws Exception {
    try (Mosquitto.Client pub =
        Mosquitto.pub(broker.port(), "-q", "1", "-t", "sensors/d/telemetry", "-m", "{}")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isNotZero();
    }
    assertThat(sink.sent()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv311", "mqttv5"})
  void theRightPasswordIsAccepted(String version) throws Exception {
    try (Mosquitto.Client pub =
        Mosquitto.pub(
            broker.port(),
            "-V",
            version,
            "-u",
            "bob",
            "-P",
            "hunter2",
            "-q",
            "1",
            "-t",
            "sensors/d/telemetry",
            "-m",
            "{}")) {
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isZero();
    }
    assertThat(sink.sent()).hasSize(1);
  }
}
