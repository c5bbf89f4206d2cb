package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/sql} on a running stack: key required, JSON and CSV answers checked against
 * answers computed from the events, time travel to the state before the second batch, a one-day
 * query reading only that day's files, and hostile queries refused or cut off while the server
 * keeps answering.
 */
class SqlEndpointIT {

  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String KEY = "analyst-token-123";

  private static HttpResponse<String> sql(TestStack stack, String body, String token)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(stack.ls.gatewayUrl() + "/v1/sql"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String query(String sql) {
    return TestStack.JSON.createObjectNode().put("sql", sql).toString();
  }

  private static List<String> batch(int from, int n) {
    List<String> lines = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      // Day 1, 2 or 3 of December, in turn.
      String ts = "2026-12-0" + (1 + i % 3) + "T12:00:00Z";
      lines.add(
          "{\"id\":\"e-"
              + i
              + "\",\"device_id\":\"d-"
              + (i % 4)
              + "\",\"ts\":\""
              + ts
              + "\",\"temperature\":"
              + i
              + "}");
    }
    return lines;
  }

  @Test
  void theSqlEndpointAnswersSafelyWithTimeTravelAndPruning() throws Exception {
    Files.writeString(
        dir.resolve("s.schema.json"),
        """
        {"type": "object", "properties": {"id": {"type": "string"},
         "device_id": {"type": "string"}, "ts": {"type": "string", "format": "date-time"},
         "temperature": {"type": "number"}}}
        """);
    Files.writeString(
        dir.resolve("pipeline.yaml"),
        """
        pipeline: sqlapi
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 1}
        gateway:
          port: 0
          api_keys:
            - {name: analyst, token: KEY}
        sources:
          sensors:
            type: http
            schema: s.schema.json
            key: device_id
            event_time: {field: ts, allowed_lateness: 7d}
        """
            .replace("KEY", KEY));
    PipelineConfig cfg =
        PipelineLoader.load(
            dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));

