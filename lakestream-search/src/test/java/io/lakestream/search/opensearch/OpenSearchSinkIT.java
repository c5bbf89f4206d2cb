package io.lakestream.search.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OpenSearchSink} against a REAL OpenSearch 2.19 node (started in a child JVM from the Maven
 * Central artifacts, see {@link OpenSearchNode}). The node runs with a write thread pool of one
 * thread and a queue of one, so that concurrent bulk requests are really answered 429.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenSearchSinkIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final long BASE = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private static final IndexSchema SCHEMA =
      IndexSchema.builder()
          .text("message")
          .keyword("level", "http.method")
          .longs("http.status")
          .doubles("latency")
          .build();

  private static OpenSearchNode node;

  @BeforeAll
  @Timeout(value = 100, unit = TimeUnit.SECONDS)
  static void startNode() throws Exception {
    node = OpenSearchNode.start(90, "thread_pool.write.size=1", "thread_pool.write.queue_size=1");
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static OpenSearchSink open(String index) throws IOException {
    return OpenSearchSink.open(OpenSearchSink.Config.of(node.url(), index), SCHEMA);
  }

  private static IndexDoc doc(String id, long eventTime, String json) throws IOException {
    return new IndexDoc(id, "app-logs", eventTime, eventTime + 5, JSON.readTree(json));
  }

  @Test
  void createsTheIndexWithTheSchemaMappingAndIndexesTextAndKeywordsDifferently() throws Exception {
    try (OpenSearchSink sink = open("events-mapping")) {
      OpenSearchSink.SendResult r =
          sink.send(
              List.of(
                  doc(
                      "e1",
                      BASE,
                      "{\"message\":\"Disk FULL on host-a\",\"level\":\"ERROR\","
                          + "\"http\":{\"method\":\"GET\",\"status\":500},\"latency\":1.5,"
                          + "\"extra\":\"undeclared\",\"id\":\"bogus\",\"event_time\":\"x\"}"),
                  doc(
                      "e2",
                      BASE + 1,
                      "{\"message\":\"disk ok\",\"level\":\"error\","
                          + "\"http\":{\"method\":\"POST\",\"status\":200},\"latency\":0.25}"),
                  doc("e3", BASE + 2, "{\"message\":\"all quiet\",\"level\":\"INFO\"}")));
      assertThat(r.indexed()).isEqualTo(3);
      assertThat(r.rejected()).isEmpty();
      sink.refresh();
    }

    JsonNode mapping = get("/events-mapping/_mapping").path("events-mapping").path("mappings");
    assertThat(mapping.path("dynamic").asText()).isEqualTo("false");
    JsonNode props = mapping.path("properties");
    assertThat(props.path("id").path("type").asText()).isEqualTo("keyword");
    assertThat(props.path("source").path("type").asText()).isEqualTo("keyword");
    assertThat(props.path("event_time").path("type").asText()).isEqualTo("date");
    assertThat(props.path("event_time").path("format").asText()).isEqualTo("epoch_millis");
    assertThat(props.path("message").path("type").asText()).isEqualTo("text");
    assertThat(props.path("level").path("type").asText()).isEqualTo("keyword");
    assertThat(props.path("http").path("properties").path("status").path("type").asText())
        .isEqualTo("long");
    assertThat(props.path("latency").path("type").asText()).isEqualTo("double");
    assertThat(props.has("extra")).isFalse();

    // text: analyzed, case-insensitive
    assertThat(count("events-mapping", "{\"match\":{\"message\":\"disk\"}}")).isEqualTo(2);
    assertThat(count("events-mapping", "{\"match\":{\"message\":\"FULL\"}}")).isEqualTo(1);
    // keyword: exact and case-sensitive
    assertThat(count("events-mapping", "{\"term\":{\"level\":\"ERROR\"}}")).isEqualTo(1);
    assertThat(count("events-mapping", "{\"term\":{\"level\":\"error\"}}")).isEqualTo(1);
    assertThat(count("events-mapping", "{\"term\":{\"level\":\"Error\"}}")).isZero();
    assertThat(count("events-mapping", "{\"term\":{\"message\":\"Disk FULL on host-a\"}}"))
        .isZero();
    // nested, numeric and system fields
    assertThat(count("events-mapping", "{\"term\":{\"http.method\":\"GET\"}}")).isEqualTo(1);
    assertThat(count("events-mapping", "{\"range\":{\"http.status\":{\"gte\":500}}}")).isEqualTo(1);
    assertThat(count("events-mapping", "{\"range\":{\"latency\":{\"lt\":1}}}")).isEqualTo(1);
    assertThat(count("events-mapping", "{\"term\":{\"source\":\"app-logs\"}}")).isEqualTo(3);
    assertThat(count("events-mapping", "{\"range\":{\"event_time\":{\"gt\":" + BASE + "}}}"))
        .isEqualTo(2);
    // undeclared members: kept in _source, not searchable
    assertThat(count("events-mapping", "{\"match\":{\"extra\":\"undeclared\"}}")).isZero();
    JsonNode source = get("/events-mapping/_doc/e1").path("_source");
    assertThat(source.path("extra").asText()).isEqualTo("undeclared");
    // system members are set by the sink, overwriting the event's
    assertThat(source.path("id").asText()).isEqualTo("e1");
    assertThat(source.path("event_time").asLong()).isEqualTo(BASE);
    assertThat(source.path("ingest_time").asLong()).isEqualTo(BASE + 5);
    assertThat(source.path("source").asText()).isEqualTo("app-logs");
  }

  @Test
  void replayingABatchDoesNotDoubleDocuments() throws Exception {
    List<IndexDoc> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(doc("r" + i, BASE + i, "{\"message\":\"replay " + i + "\",\"level\":\"INFO\"}"));
    }
    try (OpenSearchSink sink = open("events-replay")) {
      assertThat(sink.send(batch).indexed()).isEqualTo(50);
      assertThat(sink.send(batch).indexed()).isEqualTo(50);
      sink.refresh();
    }
    assertThat(count("events-replay", "{\"match_all\":{}}")).isEqualTo(50);
  }

  @Test
  void aDocumentTheMappingRefusesIsRejectedAndTheRestIsIndexed() throws Exception {
    try (OpenSearchSink sink = open("events-reject")) {
      List<IndexDoc> batch = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String status = i == 2 ? "\"not-a-number\"" : String.valueOf(200 + i);
        batch.add(doc("m" + i, BASE + i, "{\"http\":{\"status\":" + status + "}}"));
      }
      OpenSearchSink.SendResult r = sink.send(batch);
      assertThat(r.indexed()).isEqualTo(4);
      assertThat(r.rejected()).hasSize(1);
      OpenSearchSink.Rejected rej = r.rejected().get(0);
      assertThat(rej.id()).isEqualTo("m2");
      assertThat(rej.status()).isEqualTo(400);
      assertThat(rej.reason()).contains("http.status");
      sink.refresh();
    }
    assertThat(count("events-reject", "{\"match_all\":{}}")).isEqualTo(4);
  }

  @Test
  void deleteOlderThanRemovesExactlyTheOlderDocuments() throws Exception {
    try (OpenSearchSink sink = open("events-retention")) {
      List<IndexDoc> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(doc("t" + i, BASE + i * 1000L, "{\"level\":\"INFO\"}"));
      }
      assertThat(sink.send(batch).indexed()).isEqualTo(10);
      // no refresh in between: deleteOlderThan must see everything sent so far
      assertThat(sink.deleteOlderThan(Instant.ofEpochMilli(BASE + 4000))).isEqualTo(4);
      sink.refresh();
    }
    assertThat(count("events-retention", "{\"match_all\":{}}")).isEqualTo(6);
    assertThat(
            count(
                "events-retention", "{\"range\":{\"event_time\":{\"lt\":" + (BASE + 4000) + "}}}"))
        .isZero();
    assertThat(count("events-retention", "{\"term\":{\"id\":\"t4\"}}")).isEqualTo(1);
  }

  @Test
  void anExistingIndexWithAnIncompatibleMappingIsRefusedReadably() throws Exception {
    put(
        "/events-legacy",
        "{\"mappings\":{\"properties\":{\"level\":{\"type\":\"text\"},"
            + "\"http\":{\"properties\":{\"status\":{\"type\":\"keyword\"}}},"
            + "\"event_time\":{\"type\":\"date\",\"format\":\"strict_date_optional_time\"}}}}");
    assertThatThrownBy(() -> open("events-legacy"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("OpenSearch index 'events-legacy' at " + node.url())
        .hasMessageContaining("'level' is mapped as 'text', the schema declares it keyword")
        .hasMessageContaining("'http.status' is mapped as 'keyword', the schema declares it long")
        .hasMessageContaining("does not accept epoch_millis")
        .hasMessageContaining("Use another index name");
  }

  @Test
  void anExistingCompatibleIndexGetsTheFieldsItLacks() throws Exception {
    put(
        "/events-older-schema",
        "{\"mappings\":{\"dynamic\":false,\"properties\":{\"level\":{\"type\":\"keyword\"}}}}");
    try (OpenSearchSink sink = open("events-older-schema")) {
      assertThat(sink.send(List.of(doc("a1", BASE, "{\"http\":{\"status\":404}}"))).indexed())
          .isEqualTo(1);
      sink.refresh();
    }
    JsonNode props =
        get("/events-older-schema/_mapping")
            .path("events-older-schema")
            .path("mappings")
            .path("properties");
    assertThat(props.path("http").path("properties").path("status").path("type").asText())
        .isEqualTo("long");
    assertThat(count("events-older-schema", "{\"term\":{\"http.status\":404}}")).isEqualTo(1);
  }

  /**
   * Real 429s: six writers share one sink and send concurrently into a node whose write pool has
   * one thread and a queue of one, so the node rejects; the sink must back off and resend until
   * every document is in, exactly once.
   */
  @Test
  void backsOffOnRealTooManyRequestsAndLosesNothing() throws Exception {
    OpenSearchSink.Config config =
        new OpenSearchSink.Config(
            node.url(),
            "events-load",
            null,
            null,
            Duration.ofSeconds(30),
            40,
            Duration.ofMillis(20),
            Duration.ofMillis(500));
    int writers = 6;
    int batches = 8;
    int perBatch = 100;
    try (OpenSearchSink sink = OpenSearchSink.open(config, SCHEMA)) {
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          results.add(
              pool.submit(
                  () -> {
                    int indexed = 0;
                    for (int b = 0; b < batches; b++) {
                      List<IndexDoc> batch = new ArrayList<>();
                      for (int i = 0; i < perBatch; i++) {
                        String id = "w" + writer + "-" + b + "-" + i;
                        batch.add(doc(id, BASE + i, "{\"message\":\"load " + id + "\"}"));
                      }
                      OpenSearchSink.SendResult r = sink.send(batch);
                      assertThat(r.rejected()).isEmpty();
                      indexed += r.indexed();
                    }
                    return indexed;
                  }));
        }
        int total = 0;
        for (Future<Integer> f : results) {
          total += f.get(50, TimeUnit.SECONDS);
        }
        assertThat(total).isEqualTo(writers * batches * perBatch);
      } finally {
        pool.shutdownNow();
      }
      System.out.println(
          "OpenSearchSinkIT: the node answered 429 " + sink.throttledAnswers() + " times");
      assertThat(sink.throttledAnswers())
          .as("429 answers the sink retried (node write pool: 1 thread, queue 1)")
          .isPositive();
      sink.refresh();
    }
    assertThat(count("events-load", "{\"match_all\":{}}")).isEqualTo(writers * batches * perBatch);
  }

  // --- plain HTTP to the node, independent of the sink ---

  private static long count(String index, String query) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.set("query", JSON.readTree(query));
    JsonNode r = send("POST", "/" + index + "/_count", body.toString());
    return r.path("count").asLong(-1);
  }

  private static JsonNode get(String path) throws Exception {
    return send("GET", path, null);
  }

  private static void put(String path, String body) throws Exception {
    send("PUT", path, body);
  }

  private static JsonNode send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(node.url() + path)).timeout(Duration.ofSeconds(20));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
