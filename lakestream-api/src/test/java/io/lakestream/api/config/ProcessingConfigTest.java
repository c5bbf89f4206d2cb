package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

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

/**
 * The processing settings of a pipeline file: plugins, reference tables, Java transforms,
 * enrichment, SQL transforms, watermarks, window aggregations and joins.
 */
class ProcessingConfigTest {

  @TempDir Path dir;
  private Path dataDir;

  @BeforeEach
  void writeFiles() throws IOException {
    dataDir = dir.resolve("data");
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(
        dir.resolve("schemas/sensor.schema.json"),
        """
        {"type": "object", "properties": {
          "device_id": {"type": "string"},
          "ts": {"type": "string"},
          "temperature": {"type": "number"},
          "message": {"type": "string"}
        }}
        """);
    Files.writeString(
        dir.resolve("schemas/click.schema.json"),
        "{\"properties\": {\"user_id\": {}, \"ts\": {}, \"page\": {}}}");
    Files.writeString(
        dir.resolve("schemas/transaction.schema.json"),
        "{\"properties\": {\"user_id\": {}, \"account_id\": {}, \"ts\": {}, \"amount\": {}}}");
    Files.createDirectories(dir.resolve("reference"));
    Files.writeString(dir.resolve("reference/devices.csv"), "device_id,site,floor\nd1,berlin,3\n");
    Files.createDirectories(dir.resolve("plugins"));
    // The loader only checks that the jar is there; opening it is the job's business.
    Files.write(dir.resolve("plugins/acme-transforms.jar"), new byte[0]);
  }

  private PipelineConfig parse(String yaml) {
    return PipelineLoader.parse(
        yaml, "pipeline.yaml", dir, Map.of("data_dir", dataDir.toString()), Map.of());
  }

