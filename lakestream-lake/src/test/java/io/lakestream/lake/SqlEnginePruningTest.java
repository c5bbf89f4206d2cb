package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlEnginePruningTest {

  /** The rows written: id to event time, over three days (one data file per day). */
  private static final Map<String, String> ROWS = new LinkedHashMap<>();

  static {
    ROWS.put("p1", "2026-01-01T00:00:00Z");
    ROWS.put("p2", "2026-01-01T10:00:00Z");
    ROWS.put("p3", "2026-01-01T23:59:59.999999Z");
    ROWS.put("p4", "2026-01-02T00:00:00Z");
    ROWS.put("p5", "2026-01-02T12:34:56.789Z");
    ROWS.put("p6", "2026-01-02T23:59:59Z");
    ROWS.put("p7", "2026-01-03T00:00:00.000001Z");
    ROWS.put("p8", "2026-01-03T18:00:00+02:00");
  }

  @TempDir Path dir;

  private LakeCatalog lake;
  private SqlEngine sql;

  @BeforeEach
  void setUp() {
    LakeConfig config = TestLake.lakeConfig(dir);
    lake = LakeCatalog.open(config);
    Catalog catalog = lake.catalog();
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors"));
    Table sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
    List<Record> records = new ArrayList<>();
    ROWS.forEach(
        (id, time) ->
            records.add(
                TestLake.raw(
                    id,
                    "sensors",
                    id.compareTo("p5") < 0 ? "d1" : "d2",
                    time,
                    "2026-01-05T00:00:00Z",
                    "{}")));
    assertThat(TestLake.append(sensors, records)).hasSize(3);
    TestLake.append(
        catalog.loadTable(LakeSchemas.ERRORS_TABLE),
        List.of(TestLake.error("x1", "parse", "bad", "2026-01-01T10:00:00Z", null)));
    sql = SqlEngine.open(catalog);
  }

  @AfterEach
  void tearDown() {
    sql.close();
    lake.close();
  }

  private static Instant t(String iso) {
    return OffsetDateTime.parse(iso).toInstant();
  }

  /** The ids whose event time passes {@code p}, sorted: the answer computed without SQL. */
  private static List<Object> expected(Predicate<Instant> p) {
    return ROWS.entrySet().stream()
        .filter(e -> p.test(t(e.getValue())))
        .map(e -> (Object) e.getKey())
        .sorted()
        .toList();
  }

  private static List<Object> ids(QueryResult r) {
    return r.rows().stream().map(row -> row.get(0)).toList();
  }

  static Stream<Arguments> prunable() {
    return Stream.of(
        Arguments.of(
            "event_time >= TIMESTAMPTZ '2026-01-02 00:00:00+00'"
                + " AND event_time < '2026-01-03T00:00:00Z'::TIMESTAMPTZ",
            (Predicate<Instant>)
                i ->
                    !i.isBefore(t("2026-01-02T00:00:00Z")) && i.isBefore(t("2026-01-03T00:00:00Z")),
            1),
        Arguments.of(
            "event_time BETWEEN '2026-01-02' AND '2026-01-02 23:59:59.999999'",
            (Predicate<Instant>)
                i ->
                    !i.isBefore(t("2026-01-02T00:00:00Z"))
                        && !i.isAfter(t("2026-01-02T23:59:59.999999Z")),
            1),
        Arguments.of(
            "event_time = TIMESTAMPTZ '2026-01-02 12:34:56.789+00'",
            (Predicate<Instant>) i -> i.equals(t("2026-01-02T12:34:56.789Z")),
            1),
        Arguments.of(
            "'2026-01-03'::TIMESTAMPTZ > event_time",
            (Predicate<Instant>) i -> i.isBefore(t("2026-01-03T00:00:00Z")),
            2),
        Arguments.of(
            "event_time > DATE '2026-01-02'",
            (Predicate<Instant>) i -> i.isAfter(t("2026-01-02T00:00:00Z")),
            2),
        Arguments.of(
            "event_time <= TIMESTAMP '2026-01-01 23:59:59.999999'",
            (Predicate<Instant>) i -> !i.isAfter(t("2026-01-01T23:59:59.999999Z")),
            1),
        Arguments.of(
            "sensors.event_time >= CAST('2026-01-03 02:00:00+02' AS TIMESTAMPTZ)",
            (Predicate<Instant>) i -> !i.isBefore(t("2026-01-03T00:00:00Z")),
            1),
        Arguments.of(
            "event_time >= TIMESTAMPTZ '2026-01-03 01:00:00+01' AND key = 'd2'",
            (Predicate<Instant>) i -> !i.isBefore(t("2026-01-03T00:00:00Z")),
            1),
        Arguments.of(
            "key IS NOT NULL AND (event_time >= '2026-01-02') AND event_time < '2026-01-02 00:00:01'",
            (Predicate<Instant>)
                i ->
                    !i.isBefore(t("2026-01-02T00:00:00Z")) && i.isBefore(t("2026-01-02T00:00:01Z")),
            1),
        Arguments.of(
            "event_time < TIMESTAMPTZ '2026-01-01 00:00:00+00'",
            (Predicate<Instant>) i -> false,
            0),
        Arguments.of(
            "event_time >= DATETIME '2026-01-03 00:00:00.000001' AND event_time <= '2026-01-03 16:00:00'",
            (Predicate<Instant>)
                i ->
                    !i.isBefore(t("2026-01-03T00:00:00.000001Z"))
                        && !i.isAfter(t("2026-01-03T16:00:00Z")),
            1));
  }

  @ParameterizedTest
  @MethodSource("prunable")
  void prunesToTheMatchingDaysWithTheSameRows(String where, Predicate<Instant> oracle, int files) {
    QueryResult pruned =
        sql.query("SELECT id FROM raw.sensors AS sensors WHERE " + where + " ORDER BY id");
    // The same predicate over a subquery is not pruned: a full scan to compare with.
    QueryResult full =
        sql.query(
            "SELECT id FROM (SELECT * FROM raw.sensors) AS sensors WHERE "
                + where
                + " ORDER BY id");

    assertThat(ids(pruned)).isEqualTo(expected(oracle));
    assertThat(ids(full)).isEqualTo(ids(pruned));
    assertThat(full.filesScanned()).containsEntry("raw.sensors", 3);
    assertThat(pruned.filesScanned())
        .containsEntry("raw.sensors", files)
        .containsEntry("errors.records", 1);
  }

  @Test
  void oneDayScansOneFile() {
    String where =
        " WHERE event_time >= TIMESTAMPTZ '2026-01-02 00:00:00+00'"
            + " AND event_time < TIMESTAMPTZ '2026-01-03 00:00:00+00'";
    QueryResult r = sql.query("SELECT count(*) FROM raw.sensors" + where);
    assertThat(r.rows()).containsExactly(List.of(3L));
    assertThat(r.filesScanned()).containsEntry("raw.sensors", 1);

    QueryResult threePart =
        sql.query(
            "SELECT id FROM raw.sensors WHERE raw.sensors.event_time < '2026-01-01 10:00:00'"
                + " ORDER BY id");
    assertThat(ids(threePart)).containsExactly("p1");
    assertThat(threePart.filesScanned()).containsEntry("raw.sensors", 1);
  }

  static Stream<Arguments> notPrunable() {
    Predicate<Instant> fromDay3 = i -> !i.isBefore(t("2026-01-03T00:00:00Z"));
    return Stream.of(
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE event_time >= '2026-01-03' OR key = 'nope'",
            fromDay3),
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE date_trunc('day', event_time) = DATE '2026-01-03'",
            fromDay3),
        Arguments.of("SELECT id FROM raw.sensors WHERE NOT (event_time < '2026-01-03')", fromDay3),
        Arguments.of(
            "SELECT s.id FROM raw.sensors s JOIN raw.sensors t ON s.id = t.id"
                + " WHERE s.event_time >= '2026-01-03'",
            fromDay3),
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE event_time >= '2026-01-03'"
                + " AND id IN (SELECT id FROM raw.sensors)",
            fromDay3),
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE event_time >= '2026-01-03'"
                + " AND (SELECT count(*) FROM query_table('raw.sensors')) = 8",
            fromDay3),
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE event_time >= DATE '2026-01-03' + INTERVAL 0 DAY",
            fromDay3),
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE event_time >= '2026-01-03'"
                + " AND 'raw.sensors' IS NOT NULL",
            fromDay3),
        Arguments.of(
            "SELECT id FROM raw.sensors WHERE event_time IN"
                + " ('2026-01-03 00:00:00.000001+00', '2026-01-03 16:00:00+00')",
            fromDay3));
  }

  @ParameterizedTest
  @MethodSource("notPrunable")
  void scansEverythingWhenNotUnderstood(String query, Predicate<Instant> oracle) {
    QueryResult r = sql.query(query + " ORDER BY 1");
    assertThat(ids(r)).isEqualTo(expected(oracle));
    assertThat(r.filesScanned()).containsEntry("raw.sensors", 3);
  }

  @Test
  void everyReadOfATableMustBeFiltered() {
    // Both reads filtered: the view holds the union of what either may need.
    QueryResult both =
        sql.query(
            "SELECT id FROM raw.sensors WHERE event_time < '2026-01-02'"
                + " UNION ALL SELECT id FROM raw.sensors WHERE event_time >= '2026-01-03'"
                + " ORDER BY id");
    assertThat(ids(both))
        .isEqualTo(
            expected(
                i ->
                    i.isBefore(t("2026-01-02T00:00:00Z"))
                        || !i.isBefore(t("2026-01-03T00:00:00Z"))));
    assertThat(both.filesScanned()).containsEntry("raw.sensors", 2);

    // One read unfiltered: everything.
    QueryResult oneOpen =
        sql.query(
            "SELECT id FROM raw.sensors WHERE event_time < '2026-01-02'"
                + " UNION ALL SELECT id FROM raw.sensors ORDER BY id");
    assertThat(oneOpen.rows()).hasSize(8 + 3);
    assertThat(oneOpen.filesScanned()).containsEntry("raw.sensors", 3);

    // Filters in a CTE apply to the read inside it.
    QueryResult cte =
        sql.query(
            "WITH d AS (SELECT * FROM raw.sensors WHERE event_time >= '2026-01-03')"
                + " SELECT id FROM d ORDER BY id");
    assertThat(ids(cte)).isEqualTo(expected(i -> !i.isBefore(t("2026-01-03T00:00:00Z"))));
    assertThat(cte.filesScanned()).containsEntry("raw.sensors", 1);
  }

  @Test
  void aSelectAliasShadowingThePartitionColumnIsNotPruned() {
    QueryResult r =
        sql.query(
            "SELECT id, ingest_time AS event_time FROM raw.sensors"
                + " WHERE event_time >= '2026-01-03' ORDER BY id");
    assertThat(r.rows()).extracting(row -> row.get(0)).containsExactly("p7", "p8");
    assertThat(r.filesScanned()).containsEntry("raw.sensors", 3);
  }
}
