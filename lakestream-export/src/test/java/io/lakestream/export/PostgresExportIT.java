package io.lakestream.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.source.cdc.PostgresServer;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports real Iceberg tables (JDBC catalog on SQLite, Parquet files) into a real PostgreSQL. */
class PostgresExportIT {

  static final Schema EVENTS =
      new Schema(
          NestedField.required(1, "event_id", Types.StringType.get()),
          NestedField.optional(2, "device_id", Types.StringType.get()),
          NestedField.optional(3, "ts", Types.TimestampType.withZone()),
          NestedField.optional(4, "value", Types.DoubleType.get()),
          NestedField.optional(5, "seq", Types.LongType.get()),
          NestedField.optional(6, "ok", Types.BooleanType.get()),
          NestedField.optional(7, "note", Types.StringType.get()));

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer pg;

  @TempDir Path dir;
  private TestLake lake;
  private String db;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start("replica");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    lake = new TestLake(dir);
    db = pg.createDatabase("export" + DATABASES.incrementAndGet());
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private String url() {
    return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db;
  }

  private PostgresExport export(int filesPerTransaction, TableSpec... tables) {
    return new PostgresExport(
        ExportConfig.of(url(), "postgres", "", List.of(tables))
            .withFilesPerTransaction(filesPerTransaction));
  }

  // ---- the events the tests write, and what PostgreSQL must then hold, computed independently

  static Record event(int i) {
    GenericRecord r = GenericRecord.create(EVENTS);
    r.setField("event_id", String.format("e-%07d", i));
    r.setField("device_id", "d-" + (i % 7));
    r.setField("ts", OffsetDateTime.ofInstant(expectedTs(i), ZoneOffset.UTC));
    r.setField("value", i * 0.25 - 3.3);
    r.setField("seq", i * 1_000_000_007L);
    r.setField("ok", i % 2 == 0);
    r.setField("note", i % 5 == 0 ? null : "n" + i + "\t\\x\n");
    return r;
  }

