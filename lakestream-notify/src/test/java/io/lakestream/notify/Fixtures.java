package io.lakestream.notify;

import static org.awaitility.Awaitility.await;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.config.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Alerts, configs and an outcome recorder for the tests. */
final class Fixtures {

  static final long EVENT_TIME = Instant.parse("2026-11-23T10:04:59.120Z").toEpochMilli();

  private Fixtures() {}

  static AlertEvent alert(String id) {
    return alert(id, AlertEvent.Status.OPEN, "hot_devices", "critical");
  }

  static AlertEvent alert(String id, AlertEvent.Status status, String detector, String severity) {
    return new AlertEvent(
        id,
        status,
        "iot-demo",
        detector,
        "threshold",
        "sensors",
        "temperature",
        "dev-7",
        81.5,
        0.36,
        null,
        null,
        60.0,
        EVENT_TIME,
        EVENT_TIME + 60,
        severity,
        List.of("e-1"),
        "temperature 81.5 above 60");
  }

  /** A webhook to a local receiver with tiny backoffs (1 ms, at most 20 ms). */
  static WebhookConfig webhook(String name, String url) {
    return webhook(name, url, null, Duration.ofSeconds(2), 5, Duration.ofMillis(20), null, null);
  }

  /** A webhook to a local receiver whose first backoff is 1 ms. */
  static WebhookConfig webhook(
      String name,
      String url,
      String secret,
      Duration timeout,
      int maxAttempts,
      Duration maxBackoff,
      Integer queueCapacity,
      Integer workers) {
    return new WebhookConfig(
        name,
        url,
        secret,
        timeout,
        maxAttempts,
        Duration.ofMillis(1),
        maxBackoff,
        List.of("127.0.0.1"),
        null,
        null,
        null,
        queueCapacity,
        workers);
  }

  static LogConfig log(String name, Severity min, List<String> detectors) {
    return new LogConfig(name, min, detectors);
  }

  /** Records outcomes. */
  static final class Recorder implements DeliveryListener {
    final List<DeliveryOutcome> outcomes = new CopyOnWriteArrayList<>();

    @Override
    public void onOutcome(DeliveryOutcome outcome) {
      outcomes.add(outcome);
    }

    List<DeliveryOutcome> finals() {
      return outcomes.stream().filter(o -> o.status() != DeliveryOutcome.Status.RETRYING).toList();
    }

    List<DeliveryOutcome> finals(String channel) {
      return finals().stream().filter(o -> o.channelName().equals(channel)).toList();
    }

    List<DeliveryOutcome> with(DeliveryOutcome.Status status) {
      return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    DeliveryOutcome awaitFinal() {
      await().atMost(Duration.ofSeconds(10)).until(() -> !finals().isEmpty());
      return finals().get(0);
    }

    void awaitFinals(String channel, int n) {
      await().atMost(Duration.ofSeconds(15)).until(() -> finals(channel).size() >= n);
    }
  }
}
