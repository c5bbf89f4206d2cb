package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Views over tables whose schema changed after some of their data files were written. */
class SqlEngineSchemaEvolutionTest {

  @TempDir Path dir;

  private LakeCatalog lake;
  private Catalog catalog;
  private SqlEngine sql;
  private Table sensors;
  private Table errors;

  @BeforeEach
  void setUp() {
    LakeConfig config = TestLake.lakeConfig(dir);
    lake = LakeCatalog.open(config);
    catalog = lake.catalog();
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors", "clicks"));
    sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
    TestLake.append(
        sensors,
        List.of(
            raw("e1", "d1", "2026-01-01T10:00:00Z"),
            raw("e2", "d2", "2026-01-02T10:00:00Z"),
            raw("e3", "d1", "2026-01-02T11:00:00Z")));
    TestLake.append(sensors, List.of(raw("e4", "d1", "2026-01-03T10:00:00Z")));
    errors = catalog.loadTable(LakeSchemas.ERRORS_TABLE);
    TestLake.append(
        errors,
        List.of(
            TestLake.error("x1", "parse", "not JSON", "2026-01-01T10:00:00Z", null),
            TestLake.error("x2", "late", "late", "2026-01-02T10:00:00Z", null)));
    sql = SqlEngine.open(catalog);
  }

  @AfterEach
  void tearDown() {
    sql.close();
    lake.close();
  }

  @Test
  void addedColumnReadsAsNullInOlderFilesAndFilters() {
    sensors.updateSchema().addColumn("region", Types.StringType.get()).commit();

    // No data file has the column yet.
    QueryResult all = sql.query("SELECT * FROM raw.sensors ORDER BY id");
    assertThat(all.columnNames())
        .containsExactly(
            "id",
            "source",
            "key",
            "event_time",
            "ingest_time",
            "schema_version",
            "payload",
            "region");
    assertThat(all.columns().get(7).type()).isEqualTo("VARCHAR");
    assertThat(all.rows()).hasSize(4).allSatisfy(row -> assertThat(row.get(7)).isNull());
    assertThat(sql.query("SELECT count(*) FROM raw.sensors WHERE region IS NULL").rows())
        .containsExactly(List.of(4L));
    assertThat(sql.query("SELECT id FROM raw.sensors WHERE region = 'eu'").rows()).isEmpty();
    assertThat(sql.query("DESCRIBE raw.sensors").rows()).hasSize(8);

    TestLake.append(
        sensors,
        List.of(evolved(sensors, raw("e5", "d2", "2026-01-03T12:00:00Z"), "region", "eu")));

    assertThat(sql.query("SELECT id, region FROM raw.sensors ORDER BY id").rows())
        .containsExactly(
            Arrays.asList("e1", null),
            Arrays.asList("e2", null),
            Arrays.asList("e3", null),
            Arrays.asList("e4", null),
            List.of("e5", "eu"));
    assertThat(sql.query("SELECT id, key FROM raw.sensors WHERE region = 'eu'").rows())
        .containsExactly(List.of("e5", "d2"));
    assertThat(
            sql.query(
                    "SELECT region, count(*) AS n FROM raw.sensors GROUP BY region"
                        + " ORDER BY region NULLS LAST")
                .rows())
        .containsExactly(List.of("eu", 1L), Arrays.asList(null, 4L));
  }

  @Test
  void tableWhoseFilesAllPredateTheColumnsAnswersWithNulls() {
    errors
        .updateSchema()
        .addColumn("retries", Types.IntegerType.get())
        .addColumn(
            "detail",
            Types.StructType.of(
                Types.NestedField.optional(100, "code", Types.IntegerType.get()),
                Types.NestedField.optional(101, "hint", Types.StringType.get())))
        .commit();

    QueryResult r = sql.query("SELECT id, stage, retries, detail FROM errors.records ORDER BY id");

    assertThat(r.columns())
        .extracting(QueryResult.Column::type)
        .containsExactly("VARCHAR", "VARCHAR", "INTEGER", "STRUCT(code INTEGER, hint VARCHAR)");
    assertThat(r.rows())
        .containsExactly(
            Arrays.asList("x1", "parse", null, null), Arrays.asList("x2", "late", null, null));
    assertThat(sql.query("SELECT count(*) FROM errors.records WHERE retries > 0").rows())
        .containsExactly(List.of(0L));
    assertThat(sql.query("SELECT count(*) FROM errors.records WHERE detail.hint IS NULL").rows())
        .containsExactly(List.of(2L));
    assertThat(sql.query("SELECT * FROM errors.records").columnNames())
        .hasSize(14)
        .endsWith("kafka_offset", "retries", "detail");
  }

  @Test
  void fieldAddedInsideAStructReadsAsNullInOlderFiles() {
    errors
        .updateSchema()
        .addColumn(
            "detail",
            Types.StructType.of(Types.NestedField.optional(100, "code", Types.IntegerType.get())))
        .commit();
    Record withDetail =
        evolved(
            errors,
            TestLake.error("x3", "enrich", "no row", "2026-01-03T10:00:00Z", null),
            "detail",
            GenericRecord.create(errors.schema().findField("detail").type().asStructType()));
    ((Record) withDetail.getField("detail")).setField("code", 7);
    TestLake.append(errors, List.of(withDetail));
    errors.updateSchema().addColumn("detail", "hint", Types.StringType.get()).commit();

    QueryResult r =
        sql.query(
            "SELECT id, detail.code AS code, detail.hint AS hint FROM errors.records ORDER BY id");

    assertThat(r.rows())
        .containsExactly(
            Arrays.asList("x1", null, null),
            Arrays.asList("x2", null, null),
            Arrays.asList("x3", 7, null));
  }

