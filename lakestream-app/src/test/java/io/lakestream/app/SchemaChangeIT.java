package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.QueryResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing a source's transform between runs: the curated table keeps its old columns (now
 * optional), gains the new ones, and the writer follows the table's column order, so the job keeps
 * running and both generations of rows read back correctly.
 */
class SchemaChangeIT {

  @TempDir Path dir;

  private static final String FIRST =
      "SELECT event_id, event_time, ingest_time, device_id, temperature, firmware FROM sensors";

  /** Drops firmware, adds battery_low, and lists the columns in another order. */
  private static final String SECOND =
      "SELECT event_id, event_time, ingest_time, temperature, device_id,"
          + " battery < 20 AS battery_low FROM sensors";

  private PipelineConfig pipeline(String transform) throws IOException {
    Path schemas = Path.of("../examples/iot/schemas").toAbsolutePath().normalize();
    String yaml =
        """
        pipeline: schema-change
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 1}
        gateway: {port: 0}
        sources:
          sensors:
            type: http
            schema: SCHEMAS/sensor-reading.schema.json
            key: device_id
            event_time: {field: ts}
            transform: TRANSFORM
        """
            .replace("SCHEMAS", schemas.toString())
            .replace("TRANSFORM", transform);
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return PipelineLoader.load(file, Map.of("data_dir", dir.resolve("data").toString()));
  }

  private static String reading(String id, double battery) {
    return "{\"id\":\""
        + id
        + "\",\"device_id\":\"d1\",\"ts\":\"2026-11-23T10:00:00Z\",\"temperature\":20.5,"
        + "\"battery\":"
        + battery
        + ",\"firmware\":\"2.4.1\"}";
  }

  @Test
  void aChangedTransformEvolvesTheCuratedTable() throws IOException {
    Path data = dir.resolve("data");
    try (TestStack stack = TestStack.start(pipeline(FIRST), data)) {
      assertThat(stack.postNdjson("sensors", List.of(reading("a", 50))).status()).isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == 1);
    }
    try (TestStack stack = TestStack.start(pipeline(SECOND), data)) {
      assertThat(stack.postNdjson("sensors", List.of(reading("b", 10))).status()).isEqualTo(202);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == 2);
      QueryResult r =
          stack.sql(
              "SELECT event_id, device_id, temperature, firmware, battery_low"
                  + " FROM curated.sensors ORDER BY event_id");
      assertThat(r.rows().get(0)).containsExactly("a", "d1", 20.5, "2.4.1", null);
      assertThat(r.rows().get(1)).containsExactly("b", "d1", 20.5, null, true);
    }
  }
}
