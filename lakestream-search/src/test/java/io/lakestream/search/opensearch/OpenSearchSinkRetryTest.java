package io.lakestream.search.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retry behaviour of {@link OpenSearchSink} against a STAND-IN cluster (a local {@link HttpServer}
 * answering scripted responses), for what a real node cannot be made to do on cue: a {@code
 * Retry-After} header, a 503, one item 429 next to a success, a cluster that never recovers. The
 * real-node counterpart (real 429s under load) is {@code OpenSearchSinkIT}.
 */
class OpenSearchSinkRetryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final IndexSchema SCHEMA = IndexSchema.builder().keyword("level").build();

  /** One scripted answer. */
  record Reply(int status, String body, String retryAfter) {}

  /** A recorded request. */
  record Seen(String method, String path, String body, String authorization, long atNanos) {}

  private HttpServer server;
  private final ConcurrentLinkedQueue<Reply> bulkReplies = new ConcurrentLinkedQueue<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getPath();
    seen.add(
        new Seen(
            ex.getRequestMethod(),
            path,
            body,
            ex.getRequestHeaders().getFirst("Authorization"),
            System.nanoTime()));
    Reply reply;
    if (path.endsWith("/_mapping") && ex.getRequestMethod().equals("GET")) {
      reply =
          new Reply(
              404, "{\"error\":{\"type\":\"index_not_found_exception\"},\"status\":404}", null);
    } else if (path.endsWith("/_bulk")) {
      reply = bulkReplies.poll();
      if (reply == null) {
        reply = new Reply(500, "{\"error\":\"test script exhausted\"}", null);
      }
    } else {
      reply = new Reply(200, "{\"acknowledged\":true}", null);
    }
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    if (reply.retryAfter() != null) {
      ex.getResponseHeaders().add("Retry-After", reply.retryAfter());
    }
    ex.sendResponseHeaders(reply.status(), out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  private OpenSearchSink.Config config(int maxAttempts) {
    return new OpenSearchSink.Config(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
        "events",
        "writer",
        "s3cret",
        Duration.ofSeconds(5),
        maxAttempts,
        Duration.ofMillis(10),
        Duration.ofSeconds(2));
  }

  private static IndexDoc doc(String id) throws IOException {
    return new IndexDoc(id, "src", 1000, 2000, JSON.readTree("{\"level\":\"INFO\"}"));
  }

  private List<Seen> bulks() {
    List<Seen> out = new ArrayList<>();
    for (Seen s : seen) {
      if (s.path().endsWith("/_bulk")) {
        out.add(s);
      }
    }
    return out;
  }

  private static String item(String id, int status) {
    if (status / 100 == 2) {
      return "{\"index\":{\"_index\":\"events\",\"_id\":\"" + id + "\",\"status\":" + status + "}}";
    }
    return "{\"index\":{\"_index\":\"events\",\"_id\":\""
        + id
        + "\",\"status\":"
        + status
        + ",\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected\"}}}";
  }

  @Test
  void honoursRetryAfterThenResendsOnlyTheThrottledItem() throws Exception {
    bulkReplies.add(new Reply(429, "{\"error\":\"too many requests\",\"status\":429}", "1"));
    bulkReplies.add(
        new Reply(
            200,
            "{\"errors\":true,\"items\":[" + item("a", 429) + "," + item("b", 201) + "]}",
            null));
    bulkReplies.add(new Reply(200, "{\"errors\":false,\"items\":[" + item("a", 200) + "]}", null));

    try (OpenSearchSink sink = OpenSearchSink.open(config(8), SCHEMA)) {
      OpenSearchSink.SendResult r = sink.send(List.of(doc("a"), doc("b")));
      assertThat(r.indexed()).isEqualTo(2);
      assertThat(r.rejected()).isEmpty();
      assertThat(sink.throttledAnswers()).isEqualTo(2);
    }

    List<Seen> bulks = bulks();
    assertThat(bulks).hasSize(3);
    // Retry-After: 1 waited at least ~1 s (initial backoff is only 10 ms)
    assertThat(Duration.ofNanos(bulks.get(1).atNanos() - bulks.get(0).atNanos()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    // the whole request was resent, then only the throttled item
    assertThat(bulks.get(1).body()).contains("\"_id\":\"a\"").contains("\"_id\":\"b\"");
    assertThat(bulks.get(2).body()).contains("\"_id\":\"a\"").doesNotContain("\"_id\":\"b\"");
    assertThat(bulks.get(2).body().lines().count()).isEqualTo(2);
    assertThat(bulks.get(0).path()).isEqualTo("/events/_bulk");
    // basic auth on every request
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("writer:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(seen).allSatisfy(s -> assertThat(s.authorization()).isEqualTo(expected));
  }

  @Test
  void resendsAWholeRequestAnswered503AndReportsRejectedItems() throws Exception {
    bulkReplies.add(new Reply(503, "{\"error\":\"cluster_block_exception\"}", null));
    bulkReplies.add(
        new Reply(
            200,
            "{\"errors\":true,\"items\":["
                + item("a", 201)
                + ",{\"index\":{\"_id\":\"b\",\"status\":400,\"error\":{\"type\":"
                + "\"mapper_parsing_exception\",\"reason\":\"failed to parse field [n]\"}}}]}",
            null));
    try (OpenSearchSink sink = OpenSearchSink.open(config(8), SCHEMA)) {
      OpenSearchSink.SendResult r = sink.send(List.of(doc("a"), doc("b")));
      assertThat(r.indexed()).isEqualTo(1);
      assertThat(r.rejected())
          .containsExactly(
              new OpenSearchSink.Rejected(
                  "b", 400, "mapper_parsing_exception: failed to parse field [n]"));
    }
    assertThat(bulks()).hasSize(2);
  }

  @Test
  void givesUpAfterMaxAttemptsSayingWhatTheClusterAnswered() throws Exception {
    for (int i = 0; i < 3; i++) {
      bulkReplies.add(new Reply(429, "{\"error\":\"es_rejected_execution_exception\"}", "0"));
    }
    try (OpenSearchSink sink = OpenSearchSink.open(config(3), SCHEMA)) {
      assertThatThrownBy(() -> sink.send(List.of(doc("a"))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("OpenSearch index 'events' at http://127.0.0.1:")
          .hasMessageContaining("1 of 1 documents were neither accepted nor rejected after 3")
          .hasMessageContaining("HTTP 429")
          .hasMessageContaining("es_rejected_execution_exception")
          .hasMessageNotContaining("s3cret");
    }
    assertThat(bulks()).hasSize(3);
  }

  @Test
  void aRequestRefusedForGoodFailsAtOnceWithAHint() throws Exception {
    bulkReplies.add(new Reply(401, "{\"error\":\"unauthorized\"}", null));
    try (OpenSearchSink sink = OpenSearchSink.open(config(8), SCHEMA)) {
      assertThatThrownBy(() -> sink.send(List.of(doc("a"))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("Check the user and password");
    }
    assertThat(bulks()).hasSize(1);
  }

  @Test
  void createsTheIndexWithADynamicFalseMapping() throws Exception {
    try (OpenSearchSink sink = OpenSearchSink.open(config(8), SCHEMA)) {
      assertThat(sink).isNotNull();
    }
    Seen create = seen.stream().filter(s -> s.method().equals("PUT")).findFirst().orElseThrow();
    assertThat(create.path()).isEqualTo("/events");
    assertThat(JSON.readTree(create.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"mappings\":{\"dynamic\":false,\"properties\":{"
                    + "\"id\":{\"type\":\"keyword\",\"ignore_above\":2048},"
                    + "\"source\":{\"type\":\"keyword\",\"ignore_above\":2048},"
                    + "\"event_time\":{\"type\":\"date\",\"format\":\"epoch_millis\"},"
                    + "\"ingest_time\":{\"type\":\"date\",\"format\":\"epoch_millis\"},"
                    + "\"level\":{\"type\":\"keyword\",\"ignore_above\":2048}}}}"));
  }

  @Test
  void splitsBatchesAtTheByteCap() {
    List<OpenSearchSink.Encoded> docs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      docs.add(new OpenSearchSink.Encoded("d" + i, new byte[i == 7 ? 250 : 40]));
    }
    List<List<OpenSearchSink.Encoded>> chunks = OpenSearchSink.chunks(docs, 100);
    assertThat(chunks).extracting(List::size).containsExactly(2, 2, 2, 1, 1, 2);
    assertThat(chunks.stream().mapToInt(List::size).sum()).isEqualTo(10);
  }

  @Test
  void configNeverPrintsThePassword() {
    assertThat(config(3).toString()).contains("password=******").doesNotContain("s3cret");
  }

  @Test
  void parsesRetryAfterSecondsAndDates() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(Backoff.parseRetryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
    assertThat(Backoff.parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(Backoff.parseRetryAfter("soon", now)).isNull();
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(b.delay(1, null)).isBetween(Duration.ofMillis(80), Duration.ofMillis(100));
    assertThat(b.delay(3, null)).isBetween(Duration.ofMillis(320), Duration.ofMillis(400));
    assertThat(b.delay(20, null)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
    assertThat(b.delay(1, Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
    assertThat(b.delay(1, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(1));
  }
}