  @Test
  void renamedMovedWidenedAndReAddedColumnsAreMatchedByFieldId() {
    sensors
        .updateSchema()
        .renameColumn("key", "device")
        .moveFirst("payload")
        .updateColumn("schema_version", Types.LongType.get())
        .deleteColumn("source")
        .commit();
    // A new column with an old name: older files' "source" is another column.
    sensors.updateSchema().addColumn("source", Types.StringType.get()).commit();
    // Written with the new schema: its columns come in another order than in the older files.
    Record newer = GenericRecord.create(sensors.schema());
    Record old = raw("e5", null, "2026-01-03T12:00:00Z");
    for (String column : List.of("payload", "id", "event_time", "ingest_time")) {
      newer.setField(column, old.getField(column));
    }
    newer.setField("device", "d3");
    newer.setField("schema_version", 3L);
    newer.setField("source", "gateway-2");
    TestLake.append(sensors, List.of(newer));

    QueryResult all = sql.query("SELECT * FROM raw.sensors ORDER BY id");

    assertThat(all.columnNames())
        .containsExactly(
            "payload", "id", "device", "event_time", "ingest_time", "schema_version", "source");
    assertThat(all.columns().get(5).type()).isEqualTo("BIGINT");
    assertThat(all.rows())
        .extracting(
            row ->
                row.get(1)
                    + "/"
                    + row.get(2)
                    + "/"
                    + row.get(5)
                    + "/"
                    + row.get(6)
                    + "/"
                    + row.get(0))
        .containsExactly(
            "e1/d1/1/null/{\"id\":\"e1\"}",
            "e2/d2/1/null/{\"id\":\"e2\"}",
            "e3/d1/1/null/{\"id\":\"e3\"}",
            "e4/d1/1/null/{\"id\":\"e4\"}",
            "e5/d3/3/gateway-2/{\"id\":\"e5\"}");
    assertThat(
            sql.query("SELECT device, count(*) AS n FROM raw.sensors GROUP BY 1 ORDER BY 1").rows())
        .containsExactly(List.of("d1", 3L), List.of("d2", 1L), List.of("d3", 1L));
    assertThat(sql.query("SELECT id FROM raw.sensors WHERE source IS NOT NULL").rows())
        .containsExactly(List.of("e5"));
  }

  @Test
  void importedFilesWithoutFieldIdsAreMatchedThroughTheNameMapping() throws Exception {
    // A file written outside Iceberg (as add_files would register it): no field ids, its columns
    // in another order, and one of them under a name only the table's name mapping knows.
    Table clicks = catalog.loadTable(LakeSchemas.rawTable("clicks"));
    Path file =
        Path.of(clicks.location().replaceFirst("^file:(//)?", ""), "data", "imported.parquet");
    Files.createDirectories(file.getParent());
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement()) {
      st.execute(
          "COPY (SELECT '{}' AS payload, 'c1' AS id, 'clicks' AS source, 'u1' AS user_id,"
              + " TIMESTAMPTZ '2026-02-01 00:00:00+00' AS event_time,"
              + " TIMESTAMPTZ '2026-02-01 00:00:01+00' AS ingest_time,"
              + " 1::INTEGER AS schema_version) TO '"
              + file
              + "' (FORMAT parquet)");
    }
    DataFile data =
        DataFiles.builder(clicks.spec())
            .withPath(file.toString())
            .withFormat(FileFormat.PARQUET)
            .withFileSizeInBytes(Files.size(file))
            .withRecordCount(1)
            .withPartitionPath("event_time_day=2026-02-01")
            .build();
    clicks.newAppend().appendFile(data).commit();
    clicks
        .updateProperties()
        .set(
            TableProperties.DEFAULT_NAME_MAPPING,
            NameMappingParser.toJson(
                NameMapping.of(
                    clicks.schema().columns().stream()
                        .map(
                            f ->
                                MappedField.of(
                                    f.fieldId(),
                                    f.name().equals("key")
                                        ? List.of("key", "user_id")
                                        : List.of(f.name())))
                        .toList())))
        .commit();

    assertThat(sql.query("SELECT * FROM raw.clicks").rows())
        .containsExactly(
            List.of(
                "c1",
                "clicks",
                "u1",
                OffsetDateTime.parse("2026-02-01T00:00:00Z"),
                OffsetDateTime.parse("2026-02-01T00:00:01Z"),
                1,
                "{}"));
  }

  private static Record raw(String id, String key, String eventTime) {
    return TestLake.raw(
        id, "sensors", key, eventTime, "2026-01-04T00:00:00Z", "{\"id\":\"" + id + "\"}");
  }

  /** The record in the table's current schema, with one more column set. */
  private static Record evolved(Table table, Record record, String column, Object value) {
    Record r = GenericRecord.create(table.schema());
    for (Types.NestedField f : record.struct().fields()) {
      if (table.schema().findField(f.name()) != null) {
        r.setField(f.name(), record.getField(f.name()));
      }
    }
    r.setField(column, value);
    return r;
  }
}
