package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.QueryResult;
import java.io.IOException;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new schema version registered while events flow: the events after it are validated against it,
 * the curated table gains its column without a restart, nothing is lost or doubled, and the
 * registry's contents survive a restart of the stack.
 */
class SchemaEvolutionIT {

  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static final String V1 =
      """
      {"type": "object",
       "properties": {
         "id": {"type": "string"},
         "device_id": {"type": "string"},
         "ts": {"type": "string", "format": "date-time"},
         "temperature": {"type": "number"}},
       "required": ["id", "device_id", "ts", "temperature"]}
      """;

  /** V1 plus an optional humidity: compatible under the default BACKWARD level. */
  private static final String V2 =
      V1.replace(
          "\"temperature\": {\"type\": \"number\"}}",
          "\"temperature\": {\"type\": \"number\"},"
              + " \"humidity\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 100}}");

  /** Makes temperature a string: incompatible with the versions before it. */
  private static final String V3_INCOMPATIBLE =
      V2.replace(
          "\"temperature\": {\"type\": \"number\"}", "\"temperature\": {\"type\": \"string\"}");

  private PipelineConfig pipeline() throws IOException {
    return pipeline("schema: schemas/sensors.schema.json");
  }

  private PipelineConfig pipeline(String schemaLine) throws IOException {
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(dir.resolve("schemas/sensors.schema.json"), V1);
    String yaml =
        """
        pipeline: evolution
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 2}
        gateway: {port: 0}
        sources:
          sensors:
            type: http
            SCHEMA
            key: device_id
            event_time: {field: ts}
        """
            .replace("SCHEMA", schemaLine);
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return PipelineLoader.load(file, Map.of("data_dir", dir.resolve("data").toString()));
  }

  private static String event(String id, Double humidity) {
    return "{\"id\":\""
        + id
        + "\",\"device_id\":\"d-"
        + (id.hashCode() & 7)
        + "\",\"ts\":\"2026-12-06T10:00:00Z\",\"temperature\":21.5"
        + (humidity == null ? "" : ",\"humidity\":" + humidity)
        + "}";
  }

  private static HttpResponse<String> registry(
      TestStack stack, String method, String path, String body) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(stack.ls.gatewayUrl() + "/registry" + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    req.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What {@code run} prints on stdout. */
  private static String captured(java.util.function.IntSupplier run) {
    java.io.PrintStream before = System.out;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(run.getAsInt()).isZero();
    } finally {
      System.setOut(before);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String registration(String schema) {
    ObjectNode n = TestStack.JSON.createObjectNode();
    n.put("schemaType", "JSON");
    n.put("schema", schema);
    return n.toString();
  }

  @Test
  void aVersionRegisteredMidStreamAddsItsColumnLiveAndNothingIsLost() throws Exception {
    Path data = dir.resolve("data");
    PipelineConfig cfg = pipeline();
    List<String> v1Ids = new ArrayList<>();
    List<String> v2Ids = new ArrayList<>();
    try (TestStack stack = TestStack.start(cfg, data)) {
      // The schema file was registered at start as version 1.
      HttpResponse<String> versions = registry(stack, "GET", "/subjects/sensors/versions", null);
      assertThat(versions.statusCode()).isEqualTo(200);
      assertThat(TestStack.JSON.readTree(versions.body()).toString()).isEqualTo("[1]");

      // A producer keeps sending version-1 events (no humidity) while version 2 is registered.
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
      Thread producer =
          new Thread(
              () -> {
                int n = 0;
                while (!stop.get()) {
                  List<String> batch = new ArrayList<>();
                  List<String> ids = new ArrayList<>();
                  for (int i = 0; i < 20; i++, n++) {
                    ids.add("v1-" + n);
                    batch.add(event("v1-" + n, null));
                  }
                  if (stack.postNdjson("sensors", batch).status() == 202) {
                    sent.addAll(ids);
                  }
                }
              });
      producer.start();
      Thread.sleep(1500);

      HttpResponse<String> v2 =
          registry(stack, "POST", "/subjects/sensors/versions", registration(V2));
      assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);
      int v2Id = TestStack.JSON.readTree(v2.body()).get("id").asInt();
      assertThat(v2Id).isGreaterThan(1);

      // Right after the registration answered, version-2 events with humidity.
      for (int b = 0; b < 10; b++) {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          String id = "v2-" + (b * 20 + i);
          v2Ids.add(id);
          batch.add(event(id, (double) (b * 20 + i) % 100));
        }
        assertThat(stack.postNdjson("sensors", batch).status()).isEqualTo(202);
      }
      Thread.sleep(500);
      stop.set(true);
      producer.join();
      v1Ids.addAll(sent);

      // An incompatible version is refused with 409 and a message naming the field.
      HttpResponse<String> v3 =
          registry(stack, "POST", "/subjects/sensors/versions", registration(V3_INCOMPATIBLE));
      assertThat(v3.statusCode()).isEqualTo(409);
      JsonNode err = TestStack.JSON.readTree(v3.body());
      assertThat(err.get("error_code").asInt()).isEqualTo(409);
      assertThat(err.get("message").asText()).contains("temperature", "number", "string");

      int total = v1Ids.size() + v2Ids.size();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") >= total);
      QueryResult counts =
          stack.sql("SELECT count(*), count(DISTINCT event_id) FROM curated.sensors");
      assertThat(counts.rows().get(0)).containsExactly((long) total, (long) total);

      // Every version-2 event has its humidity and version 2; version-1 events read null.
      assertThat(
              stack.count(
                  "SELECT count(*) FROM curated.sensors WHERE event_id LIKE 'v2-%'"
                      + " AND humidity IS NOT NULL AND schema_version = 2"))
          .isEqualTo(v2Ids.size());
      assertThat(
              stack.count(
                  "SELECT count(*) FROM curated.sensors WHERE event_id LIKE 'v1-%'"
                      + " AND humidity IS NULL"))
          .isEqualTo(v1Ids.size());
      assertThat(stack.sql("SELECT humidity FROM curated.sensors WHERE event_id = 'v2-37'").rows())
          .containsExactly(List.of(37.0));
      // The raw zone records the version each event was validated against.
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM raw.sensors") >= total);
      assertThat(
              stack.count(
                  "SELECT count(*) FROM raw.sensors WHERE id LIKE 'v2-%' AND schema_version = 2"))
          .isEqualTo(v2Ids.size());
      assertThat(stack.count("SELECT count(*) FROM errors.records")).isZero();

      // tables --history: the curated table's two schemas next to the subject's two versions.
      int port = URI.create(stack.ls.gatewayUrl()).getPort();
      Path running = dir.resolve("running.yaml");
      Files.writeString(
          running,
          Files.readString(dir.resolve("pipeline.yaml"))
              .replace("gateway: {port: 0}", "gateway: {port: " + port + "}"));
      String history =
          captured(
              () ->
                  io.lakestream.app.cli.Main.run(
                      "tables",
                      "-p",
                      running.toString(),
                      "-d",
                      data.toString(),
                      "--zone",
                      "curated",
                      "--history"));
      assertThat(history)
          .contains("curated.sensors  (registry subject 'sensors')")
          .containsPattern("lake schema 0, first written [0-9T:Z-]+, 8 columns\\n")
          .containsPattern(
              "lake schema 1, first written [0-9T:Z-]+, 9 columns: \\+ humidity double")
          .contains("registry version 1 (id 1)\n")
          .contains("registry version 2 (id " + v2Id + "): + humidity \"number\"");
    }

    // The registry survives a restart; the job now plans with version 2 from the start.
    try (TestStack stack = TestStack.start(cfg, data)) {
      HttpResponse<String> versions = registry(stack, "GET", "/subjects/sensors/versions", null);
      assertThat(TestStack.JSON.readTree(versions.body()).toString()).isEqualTo("[1,2]");
      HttpResponse<String> latest =
          registry(stack, "GET", "/subjects/sensors/versions/latest", null);
      assertThat(TestStack.JSON.readTree(latest.body()).get("schema").asText())
          .contains("humidity");
      assertThat(stack.postNdjson("sensors", List.of(event("after-restart", 55.0))).status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  stack.count(
                          "SELECT count(*) FROM curated.sensors WHERE event_id = 'after-restart'"
                              + " AND humidity = 55.0 AND schema_version = 2")
                      == 1);
      assertThat(stack.count("SELECT count(*) FROM curated.sensors"))
          .isEqualTo(v1Ids.size() + v2Ids.size() + 1);

      // A sensor whose clock runs two days ahead: more than Kafka accepts as a record timestamp
      // in the future. The event is stored like any other and the job keeps running.
      String future = java.time.Instant.now().plus(Duration.ofDays(2)).toString();
      assertThat(
              stack
                  .postNdjson(
                      "sensors",
                      List.of(
                          event("from-the-future", 40.0).replace("2026-12-06T10:00:00Z", future)))
                  .status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  stack.count(
                          "SELECT count(*) FROM curated.sensors WHERE event_id = 'from-the-future'")
                      == 1);
    }
  }

