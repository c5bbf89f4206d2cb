package io.lakestream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration INTERVAL = Duration.ofMillis(100);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final AtomicInteger calls = new AtomicInteger();
  private final Set<String> supplierThreads = ConcurrentHashMap.newKeySet();
  private Dashboard dashboard;
  private Javalin app;
  private String base;

  /** A snapshot whose counter is the number of calls so far. */
  private final Supplier<JsonNode> counting =
      () -> {
        supplierThreads.add(Thread.currentThread().getName());
        int n = calls.incrementAndGet();
        ObjectNode s = JSON.createObjectNode().put("time", System.currentTimeMillis());
        s.put("pipeline", "test").putObject("totals").put("received", n);
        return s;
      };

  private void start(Supplier<JsonNode> supplier, Duration interval, Duration heartbeat) {
    dashboard = new Dashboard(supplier, interval, heartbeat);
    app =
        Javalin.create(
                c -> {
                  c.showJavalinBanner = false;
                  c.startupWatcherEnabled = false;
                  c.http.disableCompression();
                  c.http.defaultContentType = "application/json";
                  c.router.mount(dashboard::mount);
                })
            .start("127.0.0.1", 0);
    base = "http://127.0.0.1:" + app.port();
  }

  private void start() {
    start(counting, INTERVAL, Dashboard.HEARTBEAT);
  }

  @AfterEach
  void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (app != null) {
      app.stop();
    }
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAtBothAddresses() throws Exception {
    start();
    for (String path : List.of("/", "/dashboard")) {
      HttpResponse<String> res = get(path);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertThat(res.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
      assertThat(res.body()).contains("<title>Lakestream dashboard</title>").doesNotContain("{{");
    }
  }

  @Test
  void servesTheAssetsThePageNamesWithTypesAndCaching() throws Exception {
    start();
    String page = get("/dashboard").body();
    Matcher m = Pattern.compile("/dashboard/assets/([A-Za-z0-9._-]+)").matcher(page);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    assertThat(names)
        .hasSize(4)
        .anyMatch(n -> n.matches("uplot-[0-9.]+\\.min\\.js"))
        .anyMatch(n -> n.matches("uplot-[0-9.]+\\.min\\.css"))
        .anyMatch(n -> n.matches("dashboard-[0-9a-f]{12}\\.js"))
        .anyMatch(n -> n.matches("dashboard-[0-9a-f]{12}\\.css"));
    for (String name : names) {
      HttpResponse<String> res = get("/dashboard/assets/" + name);
      assertThat(res.statusCode()).as(name).isEqualTo(200);
      String type = res.headers().firstValue("Content-Type").orElseThrow();
      assertThat(type).as(name).startsWith(name.endsWith(".js") ? "text/javascript" : "text/css");
      assertThat(res.headers().firstValue("Cache-Control"))
          .hasValueSatisfying(v -> assertThat(v).contains("max-age=31536000", "immutable"));
      assertThat(res.body()).isNotBlank();
      String etag = res.headers().firstValue("ETag").orElseThrow();
      assertThat(get("/dashboard/assets/" + name, "If-None-Match", etag).statusCode())
          .isEqualTo(304);
    }
    HttpResponse<String> plain = get("/dashboard/assets/dashboard.js");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("Cache-Control")).hasValue("no-cache");
  }

  @Test
  void missingAssetIs404WithAJsonMessage() throws Exception {
    start();
    for (String name : List.of("nope.js", "..%2Findex.html", "dashboard-000000000000.js")) {
      HttpResponse<String> res = get("/dashboard/assets/" + name);
      assertThat(res.statusCode()).as(name).isEqualTo(404);
      assertThat(res.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      JsonNode body = JSON.readTree(res.body());
      assertThat(body.path("error").asText()).isEqualTo("not_found");
      assertThat(body.path("message").asText()).contains("no dashboard asset named");
    }
  }

  @Test
  void snapshotEndpointAnswersTheLatestSnapshot() throws Exception {
    start();
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 2);
    HttpResponse<String> res = get("/v1/dashboard/snapshot");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = JSON.readTree(res.body());
    assertThat(body.path("pipeline").asText()).isEqualTo("test");
    assertThat(body.path("totals").path("received").asInt()).isPositive();
    // no computation per request: asking does not call the supplier
    int before = calls.get();
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertThat(get("/v1/dashboard/snapshot").statusCode()).isEqualTo(200);
    }
    long ticks = (System.nanoTime() - t0) / INTERVAL.toNanos();
    assertThat(calls.get() - before).isLessThanOrEqualTo((int) ticks + 2);
  }

  @Test
  void snapshotBeforeTheFirstTickIs503() throws Exception {
    start(() -> null, INTERVAL, Dashboard.HEARTBEAT);
    HttpResponse<String> res = get("/v1/dashboard/snapshot");
    assertThat(res.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(res.body()).path("error").asText()).isEqualTo("not_ready");
  }

  /** One open event stream, read line by line. */
  private final class Stream implements AutoCloseable {
    final HttpResponse<InputStream> response;
    final BufferedReader reader;

    Stream() throws Exception {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/dashboard/stream"))
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The next event as {id, event, data}; comments are skipped. */
    String[] nextEvent() throws IOException {
      String id = null;
      String event = null;
      StringBuilder data = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            return new String[] {id, event, data.toString()};
          }
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder() : data.append('\n');
          data.append(line.substring(6));
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }

  @Test
  void streamDeliversConsecutiveSnapshots() throws Exception {
    start();
    try (Stream s = new Stream()) {
      assertThat(s.response.statusCode()).isEqualTo(200);
      assertThat(s.response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      assertThat(s.response.headers().firstValue("Cache-Control"))
          .hasValueSatisfying(v -> assertThat(v).contains("no-cache"));
      long previousId = -1;
      int previousCount = -1;
      for (int i = 0; i < 5; i++) {
        String[] e = s.nextEvent();
        assertThat(e).isNotNull();
        assertThat(e[1]).isEqualTo("snapshot");
        long id = Long.parseLong(e[0]);
        int count = JSON.readTree(e[2]).path("totals").path("received").asInt();
        if (previousId >= 0) {
          assertThat(id).isGreaterThan(previousId);
          assertThat(count).isGreaterThan(previousCount);
        }
        previousId = id;
        previousCount = count;
      }
    }
  }

  @Test
  void supplierRunsOncePerTickWhateverTheNumberOfClients() throws Exception {
    start();
    List<Stream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        streams.add(new Stream());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> dashboard.openStreams() == 6);
      int before = calls.get();
      long t0 = System.nanoTime();
      // every client sees the same bytes for the same event id
      List<List<String[]>> seen = new ArrayList<>();
      for (Stream s : streams) {
        List<String[]> events = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          events.add(s.nextEvent());
        }
        seen.add(events);
      }
      long ticks = (System.nanoTime() - t0) / INTERVAL.toNanos();
      int made = calls.get() - before;
      assertThat(made).isLessThanOrEqualTo((int) ticks + 2);
      assertThat(supplierThreads).hasSize(1);
      java.util.Map<String, String> dataById = new java.util.HashMap<>();
      for (List<String[]> events : seen) {
        for (String[] e : events) {
          String earlier = dataById.putIfAbsent(e[0], e[2]);
          if (earlier != null) {
            assertThat(e[2]).as("event " + e[0]).isEqualTo(earlier);
          }
          // the counter equals the number of supplier calls: one per event id
          assertThat(JSON.readTree(e[2]).path("totals").path("received").asLong())
              .isEqualTo(Long.parseLong(e[0]));
        }
      }
    } finally {
      for (Stream s : streams) {
        s.close();
      }
    }
  }

  @Test
  void disconnectedClientsAreRemoved() throws Exception {
    start();
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Stream s = new Stream();
      assertThat(s.nextEvent()).isNotNull();
      streams.add(s);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> dashboard.openStreams() == 3);
    streams.get(0).close();
    await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.openStreams() == 2);
    streams.get(1).close();
    streams.get(2).close();
    await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.openStreams() == 0);
  }

  @Test
  void closeEndsTheStreams() throws Exception {
    start();
    try (Stream s = new Stream()) {
      assertThat(s.nextEvent()).isNotNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> dashboard.openStreams() == 1);
      dashboard.close();
      assertThat(dashboard.openStreams()).isZero();
      // the server ends the response: reading runs out
      String line;
      do {
        line = s.reader.readLine();
      } while (line != null);
      int after = calls.get();
      Thread.sleep(3 * INTERVAL.toMillis());
      assertThat(calls.get()).isEqualTo(after);
    }
  }

  @Test
  void heartbeatCommentsKeepAQuietStreamAlive() throws Exception {
    AtomicInteger n = new AtomicInteger();
    start(
        () -> n.getAndIncrement() == 0 ? JSON.createObjectNode().put("pipeline", "quiet") : null,
        Duration.ofSeconds(30),
        Duration.ofMillis(100));
    try (Stream s = new Stream()) {
      List<String> lines = new ArrayList<>();
      while (lines.stream().filter(": heartbeat"::equals).count() < 2) {
        String line = s.reader.readLine();
        assertThat(line).isNotNull();
        lines.add(line);
      }
      assertThat(lines).contains("event: snapshot");
    }
  }

  @Test
  void aFailingSupplierKeepsThePreviousSnapshot() throws Exception {
    AtomicInteger n = new AtomicInteger();
    start(
        () -> {
          int i = n.incrementAndGet();
          if (i % 2 == 0) {
            throw new IllegalStateException("metrics not ready");
          }
          return JSON.createObjectNode().put("i", i);
        },
        INTERVAL,
        Dashboard.HEARTBEAT);
    try (Stream s = new Stream()) {
      int last = 0;
      for (int k = 0; k < 3; k++) {
        int i = JSON.readTree(s.nextEvent()[2]).path("i").asInt();
        assertThat(i % 2).isEqualTo(1);
        assertThat(i).isGreaterThan(last);
        last = i;
      }
    }
    assertThat(get("/v1/dashboard/snapshot").statusCode()).isEqualTo(200);
  }

  @Test
  void rejectsANonPositiveInterval() {
    assertThatThrownBy(() -> new Dashboard(counting, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must be positive");
  }
}