  private List<Problem> problems(String yaml) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(yaml));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  /** The only problem of a file that should have exactly one. */
  private Problem problem(String yaml) {
    List<Problem> all = problems(yaml);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** Lines 1-7: a pipeline name and a file reference 'devices' with columns site and floor. */
  private static final String HEAD =
      """
      pipeline: p
      reference:
        devices:
          type: file
          path: reference/devices.csv
          key: device_id
          columns: {site: string, floor: long}
      """;

  /** Lines 8-13 after {@link #HEAD}: a valid source; its further settings start at line 14. */
  private static final String SENSORS =
      """
      sources:
        sensors:
          type: http
          schema: schemas/sensor.schema.json
          key: device_id
          event_time: {field: ts}
      """;

  /** Lines 8-17 after {@link #HEAD}: two sources for aggregations and joins to use. */
  private static final String TWO_SOURCES =
      """
      sources:
        clickstream:
          type: http
          schema: schemas/click.schema.json
          key: user_id
          event_time: {field: ts}
        transactions:
          type: http
          schema: schemas/transaction.schema.json
          key: user_id
          event_time: {field: ts}
      """;

  @Nested
  class HappyPath {

    @Test
    void everyProcessingSettingIsRead() {
      PipelineConfig cfg =
          parse(
              """
              pipeline: shop
              plugins:
                - plugins/acme-transforms.jar
              reference:
                devices:
                  type: file
                  path: reference/devices.csv
                  key: device_id
                  columns:
                    site: string
                    floor: int
                    active: boolean
                    installed: timestamp
                    weight: double
                  refresh: 1m
                accounts:
                  type: jdbc
                  url: jdbc:sqlite:reference/accounts.db?mode=ro
                  query: SELECT user_id, tier FROM accounts
                  properties: {user: reader}
                  key: user_id
                  columns: {tier: string}
                users:
                  type: kafka
                  topic: lakestream.ref.users
                  properties: {group.id: ref}
                  columns: {country: string}
              sources:
                sensors:
                  type: http
                  schema: schemas/sensor.schema.json
                  key: device_id
                  event_time:
                    field: ts
                    out_of_orderness: 0s
                    allowed_lateness: 1m
                    idle_timeout: 30s
                  java_transforms:
                    - name: mask_emails
                      options: {field: message}
                    - name: drop_tests
                  enrich:
                    - reference: devices
                    - reference: devices
                      on: device_id
                      columns: [site]
                      prefix: dev_
                      on_missing: error
                  transform: |
                    SELECT *, temperature * 1.8 + 32 AS temperature_f
                    FROM sensors WHERE temperature > -40
                clickstream:
                  type: http
                  schema: schemas/click.schema.json
                  key: user_id
                  event_time: {field: ts, format: epoch_millis}
                  enrich:
                    - {reference: accounts, on: user_id}
                    - {reference: users, prefix: user_}
                transactions:
                  type: http
                  schema: schemas/transaction.schema.json
                  key: user_id
                  event_time: {field: ts}
                  transform: SELECT * FROM transactions WHERE amount > 0
              aggregations:
                sensor_stats_5m:
                  from: sensors
                  window: {type: tumble, size: 5m}
                  group_by: [device_id, site]
                  measures:
                    readings: COUNT(*)
                    p95_temperature: PERCENTILE(temperature, 0.95)
                  where: temperature IS NOT NULL
                sliding:
                  from: clickstream
                  window: {type: hop, size: 10m, slide: 2m}
                  measures: {clicks: COUNT(*)}
                sessions:
                  from: clickstream
                  window:
                    type: session
                    gap: 30m
                  group_by: [user_id]
                  measures: {pages: COUNT(DISTINCT page)}
              joins:
                clicks_to_payments:
                  left: clickstream
                  right: transactions
                  on: user_id
                  within: 30m
                  select:
                    page: clickstream.page
                    amount: transactions.amount
                payments_after_click:
                  left: clickstream
                  right: transactions
                  on: {left: user_id, right: account_id}
                  within: 1h
                  direction: after
              """);

      assertThat(cfg.plugins())
          .containsExactly(dir.resolve("plugins/acme-transforms.jar").toString());

      assertThat(cfg.references().keySet()).containsExactly("devices", "accounts", "users");
      ReferenceConfig devices = cfg.references().get("devices");
      assertThat(devices)
          .isEqualTo(
              new ReferenceConfig(
                  "devices",
                  ReferenceConfig.Type.FILE,
                  dir.resolve("reference/devices.csv").toString(),
                  null,
                  null,
                  null,
                  null,
                  Map.of(),
                  "device_id",
                  Map.of(
                      "site", ColumnType.STRING,
                      "floor", ColumnType.LONG,
                      "active", ColumnType.BOOLEAN,
                      "installed", ColumnType.TIMESTAMP,
                      "weight", ColumnType.DOUBLE),
                  Duration.ofMinutes(1)));
      assertThat(devices.columns().keySet())
          .containsExactly("site", "floor", "active", "installed", "weight");
      assertThat(cfg.references().get("accounts"))
          .isEqualTo(
              new ReferenceConfig(
                  "accounts",
                  ReferenceConfig.Type.JDBC,
                  null,
                  "jdbc:sqlite:" + dir.resolve("reference/accounts.db") + "?mode=ro",
                  null,
                  "SELECT user_id, tier FROM accounts",
                  null,
                  Map.of("user", "reader"),
                  "user_id",
                  Map.of("tier", ColumnType.STRING),
                  Duration.ofSeconds(30)));
      ReferenceConfig users = cfg.references().get("users");
      assertThat(users.type()).isEqualTo(ReferenceConfig.Type.KAFKA);
      assertThat(users.topic()).isEqualTo("lakestream.ref.users");
      assertThat(users.properties()).isEqualTo(Map.of("group.id", "ref"));
      assertThat(users.key()).isNull();
      assertThat(users.columns()).isEqualTo(Map.of("country", ColumnType.STRING));

      SourceConfig sensors = cfg.sources().get("sensors");
      assertThat(sensors.eventTime())
          .isEqualTo(
              new EventTimeConfig(
                  "ts",
                  TimeFormat.ISO8601,
                  Duration.ZERO,
                  Duration.ofMinutes(1),
                  Duration.ofSeconds(30)));
      assertThat(sensors.javaTransforms())
          .containsExactly(
              new JavaTransformConfig("mask_emails", Map.of("field", "message")),
              new JavaTransformConfig("drop_tests", Map.of()));
      assertThat(sensors.enrich())
          .containsExactly(
              new EnrichConfig(
                  "devices",
                  "device_id",
                  List.of("site", "floor", "active", "installed", "weight"),
                  "",
                  EnrichConfig.OnMissing.KEEP),
              new EnrichConfig(
                  "devices", "device_id", List.of("site"), "dev_", EnrichConfig.OnMissing.ERROR));
      // The SQL of a block scalar starts on the line after 'transform: |'.
      assertThat(sensors.transform())
          .isEqualTo(
              new SqlText(
                  "SELECT *, temperature * 1.8 + 32 AS temperature_f\n"
                      + "FROM sensors WHERE temperature > -40",
                  "sources.sensors.transform",
                  50));

      SourceConfig clicks = cfg.sources().get("clickstream");
      assertThat(clicks.eventTime()).isEqualTo(new EventTimeConfig("ts", TimeFormat.EPOCH_MILLIS));
      assertThat(clicks.javaTransforms()).isEmpty();
      assertThat(clicks.enrich())
          .containsExactly(
              new EnrichConfig(
                  "accounts", "user_id", List.of("tier"), "", EnrichConfig.OnMissing.KEEP),
              new EnrichConfig(
                  "users", "user_id", List.of("country"), "user_", EnrichConfig.OnMissing.KEEP));
      assertThat(clicks.enrich().get(1).outputName("country")).isEqualTo("user_country");
      assertThat(clicks.transform()).isNull();
      assertThat(cfg.sources().get("transactions").transform())
          .isEqualTo(
              new SqlText(
                  "SELECT * FROM transactions WHERE amount > 0",
                  "sources.transactions.transform",
                  65));

      assertThat(cfg.aggregations().keySet())
          .containsExactly("sensor_stats_5m", "sliding", "sessions");
      assertThat(cfg.aggregations().get("sensor_stats_5m"))
          .isEqualTo(
              new AggregationConfig(
                  "sensor_stats_5m",
                  "sensors",
                  new WindowConfig(WindowConfig.Type.TUMBLE, Duration.ofMinutes(5), null, null),
                  List.of("device_id", "site"),
                  Map.of(
                      "readings", "COUNT(*)",
                      "p95_temperature", "PERCENTILE(temperature, 0.95)"),
                  "temperature IS NOT NULL",
                  "aggregations.sensor_stats_5m",
                  67));
      assertThat(cfg.aggregations().get("sensor_stats_5m").measures().keySet())
          .containsExactly("readings", "p95_temperature");
      AggregationConfig sliding = cfg.aggregations().get("sliding");
      assertThat(sliding.window())
          .isEqualTo(
              new WindowConfig(
                  WindowConfig.Type.HOP, Duration.ofMinutes(10), Duration.ofMinutes(2), null));
      assertThat(sliding.groupBy()).isEmpty();
      assertThat(sliding.where()).isNull();
      assertThat(sliding.line()).isEqualTo(75);
      assertThat(cfg.aggregations().get("sessions").window())
          .isEqualTo(
              new WindowConfig(WindowConfig.Type.SESSION, null, null, Duration.ofMinutes(30)));

      assertThat(cfg.joins().keySet())
          .containsExactly("clicks_to_payments", "payments_after_click");
      assertThat(cfg.joins().get("clicks_to_payments"))
          .isEqualTo(
              new JoinConfig(
                  "clicks_to_payments",
                  "clickstream",
                  "transactions",
                  "user_id",
                  "user_id",
                  Duration.ofMinutes(30),
                  JoinConfig.Direction.BOTH,
                  Map.of("page", "clickstream.page", "amount", "transactions.amount"),
                  "joins.clicks_to_payments",
                  87));
      assertThat(cfg.joins().get("payments_after_click"))
          .isEqualTo(
              new JoinConfig(
                  "payments_after_click",
                  "clickstream",
                  "transactions",
                  "user_id",
                  "account_id",
                  Duration.ofHours(1),
                  JoinConfig.Direction.AFTER,
                  Map.of(),
                  "joins.payments_after_click",
                  95));
    }

    @Test
    void sourceWithoutProcessingGetsDefaults() {
      PipelineConfig cfg = parse("pipeline: p\n" + SENSORS);

      SourceConfig s = cfg.sources().get("sensors");
      assertThat(s.javaTransforms()).isEmpty();
      assertThat(s.enrich()).isEmpty();
      assertThat(s.transform()).isNull();
      assertThat(s.eventTime().outOfOrderness())
          .isEqualTo(EventTimeConfig.DEFAULT_OUT_OF_ORDERNESS);
      assertThat(s.eventTime().allowedLateness())
          .isEqualTo(EventTimeConfig.DEFAULT_ALLOWED_LATENESS);
      assertThat(s.eventTime().idleTimeout()).isEqualTo(EventTimeConfig.DEFAULT_IDLE_TIMEOUT);
      assertThat(cfg.plugins()).isEmpty();
      assertThat(cfg.references()).isEmpty();
      assertThat(cfg.aggregations()).isEmpty();
      assertThat(cfg.joins()).isEmpty();
    }

    @Test
    void enrichmentDefaultsAndReferenceDefaults() {
      PipelineConfig cfg = parse(HEAD + SENSORS + "    enrich:\n      - reference: devices\n");

      assertThat(cfg.references().get("devices").refresh()).isEqualTo(Duration.ofSeconds(30));
      assertThat(cfg.sources().get("sensors").enrich())
          .containsExactly(
              new EnrichConfig(
                  "devices",
                  "device_id",
                  List.of("site", "floor"),
                  "",
                  EnrichConfig.OnMissing.KEEP));
    }

    @Test
    void emptyPrefixAndJdbcTable() {
      PipelineConfig cfg =
          parse(
              """
              pipeline: p
              reference:
                sites:
                  type: jdbc
                  url: jdbc:postgresql://db:5432/inventory
                  table: sites
                  key: site_id
                  columns: {city: string}
              """
                  + SENSORS
                  + "    enrich:\n      - {reference: sites, on: message, prefix: \"\"}\n");

      ReferenceConfig sites = cfg.references().get("sites");
      assertThat(sites.url()).isEqualTo("jdbc:postgresql://db:5432/inventory");
      assertThat(sites.table()).isEqualTo("sites");
      assertThat(sites.query()).isNull();
      assertThat(cfg.sources().get("sensors").enrich().get(0).prefix()).isEmpty();
    }

    @Test
    void enrichFieldMayComeFromAJavaTransform() {
      PipelineConfig cfg =
          parse(
              HEAD.replace("pipeline: p\n", "pipeline: p\nplugins: [plugins/acme-transforms.jar]\n")
                  + SENSORS
                  + """
                      java_transforms: [{name: add_site}]
                      enrich:
                        - {reference: devices, on: computed_device}
                  """);

      assertThat(cfg.sources().get("sensors").enrich().get(0).on()).isEqualTo("computed_device");
    }
  }

  @Nested
  class Plugins {

    @Test
    void pluginMustBeAnExistingJar() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              plugins:
                - plugins/transforms.zip
                - plugins/missing.jar
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(tuple("plugins[0]", 3), tuple("plugins[1]", 4));
      assertThat(all.get(0).message()).contains("is not a .jar file");
      assertThat(all.get(1).message())
          .isEqualTo(
              "plugin jar not found: "
                  + dir.resolve("plugins/missing.jar")
                  + "; plugin paths are relative to the pipeline file's folder");
    }

    @Test
    void javaTransformsNeedPlugins() {
      Problem p =
          problem("pipeline: p\n" + SENSORS + "    java_transforms:\n      - name: mask_emails\n");

      assertThat(p.path()).isEqualTo("sources.sensors.java_transforms");
      assertThat(p.line()).isEqualTo(8);
      assertThat(p.column()).isEqualTo(5);
      assertThat(p.message())
          .contains("loaded from plugin jars, but the pipeline lists none")
          .contains("plugins: [plugins/my-transforms.jar]");
    }

    @Test
    void javaTransformNeedsAValidName() {
      List<Problem> all =
          problems(
              "pipeline: p\nplugins: [plugins/acme-transforms.jar]\n"
                  + SENSORS
                  + """
                      java_transforms:
                        - name: MaskEmails
                        - options: {field: message}
                        - mask_emails
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("sources.sensors.java_transforms[0].name", 10),
              tuple("sources.sensors.java_transforms[1]", 11),
              tuple("sources.sensors.java_transforms[2]", 12));
      assertThat(all.get(0).message()).startsWith("invalid transform name 'MaskEmails'");
      assertThat(all.get(1).message()).startsWith("missing required key 'name'");
      assertThat(all.get(2).message())
          .isEqualTo("expected a mapping with keys name, options, got 'mask_emails'");
    }
  }

  @Nested
  class References {

    @Test
    void unknownTypeSuggestsAKnownOne() {
      Problem p = problem(HEAD.replace("type: file", "type: fiel") + SENSORS);

      assertThat(p.path()).isEqualTo("reference.devices.type");
      assertThat(p.line()).isEqualTo(4);
      assertThat(p.message())
          .isEqualTo(
              "unknown reference type 'fiel'; did you mean 'file'? Known types: file, jdbc, kafka");
    }

    @Test
    void missingTypeAndInvalidName() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              reference:
                Devices:
                  path: reference/devices.csv
                  columns: {site: strin}
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("reference.Devices", 3),
              tuple("reference.Devices", 3),
              tuple("reference.Devices.columns.site", 5));
      assertThat(all.get(0).message()).startsWith("invalid reference name 'Devices'");
      assertThat(all.get(1).message()).startsWith("missing required key 'type'");
      assertThat(all.get(2).message())
          .startsWith("unknown column type 'strin'; did you mean 'string'?");
    }

    @Test
    void unknownKeySuggestsTheClosestOne() {
      Problem p = problem(HEAD + "    refersh: 1m\n" + SENSORS);

      assertThat(p.path()).isEqualTo("reference.devices.refersh");
      assertThat(p.line()).isEqualTo(8);
      assertThat(p.message()).contains("did you mean 'refresh'?");
    }

    @Test
    void keyOfAnotherTypeIsNamedWithTheType() {
      Problem p = problem(HEAD + "    topic: devices\n" + SENSORS);

      assertThat(p.path()).isEqualTo("reference.devices.topic");
      assertThat(p.line()).isEqualTo(8);
      assertThat(p.message())
          .isEqualTo(
              "'topic' is not used by file references; remove it (a file reference takes type,"
                  + " path, key, columns, refresh)");
    }

    @Test
    void fileMustExistWithAKnownExtension() throws IOException {
      Files.writeString(dir.resolve("reference/devices.xml"), "<devices/>");
      List<Problem> all =
          problems(
              """
              pipeline: p
              reference:
                a: {type: file, path: reference/devices.xml, key: k, columns: {c: string}}
                b: {type: file, path: reference/nope.csv, key: k, columns: {c: string}}
                c: {type: file, key: k, columns: {c: string}}
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("reference.a.path", 3), tuple("reference.b.path", 4), tuple("reference.c", 5));
      assertThat(all.get(0).message())
          .contains("'reference/devices.xml' is not of a known kind")
          .contains(".csv (with a header row), .json (an array of objects), .ndjson or .jsonl");
      assertThat(all.get(1).message())
          .isEqualTo(
              "reference file not found: "
                  + dir.resolve("reference/nope.csv")
                  + "; reference paths are relative to the pipeline file's folder");
      assertThat(all.get(2).message()).startsWith("missing required key 'path'");
    }

    @Test
    void jdbcNeedsAJdbcUrlAndExactlyOneOfTableAndQuery() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              reference:
                a:
                  type: jdbc
                  url: postgresql://db/x
                  table: t
                  key: k
                  columns: {c: string}
                b:
                  type: jdbc
                  url: "jdbc:sqlite::memory:"
                  table: t
                  query: SELECT k, c FROM t
                  key: k
                  columns: {c: string}
                c:
                  type: jdbc
                  url: "jdbc:sqlite::memory:"
                  key: k
                  columns: {c: string}
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("reference.a.url", 5),
              tuple("reference.b.query", 13),
              tuple("reference.c", 16));
      assertThat(all.get(0).message()).startsWith("url must be a JDBC URL starting with 'jdbc:'");
      assertThat(all.get(1).message()).contains("either 'table'").contains("not both");
      assertThat(all.get(2).message()).startsWith("missing required key 'table' or 'query'");
    }

    @Test
    void kafkaNeedsAValidTopicAndTakesNoKeyOrRefresh() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              reference:
                users:
                  type: kafka
                  topic: users/changes
                  key: user_id
                  refresh: 10s
                  columns: {country: string}
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("reference.users.topic", 5),
              tuple("reference.users.key", 6),
              tuple("reference.users.refresh", 7));
      assertThat(all.get(0).message()).startsWith("invalid Kafka topic name 'users/changes'");
      assertThat(all.get(1).message())
          .isEqualTo(
              "a kafka reference is looked up by the record key, so 'key' is not allowed; remove"
                  + " it");
      assertThat(all.get(2).message()).contains("changes arrive as they are written");
    }

    @Test
    void topicLongerThanKafkaAllows() {
      Problem p =
          problem(
              "pipeline: p\nreference:\n  u: {type: kafka, topic: "
                  + "t".repeat(250)
                  + ", columns: {c: long}}\n"
                  + SENSORS);

      assertThat(p.path()).isEqualTo("reference.u.topic");
      assertThat(p.message()).contains("up to 249 letters");
    }

    @Test
    void columnsAreRequiredTypedAndWithoutTheKey() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              reference:
                a: {type: file, path: reference/devices.csv, key: device_id}
                b: {type: file, path: reference/devices.csv, key: device_id, columns: {}}
                c:
                  type: file
                  path: reference/devices.csv
                  key: device_id
                  columns:
                    device_id: string
                    site-name: string
                    floor: number
                    model:
                d: {type: file, path: reference/devices.csv, key: device_id, columns: [site]}
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("reference.a", 3),
              tuple("reference.b.columns", 4),
              tuple("reference.c.columns.device_id", 10),
              tuple("reference.c.columns.site-name", 11),
              tuple("reference.c.columns.floor", 12),
              tuple("reference.c.columns.model", 13),
              tuple("reference.d.columns", 14));
      assertThat(all.get(0).message()).startsWith("missing required key 'columns'");
      assertThat(all.get(1).message()).startsWith("declare at least one column");
      assertThat(all.get(2).message()).startsWith("'device_id' is the key column; leave it out");
      assertThat(all.get(3).message()).startsWith("invalid column name 'site-name'");
      assertThat(all.get(4).message())
          .isEqualTo(
              "unknown column type 'number'. Known types: string, long, double, boolean,"
                  + " timestamp");
      assertThat(all.get(5).message()).startsWith("has no type; e.g. 'model: string'");
      assertThat(all.get(6).message())
          .startsWith("expected a mapping of column name to type, got a list");
    }

    @Test
    void fileAndJdbcReferencesNeedAKey() {
      List<Problem> all =
          problems(
              """
              pipeline: p
              reference:
                a: {type: file, path: reference/devices.csv, columns: {c: string}}
                b: {type: jdbc, url: "jdbc:sqlite::memory:", table: t, columns: {c: string}}
              """
                  + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(tuple("reference.a", 3), tuple("reference.b", 4));
      assertThat(all)
          .extracting(Problem::message)
          .allMatch(m -> m.startsWith("missing required key 'key'; add e.g. 'key: device_id'"));
    }

    @Test
    void refreshMustBeAtLeastASecond() {
      List<Problem> all = problems(HEAD + "    refresh: 500ms\n" + SENSORS);

      assertThat(all)
          .extracting(Problem::path, Problem::line, Problem::column)
          .containsExactly(tuple("reference.devices.refresh", 8, 14));
      assertThat(all.get(0).message()).startsWith("must be at least 1s, got 500ms");
    }

    @Test
    void referencesWrittenAsAList() {
      Problem p = problem("pipeline: p\nreference:\n  - name: devices\n" + SENSORS);

      assertThat(p.path()).isEqualTo("reference");
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.message())
          .startsWith("expected a mapping of reference table name to settings, got a list");
    }
  }

  @Nested
  class Sources {

    @Test
    void unknownSourceKeySuggestsTheNewOnes() {
      Problem p = problem(HEAD + SENSORS + "    enirch:\n      - reference: devices\n");

      assertThat(p.path()).isEqualTo("sources.sensors.enirch");
      assertThat(p.line()).isEqualTo(14);
      assertThat(p.message())
          .contains("did you mean 'enrich'?")
          .contains(
              "Allowed keys: type, schema, key, event_time, java_transforms, enrich, transform");
    }

    @Test
    void watermarkSettings() {
      List<Problem> all =
          problems(
              "pipeline: p\n"
                  + SENSORS.replace(
                      "event_time: {field: ts}",
                      "event_time: {field: ts, out_of_orderness: -1s, allowed_lateness: 0s,"
                          + " idle_timeout: 0s, idle_timout: 1m}"));

      assertThat(all)
          .extracting(Problem::path)
          .containsExactly(
              "sources.sensors.event_time.out_of_orderness",
              "sources.sensors.event_time.idle_timeout",
              "sources.sensors.event_time.idle_timout");
      assertThat(all.get(0).message()).contains("expected a duration like 10s");
      assertThat(all.get(1).message()).isEqualTo("must be greater than 0, got '0s'");
      assertThat(all.get(2).message()).contains("did you mean 'idle_timeout'?");
    }

    @Test
    void reservedSchemaProperties() throws IOException {
      Files.writeString(
          dir.resolve("schemas/reserved.schema.json"),
          "{\"properties\": {\"device_id\": {}, \"event_time\": {}, \"event_id\": {}}}");
      Problem p =
          problem(
              """
              pipeline: p
              sources:
                sensors:
                  type: http
                  schema: schemas/reserved.schema.json
                  key: device_id
                  event_time: {field: event_time}
              """);

      assertThat(p.path()).isEqualTo("sources.sensors.schema");
      assertThat(p.line()).isEqualTo(5);
      assertThat(p.column()).isEqualTo(13);
      assertThat(p.message())
          .isEqualTo(
              "schema schemas/reserved.schema.json declares the top-level properties"
                  + " 'event_time', 'event_id', but event_id, event_time, ingest_time, schema_version are"
                  + " reserved columns of the curated zone that Lakestream fills in; rename them in the"
                  + " schema (and in the events)");
    }

    @Test
    void blankTransform() {
      Problem p = problem("pipeline: p\n" + SENSORS + "    transform: \"  \"\n");

      assertThat(p.path()).isEqualTo("sources.sensors.transform");
      assertThat(p.line()).isEqualTo(8);
      assertThat(p.message()).startsWith("must not be empty");
    }
  }

  @Nested
  class Enrichment {

    @Test
    void referenceMustBeDeclared() {
      Problem p = problem(HEAD + SENSORS + "    enrich:\n      - reference: device\n");

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[0].reference");
      assertThat(p.line()).isEqualTo(15);
      assertThat(p.column()).isEqualTo(20);
      assertThat(p.message())
          .isEqualTo(
              "enrich names reference 'device', which is not declared under 'reference'; did you"
                  + " mean 'devices'? Declared references: devices");
    }

    @Test
    void referenceWithoutAnyDeclared() {
      Problem p = problem("pipeline: p\n" + SENSORS + "    enrich: [{reference: devices}]\n");

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[0].reference");
      assertThat(p.line()).isEqualTo(8);
      assertThat(p.message()).contains("declares no reference tables");
    }

    @Test
    void stepWithoutReference() {
      Problem p = problem(HEAD + SENSORS + "    enrich:\n      - on: device_id\n");

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[0]");
      assertThat(p.line()).isEqualTo(15);
      assertThat(p.message()).startsWith("missing required key 'reference'");
    }

    @Test
    void onMustBeASchemaField() {
      Problem p =
          problem(
              HEAD + SENSORS + "    enrich:\n      - reference: devices\n        on: devce_id\n");

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[0].on");
      assertThat(p.line()).isEqualTo(16);
      assertThat(p.message())
          .contains("enrich field 'devce_id' is not a top-level property")
          .contains("did you mean 'device_id'?");
    }

    @Test
    void columnsMustBeColumnsOfTheReference() {
      List<Problem> all =
          problems(
              HEAD
                  + SENSORS
                  + """
                      enrich:
                        - reference: devices
                          columns: [sit, device_id, floor, floor]
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("sources.sensors.enrich[0].columns[0]", 16),
              tuple("sources.sensors.enrich[0].columns[1]", 16),
              tuple("sources.sensors.enrich[0].columns[3]", 16));
      assertThat(all.get(0).message())
          .isEqualTo(
              "reference 'devices' has no column 'sit'; did you mean 'site'? Its columns: site,"
                  + " floor");
      assertThat(all.get(1).message()).startsWith("'device_id' is the key of reference 'devices'");
      assertThat(all.get(2).message()).isEqualTo("column 'floor' is listed twice; keep only one");
    }

    @Test
    void emptyColumnListPrefixAndOnMissing() {
      List<Problem> all =
          problems(
              HEAD
                  + SENSORS
                  + """
                      enrich:
                        - reference: devices
                          columns: []
                          prefix: dev-
                          on_missing: drop
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("sources.sensors.enrich[0].columns", 16),
              tuple("sources.sensors.enrich[0].prefix", 17),
              tuple("sources.sensors.enrich[0].on_missing", 18));
      assertThat(all.get(0).message()).startsWith("empty column list");
      assertThat(all.get(1).message()).startsWith("invalid prefix 'dev-'");
      assertThat(all.get(2).message())
          .isEqualTo("unknown on_missing value 'drop'. Use one of: keep, error");
    }

    @Test
    void outputColumnClashingWithASchemaProperty() {
      Problem p =
          problem(
              HEAD.replace("{site: string, floor: long}", "{site: string, message: string}")
                  + SENSORS
                  + "    enrich:\n      - reference: devices\n");

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[0].reference");
      assertThat(p.line()).isEqualTo(15);
      assertThat(p.message())
          .isEqualTo(
              "enrichment column 'message' from reference 'devices' is also a top-level property"
                  + " of schema schemas/sensor.schema.json; set 'prefix:' on this step to rename"
                  + " the columns it adds, e.g. 'prefix: devices_', or list only the columns you"
                  + " need under 'columns:'");
    }

    @Test
    void outputColumnClashingWithAReservedColumn() {
      Problem p =
          problem(
              HEAD.replace("floor: long", "time: timestamp")
                  + SENSORS
                  + """
                      enrich:
                        - reference: devices
                          columns: [time]
                          prefix: event_
                  """);

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[0].columns[0]");
      assertThat(p.line()).isEqualTo(16);
      assertThat(p.column()).isEqualTo(19);
      assertThat(p.message())
          .isEqualTo(
              "enrichment column 'event_time' from reference 'devices' is a reserved column of the"
                  + " curated zone; set 'prefix:' on this step to rename the columns it adds, e.g."
                  + " 'prefix: devices_'");
    }

    @Test
    void outputColumnClashingWithAnotherStep() {
      Problem p =
          problem(
              HEAD
                  + SENSORS
                  + """
                      enrich:
                        - reference: devices
                        - reference: devices
                          columns: [floor]
                  """);

      assertThat(p.path()).isEqualTo("sources.sensors.enrich[1].columns[0]");
      assertThat(p.line()).isEqualTo(17);
      assertThat(p.message())
          .startsWith(
              "enrichment column 'floor' from reference 'devices' is also added by"
                  + " sources.sensors.enrich[0] (line 15); set 'prefix:'")
          .doesNotContain("list only");
    }
  }

  @Nested
  class Aggregations {

    /** Line 8 is 'aggregations:', line 9 the aggregation's name, its settings from line 10. */
    private String file(String body) {
      return "pipeline: p\n" + SENSORS + "aggregations:\n  stats:\n" + body.indent(4);
    }

    @Test
    void fromMustBeADeclaredSource() {
      Problem p =
          problem(file("from: sensor\nwindow: {type: tumble, size: 5m}\nmeasures: {n: COUNT(*)}"));

      assertThat(p.path()).isEqualTo("aggregations.stats.from");
      assertThat(p.line()).isEqualTo(10);
      assertThat(p.column()).isEqualTo(11);
      assertThat(p.message())
          .isEqualTo(
              "'from' names source 'sensor', which is not declared under 'sources'; did you mean"
                  + " 'sensors'? Declared sources: sensors");
    }

    @Test
    void windowAndMeasuresAreRequired() {
      List<Problem> all = problems(file("from: sensors"));

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(tuple("aggregations.stats", 9), tuple("aggregations.stats", 9));
      assertThat(all.get(0).message()).startsWith("missing required key 'window'");
      assertThat(all.get(1).message()).startsWith("missing required key 'measures'");
    }

    @Test
    void unknownWindowType() {
      Problem p =
          problem(file("from: sensors\nwindow: {type: tumbel, size: 5m}\nmeasures: {n: COUNT(*)}"));

      assertThat(p.path()).isEqualTo("aggregations.stats.window.type");
      assertThat(p.line()).isEqualTo(11);
      assertThat(p.message())
          .isEqualTo(
              "unknown window type 'tumbel'; did you mean 'tumble'? Known types: tumble, hop,"
                  + " session");
    }

    @Test
    void keysOfOtherWindowTypes() {
      List<Problem> all =
          problems(
              file(
                  """
                  from: sensors
                  window:
                    type: tumble
                    size: 5m
                    slide: 1m
                    gap: 1m
                  measures: {n: COUNT(*)}
                  """));

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("aggregations.stats.window.slide", 14),
              tuple("aggregations.stats.window.gap", 15));
      assertThat(all.get(0).message())
          .isEqualTo("'slide' is only used by hop windows; remove it from this tumble window");
      assertThat(all.get(1).message())
          .isEqualTo("'gap' is only used by session windows; remove it from this tumble window");
    }

    @Test
    void tumbleNeedsASize() {
      Problem p = problem(file("from: sensors\nwindow: {type: tumble}\nmeasures: {n: COUNT(*)}"));

      assertThat(p.path()).isEqualTo("aggregations.stats.window");
      assertThat(p.line()).isEqualTo(11);
      assertThat(p.message()).startsWith("missing required key 'size'; add e.g. 'size: 5m'");
    }

    @Test
    void sessionNeedsAGapAndNoSize() {
      List<Problem> all =
          problems(
              file("from: sensors\nwindow: {type: session, size: 5m}\nmeasures: {n: COUNT(*)}"));

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("aggregations.stats.window", 11), tuple("aggregations.stats.window.size", 11));
      assertThat(all.get(0).message())
          .startsWith("missing required key 'gap'; add e.g. 'gap: 10m'");
      assertThat(all.get(1).message())
          .isEqualTo(
              "'size' is only used by tumble and hop windows; remove it from this session window");
    }

    @Test
    void hopSlideMustFitTheSize() {
      List<Problem> all =
          problems(
              "pipeline: p\n"
                  + SENSORS
                  + """
                  aggregations:
                    a: {from: sensors, window: {type: hop, size: 5m}, measures: {n: COUNT(*)}}
                    b: {from: sensors, window: {type: hop, size: 5m, slide: 10m}, measures: {n: COUNT(*)}}
                    c: {from: sensors, window: {type: hop, size: 5m, slide: 2m}, measures: {n: COUNT(*)}}
                    d: {from: sensors, window: {type: hop, size: 0s, slide: 2m}, measures: {n: COUNT(*)}}
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("aggregations.a.window", 9),
              tuple("aggregations.b.window.slide", 10),
              tuple("aggregations.c.window.slide", 11),
              tuple("aggregations.d.window.size", 12));
      assertThat(all.get(0).message()).startsWith("missing required key 'slide'");
      assertThat(all.get(1).message()).startsWith("slide 10m is longer than size 5m");
      assertThat(all.get(2).message())
          .isEqualTo(
              "size 5m is not a whole multiple of slide 2m; pick a slide that divides the size"
                  + " evenly");
      assertThat(all.get(3).message()).isEqualTo("must be greater than 0, got '0s'");
    }

    @Test
    void measureNamesAndExpressions() {
      List<Problem> all =
          problems(
              file(
                  """
                  from: sensors
                  window: {type: tumble, size: 5m}
                  group_by: [device_id, device-id, device_id]
                  measures:
                    window_start: MIN(ts)
                    device_id: COUNT(*)
                    "avg temp": AVG(temperature)
                    empty:
                    blank: ' '
                  where: ''
                  """));

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("aggregations.stats.group_by[1]", 12),
              tuple("aggregations.stats.group_by[2]", 12),
              tuple("aggregations.stats.measures.window_start", 14),
              tuple("aggregations.stats.measures.device_id", 15),
              tuple("aggregations.stats.measures[\"avg temp\"]", 16),
              tuple("aggregations.stats.measures.empty", 17),
              tuple("aggregations.stats.measures.blank", 18),
              tuple("aggregations.stats.where", 19));
      assertThat(all.get(0).message()).startsWith("invalid field name 'device-id'");
      assertThat(all.get(1).message()).isEqualTo("'device_id' is listed twice; keep only one");
      assertThat(all.get(2).message())
          .startsWith("'window_start' is a column every aggregation table has already");
      assertThat(all.get(3).message()).startsWith("'device_id' is a group_by field");
      assertThat(all.get(4).message()).startsWith("invalid measure name 'avg temp'");
      assertThat(all.get(5).message()).isEqualTo("has no expression; e.g. 'empty: COUNT(*)'");
      assertThat(all.get(6).message()).startsWith("must not be empty");
      assertThat(all.get(7).message()).startsWith("must not be empty");
    }

    @Test
    void emptyMeasuresAndMeasuresAsAList() {
      List<Problem> all =
          problems(
              "pipeline: p\n"
                  + SENSORS
                  + """
                  aggregations:
                    a: {from: sensors, window: {type: tumble, size: 5m}, measures: {}}
                    b: {from: sensors, window: {type: tumble, size: 5m}, measures: [COUNT(*)]}
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("aggregations.a.measures", 9), tuple("aggregations.b.measures", 10));
      assertThat(all.get(0).message()).startsWith("declare at least one measure");
      assertThat(all.get(1).message())
          .startsWith("expected a mapping of output column to aggregate expression, got a list");
    }

    @Test
    void invalidNameAndUnknownRootKey() {
      List<Problem> all =
          problems(
              "pipeline: p\n"
                  + SENSORS
                  + """
                  aggregations:
                    Stats: {from: sensors, window: {type: tumble, size: 5m}, measures: {n: COUNT(*)}}
                  join: {}
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(tuple("aggregations.Stats", 9), tuple("join", 10));
      assertThat(all.get(0).message()).startsWith("invalid aggregation name 'Stats'");
      assertThat(all.get(1).message()).contains("did you mean 'joins'?");
    }
  }

  @Nested
  class Joins {

    private String file(String body) {
      return HEAD + TWO_SOURCES + "joins:\n  matched:\n" + body.indent(4);
    }

    @Test
    void joinNameMustNotBeASourceName() {
      Problem p =
          problem(
              HEAD
                  + TWO_SOURCES
                  + """
                  joins:
                    clickstream: {left: clickstream, right: transactions, on: user_id, within: 1m}
                  """);

      assertThat(p.path()).isEqualTo("joins.clickstream");
      assertThat(p.line()).isEqualTo(20);
      assertThat(p.column()).isEqualTo(3);
      assertThat(p.message())
          .isEqualTo(
              "join 'clickstream' has the same name as a source; both become tables of the curated"
                  + " zone, so rename the join");
    }

    @Test
    void invalidJoinNameAndMissingWithin() {
      List<Problem> all =
          problems(
              HEAD
                  + TWO_SOURCES
                  + """
                  joins:
                    clicks-payments: {left: clickstream, right: transactions, on: user_id}
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(tuple("joins.clicks-payments", 20), tuple("joins.clicks-payments", 20));
      assertThat(all.get(0).message())
          .startsWith("invalid join name 'clicks-payments'")
          .endsWith("(it becomes a table name)");
      assertThat(all.get(1).message()).startsWith("missing required key 'within'");
    }

    @Test
    void sidesMustBeTwoDeclaredSources() {
      List<Problem> all =
          problems(
              HEAD
                  + TWO_SOURCES
                  + """
                  joins:
                    a: {left: clickstrem, right: transactions, on: user_id, within: 1m}
                    b: {left: clickstream, right: clickstream, on: user_id, within: 1m}
                    c: {left: clickstream, on: user_id, within: 1m}
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("joins.a.left", 20), tuple("joins.b.right", 21), tuple("joins.c", 22));
      assertThat(all.get(0).message())
          .startsWith("'left' names source 'clickstrem', which is not declared under 'sources'")
          .contains("did you mean 'clickstream'?");
      assertThat(all.get(1).message()).startsWith("right is the same source as left");
      assertThat(all.get(2).message()).startsWith("missing required key 'right'");
    }

    @Test
    void onIsAFieldOrAPairOfFields() {
      List<Problem> all =
          problems(
              HEAD
                  + TWO_SOURCES
                  + """
                  joins:
                    a: {left: clickstream, right: transactions, on: [user_id], within: 1m}
                    b: {left: clickstream, right: transactions, on: {left: user_id}, within: 1m}
                    c: {left: clickstream, right: transactions, on: a.user_id = b.user_id, within: 1m}
                    d: {left: clickstream, right: transactions, on: {left: user_id, rigth: x}, within: 1m}
                    e: {left: clickstream, right: transactions, within: 1m}
                  """);

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("joins.a.on", 20),
              tuple("joins.b.on", 21),
              tuple("joins.c.on", 22),
              tuple("joins.d.on.rigth", 23),
              tuple("joins.e", 24));
      assertThat(all.get(0).message())
          .isEqualTo(
              "expected one field name (the same on both sides) or {left: field, right: field},"
                  + " got a list");
      assertThat(all.get(1).message()).startsWith("missing required key 'right'");
      assertThat(all.get(2).message())
          .startsWith("invalid field name 'a.user_id = b.user_id'; name a field, not a condition");
      assertThat(all.get(3).message()).contains("did you mean 'right'?");
      assertThat(all.get(4).message()).startsWith("missing required key 'on'");
    }

    @Test
    void withinDirectionAndSelect() {
      List<Problem> all =
          problems(
              file(
                  """
                  left: clickstream
                  right: transactions
                  on: user_id
                  within: 0s
                  direction: afterwards
                  select:
                    page: clickstream.page
                    total amount: transactions.amount
                    amount:
                  """));

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("joins.matched.within", 24),
              tuple("joins.matched.direction", 25),
              tuple("joins.matched.select[\"total amount\"]", 28),
              tuple("joins.matched.select.amount", 29));
      assertThat(all.get(0).message()).isEqualTo("must be greater than 0, got '0s'");
      assertThat(all.get(1).message())
          .isEqualTo("unknown join direction 'afterwards'. Use one of: both, after, before");
      assertThat(all.get(2).message()).startsWith("invalid output column name 'total amount'");
      assertThat(all.get(3).message()).startsWith("has no expression");
    }

    @Test
    void selectMayNotReuseTheColumnsEveryJoinTableHas() {
      List<Problem> all =
          problems(
              file(
                  """
                  left: clickstream
                  right: transactions
                  on: user_id
                  within: 30m
                  select:
                    event_time: transactions.event_time
                    transactions_event_id: transactions.txn_id
                    paid: transactions.amount
                  """));

      assertThat(all)
          .extracting(Problem::path, Problem::line)
          .containsExactly(
              tuple("joins.matched.select.event_time", 26),
              tuple("joins.matched.select.transactions_event_id", 27));
      assertThat(all.get(0).message())
          .isEqualTo(
              "output column 'event_time' is one of the columns every join table has (event_time,"
                  + " clickstream_event_id, transactions_event_id, transactions_event_time);"
                  + " choose another name");
    }
  }

  @Test
  void problemsOfEverySectionAreReportedTogetherInFileOrder() {
    List<Problem> all =
        problems(
            """
            pipeline: p
            plugins: [nope.jar]
            reference:
              devices: {type: file, path: reference/devices.csv, key: device_id, columns: {}}
            sources:
              sensors:
                type: http
                schema: schemas/sensor.schema.json
                key: device_id
                event_time: {field: ts, idle_timeout: soon}
                enrich: [{reference: devices, on: nope}]
            aggregations:
              stats: {from: sensor, window: {type: tumble, size: 5m}, measures: {n: COUNT(*)}}
            joins:
              pairs: {left: sensors, right: sensors, on: device_id, within: 1m}
            """);

    assertThat(all)
        .extracting(Problem::path, Problem::line)
        .containsExactly(
            tuple("plugins[0]", 2),
            tuple("reference.devices.columns", 4),
            tuple("sources.sensors.event_time.idle_timeout", 10),
            tuple("sources.sensors.enrich[0].on", 11),
            tuple("aggregations.stats.from", 13),
            tuple("joins.pairs.right", 15));
  }
}