  @Test
  void aVersionThatChangesAColumnsTypeSendsItsEventsToTheErrorZoneAndKeepsThemRaw()
      throws Exception {
    try (TestStack stack = TestStack.start(pipeline(), dir.resolve("data"))) {
      // temperature number -> string is refused under BACKWARD, allowed once the subject says NONE.
      HttpResponse<String> none =
          registry(stack, "PUT", "/config/sensors", "{\"compatibility\": \"NONE\"}");
      assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
      HttpResponse<String> v2 =
          registry(
              stack,
              "POST",
              "/subjects/sensors/versions",
              registration(V1.replace("{\"type\": \"number\"}", "{\"type\": \"string\"}")));
      assertThat(v2.statusCode()).as(v2.body()).isEqualTo(200);

      String text = event("as-text", null).replace("21.5", "\"warm\"");
      assertThat(stack.postNdjson("sensors", List.of(text)).status()).isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM errors.records") == 1);
      QueryResult error = stack.sql("SELECT stage, reason, original_text FROM errors.records");
      assertThat(error.rows().get(0).get(0)).isEqualTo("curate");
      assertThat((String) error.rows().get(0).get(1))
          .contains("version 2 of subject 'sensors'", "'temperature'", "DOUBLE", "STRING");
      assertThat((String) error.rows().get(0).get(2)).isEqualTo(text);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  stack.count(
                          "SELECT count(*) FROM raw.sensors WHERE id = 'as-text' AND schema_version = 2")
                      == 1);
    }

    // The next start cannot plan the curated table with version 2, and says what to do ...
    assertThatThrownBy(() -> TestStack.start(pipeline(), dir.resolve("data")))
        .hasStackTraceContaining("version 2 of registry subject 'sensors'")
        .hasStackTraceContaining("Pin the source");
    // ... and pinning the version the table was written with starts it again.
    try (TestStack stack =
        TestStack.start(
            pipeline("schema: {file: schemas/sensors.schema.json, version: 1}"),
            dir.resolve("data"))) {
      assertThat(stack.postNdjson("sensors", List.of(event("pinned", null))).status())
          .isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  stack.count(
                          "SELECT count(*) FROM curated.sensors WHERE event_id = 'pinned'"
                              + " AND schema_version = 1")
                      == 1);
    }
  }
}
