package io.lakestream.notify;

import static io.lakestream.notify.Fixtures.alert;
import static io.lakestream.notify.Fixtures.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.config.Severity;
import io.lakestream.notify.DeliveryOutcome.Status;
import io.lakestream.notify.Fixtures.Recorder;
import io.lakestream.notify.TestReceiver.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NotifierTest {

  @Test
  void aHangingReceiverBlocksNeitherSubmitNorOtherChannels() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver hanging = TestReceiver.replying(Reply.hanging());
        TestReceiver healthy = TestReceiver.replying(Reply.ok())) {
      Notifier notifier =
          Notifier.create(
              List.of(
                  webhook(
                      "stuck",
                      hanging.url(),
                      null,
                      Duration.ofSeconds(30),
                      5,
                      Duration.ofMillis(20),
                      null,
                      null),
                  webhook(
                      "fine",
                      healthy.url(),
                      null,
                      Duration.ofSeconds(5),
                      5,
                      Duration.ofMillis(20),
                      2000,
                      4)),
              recorder);
      try {
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
          notifier.submit(alert("a-" + i));
        }
        long submitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(submitMillis).isLessThan(500);

        recorder.awaitFinals("fine", 1000);
        assertThat(recorder.finals("fine")).allMatch(o -> o.status() == Status.DELIVERED);
        assertThat(healthy.requests()).hasSize(1000);
        // the stuck channel holds all 1000: 2 in flight, 998 waiting
        assertThat(recorder.finals("stuck")).isEmpty();
        assertThat(notifier.stats().get("stuck").queued()).isEqualTo(1000);

        // one more finds the stuck channel full, and still reaches the healthy one
        notifier.submit(alert("a-1000"));
        assertThat(recorder.finals("stuck"))
            .singleElement()
            .satisfies(
                o -> {
                  assertThat(o.status()).isEqualTo(Status.FAILED);
                  assertThat(o.attempts()).isZero();
                  assertThat(o.error()).startsWith("queue full");
                });
        recorder.awaitFinals("fine", 1001);
      } finally {
        long start = System.nanoTime();
        assertThat(notifier.close(Duration.ofMillis(200))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
      }
      assertThat(recorder.finals("stuck")).hasSize(1001);
      assertThat(recorder.finals("stuck"))
          .filteredOn(o -> o.error().startsWith("notifier closed"))
          .hasSize(1000);
      assertThat(recorder.finals("stuck"))
          .filteredOn(DeliveryOutcome::abandonedAtClose)
          .hasSize(1000);
      assertThat(recorder.finals("fine")).noneMatch(DeliveryOutcome::abandonedAtClose);
      assertThat(notifier.stats().get("stuck")).isEqualTo(new ChannelStats(0, 1001, 0, 0));
      assertThat(notifier.stats().get("fine")).isEqualTo(new ChannelStats(1001, 0, 0, 0));
    }
  }

  @Test
  void aFullQueueRecordsAFailureAtOnce() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver hanging = TestReceiver.replying(Reply.hanging())) {
      Notifier notifier =
          Notifier.create(
              List.of(
                  webhook(
                      "ops",
                      hanging.url(),
                      null,
                      Duration.ofSeconds(30),
                      5,
                      Duration.ofMillis(20),
                      2,
                      1)),
              recorder);
      try {
        for (int i = 0; i < 5; i++) {
          notifier.submit(alert("a-" + i));
        }
        // recorded synchronously, before submit returned
        assertThat(recorder.finals()).hasSize(3);
        assertThat(recorder.finals())
            .allSatisfy(
                o -> {
                  assertThat(o.channelName()).isEqualTo("ops");
                  assertThat(o.status()).isEqualTo(Status.FAILED);
                  assertThat(o.attempts()).isZero();
                  assertThat(o.httpStatus()).isZero();
                  assertThat(o.error())
                      .isEqualTo(
                          "queue full: channel 'ops' already holds 2 deliveries (queue_capacity);"
                              + " the alert is still on the alerts topic and in the lake");
                });
        assertThat(recorder.finals())
            .extracting(DeliveryOutcome::alertId)
            .containsExactly("a-2", "a-3", "a-4");
        assertThat(notifier.stats().get("ops")).isEqualTo(new ChannelStats(0, 3, 0, 2));
      } finally {
        notifier.close(Duration.ofMillis(50));
      }
    }
  }

  @Test
  void closeDrainsHeldDeliveriesIncludingRetries() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver =
        TestReceiver.replying(Reply.status(500).after(50), Reply.ok().after(50))) {
      Notifier notifier =
          Notifier.create(
              List.of(
                  webhook(
                      "ops",
                      receiver.url(),
                      null,
                      Duration.ofSeconds(2),
                      5,
                      Duration.ofMillis(100),
                      null,
                      1)),
              recorder);
      for (int i = 0; i < 5; i++) {
        notifier.submit(alert("a-" + i));
      }
      assertThat(notifier.close(Duration.ofSeconds(10))).isTrue();

      assertThat(recorder.finals()).hasSize(5).allMatch(o -> o.status() == Status.DELIVERED);
      assertThat(receiver.requests()).hasSize(6);
      assertThat(notifier.stats().get("ops")).isEqualTo(new ChannelStats(5, 0, 1, 0));

      notifier.submit(alert("late"));
      assertThat(recorder.finals()).hasSize(6);
      assertThat(recorder.finals().get(5).status()).isEqualTo(Status.FAILED);
      assertThat(recorder.finals().get(5).error()).startsWith("notifier closed");
      assertThat(recorder.finals().get(5).abandonedAtClose()).isTrue();
      assertThat(notifier.close(Duration.ofSeconds(1))).isTrue(); // idempotent
    }
  }

  @Test
  void channelsFilterBySeverityAndDetector() {
    Recorder recorder = new Recorder();
    try (Notifier notifier =
        Notifier.create(
            List.of(
                Fixtures.log("all", null, null),
                Fixtures.log("urgent", Severity.WARNING, null),
                Fixtures.log("hot", null, List.of("hot_devices"))),
            recorder)) {
      notifier.submit(alert("i", AlertEvent.Status.OPEN, "hot_devices", "info"));
      notifier.submit(alert("w", AlertEvent.Status.OPEN, "cold_devices", "warning"));
      notifier.submit(alert("c", AlertEvent.Status.RESOLVED, "hot_devices", "CRITICAL"));
      notifier.submit(alert("u", AlertEvent.Status.OPEN, "cold_devices", "whatever"));
      await().atMost(Duration.ofSeconds(5)).until(() -> recorder.finals().size() == 4 + 3 + 2);

      assertThat(recorder.finals("all"))
          .extracting(DeliveryOutcome::alertId)
          .containsExactly("i", "w", "c", "u");
      // an unknown severity is never filtered out
      assertThat(recorder.finals("urgent"))
          .extracting(DeliveryOutcome::alertId)
          .containsExactly("w", "c", "u");
      assertThat(recorder.finals("hot"))
          .extracting(DeliveryOutcome::alertId)
          .containsExactly("i", "c");
      assertThat(notifier.channelNames()).containsExactly("all", "urgent", "hot");
    }
  }

  @Test
  void submitNeverThrows() {
    AtomicInteger calls = new AtomicInteger();
    DeliveryListener throwing =
        o -> {
          calls.incrementAndGet();
          throw new IllegalStateException("listener bug");
        };
    try (Notifier notifier = Notifier.create(List.of(LogConfig.of("log")), throwing)) {
      assertThatCode(() -> notifier.submit(null)).doesNotThrowAnyException();
      assertThatCode(() -> notifier.submit(alert("a-1"))).doesNotThrowAnyException();
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
      assertThat(notifier.stats().get("log").delivered()).isEqualTo(1);
    }
  }

  @Test
  void channelNamesMustBeUnique() {
    assertThatThrownBy(
            () -> Notifier.create(List.of(LogConfig.of("ops"), LogConfig.of("ops")), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two notification channels are named 'ops'; give each channel its own name");
  }
}
