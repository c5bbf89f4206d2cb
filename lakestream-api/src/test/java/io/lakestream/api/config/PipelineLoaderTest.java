package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakestream.api.config.EventTimeConfig.TimeFormat;
import io.lakestream.api.config.PipelineConfigException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest {

  private static final String SENSOR_SCHEMA =
      """
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
          "device_id": {"type": "string"},
          "ts": {"type": "string", "format": "date-time"},
          "temperature": {"type": "number"}
        }
      }
      """;

  private static final String TOKEN = "0123456789abcdef0123";

  @TempDir Path dir;
  private Path dataDir;

  @BeforeEach
  void writeSchemas() throws IOException {
    dataDir = dir.resolve("data");
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(dir.resolve("schemas/sensor.schema.json"), SENSOR_SCHEMA);
  }

  private PipelineConfig parse(String yaml) {
    return parse(yaml, Map.of());
  }

  private PipelineConfig parse(String yaml, Map<String, String> env) {
    return PipelineLoader.parse(
        yaml, "pipeline.yaml", dir, Map.of("data_dir", dataDir.toString()), env);
  }

  private List<Problem> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  private List<Problem> problems(String yaml, Map<String, String> env) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(yaml, env));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  /** The only problem of a file that should have exactly one. */
  private Problem problem(String yaml) {
    List<Problem> all = problems(yaml);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** A valid minimal source, to append to files testing other sections. */
  private static final String SENSORS =
      """
      sources:
        sensors:
          type: http
          schema: schemas/sensor.schema.json
          key: device_id
          event_time:
            field: ts
      """;

  @Nested
  class HappyPath {

    @Test
    void minimalFileGetsDefaults() throws IOException {
      PipelineConfig cfg = parse("pipeline: iot-demo\n" + SENSORS);

      assertThat(cfg.name()).isEqualTo("iot-demo");
      assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
      assertThat(cfg.parallelism()).isEqualTo(2);
      assertThat(cfg.dedupWindow()).isEqualTo(Duration.ofMinutes(15));

      assertThat(cfg.kafka().bootstrapServers()).isNull();
      assertThat(cfg.kafka().embedded()).isTrue();
      assertThat(cfg.kafka().partitions()).isEqualTo(4);
      assertThat(cfg.kafka().replicationFactor()).isEqualTo((short) 1);
      assertThat(cfg.kafka().topicPrefix()).isEqualTo("lakestream.");
      assertThat(cfg.kafka().properties()).isEmpty();
      assertThat(cfg.rawTopic()).isEqualTo("lakestream.iot-demo.raw");

      assertThat(cfg.gateway().host()).isEqualTo("127.0.0.1");
      assertThat(cfg.gateway().port()).isEqualTo(8080);
      assertThat(cfg.gateway().maxBodyBytes()).isEqualTo(5L * 1024 * 1024);
      assertThat(cfg.gateway().kafkaTimeout()).isEqualTo(Duration.ofSeconds(10));
      assertThat(cfg.gateway().apiKeys()).isEmpty();
      assertThat(cfg.gateway().allowInsecureBind()).isFalse();

      assertThat(cfg.lake().warehouse()).isEqualTo(dataDir + "/warehouse");
      assertThat(cfg.lake().catalogUri()).isEqualTo("jdbc:sqlite:" + dataDir + "/catalog.db");
      assertThat(cfg.lake().catalogProperties()).isEmpty();

      assertThat(cfg.sources()).containsOnlyKeys("sensors");
      SourceConfig s = cfg.sources().get("sensors");
      assertThat(s.name()).isEqualTo("sensors");
      assertThat(s.type()).isEqualTo("http");
      assertThat(s.schemaPath()).isEqualTo(dir.resolve("schemas/sensor.schema.json").toString());
      assertThat(Path.of(s.schemaPath())).isAbsolute();
      assertThat(s.schemaJson()).isEqualTo(SENSOR_SCHEMA);
      assertThat(s.keyField()).isEqualTo("device_id");
      assertThat(s.eventTime()).isEqualTo(new EventTimeConfig("ts", TimeFormat.ISO8601));
    }

    @Test
    void everySettingIsRead() throws IOException {
      Files.writeString(
          dir.resolve("schemas/click.schema.json"),
          "{\"properties\": {\"user_id\": {}, \"ts\": {\"type\": \"integer\"}}}");
      PipelineConfig cfg =
          parse(
              """
              pipeline: shop_1
              checkpoint_interval: 1m30s
              parallelism: 8
              dedup_window: 2h
              kafka:
                bootstrap_servers: kafka-1:9092, kafka-2:9092
                partitions: 12
                replication_factor: 3
                topic_prefix: prod.
                properties:
                  security.protocol: SSL
                  linger.ms: 5
                  enable.idempotence: true
              gateway:
                host: 0.0.0.0
                port: 0
                max_body: 1.5MB
                kafka_timeout: 500ms
                allow_insecure_bind: true
                api_keys:
                  - name: ingest
                    token: %s
                    sources: [sensors, clicks]
                  - name: admin
                    token: %s-admin
              lake:
                warehouse: s3://bucket/lake
                catalog_uri: jdbc:postgresql://db:5432/iceberg
                catalog_properties:
                  jdbc.user: iceberg
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time: {field: ts, format: iso8601}
                clicks:
                  type: http
                  schema: ./schemas/../schemas/click.schema.json
                  key: user_id
                  event_time: {field: ts, format: epoch_millis}
              """
                  .formatted(TOKEN, TOKEN));

      assertThat(cfg.name()).isEqualTo("shop_1");
      assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ofSeconds(90));
      assertThat(cfg.parallelism()).isEqualTo(8);
      assertThat(cfg.dedupWindow()).isEqualTo(Duration.ofHours(2));
      assertThat(cfg.kafka())
          .isEqualTo(
              new KafkaConfig(
                  "kafka-1:9092, kafka-2:9092",
                  12,
                  (short) 3,
                  "prod.",
                  Map.of(
                      "security.protocol", "SSL",
                      "linger.ms", "5",
                      "enable.idempotence", "true")));
      assertThat(cfg.kafka().properties().keySet())
          .containsExactly("security.protocol", "linger.ms", "enable.idempotence");
      assertThat(cfg.enrichedTopic()).isEqualTo("prod.shop_1.enriched");

      GatewayConfig g = cfg.gateway();
      assertThat(g.host()).isEqualTo("0.0.0.0");
      assertThat(g.port()).isZero();
      assertThat(g.maxBodyBytes()).isEqualTo(1_572_864L);
      assertThat(g.kafkaTimeout()).isEqualTo(Duration.ofMillis(500));
      assertThat(g.allowInsecureBind()).isTrue();
      assertThat(g.apiKeys())
          .containsExactly(
              new GatewayConfig.ApiKey("ingest", TOKEN, java.util.Set.of("sensors", "clicks")),
              new GatewayConfig.ApiKey("admin", TOKEN + "-admin", java.util.Set.of()));
      assertThat(g.apiKeys().get(1).allows("clicks")).isTrue();

      assertThat(cfg.lake())
          .isEqualTo(
              new LakeConfig(
                  "s3://bucket/lake",
                  "jdbc:postgresql://db:5432/iceberg",
                  Map.of("jdbc.user", "iceberg")));

      assertThat(cfg.sources()).containsOnlyKeys("sensors", "clicks");
      assertThat(cfg.sources().keySet()).containsExactly("sensors", "clicks");
      SourceConfig clicks = cfg.sources().get("clicks");
      assertThat(clicks.schemaPath())
          .isEqualTo(dir.resolve("schemas/click.schema.json").toString());
      assertThat(clicks.eventTime().format()).isEqualTo(TimeFormat.EPOCH_MILLIS);
    }

    @Test
    void relativeLocalPathsResolveAgainstThePipelineFolder() {
      PipelineConfig cfg =
          parse(
              """
              pipeline: p
              lake:
                warehouse: lake/../warehouse
                catalog_uri: jdbc:sqlite:state/catalog.db?journal_mode=WAL
              """
                  + SENSORS);

      assertThat(cfg.lake().warehouse()).isEqualTo(dir.resolve("warehouse").toString());
      assertThat(cfg.lake().catalogUri())
          .isEqualTo("jdbc:sqlite:" + dir.resolve("state/catalog.db") + "?journal_mode=WAL");
    }

    @Test
    void uriWarehousesAndInMemoryCatalogsAreKeptAsWritten() {
      PipelineConfig cfg =
          parse(
              """
              pipeline: p
              lake:
                warehouse: file:/srv/lake
                catalog_uri: "jdbc:sqlite::memory:"
              """
                  + SENSORS);

      assertThat(cfg.lake().warehouse()).isEqualTo("file:/srv/lake");
      assertThat(cfg.lake().catalogUri()).isEqualTo("jdbc:sqlite::memory:");
    }

    @Test
    void variablesComeFromVarsThenEnvironment() {
      PipelineConfig cfg =
          PipelineLoader.parse(
              """
              pipeline: ${NAME}
              parallelism: ${PAR}
              kafka:
                bootstrap_servers: ${KAFKA_HOST}:${KAFKA_PORT}
              lake:
                warehouse: ${data_dir}/lake
              """
                  + SENSORS,
              "pipeline.yaml",
              dir,
              Map.of("data_dir", dataDir.toString(), "NAME", "from-vars"),
              Map.of(
                  "NAME", "from-env",
                  "PAR", "16",
                  "KAFKA_HOST", "broker",
                  "KAFKA_PORT", "9093",
                  "data_dir", "/ignored"));

      assertThat(cfg.name()).isEqualTo("from-vars");
      assertThat(cfg.parallelism()).isEqualTo(16);
      assertThat(cfg.kafka().bootstrapServers()).isEqualTo("broker:9093");
      assertThat(cfg.lake().warehouse()).isEqualTo(dataDir + "/lake");
    }

    @Test
    void defaultsApplyWhenVariablesAreUnsetOrEmpty() {
      String yaml =
          """
          pipeline: ${NAME:-fallback}
          gateway:
            port: ${PORT:-9090}
            host: ${HOST:-}localhost
            api_keys:
              - name: k
                token: ${TOKEN:-${OTHER_TOKEN}}
          """
              + SENSORS;

      PipelineConfig unset = parse(yaml, Map.of("OTHER_TOKEN", TOKEN));
      assertThat(unset.name()).isEqualTo("fallback");
      assertThat(unset.gateway().port()).isEqualTo(9090);
      assertThat(unset.gateway().host()).isEqualTo("localhost");
      assertThat(unset.gateway().apiKeys().get(0).token()).isEqualTo(TOKEN);

      PipelineConfig set =
          parse(yaml, Map.of("NAME", "", "PORT", "7070", "TOKEN", TOKEN + "x", "OTHER_TOKEN", ""));
      assertThat(set.name()).isEqualTo("fallback");
      assertThat(set.gateway().port()).isEqualTo(7070);
      assertThat(set.gateway().apiKeys().get(0).token()).isEqualTo(TOKEN + "x");
    }

    @Test
    void doubleDollarIsALiteral() {
      PipelineConfig cfg =
          parse(
              """
              pipeline: p
              kafka:
                properties:
                  sasl.jaas.config: $${not_a_var}
              """
                  + SENSORS);

      assertThat(cfg.kafka().properties()).containsEntry("sasl.jaas.config", "${not_a_var}");
    }

    @Test
    void relativeDataDirIsMadeAbsolute() {
      PipelineConfig cfg =
          PipelineLoader.parse(
              "pipeline: p\n" + SENSORS, "p.yaml", dir, Map.of("data_dir", "./data"), Map.of());

      String expected = Path.of("data").toAbsolutePath().normalize().toString();
      assertThat(cfg.lake().warehouse()).isEqualTo(expected + "/warehouse");
    }

    @Test
    void emptyBootstrapServersMeansEmbedded() {
      PipelineConfig cfg = parse("pipeline: p\nkafka:\n  bootstrap_servers: ''\n" + SENSORS);

      assertThat(cfg.kafka().embedded()).isTrue();
    }

    @Test
    void plainByteCountsAndBinaryUnitsAreSizes() {
      assertThat(parse("pipeline: p\ngateway: {max_body: 1048576}\n" + SENSORS))
          .extracting(c -> c.gateway().maxBodyBytes())
          .isEqualTo(1_048_576L);
      assertThat(parse("pipeline: p\ngateway: {max_body: 2 GiB}\n" + SENSORS))
          .extracting(c -> c.gateway().maxBodyBytes())
          .isEqualTo(2L << 30);
    }

    @Test
    void loadReadsTheFileAndResolvesAgainstItsFolder() throws IOException {
      Path file = dir.resolve("pipeline.yaml");
      Files.writeString(file, "\uFEFFpipeline: from-file\n" + SENSORS);

      PipelineConfig cfg = PipelineLoader.load(file, Map.of("data_dir", dataDir.toString()));

      assertThat(cfg.name()).isEqualTo("from-file");
      assertThat(cfg.sources().get("sensors").schemaPath())
          .isEqualTo(dir.resolve("schemas/sensor.schema.json").toString());
    }
  }

  @Nested
  class Mistakes {

    @Test
    void unknownKeySuggestsTheClosestOne() {
      Problem p =
          problem(
              """
              pipeline: p
              gateway:
                prot: 8080
              """
                  + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.prot");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.column()).isEqualTo(3);
      assertThat(p.message())
          .contains("unknown key 'prot'")
          .contains("did you mean 'port'?")
          .contains("Allowed keys: host, port, max_body, kafka_timeout, allow_insecure_bind");
    }

    @Test
    void unknownKeyFarFromAnyListsTheAllowedOnes() {
      Problem p = problem("pipeline: p\nowner: me\n" + SENSORS);

      assertThat(p.path()).isEqualTo("owner");
      assertThat(p.line()).isEqualTo(2);
      assertThat(p.message())
          .isEqualTo(
              "unknown key 'owner'. Allowed keys: pipeline, checkpoint_interval, parallelism,"
                  + " dedup_window, kafka, gateway, lake, plugins, reference, sources, aggregations,"
                  + " joins, detectors, notify, search");
    }

    @Test
    void unknownKeyInASourceAndATransposition() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time: {feild: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.event_time.feild");
      assertThat(p.line()).isEqualTo(7);
      assertThat(p.message()).contains("did you mean 'field'?");
    }

    @Test
    void missingRequiredKeyIsReportedAtItsParent() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  event_time:
                    field: ts
              """);

      assertThat(p.path()).isEqualTo("sources.sensors");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.column()).isEqualTo(3);
      assertThat(p.message()).startsWith("missing required key 'key'");
    }

    @Test
    void missingTopLevelKeyHasNoLine() {
      Problem p = problem(SENSORS);

      assertThat(p.path()).isEmpty();
      assertThat(p.line()).isZero();
      assertThat(p.message()).startsWith("missing required key 'pipeline'");
    }

    @Test
    void missingSourcesAndAnEmptySourcesMapping() {
      Problem missing = problem("pipeline: p\n");
      assertThat(missing.message()).startsWith("missing required key 'sources'");

      Problem empty = problem("pipeline: p\nsources: {}\n");
      assertThat(empty.path()).isEqualTo("sources");
      assertThat(empty.line()).isEqualTo(2);
      assertThat(empty.message()).contains("at least one source");
    }

    @Test
    void emptyRequiredValue() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type:
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time: {field: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.type");
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.message()).contains("must not be empty");
    }

    @Test
    void wordWhereANumberIsExpected() {
      Problem p = problem("pipeline: p\nparallelism: two\n" + SENSORS);

      assertThat(p.path()).isEqualTo("parallelism");
      assertThat(p.line()).isEqualTo(2);
      assertThat(p.column()).isEqualTo(14);
      assertThat(p.message()).isEqualTo("expected an integer from 1 to 256, got 'two'");
    }

    @Test
    void listWhereAMappingIsExpected() {
      Problem p = problem("pipeline: p\nkafka:\n  - localhost:9092\n" + SENSORS);

      assertThat(p.path()).isEqualTo("kafka");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).startsWith("expected a mapping with keys bootstrap_servers,");
      assertThat(p.message()).endsWith("got a list");
    }

    @Test
    void mappingWhereAValueIsExpected() {
      Problem p = problem("pipeline: p\ngateway:\n  port: {number: 80}\n" + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.port");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).isEqualTo("expected an integer from 0 to 65535, got a mapping");
    }

    @Test
    void numberOutOfRange() {
      Problem p = problem("pipeline: p\nparallelism: 0\n" + SENSORS);

      assertThat(p.path()).isEqualTo("parallelism");
      assertThat(p.message()).isEqualTo("must be between 1 and 256, got 0");

      Problem port = problem("pipeline: p\ngateway: {port: 70000}\n" + SENSORS);
      assertThat(port.path()).isEqualTo("gateway.port");
      assertThat(port.message()).contains("between 0 and 65535");
    }

    @Test
    void notABoolean() {
      Problem p = problem("pipeline: p\ngateway:\n  allow_insecure_bind: sure\n" + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.allow_insecure_bind");
      assertThat(p.message()).isEqualTo("expected true or false, got 'sure'");
    }

    @Test
    void badDuration() {
      Problem p = problem("pipeline: p\ncheckpoint_interval: 10 seconds\n" + SENSORS);

      assertThat(p.path()).isEqualTo("checkpoint_interval");
      assertThat(p.line()).isEqualTo(2);
      assertThat(p.column()).isEqualTo(22);
      assertThat(p.message())
          .contains("expected a duration like 10s, 500ms, 5m")
          .contains("got '10 seconds'");
    }

    @Test
    void zeroDuration() {
      Problem p = problem("pipeline: p\ngateway:\n  kafka_timeout: 0s\n" + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.kafka_timeout");
      assertThat(p.message()).contains("greater than 0");
    }

    @Test
    void badSize() {
      Problem p = problem("pipeline: p\ngateway:\n  max_body: 5 megs\n" + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.max_body");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.column()).isEqualTo(13);
      assertThat(p.message()).contains("expected a size like 5MB").contains("got '5 megs'");
    }

    @Test
    void unknownSourceType() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: kafak
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time: {field: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.type");
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.column()).isEqualTo(11);
      assertThat(p.message())
          .isEqualTo(
              "unknown source type 'kafak'; did you mean 'kafka'? Known types: http, http_lines, syslog, fluent, mqtt, postgres_cdc, kafka");
    }

    @Test
    void unknownTimeFormat() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time:
                    field: ts
                    format: epoch_milis
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.event_time.format");
      assertThat(p.line()).isEqualTo(9);
      assertThat(p.message())
          .contains("did you mean 'epoch_millis'?")
          .contains("iso8601, epoch_millis, epoch_seconds");
    }

    @Test
    void keyFieldNotInSchema() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: devise_id
                  event_time: {field: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.key");
      assertThat(p.line()).isEqualTo(6);
      assertThat(p.column()).isEqualTo(10);
      assertThat(p.message())
          .contains("key field 'devise_id' is not a top-level property")
          .contains("did you mean 'device_id'?")
          .contains("Declared properties: device_id, ts, temperature");
    }

    @Test
    void eventTimeFieldNotInSchema() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time:
                    field: timestamp
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.event_time.field");
      assertThat(p.line()).isEqualTo(8);
      assertThat(p.column()).isEqualTo(14);
      assertThat(p.message())
          .contains("event-time field 'timestamp' is not a top-level property")
          .endsWith("sensor.schema.json. Declared properties: device_id, ts, temperature");
    }

    @Test
    void fieldCheckedAgainstSchemaWithoutProperties() throws IOException {
      Files.writeString(dir.resolve("schemas/bare.schema.json"), "{\"type\": \"object\"}");
      List<Problem> all =
          problems(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/bare.schema.json
                  key: device_id
                  event_time: {field: ts}
              """);

      assertThat(all)
          .extracting(Problem::path)
          .containsExactly("sources.sensors.key", "sources.sensors.event_time.field");
      assertThat(all.get(0).message()).contains("no top-level \"properties\"");
    }

    @Test
    void apiKeyNamingAnUndeclaredSource() {
      Problem p =
          problem(
              """
              pipeline: p
              gateway:
                api_keys:
                  - name: ingest
                    token: %s
                    sources: [sensors, sensor]
              """
                      .formatted(TOKEN)
                  + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.api_keys[0].sources[1]");
      assertThat(p.line()).isEqualTo(6);
      assertThat(p.column()).isEqualTo(26);
      assertThat(p.message())
          .contains("names source 'sensor', which is not declared")
          .contains("did you mean 'sensors'?");
    }

    @Test
    void apiKeyWithoutTokenAndWithAShortOne() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              gateway:
                api_keys:
                  - name: a
                  - name: b
                    token: hunter2
              """
                  + SENSORS);

      assertThat(all).hasSize(2);
      assertThat(all.get(0).path()).isEqualTo("gateway.api_keys[0]");
      assertThat(all.get(0).line()).isEqualTo(4);
      assertThat(all.get(0).message()).startsWith("missing required key 'token'");
      assertThat(all.get(1).path()).isEqualTo("gateway.api_keys[1].token");
      assertThat(all.get(1).line()).isEqualTo(6);
      assertThat(all.get(1).message()).contains("at least 16").doesNotContain("hunter2");
    }

    @Test
    void apiKeyNamesAndTokensMustBeUnique() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              gateway:
                api_keys:
                  - {name: a, token: %1$s}
                  - {name: a, token: %1$s}
              """
                      .formatted(TOKEN)
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path)
          .containsExactly("gateway.api_keys[1].name", "gateway.api_keys[1].token");
      assertThat(all.get(0).message()).contains("already used on line 4");
      assertThat(all.get(1).message()).contains("same token as").doesNotContain(TOKEN);
    }

    @Test
    void missingSchemaFile() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/nope.schema.json
                  key: device_id
                  event_time: {field: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.schema");
      assertThat(p.line()).isEqualTo(5);
      assertThat(p.column()).isEqualTo(13);
      assertThat(p.message())
          .contains("schema file not found: " + dir.resolve("schemas/nope.schema.json"))
          .contains("relative to the pipeline file's folder");
    }

    @Test
    void schemaPathIsADirectory() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors: {type: http, schema: schemas, key: device_id, event_time: {field: ts}}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.schema");
      assertThat(p.message()).contains("is a directory");
    }

    @Test
    void malformedSchemaJsonReportsWhereInTheSchema() throws IOException {
      Path bad = dir.resolve("schemas/bad.schema.json");
      Files.writeString(
          bad, "{\n  \"type\": \"object\",\n  \"properties\": {\n    device_id: {}\n");
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/bad.schema.json
                  key: device_id
                  event_time: {field: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.schema");
      assertThat(p.line()).isEqualTo(5);
      assertThat(p.message())
          .startsWith("schema file is not valid JSON: " + bad + ":4:5: ")
          .contains("Unexpected character");
    }

    @Test
    void schemaMustDescribeObjects() throws IOException {
      Files.writeString(dir.resolve("schemas/list.schema.json"), "{\"type\": \"array\"}");
      Files.writeString(dir.resolve("schemas/arr.schema.json"), "[1, 2]");
      List<Problem> all =
          problems(
              """
              pipeline: p
              sources:
                a: {type: http, schema: schemas/list.schema.json, key: k, event_time: {field: t}}
                b: {type: http, schema: schemas/arr.schema.json, key: k, event_time: {field: t}}
              """);

      assertThat(all).hasSize(2);
      assertThat(all.get(0).message()).contains("must describe JSON objects");
      assertThat(all.get(1).message()).contains("must hold a JSON object").contains("array");
    }

    @Test
    void invalidPipelineName() {
      Problem p = problem("pipeline: 1st pipeline\n" + SENSORS);

      assertThat(p.path()).isEqualTo("pipeline");
      assertThat(p.line()).isEqualTo(1);
      assertThat(p.column()).isEqualTo(11);
      assertThat(p.message()).startsWith("invalid pipeline name '1st pipeline'");
    }

    @Test
    void invalidSourceName() {
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                Sensor-Readings:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time: {field: ts}
              """);

      assertThat(p.path()).isEqualTo("sources.Sensor-Readings");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.column()).isEqualTo(3);
      assertThat(p.message())
          .startsWith("invalid source name 'Sensor-Readings'")
          .contains("table name");
    }

    @Test
    void undefinedVariable() {
      Problem p =
          problem(
              """
              pipeline: p
              gateway:
                api_keys:
                  - name: ingest
                    token: ${LAKESTREAM_TOKEN}
              """
                  + SENSORS);

      assertThat(p.path()).isEqualTo("gateway.api_keys[0].token");
      assertThat(p.line()).isEqualTo(5);
      assertThat(p.column()).isEqualTo(14);
      assertThat(p.message())
          .startsWith("undefined variable 'LAKESTREAM_TOKEN'")
          .contains("${LAKESTREAM_TOKEN:-value}");
    }

    @Test
    void malformedVariable() {
      Problem p = problem("pipeline: ${oops\n" + SENSORS);

      assertThat(p.path()).isEqualTo("pipeline");
      assertThat(p.message()).startsWith("unterminated '${'");
    }

    @Test
    void duplicateKey() {
      Problem p = problem("pipeline: p\nparallelism: 2\nparallelism: 4\n" + SENSORS);

      assertThat(p.path()).isEqualTo("parallelism");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.column()).isEqualTo(1);
      assertThat(p.message())
          .isEqualTo("duplicate key 'parallelism' (already set on line 2); keep only one");
    }

    @Test
    void duplicateSource() {
      Problem p = problem("pipeline: p\n" + SENSORS + "  sensors:\n    type: http\n");

      assertThat(p.path()).isEqualTo("sources.sensors");
      assertThat(p.line()).isEqualTo(9);
      assertThat(p.message()).startsWith("duplicate key 'sensors'");
    }

    @Test
    void yamlSyntaxError() {
      Problem p =
          problem(
              """
              pipeline: p
              gateway:
                port: 8080
                 host: x
              """);

      assertThat(p.path()).isEmpty();
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.column()).isEqualTo(8);
      assertThat(p.message())
          .startsWith("YAML syntax error: mapping values are not allowed here")
          .contains("check indentation");
    }

    @Test
    void tabsAreASyntaxError() {
      Problem p = problem("pipeline: p\ngateway:\n\tport: 1\n");

      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).startsWith("YAML syntax error:").contains("spaces, not tabs");
    }

    @Test
    void secondDocumentIsASyntaxError() {
      Problem p = problem("pipeline: p\n---\npipeline: q\n");

      assertThat(p.line()).isEqualTo(2);
      assertThat(p.message())
          .startsWith(
              "YAML syntax error: expected a single document in the stream, but found another");
    }

    @Test
    void controlCharacterIsReportedWhereItIs() {
      Problem p = problem("pipeline: p\nsources:\n  s\u0001: {}\n");

      assertThat(p.line()).isEqualTo(3);
      assertThat(p.column()).isEqualTo(4);
      assertThat(p.message()).contains("non-printable character U+0001");
    }

    @Test
    void sourcesWrittenAsAList() {
      Problem p = problem("pipeline: p\nsources:\n  - name: sensors\n    type: http\n");

      assertThat(p.path()).isEqualTo("sources");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).contains("got a list").contains("not '- name: sensors'");
    }

    @Test
    void sourceWithoutSettings() {
      Problem p = problem("pipeline: p\nsources:\n  sensors:\n");

      assertThat(p.path()).isEqualTo("sources.sensors");
      assertThat(p.message()).endsWith("got nothing");
    }

    @Test
    void emptyFile() {
      Problem p = problem("# nothing here yet\n");

      assertThat(p.line()).isEqualTo(1);
      assertThat(p.message()).startsWith("the file is empty");
    }

    @Test
    void fileThatIsNotAMapping() {
      Problem p = problem("- pipeline: p\n");

      assertThat(p.path()).isEmpty();
      assertThat(p.line()).isEqualTo(1);
      assertThat(p.message())
          .startsWith("expected a mapping with keys pipeline,")
          .endsWith("got a list");
    }

    @Test
    void mergeKeysAreRejected() {
      Problem p = problem("pipeline: p\n<<: {parallelism: 2}\n" + SENSORS);

      assertThat(p.path()).isEmpty();
      assertThat(p.line()).isEqualTo(2);
      assertThat(p.message()).contains("merge keys (<<) are not supported");
    }

    @Test
    void badBootstrapServers() {
      Problem p =
          problem("pipeline: p\nkafka:\n  bootstrap_servers: kafka-1,kafka-2:9092\n" + SENSORS);

      assertThat(p.path()).isEqualTo("kafka.bootstrap_servers");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).startsWith("invalid bootstrap server 'kafka-1'");
    }

    @Test
    void badTopicPrefix() {
      Problem p = problem("pipeline: p\nkafka:\n  topic_prefix: \"lake stream/\"\n" + SENSORS);

      assertThat(p.path()).isEqualTo("kafka.topic_prefix");
      assertThat(p.message()).startsWith("invalid topic prefix 'lake stream/'");
    }

    @Test
    void kafkaPropertyWithoutValueOrWithAList() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              kafka:
                properties:
                  ssl.key.password:
                  sasl.mechanism: [PLAIN]
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path)
          .containsExactly(
              "kafka.properties[\"ssl.key.password\"]", "kafka.properties[\"sasl.mechanism\"]");
      assertThat(all.get(0).message()).contains("has no value");
      assertThat(all.get(1).message()).isEqualTo("expected a single value, got a list");
    }

    @Test
    void catalogUriMustBeJdbc() {
      Problem p = problem("pipeline: p\nlake:\n  catalog_uri: sqlite:catalog.db\n" + SENSORS);

      assertThat(p.path()).isEqualTo("lake.catalog_uri");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message()).contains("starting with 'jdbc:'");
    }

    @Test
    void severalProblemsAreReportedAtOnceInFileOrder() {
      PipelineConfigException e =
          catchThrowableOfType(
              PipelineConfigException.class,
              () ->
                  parse(
                      """
                      pipeline: demo
                      parallelism: many
                      gateway:
                        api_keys:
                          - name: ingest
                            token: %s
                            sources: [logs]
                      sources:
                        sensors:
                          type: htp
                          schema: schemas/sensor.schema.json
                          key: devce_id
                          event_time:
                            field: ts
                            formt: iso8601
                      """
                          .formatted(TOKEN)));

      assertThat(e.problems())
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("parallelism", 2),
              org.assertj.core.groups.Tuple.tuple("gateway.api_keys[0].sources[0]", 7),
              org.assertj.core.groups.Tuple.tuple("sources.sensors.type", 10),
              org.assertj.core.groups.Tuple.tuple("sources.sensors.key", 12),
              org.assertj.core.groups.Tuple.tuple("sources.sensors.event_time.formt", 15));
      assertThat(e.getMessage())
          .startsWith("pipeline.yaml: 5 problems")
          .contains(
              "pipeline.yaml:2:14: parallelism: expected an integer from 1 to 256, got 'many'");
    }

    @Test
    void loadReportsAMissingFile() {
      Path missing = dir.resolve("nope.yaml");

      assertThatThrownBy(() -> PipelineLoader.load(missing, Map.of("data_dir", "/tmp/x")))
          .isInstanceOf(PipelineConfigException.class)
          .hasMessageContaining("pipeline file not found");
    }

    @Test
    void dataDirIsRequiredFromCallers() {
      assertThatThrownBy(
              () -> PipelineLoader.parse("pipeline: p\n", "p.yaml", dir, Map.of(), Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("data_dir");
    }
  }
}
