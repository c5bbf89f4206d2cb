package io.lakestream.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.ingest.SourceCounters;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and closing the embedded broker. */
class MqttBrokerLifecycleIT {

  @TempDir Path dir;

  final FakeRawSink sink = new FakeRawSink();

  @Test
  void aTakenPortFailsTheStartNamingSourceAndPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      MqttBroker other =
          MqttBroker.create(
              List.of(Mosquitto.embeddedSourceOnPort("busy", port)),
              sink,
              Map.of("busy", new SourceCounters("busy")),
              dir.resolve("busy"));
      try (other) {
        assertThatThrownBy(other::start)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("busy")
            .hasMessageContaining("127.0.0.1:" + port);
      }
    }
  }

  @Test
  void closeIsIdempotentAndAClosedBrokerCannotStart() throws Exception {
    MqttBroker b =
        MqttBroker.create(
            List.of(Mosquitto.embeddedSource("s", List.of("a/#"), null, List.of())),
            sink,
            Map.of("s", new SourceCounters("s")),
            dir.resolve("closed"));
    b.close();
    b.close();
    assertThatThrownBy(b::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void startsAgainOnTheSameDataFolder() throws Exception {
    for (int i = 0; i < 2; i++) {
      try (MqttBroker b =
          MqttBroker.create(
              List.of(Mosquitto.embeddedSource("s", List.of("a/#"), null, List.of())),
              sink,
              Map.of("s", new SourceCounters("s")),
              dir.resolve("again"))) {
        b.start();
        try (Mosquitto.Client pub = Mosquitto.pub(b.port(), "-q", "1", "-t", "a/b", "-m", "{}")) {
          assertThat(pub.exited(20)).isTrue();
          assertThat(pub.process.exitValue()).isZero();
        }
      }
    }
    assertThat(sink.sent()).hasSize(2);
  }

  @Test
  void closeLetsThePubackOfAMessageKafkaIsStoringLeave() throws Exception {
    sink.mode(FakeRawSink.Mode.HOLD);
    MqttBroker b =
        MqttBroker.create(
            List.of(Mosquitto.embeddedSource("s", List.of("a/#"), null, List.of())),
            sink,
            Map.of("s", new SourceCounters("s")),
            dir.resolve("drain"));
    b.start();
    try (Mosquitto.Client pub = Mosquitto.pub(b.port(), "-q", "1", "-t", "a/b", "-m", "{}")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> sink.held().size() == 1);
      Thread closer = new Thread(b::close, "closer");
      closer.start();
      // close() is now draining: no longer taking messages, waiting for Kafka
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> closer.getState() == Thread.State.TIMED_WAITING);
      sink.completeHeld();
      assertThat(pub.exited(20)).isTrue();
      assertThat(pub.process.exitValue()).isZero();
      closer.join();
    }
  }
}
