package io.lakestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeInventory;
import io.lakestream.lake.LakeSchemas;
import io.lakestream.lake.LakeTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TablesCommandTest {

  private static final Schema HOURLY =
      new Schema(
          Types.NestedField.required(1, "device_id", Types.StringType.get(), "the device"),
          Types.NestedField.optional(2, "hour", Types.TimestampType.withZone()),
          Types.NestedField.optional(
              3,
              "stats",
              Types.StructType.of(
                  Types.NestedField.optional(4, "min", Types.DoubleType.get()),
                  Types.NestedField.optional(5, "max", Types.DoubleType.get()))));

  // A commit of this test, as the table shows it: UTC to the second, and how long ago.
  private static final String TIME =
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\((just now|\\d+s ago)\\)";

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @TempDir Path dir;

  // Its own pipeline file: the bundled example changes as features land.
  private Path pipeline;

  @BeforeEach
  void writePipeline() throws Exception {
    Files.writeString(
        dir.resolve("event.schema.json"),
        """
        {"type": "object", "properties": {"id": {"type": "string"}, "ts": {"type": "string"},
         "device_id": {"type": "string"}, "service": {"type": "string"}}}
        """);
    pipeline = dir.resolve("pipeline.yaml");
    Files.writeString(
        pipeline,
        """
        pipeline: tables-test
        gateway: {port: 9}
        lake:
          warehouse: ${data_dir}/warehouse
          catalog_uri: jdbc:sqlite:${data_dir}/catalog.db
        sources:
          sensors:
            type: http
            schema: event.schema.json
            key: device_id
            event_time: {field: ts}
          app_logs:
            type: http
            schema: event.schema.json
            key: service
            event_time: {field: ts}
        """);
  }

  @Test
  void withoutALakeItSaysWhatToDoAndCreatesNothing() {
    Path data = dir.resolve("data");
    int code = Main.run("tables", "-p", pipeline.toString(), "-d", data.toString());
    assertThat(code).isEqualTo(1);
    assertThat(console.err()).contains("no lake at " + data).contains("./lakestream up");
    assertThat(Files.exists(data)).isFalse();
  }

  @Test
  void anEmptyLakeSaysHowToFillIt() {
    try (LakeCatalog lake = LakeCatalog.open(config().lake())) {
      // Only the catalog: 'up' has not created any table yet.
    }

    assertThat(tables()).isZero();
    assertThat(console.out())
        .startsWith("no tables yet: start the pipeline with './lakestream up'")
        .doesNotContain("zone");
  }

  @Test
  void anEmptyLakeIsStillValidJsonAndCsv() {
    try (LakeCatalog lake = LakeCatalog.open(config().lake())) {
      // Only the catalog.
    }

    assertThat(tables("--format", "json")).isZero();
    assertThat(tables("--format", "csv")).isZero();

    assertThat(console.out())
        .isEqualTo(
            "[]\n" + "zone,table,rows,files,size_bytes,snapshots,last_commit,partitioning\r\n");
    assertThat(console.err()).contains("no tables yet");
  }

  @Test
  void listsZonesAndTablesInFlowOrder() {
    fill();

    assertThat(tables()).isZero();

    List<String> lines = console.out().lines().toList();
    assertThat(lines).hasSize(7);
    assertThat(cells(lines.get(0)))
        .containsExactly(
            "zone", "table", "rows", "files", "size", "snapshots", "last commit", "partitioning");
    assertThat(lines.get(1)).matches("-+(-\\+-+)+");
    assertThat(lines.subList(2, 6).stream().map(TablesCommandTest::cells))
        .extracting(c -> String.join(" ", c).replaceAll(TIME, "TIME"))
        .containsExactly(
            "raw app_logs 0 0 0 B 0 never day(event_time)",
            "raw sensors 25 2 1.2 MB 2 TIME day(event_time)",
            "curated sensor_hourly 0 0 0 B 0 never unpartitioned",
            "errors records 2 1 2.9 KB 1 TIME day(ingest_time)");
    assertThat(lines.get(6)).isEqualTo("(4 tables, 27 rows, 1.2 MB)");
    // Aligned: every line has its separators at the same places; numbers to the right.
    assertThat(lines.subList(2, 6)).allMatch(l -> l.indexOf(" | ") == lines.get(0).indexOf(" | "));
    assertThat(lines.get(3)).contains("|   25 |     2 | 1.2 MB |         2 |");
    assertThat(console.err()).doesNotContain("error:", "no tables");
  }

  @Test
  void schemaListsEachTablesColumnsUnderIt() {
    fill();

    assertThat(tables("--zone", "curated", "--schema")).isZero();

    assertThat(console.out())
        .isEqualTo(
            """
             zone    | table         | rows | files | size | snapshots | last commit | partitioning
            ---------+---------------+------+-------+------+-----------+-------------+---------------
             curated | sensor_hourly |    0 |     0 |  0 B |         0 | never       | unpartitioned
                         device_id  string not null                   the device
                         hour       timestamptz
                         stats      struct<min: double, max: double>
            (1 table, 0 rows, 0 B)
            """);
  }

  @Test
  void historyListsEachSchemaWithItsChangesAndSaysWhenTheRegistryIsNotReachable() {
    fill();
    try (LakeCatalog lake = LakeCatalog.open(config().lake())) {
      Table sensors =
          lake.catalog()
              .createTable(
                  TableIdentifier.of("curated", "sensors"),
                  new Schema(
                      Types.NestedField.required(1, "event_id", Types.StringType.get()),
                      Types.NestedField.optional(2, "firmware", Types.StringType.get())));
      sensors.updateSchema().addColumn("humidity", Types.DoubleType.get()).commit();
      sensors.updateSchema().deleteColumn("firmware").commit();
    }

    assertThat(tables("--zone", "curated", "--history")).isZero();

    String out = console.out();
    assertThat(out.substring(out.indexOf("Schema history")))
        .isEqualTo(
            """
            Schema history
              curated.sensor_hourly
                lake schema 0, first written never, 3 columns
              curated.sensors  (registry subject 'sensors')
                lake schema 0, first written never, 2 columns
                lake schema 1, first written never, 3 columns: + humidity double
                lake schema 2, first written never, 2 columns: - firmware
                registry: not readable at http://127.0.0.1:9/registry (ConnectException); start 'up' to see the subject's versions here
            """);
  }

  @Test
  void zoneShowsOnlyThatZoneAndAnUnknownZoneIsAnError() {
    fill();

    assertThat(tables("--zone", "errors")).isZero();
    assertThat(console.out()).contains(" errors | records ").doesNotContain("raw");

    assertThat(tables("--zone", "nope")).isEqualTo(1);
    assertThat(console.err()).contains("no zone 'nope' in the lake; zones: raw, curated, errors.");
  }

  @Test
  void anEmptyZoneSaysSo() {
    fill();
    try (LakeCatalog lake = LakeCatalog.open(config().lake())) {
      ((SupportsNamespaces) lake.catalog()).createNamespace(Namespace.of("aggregates"));
    }

    assertThat(tables("-z", "aggregates")).isZero();
    assertThat(console.out()).isEqualTo("no tables in zone aggregates yet.\n");
  }

  @Test
  void jsonHasRawNumbersAndTheSchema() throws Exception {
    Instant[] commits = fill();

    assertThat(tables("--format", "json", "--schema")).isZero();

    JsonNode json = new ObjectMapper().readTree(console.out());
    assertThat(json).hasSize(4);
    JsonNode sensors = json.get(1);
    assertThat(sensors.get("zone").asText()).isEqualTo("raw");
    assertThat(sensors.get("table").asText()).isEqualTo("sensors");
    assertThat(sensors.get("rows").asLong()).isEqualTo(25);
    assertThat(sensors.get("files").asLong()).isEqualTo(2);
    assertThat(sensors.get("size_bytes").asLong()).isEqualTo(1_235_567);
    assertThat(sensors.get("snapshots").asInt()).isEqualTo(2);
    assertThat(Instant.parse(sensors.get("last_commit").asText())).isEqualTo(commits[0]);
    assertThat(sensors.get("partitioning").asText()).isEqualTo("day(event_time)");
    assertThat(sensors.get("columns")).hasSize(7);
    assertThat(sensors.get("columns").get(3).toString())
        .isEqualTo(
            "{\"name\":\"event_time\",\"type\":\"timestamptz\",\"required\":true,"
                + "\"doc\":\"event time from the payload\"}");
    assertThat(sensors.has("problem")).isFalse();

    JsonNode hourly = json.get(2);
    assertThat(hourly.get("last_commit").isNull()).isTrue();
    assertThat(hourly.get("partitioning").asText()).isEmpty();
    assertThat(hourly.get("columns").get(2).get("type").asText())
        .isEqualTo("struct<min: double, max: double>");
  }

  @Test
  void csvHasOneLinePerTable() {
    Instant[] commits = fill();

    assertThat(tables("-f", "csv", "-z", "raw")).isZero();

    String[] lines = console.out().split("\r\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0])
        .isEqualTo("zone,table,rows,files,size_bytes,snapshots,last_commit,partitioning");
    assertThat(lines[1]).isEqualTo("raw,app_logs,0,0,0,0,,day(event_time)");
    String[] sensors = lines[2].split(",");
    assertThat(sensors).hasSize(8).startsWith("raw", "sensors", "25", "2", "1235567", "2");
    assertThat(Instant.parse(sensors[6])).isEqualTo(commits[0]);
  }

  @Test
  void aBrokenTableIsShownWithItsProblem() throws Exception {
    fill();
    try (LakeCatalog lake = LakeCatalog.open(config().lake())) {
      Table clicks = lake.catalog().loadTable(LakeSchemas.rawTable("app_logs"));
      Path metadata = Path.of(java.net.URI.create(clicks.location() + "/metadata"));
      try (var files = Files.list(metadata)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
    }

    assertThat(tables()).isZero();

    String clicks =
        console.out().lines().filter(l -> l.contains("app_logs")).findFirst().orElseThrow();
    assertThat(clicks).matches(" raw +\\| app_logs +\\| +\\? \\| +\\? \\|.*\\| .+");
    assertThat(console.out().lines().findFirst().orElseThrow()).endsWith("| problem");
  }

  @Test
  void sizesAndAgesReadLikeAPersonWouldSayThem() {
    assertThat(TablesCommand.humanSize(0)).isEqualTo("0 B");
    assertThat(TablesCommand.humanSize(1023)).isEqualTo("1023 B");
    assertThat(TablesCommand.humanSize(1024)).isEqualTo("1.0 KB");
    assertThat(TablesCommand.humanSize(4200)).isEqualTo("4.1 KB");
    assertThat(TablesCommand.humanSize(1024 * 1024 - 1)).isEqualTo("1.0 MB");
    assertThat(TablesCommand.humanSize(12_900_000)).isEqualTo("12.3 MB");
    assertThat(TablesCommand.humanSize(5L << 40)).isEqualTo("5.0 TB");
    assertThat(TablesCommand.humanSize(Long.MAX_VALUE)).isEqualTo("8.0 EB");

    Instant now = Instant.parse("2026-11-23T14:05:00Z");
    assertThat(TablesCommand.age(now.plusSeconds(2), now)).isEqualTo("just now");
    assertThat(TablesCommand.age(now.plusSeconds(120), now)).isEqualTo("in the future");
    assertThat(TablesCommand.age(now.minusMillis(400), now)).isEqualTo("just now");
    assertThat(TablesCommand.age(now.minusSeconds(42), now)).isEqualTo("42s ago");
    assertThat(TablesCommand.age(now.minusSeconds(3 * 60 + 59), now)).isEqualTo("3m ago");
    assertThat(TablesCommand.age(now.minusSeconds(5 * 3600), now)).isEqualTo("5h ago");
    assertThat(TablesCommand.age(now.minusSeconds(3 * 86_400 + 7), now)).isEqualTo("3d ago");
  }

  @Test
  void theLastCommitIsShownInUtcToTheSecondWithItsAge() {
    var t =
        new LakeInventory.TableInfo(
            "raw",
            "sensors",
            1,
            1,
            2048,
            1,
            Instant.parse("2026-11-23T14:01:59.750Z"),
            "day(event_time)",
            List.of(),
            null);

    String text = TablesCommand.table(List.of(t), false, Instant.parse("2026-11-23T14:05:00Z"));

    assertThat(text).contains("| 2026-11-23T14:01:59Z (3m ago) |");
  }

  @Test
  void helpExplainsTheCommandWithAnExample() {
    assertThat(Main.run("tables", "--help")).isZero();
    assertThat(console.out())
        .contains("Usage: lakestream tables")
        .contains("--schema")
        .contains("--zone=ZONE")
        .contains("--format=FORMAT")
        .contains("lakestream tables --zone raw --schema");
    assertThat(Main.run("--help")).isZero();
    assertThat(console.out()).contains("  tables ");
  }

  private int tables(String... options) {
    String[] args = new String[options.length + 5];
    args[0] = "tables";
    args[1] = "-p";
    args[2] = pipeline.toString();
    args[3] = "-d";
    args[4] = dir.resolve("data").toString();
    System.arraycopy(options, 0, args, 5, options.length);
    return Main.run(args);
  }

  private PipelineConfig config() {
    return PipelineLoader.load(pipeline, Map.of("data_dir", dir.resolve("data").toString()));
  }

  /**
   * The tables {@code up} creates for the pipeline, plus a curated table; raw.sensors gets two
   * commits (20 + 5 rows, 1,234,567 + 1,000 bytes), errors.records one (2 rows, 3,000 bytes). Data
   * files are registered in the metadata only: counts come from snapshot summaries.
   *
   * @return the commit times of raw.sensors and errors.records
   */
  private Instant[] fill() {
    PipelineConfig cfg = config();
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      Catalog catalog = lake.catalog();
      LakeTables.ensure(catalog, cfg);
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("curated"));
      catalog.createTable(TableIdentifier.of("curated", "sensor_hourly"), HOURLY);
      Table sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
      append(sensors, "event_time_day=2026-11-22", 20, 1_234_567);
      append(sensors, "event_time_day=2026-11-23", 5, 1_000);
      Table errors = catalog.loadTable(LakeSchemas.ERRORS_TABLE);
      append(errors, "ingest_time_day=2026-11-23", 2, 3_000);
      return new Instant[] {commitTime(sensors), commitTime(errors)};
    }
  }

  private static void append(Table table, String partition, long rows, long bytes) {
    AppendFiles append = table.newAppend();
    append.appendFile(
        DataFiles.builder(table.spec())
            .withPath(table.location() + "/data/" + partition + "/f-" + rows + ".parquet")
            .withFormat(FileFormat.PARQUET)
            .withPartitionPath(partition)
            .withRecordCount(rows)
            .withFileSizeInBytes(bytes)
            .build());
    append.commit();
  }

  private static Instant commitTime(Table table) {
    return Instant.ofEpochMilli(table.currentSnapshot().timestampMillis());
  }

  private static List<String> cells(String line) {
    return java.util.Arrays.stream(line.split("\\|")).map(String::strip).toList();
  }
}
