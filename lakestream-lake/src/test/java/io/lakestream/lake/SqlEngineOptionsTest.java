package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlEngineOptionsTest {

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
    sql = SqlEngine.open(catalog);
  }

  @AfterEach
  void tearDown() {
    sql.close();
    lake.close();
  }

  private static Record raw(String id, String eventTime) {
    return TestLake.raw(id, "sensors", "d1", eventTime, "2026-01-04T00:00:00Z", "{}");
  }

  /** Appends and waits until the clock moved on, so that commit times are distinct. */
  private Snapshot append(Table table, List<Record> records) throws InterruptedException {
    TestLake.append(table, records);
    table.refresh();
    Snapshot s = table.currentSnapshot();
    while (System.currentTimeMillis() <= s.timestampMillis() + 1) {
      Thread.sleep(2);
    }
    return s;
  }

  private List<Object> ids(QueryResult r) {
    List<Object> ids = new ArrayList<>();
    r.rows().forEach(row -> ids.add(row.get(0)));
    return ids;
  }

  @Test
  void asOfReadsTheOlderState() throws Exception {
    Instant beforeAll = Instant.ofEpochMilli(System.currentTimeMillis() - 1);
    Thread.sleep(5);
    Snapshot first =
        append(
            sensors, List.of(raw("a1", "2026-01-01T10:00:00Z"), raw("a2", "2026-01-02T10:00:00Z")));
    Snapshot second = append(sensors, List.of(raw("b1", "2026-01-03T10:00:00Z")));
    assertThat(second.timestampMillis()).isGreaterThan(first.timestampMillis());

    String query = "SELECT id FROM raw.sensors ORDER BY id";
    QueryOptions between =
        QueryOptions.defaults().withAsOf(Instant.ofEpochMilli(first.timestampMillis()));
    assertThat(ids(sql.query(query, between))).containsExactly("a1", "a2");
    assertThat(sql.query(query, between).filesScanned()).containsEntry("raw.sensors", 2);
    assertThat(ids(sql.query(query))).containsExactly("a1", "a2", "b1");
    assertThat(
            ids(
                sql.query(
                    query,
                    QueryOptions.defaults()
                        .withAsOf(Instant.ofEpochMilli(second.timestampMillis())))))
        .containsExactly("a1", "a2", "b1");

    // Before the first commit: empty, but typed and queryable.
    QueryResult none =
        sql.query("SELECT * FROM raw.sensors", QueryOptions.defaults().withAsOf(beforeAll));
    assertThat(none.rows()).isEmpty();
    assertThat(none.columnNames()).contains("id", "event_time");
    assertThat(none.filesScanned()).containsEntry("raw.sensors", 0);
  }

  @Test
  void asOfUsesTheSchemaOfThatTime() throws Exception {
    Snapshot first = append(sensors, List.of(raw("a1", "2026-01-01T10:00:00Z")));
    sensors.updateSchema().addColumn("extra", Types.StringType.get()).commit();
    sensors.refresh();
    Record old = raw("b1", "2026-01-02T10:00:00Z");
    Record wide = GenericRecord.create(sensors.schema());
    for (Types.NestedField f : LakeSchemas.RAW_SCHEMA.columns()) {
      wide.setField(f.name(), old.getField(f.name()));
    }
    wide.setField("extra", "x");
    append(sensors, List.of(wide));

    QueryResult now = sql.query("SELECT * FROM raw.sensors");
    assertThat(now.columnNames()).contains("extra");
    QueryResult then =
        sql.query(
            "SELECT * FROM raw.sensors",
            QueryOptions.defaults().withAsOf(Instant.ofEpochMilli(first.timestampMillis())));
    assertThat(then.columnNames()).doesNotContain("extra");
    assertThat(then.rows()).hasSize(1);
  }

  @Test
  void snapshotPinReadsThatSnapshotOnly() throws Exception {
    Snapshot first = append(sensors, List.of(raw("a1", "2026-01-01T10:00:00Z")));
    append(sensors, List.of(raw("b1", "2026-01-02T10:00:00Z")));
    Table clicks = catalog.loadTable(LakeSchemas.rawTable("clicks"));
    append(
        clicks,
        List.of(
            TestLake.raw(
                "c1", "clicks", "u", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "{}")));

    QueryOptions pinned = QueryOptions.defaults().withSnapshot("raw.sensors", first.snapshotId());
    assertThat(ids(sql.query("SELECT id FROM raw.sensors ORDER BY id", pinned)))
        .containsExactly("a1");
    // Other tables stay current.
    assertThat(ids(sql.query("SELECT id FROM raw.clicks", pinned))).containsExactly("c1");
    // A pin wins over asOf.
    assertThat(
            ids(
                sql.query(
                    "SELECT id FROM raw.sensors ORDER BY id",
                    pinned.withAsOf(Instant.now().plusSeconds(60)))))
        .containsExactly("a1");
  }

  @Test
  void unknownSnapshotOrTableFailsWithTheChoices() throws Exception {
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      snapshots.add(append(sensors, List.of(raw("s" + i, "2026-01-01T10:00:00Z"))));
    }
    assertThatThrownBy(
            () ->
                sql.query("SELECT 1", QueryOptions.defaults().withSnapshot("raw.sensors", 12345L)))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("table raw.sensors has no snapshot 12345")
        .hasMessageContaining("newest 5 of 7 snapshots")
        .hasMessageContaining(String.valueOf(snapshots.get(6).snapshotId()))
        .hasMessageContaining(String.valueOf(snapshots.get(2).snapshotId()))
        .hasMessageNotContaining(String.valueOf(snapshots.get(1).snapshotId()))
        .hasMessageContaining(Instant.ofEpochMilli(snapshots.get(6).timestampMillis()).toString());
    assertThatThrownBy(
            () -> sql.query("SELECT 1", QueryOptions.defaults().withSnapshot("raw.clicks", 1L)))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("has no snapshot 1; it has no snapshots yet");
    assertThatThrownBy(
            () -> sql.query("SELECT 1", QueryOptions.defaults().withSnapshot("raw.nope", 1L)))
        .isInstanceOf(SqlException.class)
        .hasMessageContaining("unknown table raw.nope")
        .hasMessageContaining("raw.clicks, raw.sensors");
  }

  @Test
  void rowCapTruncates() {
    QueryResult capped =
        sql.query("SELECT * FROM range(25)", QueryOptions.defaults().withMaxRows(10));
    assertThat(capped.rows()).hasSize(10);
    assertThat(capped.truncated()).isTrue();
    assertThat(capped.rows().get(9)).containsExactly(9L);

    QueryResult exact =
        sql.query("SELECT * FROM range(10)", QueryOptions.defaults().withMaxRows(10));
    assertThat(exact.rows()).hasSize(10);
    assertThat(exact.truncated()).isFalse();

    // The default cap: 10,000 rows, read from a result too big to materialize cheaply.
    QueryResult big = sql.query("SELECT * FROM range(1000000000)");
    assertThat(big.rows()).hasSize(10_000);
    assertThat(big.truncated()).isTrue();
  }

  @Test
  void timeoutCancelsAndTheEngineStaysUsable() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                sql.query(
                    "SELECT count(*) FROM range(100000000) a, range(100000000) b",
                    QueryOptions.defaults().withTimeout(Duration.ofSeconds(1))))
        .isInstanceOf(SqlException.class)
        .hasMessageStartingWith("query cancelled after 1 s (the limit");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(sql.query("SELECT 42 AS x").rows()).containsExactly(List.of(42));
  }

  @Test
  void optionsValidateAndDefault() {
    QueryOptions d = QueryOptions.defaults();
    assertThat(d.asOf()).isNull();
    assertThat(d.snapshots()).isEmpty();
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxRows()).isEqualTo(10_000);
    assertThat(d.withSnapshots(Map.of("raw.sensors", 1L)).snapshots())
        .containsEntry("raw.sensors", 1L);
    assertThatThrownBy(() -> d.withMaxRows(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new QueryResult(List.of(), List.of()).truncated()).isFalse();
  }
}