  static Instant expectedTs(int i) {
    return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i).plusNanos(i % 1000 * 1000L);
  }

  static List<Object> expectedRow(int i) {
    List<Object> row = new ArrayList<>();
    row.add(String.format("e-%07d", i));
    row.add("d-" + (i % 7));
    row.add(expectedTs(i));
    row.add(i * 0.25 - 3.3);
    row.add(i * 1_000_000_007L);
    row.add(i % 2 == 0);
    row.add(i % 5 == 0 ? null : "n" + i + "\t\\x\n");
    return row;
  }

  static List<Record> events(int from, int count) {
    return IntStream.range(from, from + count).mapToObj(PostgresExportIT::event).toList();
  }

  /** Every row of lakestream.curated_sensors, by event id. */
  private Map<String, List<Object>> exportedEvents() throws Exception {
    Map<String, List<Object>> rows = new HashMap<>();
    try (Connection c = pg.connect(db);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT event_id, device_id, ts, value, seq, ok, note FROM lakestream.curated_sensors")) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        row.add(rs.getString(1));
        row.add(rs.getString(2));
        OffsetDateTime ts = rs.getObject(3, OffsetDateTime.class);
        row.add(ts == null ? null : ts.toInstant());
        row.add(rs.getObject(4) == null ? null : rs.getDouble(4));
        row.add(rs.getObject(5) == null ? null : rs.getLong(5));
        row.add(rs.getObject(6) == null ? null : rs.getBoolean(6));
        row.add(rs.getString(7));
        assertThat(rows.put(rs.getString(1), row)).as("duplicate %s", rs.getString(1)).isNull();
      }
    }
    return rows;
  }

  private void assertExportedExactly(int count) throws Exception {
    Map<String, List<Object>> rows = exportedEvents();
    assertThat(rows).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(rows.get(String.format("e-%07d", i))).isEqualTo(expectedRow(i));
    }
    assertThat(sql("SELECT count(*) FROM lakestream.curated_sensors")).isEqualTo("" + count);
  }

  private String sql(String sql) throws Exception {
    return pg.psql(db, sql);
  }

  // ---- tests

  @Test
  void fullThenIncrementalExportHoldsExactlyTheLakesRows() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 100), events(100, 100), events(200, 100));
    List<ExportProgress> progress = new ArrayList<>();
    PostgresExport export = export(2, TableSpec.of("curated.sensors"));

    ExportResult first = export.export(lake.catalog, progress::add);

    TableExportResult t1 = first.table("curated.sensors");
    assertThat(t1.rowsRead()).isEqualTo(300);
    assertThat(t1.rowsInserted()).isEqualTo(300);
    assertThat(t1.files()).isEqualTo(3);
    assertThat(t1.fullReload()).isTrue();
    assertThat(t1.fromSnapshotId()).isNull();
    assertThat(t1.target()).isEqualTo("\"lakestream\".\"curated_sensors\"");
    assertThat(first.rowsPerSecond()).isPositive();
    assertExportedExactly(300);
    assertThat(progress)
        .extracting(ExportProgress::phase)
        .containsExactly(
            ExportProgress.Phase.STARTED,
            ExportProgress.Phase.BATCH_COPIED,
            ExportProgress.Phase.BATCH_COMMITTED,
            ExportProgress.Phase.BATCH_COPIED,
            ExportProgress.Phase.BATCH_COMMITTED,
            ExportProgress.Phase.FINISHED);
    assertThat(progress.get(0).rowsTotal()).isEqualTo(300);
    assertThat(progress.get(1).rowsDone()).isEqualTo(200);
    assertThat(progress.get(5).fraction()).isEqualTo(1.0);
    long firstSnapshot = table.currentSnapshot().snapshotId();
    assertThat(sql("SELECT snapshot_id, rows FROM lakestream.lakestream_export_state"))
        .isEqualTo(firstSnapshot + "|300");

    TestLake.append(table, events(300, 50));
    TestLake.append(table, events(350, 150));
    ExportResult second = export.export(lake.catalog);

    TableExportResult t2 = second.table("curated.sensors");
    assertThat(t2.rowsRead()).isEqualTo(200);
    assertThat(t2.files()).isEqualTo(2);
    assertThat(t2.fullReload()).isFalse();
    assertThat(t2.fromSnapshotId()).isEqualTo(firstSnapshot);
    table.refresh();
    assertThat(t2.toSnapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertExportedExactly(500);
    assertThat(sql("SELECT rows FROM lakestream.lakestream_export_state")).isEqualTo("500");
    assertThat(sql("SELECT count(*) FROM lakestream.lakestream_export_files")).isEqualTo("0");
  }

  @Test
  void rerunningWithNothingNewExportsNothing() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 10));
    PostgresExport export = export(16, TableSpec.of("curated.sensors"));
    export.export(lake.catalog);

    ExportResult again = export.export(lake.catalog);

    assertThat(again.rowsRead()).isZero();
    assertThat(again.rowsInserted()).isZero();
    assertThat(again.files()).isZero();
    assertExportedExactly(10);
  }

  @Test
  void anEmptyLakeTableGetsItsPostgresTableAndNoRows() throws Exception {
    lake.create("curated.sensors", EVENTS);

    ExportResult result = export(16, TableSpec.of("curated.sensors")).export(lake.catalog);

    assertThat(result.rowsRead()).isZero();
    assertThat(sql("SELECT count(*) FROM lakestream.curated_sensors")).isEqualTo("0");
  }

  @Test
  void aCrashBeforeCommitThenARerunLeavesOneCopyOfEachRow() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(
        table,
        events(0, 100),
        events(100, 100),
        events(200, 100),
        events(300, 100),
        events(400, 100));
    PostgresExport export = export(2, TableSpec.of("curated.sensors"));
    AtomicInteger copied = new AtomicInteger();

    assertThatThrownBy(
            () ->
                export.export(
                    lake.catalog,
                    p -> {
                      // the second batch is copied and inserted, not committed: crash now
                      if (p.phase() == ExportProgress.Phase.BATCH_COPIED
                          && copied.incrementAndGet() == 2) {
                        throw new IllegalStateException("simulated crash");
                      }
                    }))
        .hasMessage("simulated crash");
    // the first batch (2 files) is committed, the second rolled back
    assertThat(sql("SELECT count(*) FROM lakestream.curated_sensors")).isEqualTo("200");
    assertThat(sql("SELECT count(*) FROM lakestream.lakestream_export_files")).isEqualTo("2");

    ExportResult rerun = export.export(lake.catalog);

    assertThat(rerun.files()).as("files already done are skipped").isEqualTo(3);
    assertThat(rerun.rowsInserted()).isEqualTo(300);
    assertExportedExactly(500);
    assertThat(sql("SELECT rows FROM lakestream.lakestream_export_state")).isEqualTo("500");
  }

  @Test
  void aConnectionKilledBeforeCommitThenARerunLeavesOneCopyOfEachRow() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 100), events(100, 100), events(200, 100));
    PostgresExport export = export(1, TableSpec.of("curated.sensors"));
    AtomicInteger copied = new AtomicInteger();

    assertThatThrownBy(
            () ->
                export.export(
                    lake.catalog,
                    p -> {
                      if (p.phase() == ExportProgress.Phase.BATCH_COPIED
                          && copied.incrementAndGet() == 3) {
                        try {
                          sql(
                              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                  + " WHERE application_name = 'lakestream-export'");
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                      }
                    }))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("lost the connection to PostgreSQL")
        .hasMessageContaining("run the export again");
    assertThat(sql("SELECT count(*) FROM lakestream.curated_sensors")).isEqualTo("200");

    export.export(lake.catalog);

    assertExportedExactly(300);
  }

  @Test
  void lostStateIsHarmlessRowsAreSkippedByKey() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 100), events(100, 100));
    PostgresExport export = export(16, TableSpec.of("curated.sensors"));
    export.export(lake.catalog);
    sql("DELETE FROM lakestream.lakestream_export_state");

    ExportResult again = export.export(lake.catalog);

    assertThat(again.rowsRead()).isEqualTo(200);
    assertThat(again.rowsInserted()).isZero();
    assertExportedExactly(200);
  }

  @Test
  void anExpiredSnapshotFallsBackToAnIdempotentFullReload() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 100));
    PostgresExport export = export(16, TableSpec.of("curated.sensors"));
    export.export(lake.catalog);
    TestLake.append(table, events(100, 100));
    TestLake.append(table, events(200, 100));
    table.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
    List<ExportProgress> progress = new ArrayList<>();

    TableExportResult result = export.export(lake.catalog, progress::add).table("curated.sensors");

    assertThat(result.fullReload()).isTrue();
    assertThat(progress.get(0).fullReload()).isTrue();
    assertThat(result.rowsRead()).isEqualTo(300);
    assertThat(result.rowsInserted()).isEqualTo(200);
    assertExportedExactly(300);
  }

  @Test
  void aColumnAddedInIcebergIsAddedInPostgresWithNullForOlderRows() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 20));
    PostgresExport export = export(16, TableSpec.of("curated.sensors"));
    export.export(lake.catalog);

    table.updateSchema().addColumn("humidity", Types.DoubleType.get()).commit();
    List<Record> newer = new ArrayList<>();
    for (int i = 20; i < 30; i++) {
      Record r = GenericRecord.create(table.schema());
      Record old = event(i);
      for (NestedField f : EVENTS.columns()) {
        r.setField(f.name(), old.getField(f.name()));
      }
      r.setField("humidity", i + 0.5);
      newer.add(r);
    }
    TestLake.append(table, newer);
    ExportResult result = export.export(lake.catalog);

    assertThat(result.rowsRead()).isEqualTo(10);
    assertExportedExactly(30);
    assertThat(
            sql(
                "SELECT count(*) FROM lakestream.curated_sensors WHERE humidity IS NULL"
                    + " AND event_id < 'e-0000020'"))
        .isEqualTo("20");
    assertThat(
            sql(
                "SELECT string_agg(humidity::text, ',' ORDER BY event_id)"
                    + " FROM lakestream.curated_sensors WHERE event_id >= 'e-0000020'"))
        .isEqualTo("20.5,21.5,22.5,23.5,24.5,25.5,26.5,27.5,28.5,29.5");
  }

  @Test
  void anIncompatibleColumnTypeIsReportedWithTableColumnAndRemedy() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 5));
    PostgresExport export = export(16, TableSpec.of("curated.sensors"));
    export.export(lake.catalog);
    sql("ALTER TABLE lakestream.curated_sensors ALTER COLUMN note TYPE boolean USING NULL");
    TestLake.append(table, events(5, 5));

    assertThatThrownBy(() -> export.export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("column note of lake table curated.sensors")
        .hasMessageContaining("is boolean, which cannot hold it")
        .hasMessageContaining("ALTER COLUMN \"note\" TYPE text");
  }

  @Test
  void aNarrowerPostgresColumnIsWidenedAsIcebergAllows() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 5));
    PostgresExport export = export(16, TableSpec.of("curated.sensors"));
    export.export(lake.catalog);
    sql("ALTER TABLE lakestream.curated_sensors ALTER COLUMN value TYPE real");
    sql("UPDATE lakestream.curated_sensors SET value = NULL");
    TestLake.append(table, events(5, 5));

    export.export(lake.catalog);

    assertThat(
            sql(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = 'lakestream.curated_sensors'::regclass AND attname = 'value'"))
        .isEqualTo("double precision");
  }

  @Test
  void aggregatesAreKeyedByTheirConfiguredColumns() throws Exception {
    Schema stats =
        new Schema(
            NestedField.required(1, "window_start", Types.TimestampType.withZone()),
            NestedField.required(2, "window_end", Types.TimestampType.withZone()),
            NestedField.required(3, "device_id", Types.StringType.get()),
            NestedField.optional(4, "count", Types.LongType.get()),
            NestedField.optional(5, "avg_value", Types.DoubleType.get()));
    Table table = lake.create("aggregates.sensor_stats_5m", stats);
    List<Record> rows = new ArrayList<>();
    for (int w = 0; w < 10; w++) {
      for (int d = 0; d < 3; d++) {
        GenericRecord r = GenericRecord.create(stats);
        OffsetDateTime start = OffsetDateTime.parse("2026-01-01T00:00:00Z").plusMinutes(5L * w);
        r.setField("window_start", start);
        r.setField("window_end", start.plusMinutes(5));
        r.setField("device_id", "d-" + d);
        r.setField("count", (long) w * d);
        r.setField("avg_value", w + d / 10.0);
        rows.add(r);
      }
    }
    TestLake.append(table, rows);

    assertThatThrownBy(
            () -> export(16, TableSpec.of("aggregates.sensor_stats_5m")).export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("has no column event_id to use as its key")
        .hasMessageContaining("window_start");

    Table events = lake.create("curated.sensors", EVENTS);
    TestLake.append(events, events(0, 40));
    PostgresExport export =
        export(
            16,
            TableSpec.of("curated.sensors"),
            TableSpec.of("aggregates.sensor_stats_5m", "window_start", "window_end", "device_id"));
    ExportResult both = export.export(lake.catalog);
    assertThat(both.tables())
        .extracting(TableExportResult::table, TableExportResult::rowsInserted)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("curated.sensors", 40L),
            org.assertj.core.groups.Tuple.tuple("aggregates.sensor_stats_5m", 30L));
    assertExportedExactly(40);
    sql("DELETE FROM lakestream.lakestream_export_state");
    export.export(lake.catalog);

    assertThat(
            sql(
                "SELECT count(*), count(DISTINCT (window_start, device_id)), sum(count)"
                    + " FROM lakestream.aggregates_sensor_stats_5m"))
        .isEqualTo("30|30|135");
  }

  @Test
  void typesRoundTrip() throws Exception {
    Types.StructType point =
        Types.StructType.of(
            NestedField.optional(100, "a", Types.IntegerType.get()),
            NestedField.optional(101, "b", Types.StringType.get()),
            NestedField.optional(
                102, "tags", Types.ListType.ofOptional(103, Types.StringType.get())));
    Schema schema =
        new Schema(
            NestedField.required(1, "event_id", Types.StringType.get()),
            NestedField.optional(2, "ts", Types.TimestampType.withZone()),
            NestedField.optional(3, "lts", Types.TimestampType.withoutZone()),
            NestedField.optional(4, "d", Types.DateType.get()),
            NestedField.optional(5, "dbl", Types.DoubleType.get()),
            NestedField.optional(6, "flt", Types.FloatType.get()),
            NestedField.optional(7, "i", Types.IntegerType.get()),
            NestedField.optional(8, "l", Types.LongType.get()),
            NestedField.optional(9, "b", Types.BooleanType.get()),
            NestedField.optional(10, "dec", Types.DecimalType.of(10, 2)),
            NestedField.optional(11, "s", Types.StringType.get()),
            NestedField.optional(12, "st", point),
            NestedField.optional(
                13,
                "m",
                Types.MapType.ofOptional(14, 15, Types.StringType.get(), Types.LongType.get())),
            NestedField.optional(16, "u", Types.UUIDType.get()),
            NestedField.optional(17, "bin", Types.BinaryType.get()));
    Table table = lake.create("curated.types", schema);
    String weird = "tab\there\nnewline\r\\backslash \\N 'single' \"double\" ünïcødé 🚀 日本";
    UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    Record full = GenericRecord.create(table.schema());
    full.setField("event_id", "full");
    full.setField("ts", OffsetDateTime.parse("2026-03-04T05:06:07.123456+02:00"));
    full.setField("lts", LocalDateTime.parse("2026-03-04T05:06:07.000001"));
    full.setField("d", LocalDate.parse("1999-12-31"));
    full.setField("dbl", -1.2345678901234567e-300);
    full.setField("flt", 3.4028235e38f);
    full.setField("i", Integer.MIN_VALUE);
    full.setField("l", Long.MAX_VALUE);
    full.setField("b", true);
    full.setField("dec", new BigDecimal("-12345678.90"));
    full.setField("s", weird);
    Record st = GenericRecord.create(point);
    st.setField("a", 42);
    st.setField("b", weird);
    st.setField("tags", java.util.Arrays.asList("x", null, "y\tz"));
    full.setField("st", st);
    full.setField("m", Map.of("k", 1L));
    full.setField("u", uuid);
    full.setField("bin", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0x5c, (byte) 0xff}));

    Record nulls = GenericRecord.create(table.schema());
    nulls.setField("event_id", "nulls");

    Record special = GenericRecord.create(table.schema());
    special.setField("event_id", "special");
    special.setField("dbl", Double.NaN);
    special.setField("flt", Float.NEGATIVE_INFINITY);
    special.setField("s", "");
    special.setField("b", false);
    TestLake.append(table, List.of(full, nulls, special));

    export(16, TableSpec.of("curated.types")).export(lake.catalog);

    try (Connection c = pg.connect(db);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT event_id, ts, lts, d, dbl, flt, i, l, b, dec, s,"
                    + " st = '{\"a\": 42, \"b\": "
                    + jsonString(weird).replace("'", "''")
                    + ", \"tags\": [\"x\", null, \"y\\tz\"]}'::jsonb,"
                    + " st->>'b', m = '{\"k\": 1}'::jsonb, u, bin, st IS NULL, m IS NULL"
                    + " FROM lakestream.curated_types ORDER BY event_id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("full");
      assertThat(rs.getObject(2, OffsetDateTime.class).toInstant())
          .isEqualTo(Instant.parse("2026-03-04T03:06:07.123456Z"));
      assertThat(rs.getObject(3, LocalDateTime.class))
          .isEqualTo(LocalDateTime.parse("2026-03-04T05:06:07.000001"));
      assertThat(rs.getObject(4, LocalDate.class)).isEqualTo(LocalDate.parse("1999-12-31"));
      assertThat(rs.getDouble(5)).isEqualTo(-1.2345678901234567e-300);
      assertThat(rs.getFloat(6)).isEqualTo(3.4028235e38f);
      assertThat(rs.getInt(7)).isEqualTo(Integer.MIN_VALUE);
      assertThat(rs.getLong(8)).isEqualTo(Long.MAX_VALUE);
      assertThat(rs.getBoolean(9)).isTrue();
      assertThat(rs.getBigDecimal(10)).isEqualTo(new BigDecimal("-12345678.90"));
      assertThat(rs.getString(11)).isEqualTo(weird);
      assertThat(rs.getBoolean(12)).as("struct as jsonb").isTrue();
      assertThat(rs.getString(13)).isEqualTo(weird);
      assertThat(rs.getBoolean(14)).as("map as jsonb").isTrue();
      assertThat(rs.getObject(15, UUID.class)).isEqualTo(uuid);
      assertThat(rs.getBytes(16)).containsExactly(0, 1, 0x5c, 0xff);

      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("nulls");
      for (int col : new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16}) {
        assertThat(rs.getObject(col)).as("column %d", col).isNull();
      }
      assertThat(rs.getBoolean(17)).isTrue();
      assertThat(rs.getBoolean(18)).isTrue();

      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("special");
      assertThat(rs.getDouble(5)).isNaN();
      assertThat(rs.getFloat(6)).isEqualTo(Float.NEGATIVE_INFINITY);
      assertThat(rs.getString(11)).isEmpty();
      assertThat(rs.getBoolean(9)).isFalse();
      assertThat(rs.next()).isFalse();
    }
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  @Test
  void anUnreachableServerIsReportedWithHostAndPort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    lake.create("curated.sensors", EVENTS);
    PostgresExport export =
        new PostgresExport(
            ExportConfig.of(
                "jdbc:postgresql://127.0.0.1:" + port + "/analytics",
                "lake",
                "secret",
                List.of(TableSpec.of("curated.sensors"))));

    assertThatThrownBy(() -> export.export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("cannot reach PostgreSQL at 127.0.0.1:" + port + "/analytics")
        .hasMessageContaining("is the server running")
        .hasMessageNotContaining("secret");
  }

  @Test
  void aRejectedUserIsReported() {
    PostgresExport export =
        new PostgresExport(
            ExportConfig.of(
                "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db,
                "nobody",
                "wrong",
                List.of(TableSpec.of("curated.sensors"))));

    assertThatThrownBy(() -> export.export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("rejected user 'nobody'")
        .hasMessageContaining("check the user and password")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void aMissingDataFileIsReportedWithItsPath() throws Exception {
    Table table = lake.create("curated.sensors", EVENTS);
    TestLake.append(table, events(0, 10));
    table.refresh();
    String path = table.currentSnapshot().addedDataFiles(table.io()).iterator().next().location();
    java.nio.file.Files.delete(Path.of(java.net.URI.create(path)));

    assertThatThrownBy(() -> export(16, TableSpec.of("curated.sensors")).export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("cannot read data file " + path);
    assertThat(sql("SELECT count(*) FROM lakestream.curated_sensors")).isEqualTo("0");
  }

  @Test
  void aMissingDatabaseIsReported() {
    PostgresExport export =
        new PostgresExport(
            ExportConfig.of(
                "jdbc:postgresql://127.0.0.1:" + pg.port() + "/nosuchdb",
                "postgres",
                "",
                List.of(TableSpec.of("curated.sensors"))));

    assertThatThrownBy(() -> export.export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("has no such database");
  }

  @Test
  void aMissingLakeTableIsReported() {
    assertThatThrownBy(() -> export(16, TableSpec.of("curated.nope")).export(lake.catalog))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("lake table curated.nope does not exist");
  }
}
