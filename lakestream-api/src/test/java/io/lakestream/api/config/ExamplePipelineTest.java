package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.EventTimeConfig.TimeFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example shipped in {@code examples/iot} must always load, since the docs point at it. */
class ExamplePipelineTest {

  private static final Path EXAMPLE = Path.of("../examples/iot");

  @TempDir Path dataDir;

  @Test
  void theCommentedOutSourcesLoadWhenUncommented() throws IOException {
    String yaml = Files.readString(EXAMPLE.resolve("pipeline.yaml"));
    int start = yaml.indexOf("  # sensors_mqtt:");
    int end = yaml.indexOf("\n\n", start);
    String block = yaml.substring(start, end);
    String uncommented = block.replace("  # ", "  ").replace("  #\n", "\n");
    Path copy = EXAMPLE.resolve("pipeline-uncommented.yaml.tmp");
    try {
      Files.writeString(copy, yaml.replace(block, uncommented));
      PipelineConfig cfg = PipelineLoader.load(copy, Map.of("data_dir", dataDir.toString()));
      assertThat(cfg.sources().get("sensors_mqtt").settings()).isInstanceOf(MqttSettings.class);
      assertThat(cfg.sources().get("syslog").settings()).isInstanceOf(SyslogSettings.class);
      assertThat(cfg.sources().get("fluent_logs").settings()).isInstanceOf(FluentSettings.class);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  @Test
  void bundledExampleLoads() {
    PipelineConfig cfg =
        PipelineLoader.load(
            EXAMPLE.resolve("pipeline.yaml"), Map.of("data_dir", dataDir.toString()));

    assertThat(cfg.name()).isEqualTo("iot-demo");
    assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(cfg.kafka().embedded()).isTrue();
    assertThat(cfg.gateway().host()).isEqualTo("127.0.0.1");
    assertThat(cfg.gateway().port()).isEqualTo(8080);
    assertThat(cfg.lake().warehouse()).isEqualTo(dataDir.resolve("warehouse").toString());
    assertThat(cfg.lake().catalogUri()).isEqualTo("jdbc:sqlite:" + dataDir + "/catalog.db");

    assertThat(cfg.sources().keySet())
        .containsExactly("sensors", "app_logs", "clickstream", "transactions");
    assertThat(cfg.sources().values()).extracting(SourceConfig::type).containsOnly("http");
    assertThat(cfg.sources().values())
        .extracting(SourceConfig::keyField)
        .containsExactly("device_id", "service", "user_id", "user_id");
    assertThat(cfg.sources().get("clickstream").eventTime())
        .isEqualTo(
            new EventTimeConfig(
                "ts",
                TimeFormat.EPOCH_MILLIS,
                Duration.ofMinutes(2),
                Duration.ZERO,
                EventTimeConfig.DEFAULT_IDLE_TIMEOUT));
    assertThat(cfg.sources().get("sensors").eventTime().format()).isEqualTo(TimeFormat.ISO8601);
  }

  @Test
  void bundledExampleUsesEveryProcessingStep() {
    PipelineConfig cfg =
        PipelineLoader.load(
            EXAMPLE.resolve("pipeline.yaml"), Map.of("data_dir", dataDir.toString()));

    assertThat(cfg.references().keySet()).containsExactly("devices", "users");
    assertThat(Path.of(cfg.references().get("devices").path())).exists();
    SourceConfig sensors = cfg.sources().get("sensors");
    assertThat(sensors.enrich()).extracting(EnrichConfig::reference).containsExactly("devices");
    assertThat(sensors.transform().sql()).contains("FROM sensors");
    assertThat(sensors.eventTime().allowedLateness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(cfg.sources().get("transactions").enrich().get(0).onMissing())
        .isEqualTo(EnrichConfig.OnMissing.ERROR);
    assertThat(cfg.aggregations().values())
        .extracting(a -> a.window().type())
        .contains(WindowConfig.Type.TUMBLE, WindowConfig.Type.HOP, WindowConfig.Type.SESSION);
    assertThat(cfg.aggregations().get("sensor_stats_5m").window().size())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(cfg.joins().get("clicks_to_payments").within()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void schemasAreDraft2020WithAnOptionalEventId() throws IOException {
    ObjectMapper json = new ObjectMapper();
    PipelineConfig cfg =
        PipelineLoader.load(
            EXAMPLE.resolve("pipeline.yaml"), Map.of("data_dir", dataDir.toString()));

    for (SourceConfig source : cfg.sources().values()) {
      JsonNode schema = json.readTree(source.schemaJson());
      assertThat(schema.path("$schema").asText())
          .as(source.name())
          .isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.has("$id")).as(source.name()).isTrue();
      assertThat(schema.path("title").asText()).as(source.name()).isNotBlank();
      assertThat(schema.path("properties").path("id").path("type").asText()).isEqualTo("string");
      assertThat(json.convertValue(schema.path("required"), List.class)).doesNotContain("id");
    }
  }

  @Test
  void sampleReadingsHaveTheRequiredFields() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(EXAMPLE.resolve("readings.ndjson"));

    assertThat(lines).hasSizeBetween(15, 30);
    for (String line : lines) {
      JsonNode reading = json.readTree(line);
      assertThat(reading.isObject()).isTrue();
      assertThat(reading.path("device_id").isTextual()).as(line).isTrue();
      assertThat(reading.path("ts").isTextual()).as(line).isTrue();
      assertThat(reading.path("temperature").isNumber()).as(line).isTrue();
    }
  }
}
