package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlEngineTest {

  @TempDir Path dir;

  private LakeCatalog lake;
  private Catalog catalog;
  private SqlEngine sql;
  private Table sensors;

  @BeforeEach
  void setUp() {
    LakeConfig config = TestLake.lakeConfig(dir);
    lake = LakeCatalog.open(config);
    catalog = lake.catalog();
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors", "clicks"));
    sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
    // Two commits, three days (so several partition folders and files).
    TestLake.append(
        sensors,
        List.of(
            raw("e1", "d1", "2026-01-01T10:00:00Z", "{\"t\":20.5}"),
            raw("e2", "d2", "2026-01-01T23:59:59.999999Z", "{\"t\":21}"),
            raw("e3", "d1", "2026-01-02T00:00:00Z", "{\"t\":22}")));
    TestLake.append(
        sensors,
        List.of(
            raw("e4", "d1", "2026-01-02T08:30:00.5Z", "{\"t\":23}"),
            raw("e5", null, "2026-01-03T12:00:00+02:00", "{\"t\":24}")));
    TestLake.append(
        catalog.loadTable(LakeSchemas.ERRORS_TABLE),
        List.of(
            TestLake.error(
                "x1",
                "parse",
                "not JSON",
                "2026-01-01T10:00:00Z",
                new byte[] {'{', 'b', 'a', 'd', 0, (byte) 0xff}),
            TestLake.error("x2", "validate", "missing t", "2026-01-01T11:00:00Z", null)));
    sql = SqlEngine.open(catalog);
  }

  @AfterEach
  void tearDown() {
    sql.close();
    lake.close();
  }

  private static Record raw(String id, String key, String eventTime, String payload) {
    return TestLake.raw(id, "sensors", key, eventTime, "2026-01-04T00:00:00Z", payload);
  }

  @Test
  void listsTables() {
    assertThat(sql.tables()).containsExactly("raw.clicks", "raw.sensors", "errors.records");
  }

  @Test
  void explainsAQueryButNothingElse() {
    QueryResult plan = sql.query("EXPLAIN SELECT count(*) FROM raw.sensors");
    assertThat(plan.rows()).isNotEmpty();
    assertThat(plan.rows().toString()).containsIgnoringCase("COUNT");
    assertThat(sql.query("explain analyze SELECT count(*) FROM raw.sensors").rows()).isNotEmpty();
    for (String refused :
        List.of(
            "EXPLAIN COPY (SELECT 1) TO '/tmp/lakestream-explain.csv'",
            "EXPLAIN SELECT 1; COPY (SELECT 1) TO '/tmp/lakestream-explain.csv'",
            "EXPLAIN EXPLAIN SELECT 1",
            "EXPLAIN ANALYZE ATTACH '/tmp/lakestream-explain.db'")) {
      assertThatThrownBy(() -> sql.query(refused)).as(refused).isInstanceOf(SqlException.class);
    }
    assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/lakestream-explain.csv")))
        .isFalse();
  }

  @Test
  void countsAndGroups() {
    assertThat(sql.query("SELECT count(*) AS n FROM raw.sensors").rows())
        .containsExactly(List.of(5L));

    QueryResult byKey =
        sql.query(
            "SELECT key, count(*) AS n FROM raw.sensors GROUP BY key ORDER BY key NULLS LAST");
    assertThat(byKey.columns())
        .containsExactly(
            new QueryResult.Column("key", "VARCHAR"), new QueryResult.Column("n", "BIGINT"));
    assertThat(byKey.rows())
        .containsExactly(List.of("d1", 3L), List.of("d2", 1L), java.util.Arrays.asList(null, 1L));
  }

  @Test
  void filtersOnTimestampsAndReturnsThemInUtc() {
    QueryResult r =
        sql.query(
            "SELECT id, event_time FROM raw.sensors"
                + " WHERE event_time >= TIMESTAMPTZ '2026-01-02 00:00:00+00'"
                + " AND event_time < '2026-01-03T00:00:00Z'::TIMESTAMPTZ ORDER BY event_time");

    assertThat(r.columns().get(1).type()).isEqualTo("TIMESTAMP WITH TIME ZONE");
    assertThat(r.rows())
        .containsExactly(
            List.of("e3", OffsetDateTime.parse("2026-01-02T00:00:00Z")),
            List.of("e4", OffsetDateTime.parse("2026-01-02T08:30:00.5Z")));

    Object shifted =
        sql.query("SELECT event_time FROM raw.sensors WHERE id = 'e5'").rows().get(0).get(0);
    assertThat(shifted).isEqualTo(OffsetDateTime.parse("2026-01-03T10:00:00Z"));
  }

  @Test
  void readsTheErrorsTableWithBinaryColumn() {
    QueryResult r =
        sql.query(
            "SELECT id, stage, original_bytes, octet_length(original_bytes) AS len, kafka_offset"
                + " FROM errors.records ORDER BY id");

    assertThat(r.columns().get(2).type()).isEqualTo("BLOB");
    assertThat(r.rows()).hasSize(2);
    assertThat(r.rows().get(0).get(0)).isEqualTo("x1");
    assertThat((byte[]) r.rows().get(0).get(2)).containsExactly('{', 'b', 'a', 'd', 0, (byte) 0xff);
    assertThat(r.rows().get(0).get(3)).isEqualTo(6L);
    assertThat(r.rows().get(0).get(4)).isEqualTo(42L);
    assertThat(r.rows().get(1).get(2)).isNull();

    assertThat(
            sql.query("SELECT stage, count(*) AS n FROM errors.records GROUP BY ALL ORDER BY 1")
                .rows())
        .containsExactly(List.of("parse", 1L), List.of("validate", 1L));
  }

  @Test
  void emptyTableIsQueryableWithTypedColumns() {
    QueryResult empty = sql.query("SELECT * FROM raw.clicks");
    QueryResult full = sql.query("SELECT * FROM raw.sensors LIMIT 0");

    assertThat(empty.rows()).isEmpty();
    assertThat(empty.columnNames())
        .containsExactly(
            "id", "source", "key", "event_time", "ingest_time", "schema_version", "payload");
    assertThat(empty.columns())
        .extracting(QueryResult.Column::type)
        .containsExactly(
            "VARCHAR",
            "VARCHAR",
            "VARCHAR",
            "TIMESTAMP WITH TIME ZONE",
            "TIMESTAMP WITH TIME ZONE",
            "INTEGER",
            "VARCHAR");
    assertThat(full.columns()).isEqualTo(empty.columns());
    assertThat(sql.query("SELECT count(*) FROM raw.clicks").rows()).containsExactly(List.of(0L));
    assertThat(sql.query("DESCRIBE raw.clicks").rows()).hasSize(7);
  }

  @Test
  void ignoresUncommittedFilesInTheDataFolder() throws Exception {
    // What a failed or not-yet-committed write leaves behind: files Iceberg never committed.
    List<DataFile> stray =
        TestLake.writeFiles(
            sensors,
            List.of(
                raw("ghost1", "d1", "2026-01-01T12:00:00Z", "{}"),
                raw("ghost2", "d1", "2026-01-01T13:00:00Z", "{}")));
    Path strayFile = Path.of(stray.get(0).location().replaceFirst("^file:(//)?", ""));
    assertThat(strayFile).isRegularFile();
    Files.copy(strayFile, strayFile.resolveSibling("copy-of-uncommitted.parquet"));

    assertThat(sql.query("SELECT count(*) FROM raw.sensors").rows()).containsExactly(List.of(5L));
    assertThat(sql.query("SELECT count(*) FROM raw.sensors WHERE id LIKE 'ghost%'").rows())
        .containsExactly(List.of(0L));
  }

  @Test
  void seesNewCommitsOnTheNextQuery() {
    TestLake.append(
        catalog.loadTable(LakeSchemas.rawTable("clicks")),
        List.of(
            TestLake.raw(
                "c1", "clicks", "u1", "2026-02-01T00:00:00Z", "2026-02-01T00:00:01Z", "{}")));

    assertThat(sql.query("SELECT id FROM raw.clicks").rows()).containsExactly(List.of("c1"));
  }

  @Test
  void refusesWritesAndSettings() {
    Path target = dir.resolve("out.csv");
    List<String> refused =
        List.of(
            "COPY (SELECT 1) TO '" + target + "'",
            "COPY (SELECT 1) TO '/tmp/x.csv'",
            "CREATE TABLE t(x int)",
            "CREATE VIEW v AS SELECT 1",
            "INSTALL httpfs",
            "LOAD httpfs",
            "SET enable_external_access=true",
            "RESET lock_configuration",
            "ATTACH '" + dir.resolve("other.db") + "' AS other",
            "DETACH memory",
            "PRAGMA version",
            "EXPORT DATABASE '" + dir.resolve("export") + "'",
            "DROP VIEW raw.sensors",
            "SELECT 1; DROP VIEW raw.sensors",
            "SELECT 1; SELECT 2");
    for (String statement : refused) {
      assertThatThrownBy(() -> sql.query(statement))
          .as(statement)
          .isInstanceOf(SqlException.class)
          .hasMessageContaining("only read-only SELECT queries are allowed");
    }
    assertThat(target).doesNotExist();
    assertThat(dir.resolve("other.db")).doesNotExist();
    assertThat(sql.query("SELECT count(*) FROM raw.sensors").rows()).containsExactly(List.of(5L));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "WITH x AS (SELECT * FROM read_csv_auto('/etc/passwd')) SELECT * FROM x"
      })
  void refusesFileAccessInsideSelect(String query) {
    assertThatThrownBy(() -> sql.query(query))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("Permission Error");
  }

  @Test
  void refusesFilesNamedAsTables() {
    // With external access off, DuckDB no longer turns a quoted path into a file scan.
    assertThatThrownBy(() -> sql.query("SELECT * FROM '/etc/passwd'"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void refusesGlobsOverTheDataFolder() {
    String glob = sensors.location().replaceFirst("^file:(//)?", "") + "/data/**/*.parquet";

    assertThatThrownBy(() -> sql.query("SELECT count(*) FROM read_parquet('" + glob + "')"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("Permission Error");
  }

  @Test
  void acceptsOtherReadOnlyForms() {
    assertThat(sql.query("VALUES (1, 'a'), (2, 'b')").rows()).hasSize(2);
    assertThat(sql.query("FROM errors.records SELECT id ORDER BY id").rows()).hasSize(2);
    assertThat(sql.query("WITH k AS (SELECT DISTINCT key FROM raw.sensors) SELECT * FROM k").rows())
        .hasSize(3);
    assertThat(sql.query("SHOW ALL TABLES").rows()).hasSize(3);
    assertThat(sql.query("SUMMARIZE raw.sensors").rows()).hasSize(7);
    assertThat(sql.query("  select 1 as one ; ").rows()).containsExactly(List.of(1));
  }

  @Test
  void reportsSyntaxErrors() {
    assertThatThrownBy(() -> sql.query("SELEC 1"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("syntax error");
    assertThatThrownBy(() -> sql.query("   "))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("empty query");
  }

  @Test
  void unknownTableListsTheAvailableOnes() {
    assertThatThrownBy(() -> sql.query("SELECT * FROM raw.nope"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("Available tables: raw.clicks, raw.sensors, errors.records");
    assertThatThrownBy(() -> sql.query("SELECT * FROM sensors"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("Available tables: raw.clicks, raw.sensors, errors.records");
  }

  @Test
  void unknownColumnKeepsDuckDbsMessage() {
    assertThatThrownBy(() -> sql.query("SELECT nope FROM raw.sensors"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("Binder Error")
        .hasMessageContaining("nope");
  }

  @Test
  void tableWithRowLevelDeletesFailsClearlyButOthersStillWork() throws Exception {
    // Planning does not open delete files, so a registered one is enough to exercise the check.
    DataFile data;
    try (var tasks = sensors.newScan().planFiles()) {
      data = tasks.iterator().next().file();
    }
    DeleteFile deletes =
        FileMetadata.deleteFileBuilder(sensors.spec())
            .ofPositionDeletes()
            .withPath(sensors.location() + "/data/deletes-" + System.nanoTime() + ".parquet")
            .withFormat(FileFormat.PARQUET)
            .withPartition(data.partition())
            .withFileSizeInBytes(100)
            .withRecordCount(1)
            .build();
    sensors.newRowDelta().addDeletes(deletes).commit();

    assertThatThrownBy(() -> sql.query("SELECT count(*) FROM raw.sensors"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("table raw.sensors has row-level deletes; not supported yet");
    assertThat(sql.query("SELECT count(*) FROM errors.records").rows())
        .containsExactly(List.of(2L));
    assertThat(sql.query("DESCRIBE raw.sensors").rows()).hasSize(7);
  }

  @Test
  void tableWithLostFilesFailsClearlyButOthersStillWork() throws Exception {
    // A data file deleted behind Iceberg's back.
    Path lost;
    try (var tasks = sensors.newScan().planFiles()) {
      lost = Path.of(tasks.iterator().next().file().location().replaceFirst("^file:(//)?", ""));
    }
    Files.delete(lost);

    assertThatThrownBy(() -> sql.query("SELECT count(*) FROM raw.sensors"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("cannot read table raw.sensors");
    assertThat(sql.query("SELECT count(*) FROM raw.clicks").rows()).containsExactly(List.of(0L));

    // Its manifests gone too: the table cannot even be planned.
    try (var metadata =
        Files.list(Path.of(sensors.location().replaceFirst("^file:(//)?", "") + "/metadata"))) {
      for (Path p : metadata.filter(p -> p.toString().endsWith(".avro")).toList()) {
        Files.delete(p);
      }
    }
    assertThatThrownBy(() -> sql.query("SELECT * FROM raw.sensors"))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("cannot read table raw.sensors");
    assertThat(sql.query("SELECT count(*) FROM errors.records").rows())
        .containsExactly(List.of(2L));
  }

  @Test
  void closedEngineRefusesQueries() {
    sql.close();
    assertThatThrownBy(() -> sql.query("SELECT 1")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void payloadTextRoundTrips() {
    QueryResult r =
        sql.query("SELECT payload, payload::JSON->>'t' AS t FROM raw.sensors WHERE id = 'e1'");
    assertThat(r.rows()).containsExactly(List.of("{\"t\":20.5}", "20.5"));
  }
}