    try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
      // The first batch, committed; then the moment to travel back to.
      HttpRequest post =
          HttpRequest.newBuilder(URI.create(stack.ls.gatewayUrl() + "/v1/sources/sensors/events"))
              .header("Content-Type", "application/x-ndjson")
              .header("Authorization", "Bearer " + KEY)
              .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", batch(0, 300))))
              .build();
      assertThat(HTTP.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == 300);
      Thread.sleep(1100);
      Instant between = Instant.now();
      Thread.sleep(1100);
      HttpRequest post2 =
          HttpRequest.newBuilder(URI.create(stack.ls.gatewayUrl() + "/v1/sources/sensors/events"))
              .header("Content-Type", "application/x-ndjson")
              .header("Authorization", "Bearer " + KEY)
              .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", batch(300, 300))))
              .build();
      assertThat(HTTP.send(post2, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == 600);

      // A key is required.
      assertThat(sql(stack, query("SELECT 1"), null).statusCode()).isEqualTo(401);
      assertThat(sql(stack, query("SELECT 1"), "wrong").statusCode()).isEqualTo(401);

      // JSON: columns with types, rows as objects; the sum computed here from the events.
      HttpResponse<String> r =
          sql(
              stack,
              query(
                  "SELECT device_id, count(*) AS n, sum(temperature) AS total"
                      + " FROM curated.sensors GROUP BY device_id ORDER BY device_id"),
              KEY);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode json = TestStack.JSON.readTree(r.body());
      assertThat(json.get("columns").get(0).get("name").asText()).isEqualTo("device_id");
      assertThat(json.get("columns").get(1).get("type").asText()).isEqualTo("BIGINT");
      assertThat(json.get("row_count").asInt()).isEqualTo(4);
      for (JsonNode row : json.get("rows")) {
        int d = Integer.parseInt(row.get("device_id").asText().substring(2));
        double expected = 0;
        for (int i = d; i < 600; i += 4) {
          expected += i;
        }
        assertThat(row.get("n").asLong()).isEqualTo(150);
        assertThat(row.get("total").asDouble()).isEqualTo(expected);
      }

      // CSV on request.
      HttpResponse<String> csv =
          sql(
              stack,
              TestStack.JSON
                  .createObjectNode()
                  .put("sql", "SELECT count(*) AS n FROM curated.sensors")
                  .put("format", "csv")
                  .toString(),
              KEY);
      assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      assertThat(csv.body()).isEqualTo("n\r\n600\r\n");

      // Time travel: before the second batch.
      HttpResponse<String> past =
          sql(
              stack,
              TestStack.JSON
                  .createObjectNode()
                  .put("sql", "SELECT count(*) AS n FROM curated.sensors")
                  .put("as_of", between.toString())
                  .toString(),
              KEY);
      assertThat(TestStack.JSON.readTree(past.body()).get("rows").get(0).get("n").asLong())
          .isEqualTo(300);

      // Pruning: one day reads only that day's files, and counts right (200 of 600).
      JsonNode all =
          TestStack.JSON.readTree(
              sql(stack, query("SELECT count(*) AS n FROM curated.sensors"), KEY).body());
      JsonNode oneDay =
          TestStack.JSON.readTree(
              sql(
                      stack,
                      query(
                          "SELECT count(*) AS n FROM curated.sensors WHERE event_time >="
                              + " TIMESTAMPTZ '2026-12-02 00:00:00+00' AND event_time <"
                              + " TIMESTAMPTZ '2026-12-03 00:00:00+00'"),
                      KEY)
                  .body());
      assertThat(oneDay.get("rows").get(0).get("n").asLong()).isEqualTo(200);
      int allFiles = all.get("files_scanned").get("curated.sensors").asInt();
      int dayFiles = oneDay.get("files_scanned").get("curated.sensors").asInt();
      assertThat(allFiles).isGreaterThanOrEqualTo(3);
      assertThat(dayFiles).isPositive().isLessThan(allFiles);

      // Row cap.
      JsonNode capped =
          TestStack.JSON.readTree(
              sql(
                      stack,
                      TestStack.JSON
                          .createObjectNode()
                          .put("sql", "SELECT event_id FROM curated.sensors")
                          .put("max_rows", 10)
                          .toString(),
                      KEY)
                  .body());
      assertThat(capped.get("row_count").asInt()).isEqualTo(10);
      assertThat(capped.get("truncated").asBoolean()).isTrue();

      // Hostile queries: refused, or cut off by the timeout; the server keeps answering.
      for (String hostile :
          List.of(
              "SELECT * FROM read_csv('/etc/passwd')",
              "COPY (SELECT 1) TO '/tmp/lakestream-sqlapi.csv'",
              "ATTACH '/tmp/lakestream-sqlapi.db'",
              "INSTALL httpfs",
              "SET enable_external_access = true",
              "SELECT 1; DROP TABLE x",
              "SELECT 1 /* ; */ ; COPY (SELECT 1) TO '/tmp/lakestream-sqlapi.csv'")) {
        HttpResponse<String> refused = sql(stack, query(hostile), KEY);
        assertThat(refused.statusCode()).as(hostile).isEqualTo(400);
        assertThat(TestStack.JSON.readTree(refused.body()).get("error").asText())
            .isEqualTo("sql_refused");
      }
      HttpResponse<String> slow =
          sql(
              stack,
              TestStack.JSON
                  .createObjectNode()
                  .put("sql", "SELECT count(*) FROM range(100000000) a, range(100000000) b")
                  .put("timeout_seconds", 1)
                  .toString(),
              KEY);
      assertThat(slow.statusCode()).isEqualTo(400);
      assertThat(slow.body()).contains("cancelled");
      assertThat(Files.exists(Path.of("/tmp/lakestream-sqlapi.csv"))).isFalse();
      assertThat(Files.exists(Path.of("/tmp/lakestream-sqlapi.db"))).isFalse();
      assertThat(sql(stack, query("SELECT count(*) FROM curated.sensors"), KEY).statusCode())
          .isEqualTo(200);

      // Bad requests.
      assertThat(sql(stack, "{\"sql\": 5}", KEY).statusCode()).isEqualTo(400);
      assertThat(sql(stack, "{\"sql\": \"SELECT 1\", \"max_rows\": 0}", KEY).statusCode())
          .isEqualTo(400);
      assertThat(sql(stack, "not json", KEY).statusCode()).isEqualTo(400);
    }
  }
}
