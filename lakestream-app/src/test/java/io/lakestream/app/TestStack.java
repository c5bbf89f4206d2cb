package io.lakestream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.embedded.EmbeddedLakestream;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.SqlEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The bundled example pipeline running embedded on a temp directory, with test helpers. */
final class TestStack implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final EmbeddedLakestream ls;

  private TestStack(EmbeddedLakestream ls) {
    this.ls = ls;
  }

  /** The example pipeline with a 1 s checkpoint interval and free ports. */
  static PipelineConfig examplePipeline(Path dataDir) {
    PipelineConfig c =
        PipelineLoader.load(
            Path.of("../examples/iot/pipeline.yaml"),
            Map.of("data_dir", dataDir.toAbsolutePath().toString()));
    return c.withCheckpointInterval(Duration.ofSeconds(1)).withGateway(c.gateway().withPort(0));
  }

  static TestStack start(Path dataDir) {
    return start(examplePipeline(dataDir), dataDir);
  }

  /** Any pipeline, with a free Kafka port (set a free gateway port in the pipeline). */
  static TestStack start(PipelineConfig pipeline, Path dataDir) {
    return new TestStack(
        EmbeddedLakestream.start(
            pipeline, dataDir, EmbeddedLakestream.Options.defaults().withKafkaPort(0)));
  }

  /** Any pipeline with these options (e.g. the job deferred). */
  static TestStack start(
      PipelineConfig pipeline, Path dataDir, EmbeddedLakestream.Options options) {
    return new TestStack(EmbeddedLakestream.start(pipeline, dataDir, options));
  }

  /** An HTTP answer with its parsed JSON body. */
  record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  Answer post(String source, String contentType, byte[] body) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(ls.gatewayUrl() + "/v1/sources/" + source + "/events"))
            .header("Content-Type", contentType)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return send(req);
  }

  Answer get(String path) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(ls.gatewayUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    return send(req);
  }

  private static Answer send(HttpRequest req) {
    try {
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
      return new Answer(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Answer postNdjson(String source, List<String> lines) {
    return post(
        source,
        "application/x-ndjson",
        (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Runs a query over the lake as it is committed right now. */
  QueryResult sql(String query) {
    try (SqlEngine sql = SqlEngine.open(ls.lake().catalog())) {
      return sql.query(query);
    }
  }

  long count(String query) {
    return ((Number) sql(query).rows().get(0).get(0)).longValue();
  }

  List<String> column(String query) {
    List<String> out = new ArrayList<>();
    for (List<Object> row : sql(query).rows()) {
      out.add(row.get(0) == null ? null : row.get(0).toString());
    }
    return out;
  }

  @Override
  public void close() {
    ls.close();
  }
}
