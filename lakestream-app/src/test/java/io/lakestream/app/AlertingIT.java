package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anomaly to notification, end to end: readings posted over HTTP, a threshold detector in the Flink
 * job, the alerts topic, the dispatcher, and three webhook receivers run by the test — one that
 * answers, one that fails three times first, and one that never answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertingIT {

  private static final String SECRET = "alerting-it-secret-0123456789";
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private Path dir;
  private HttpServer receivers;
  private final List<Request> ok = new CopyOnWriteArrayList<>();
  private final List<Request> flaky = new CopyOnWriteArrayList<>();
  private final AtomicInteger stuckCalls = new AtomicInteger();
  private final AtomicInteger flakyFailuresLeft = new AtomicInteger(3);
  private PipelineConfig cfg;
  private TestStack stack;
  private int seq;

  record Request(Map<String, List<String>> headers, byte[] body, long atNanos) {
    String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    JsonNode json() throws IOException {
      return TestStack.JSON.readTree(body);
    }
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws IOException {
    dir = tmp;
    receivers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receivers.setExecutor(Executors.newCachedThreadPool());
    receivers.createContext("/ok", ex -> answer(ex, ok, 200));
    receivers.createContext(
        "/flaky", ex -> answer(ex, flaky, flakyFailuresLeft.getAndDecrement() > 0 ? 500 : 200));
    receivers.createContext(
        "/stuck",
        ex -> {
          stuckCalls.incrementAndGet();
          try {
            Thread.sleep(60_000); // never answers within the channel's timeout
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    receivers.start();
    int port = receivers.getAddress().getPort();

    Files.copy(
        Path.of("../examples/iot/schemas/sensor-reading.schema.json"), dir.resolve("sensor.json"));
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        """
        pipeline: alerting-it
        checkpoint_interval: 1s
        kafka: {partitions: 2}
        lake:
          warehouse: ${data_dir}/warehouse
          catalog_uri: jdbc:sqlite:${data_dir}/catalog.db
        sources:
          sensors:
            type: http
            schema: sensor.json
            key: device_id
            event_time: {field: ts}
        detectors:
          hot:
            on: sensors
            field: temperature
            type: threshold
            above: 50
            severity: critical
            resolve_after: 2
            resolve_quiet: 0s
        notify:
          ok:
            type: webhook
            url: http://127.0.0.1:%1$d/ok
            secret: %2$s
            allow_hosts: [127.0.0.1]
          flaky:
            type: webhook
            url: http://127.0.0.1:%1$d/flaky
            allow_hosts: [127.0.0.1]
            initial_backoff: 50ms
            max_backoff: 200ms
          stuck:
            type: webhook
            url: http://127.0.0.1:%1$d/stuck
            allow_hosts: [127.0.0.1]
            timeout: 2s
            max_attempts: 2
            initial_backoff: 100ms
            max_backoff: 200ms
        """
            .formatted(port, SECRET));
    startStack();
  }

  private void startStack() {
    PipelineConfig loaded =
        PipelineLoader.load(
            dir.resolve("pipeline.yaml"),
            Map.of("data_dir", dir.resolve("data").toAbsolutePath().toString()));
    cfg = loaded.withGateway(loaded.gateway().withPort(0));
    stack = TestStack.start(cfg, dir.resolve("data"));
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
    if (receivers != null) {
      receivers.stop(0);
    }
  }

  private static void answer(HttpExchange ex, List<Request> log, int status) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    log.add(new Request(Map.copyOf(ex.getRequestHeaders()), body, System.nanoTime()));
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  private String reading(String device, double temperature) {
    int i = seq++;
    return "{\"id\":\"r-%d\",\"device_id\":\"%s\",\"site\":\"lab\",\"ts\":\"%s\",\"temperature\":%s}"
        .formatted(i, device, T0.plusSeconds(i), temperature);
  }

  private void post(List<String> lines) {
    TestStack.Answer a = stack.postNdjson("sensors", lines);
    assertThat(a.status()).as(a.raw().body()).isEqualTo(202);
  }

  @Test
  @Order(1)
  void anAnomalyReachesTheReceiverOnceWithEveryFieldAndAValidSignature() throws Exception {
    List<String> normal = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      normal.add(reading("dev-" + (i % 3), 20 + i % 5));
    }
    post(normal);
    String hot1 = "r-" + seq;
    post(List.of(reading("dev-2", 80.5)));
    long acked = System.nanoTime();
    long ackedMillis = System.currentTimeMillis();
    post(List.of(reading("dev-2", 85))); // the same incident: no second alert

    await().atMost(Duration.ofSeconds(60)).until(() -> !ok.isEmpty());
    Request r = ok.get(0);
    JsonNode a = r.json();
    assertThat(a.path("status").asText()).isEqualTo("open");
    assertThat(a.path("pipeline").asText()).isEqualTo("alerting-it");
    assertThat(a.path("detector").asText()).isEqualTo("hot");
    assertThat(a.path("detector_type").asText()).isEqualTo("threshold");
    assertThat(a.path("input").asText()).isEqualTo("sensors");
    assertThat(a.path("field").asText()).isEqualTo("temperature");
    assertThat(a.path("key").asText()).isEqualTo("dev-2");
    assertThat(a.path("value").asDouble()).isEqualTo(80.5);
    assertThat(a.path("high").asDouble()).isEqualTo(50.0);
    assertThat(a.path("low").isNull()).isTrue();
    assertThat(a.path("severity").asText()).isEqualTo("critical");
    assertThat(a.path("event_time").asText()).isEqualTo(T0.plusSeconds(30).toString());
    assertThat(Instant.parse(a.path("detection_time").asText()))
        .isAfter(Instant.now().minusSeconds(120));
    assertThat(a.path("event_ids").toString()).isEqualTo("[\"" + hot1 + "\"]");
    assertThat(a.path("message").asText()).contains("sensors.temperature for dev-2 = 80.5");
    assertThat(r.header("X-Lakestream-Alert-Id")).isEqualTo(a.path("alert_id").asText());

    String ts = r.header("X-Lakestream-Timestamp");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((ts + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body()));
    assertThat(r.header("X-Lakestream-Signature")).isEqualTo(expected);
    System.out.printf(
        "AlertingIT: ack of the anomalous event → detection %d ms → webhook request %d ms%n",
        Instant.parse(a.path("detection_time").asText()).toEpochMilli() - ackedMillis,
        (r.atNanos() - acked) / 1_000_000);

    Thread.sleep(3000); // time for a wrong second alert to show up
    assertThat(ok).hasSize(1);
  }

  @Test
  @Order(2)
  void aReceiverThatFailsThreeTimesGetsTheAlertOnce() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> flaky.size() >= 4);
    Thread.sleep(1000);
    assertThat(flaky).hasSize(4);
    assertThat(flaky.stream().map(q -> q.header("X-Lakestream-Delivery")).distinct()).hasSize(1);
    assertThat(flaky.get(3).json().path("alert_id").asText())
        .isEqualTo(ok.get(0).json().path("alert_id").asText());
    Path journal = dir.resolve("data/notify/deliveries.jsonl");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Files.readAllLines(journal))
                    .anyMatch(
                        l ->
                            l.contains("\"channel\":\"flaky\"")
                                && l.contains("\"status\":\"delivered\"")
                                && l.contains("\"attempts\":4"))
                    .anyMatch(
                        l ->
                            l.contains("\"channel\":\"stuck\"")
                                && l.contains("\"status\":\"failed\"")));
  }

  @Test
  @Order(3)
  void aReceiverThatNeverAnswersDoesNotSlowIngestion() {
    assertThat(stuckCalls.get()).isPositive();
    long t0 = System.nanoTime();
    for (int b = 0; b < 10; b++) {
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        batch.add(reading("dev-" + (i % 2), 20 + i % 5)); // not dev-2: its incident stays open
      }
      post(batch);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    assertThat(secs).as("2,000 events acknowledged while a receiver hangs").isLessThan(15);
  }

  @Test
  @Order(4)
  void aRestartNeitherResendsTheOpenAlertNorForgetsTheIncident() throws Exception {
    stack.close();
    int before = ok.size();
    startStack();
    post(List.of(reading("dev-2", 90))); // still the open incident after the restart
    Thread.sleep(5000);
    assertThat(ok).hasSize(before);

    post(List.of(reading("dev-2", 21), reading("dev-2", 22)));
    await().atMost(Duration.ofSeconds(60)).until(() -> ok.size() == before + 1);
    JsonNode resolved = ok.get(ok.size() - 1).json();
    assertThat(resolved.path("status").asText()).isEqualTo("resolved");
    assertThat(resolved.path("alert_id").asText())
        .isEqualTo(ok.get(0).json().path("alert_id").asText());
    assertThat(resolved.path("value").asDouble()).isEqualTo(21.0);
  }

  @Test
  @Order(5)
  void alertsAreInTheLake() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        stack.column(
                            "SELECT status || ' ' || key || ' ' || detector FROM alerts.events"
                                + " ORDER BY detection_time"))
                    .containsExactly("open dev-2 hot", "resolved dev-2 hot"));
  }
}
