package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.search.opensearch.OpenSearchNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code search.opensearch}: the feed of a running stack ships the same documents to a real
 * OpenSearch node (started from Maven Central artifacts in a child JVM) as to the embedded index; a
 * restart sends nothing twice; rejected records arrive too.
 */
class SearchOpenSearchIT {

  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static long count(URI node, String index, String query) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(node.resolve("/" + index + "/_count"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(query))
            .build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return -1;
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return TestStack.JSON.readTree(r.body()).get("count").asLong();
  }

  private static void refresh(URI node, String index) throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(node.resolve("/" + index + "/_refresh"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFeedShipsEveryDocumentOnceToOpenSearch() throws Exception {
    try (OpenSearchNode node = OpenSearchNode.start(120)) {
      Files.writeString(
          dir.resolve("logs.schema.json"),
          """
          {"type": "object", "required": ["id", "ts", "level"],
           "properties": {"id": {"type": "string"}, "ts": {"type": "string", "format": "date-time"},
            "level": {"type": "string"}, "message": {"type": "string"}}}
          """);
      Files.writeString(
          dir.resolve("pipeline.yaml"),
          """
          pipeline: osit
          checkpoint_interval: 1s
          parallelism: 1
          kafka: {partitions: 2}
          gateway: {port: 0}
          sources:
            logs:
              type: http
              schema: logs.schema.json
              key: level
              event_time: {field: ts, allowed_lateness: 3650d}
          search:
            retention: 3650d
            errors: true
            sources:
              logs: {text: [message], keyword: [level]}
            opensearch: {url: "URL", index: osit-events}
          """
              .replace("URL", node.url().toString()));
      PipelineConfig cfg =
          PipelineLoader.load(
              dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));
      int n = 300;
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        lines.add(
            "{\"id\":\"e-"
                + i
                + "\",\"ts\":\"2026-12-06T08:00:00Z\",\"level\":\""
                + (i % 3 == 0 ? "ERROR" : "INFO")
                + "\",\"message\":\"disk full on node "
                + i
                + "\"}");
      }
      lines.add("{\"id\":\"bad-1\",\"ts\":\"2026-12-06T08:00:00Z\"}");
      String all = "{\"query\":{\"match_all\":{}}}";
      try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
        assertThat(stack.postNdjson("logs", lines).status()).isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  refresh(node.url(), "osit-events");
                  return count(node.url(), "osit-events", all) == n + 1;
                });
        // Keywords are exact there too, and the rejected record is one document.
        assertThat(count(node.url(), "osit-events", "{\"query\":{\"term\":{\"level\":\"ERROR\"}}}"))
            .isEqualTo(n / 3);
        assertThat(
                count(node.url(), "osit-events", "{\"query\":{\"term\":{\"source\":\"_errors\"}}}"))
            .isEqualTo(1);
        // The embedded index holds the same.
        assertThat(stack.ls.search().orElseThrow().index().count("*")).isEqualTo(n + 1);
      }
      // A restart resumes from the committed offsets: nothing doubles, new events arrive.
      try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
        assertThat(
                stack
                    .postNdjson(
                        "logs",
                        List.of(
                            "{\"id\":\"e-after\",\"ts\":\"2026-12-06T09:00:00Z\",\"level\":\"WARN\"}"))
                    .status())
            .isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  refresh(node.url(), "osit-events");
                  return count(node.url(), "osit-events", all) == n + 2;
                });
        Thread.sleep(2000);
        refresh(node.url(), "osit-events");
        assertThat(count(node.url(), "osit-events", all)).isEqualTo(n + 2);
      }
    }
  }
}
