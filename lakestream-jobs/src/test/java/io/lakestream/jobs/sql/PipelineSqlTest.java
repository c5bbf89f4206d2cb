package io.lakestream.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.lakestream.api.config.AggregationConfig;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.EventTimeConfig.TimeFormat;
import io.lakestream.api.config.GatewayConfig;
import io.lakestream.api.config.JoinConfig;
import io.lakestream.api.config.JoinConfig.Direction;
import io.lakestream.api.config.KafkaConfig;
import io.lakestream.api.config.LakeConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.PipelineConfigException.Problem;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.SqlText;
import io.lakestream.api.config.WindowConfig;
import io.lakestream.jobs.curated.CuratedSchema;
import io.lakestream.jobs.curated.InFlightRows;
import io.lakestream.jobs.ingest.RawEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Planning of a pipeline's SQL over bounded in-flight streams: what the planner refuses comes back
 * at its YAML path, what it accepts becomes lake-ready outputs.
 */
class PipelineSqlTest {

  private static final Path SCHEMAS = Path.of("../examples/iot/schemas");

  private static final LogicalType STRING = new VarCharType(VarCharType.MAX_LENGTH);
  private static final LogicalType STRING_NOT_NULL = new VarCharType(false, VarCharType.MAX_LENGTH);
  private static final LogicalType TIME_NOT_NULL = new LocalZonedTimestampType(false, 3);
  private static final LogicalType DOUBLE = new DoubleType();

  private static final Instant T0 = Instant.parse("2026-11-23T14:00:00Z");

  private static Level rootLevel;

  @BeforeAll
  static void quietFlink() {
    // Flink logs at DEBUG by default here; the mini cluster alone would write megabytes.
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    root.setLevel(Level.WARN);
  }

  @AfterAll
  static void restoreLogging() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(rootLevel);
  }

  // ------------------------------------------------------------------------------ config helpers

  private static String schema(String file) {
    try {
      return Files.readString(SCHEMAS.resolve(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static SourceConfig source(
      String name, String schemaFile, String key, TimeFormat format, String transform, int line) {
    return new SourceConfig(
        name,
        "http",
        "schemas/" + schemaFile,
        schema(schemaFile),
        key,
        new EventTimeConfig(
            "ts", format, Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(1)),
        List.of(),
        List.of(),
        transform == null ? null : new SqlText(transform, "sources." + name + ".transform", line));
  }

  private static SourceConfig sensors(String name, String transform, int line) {
    return source(
        name, "sensor-reading.schema.json", "device_id", TimeFormat.ISO8601, transform, line);
  }

  private static SourceConfig clickstream(String transform, int line) {
    return source(
        "clickstream",
        "click-event.schema.json",
        "user_id",
        TimeFormat.EPOCH_MILLIS,
        transform,
        line);
  }

  private static SourceConfig transactions() {
    return source(
        "transactions", "transaction.schema.json", "user_id", TimeFormat.ISO8601, null, 0);
  }

  private static AggregationConfig aggregation(
      String name,
      String from,
      WindowConfig window,
      List<String> groupBy,
      Map<String, String> measures,
      String where,
      int line) {
    return new AggregationConfig(
        name, from, window, groupBy, measures, where, "aggregations." + name, line);
  }

  private static JoinConfig join(
      String name,
      String left,
      String right,
      String leftField,
      String rightField,
      Direction direction,
      Map<String, String> select,
      int line) {
    return new JoinConfig(
        name,
        left,
        right,
        leftField,
        rightField,
        Duration.ofMinutes(30),
        direction,
        select,
        "joins." + name,
        line);
  }

  private static <V> Map<String, V> ordered(Object... keyThenValue) {
    Map<String, V> m = new LinkedHashMap<>();
    for (int i = 0; i < keyThenValue.length; i += 2) {
      @SuppressWarnings("unchecked")
      V v = (V) keyThenValue[i + 1];
      m.put((String) keyThenValue[i], v);
    }
    return m;
  }

  private static PipelineConfig pipeline(
      List<SourceConfig> sources, List<AggregationConfig> aggregations, List<JoinConfig> joins) {
    Map<String, SourceConfig> s = new LinkedHashMap<>();
    sources.forEach(c -> s.put(c.name(), c));
    Map<String, AggregationConfig> a = new LinkedHashMap<>();
    aggregations.forEach(c -> a.put(c.name(), c));
    Map<String, JoinConfig> j = new LinkedHashMap<>();
    joins.forEach(c -> j.put(c.name(), c));
    return new PipelineConfig(
        "sql-test",
        Duration.ofSeconds(10),
        1,
        Duration.ofMinutes(15),
        new KafkaConfig("localhost:9092", 1, (short) 1, "lakestream.", Map.of()),
        new GatewayConfig("127.0.0.1", 0, 1_000_000, Duration.ofSeconds(5), List.of(), false),
        new LakeConfig("/tmp/lakestream-sql-test", "jdbc:sqlite::memory:", Map.of()),
        s,
        Map.of(),
        a,
        j,
        List.of());
  }

  // ------------------------------------------------------------------------------ stream helpers

  /** An in-flight row of a source: system columns, the given payload columns, a Kafka origin. */
  private static RowData row(CuratedSchema schema, String id, Instant eventTime, Object... values) {
    GenericRowData curated = new GenericRowData(schema.rowType().getFieldCount());
    curated.setField(0, StringData.fromString(id));
    curated.setField(1, TimestampData.fromInstant(eventTime));
    curated.setField(2, TimestampData.fromInstant(eventTime.plusSeconds(1)));
    for (int i = 0; i < values.length; i += 2) {
      int pos = schema.index((String) values[i]);
      assertThat(pos).as("column %s", values[i]).isNotNegative();
      Object v = values[i + 1];
      curated.setField(pos, v instanceof String str ? StringData.fromString(str) : v);
    }
    RawEvent e = new RawEvent();
    e.value = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    e.origin = "test";
    e.topic = "lakestream.sql-test.raw";
    e.partition = 0;
    e.offset = 1;
    return InFlightRows.of(curated, e, 0);
  }

  /** A bounded stream of in-flight rows with event-time watermarks, as PipelineJob assigns them. */
  private static DataStream<RowData> stream(
      StreamExecutionEnvironment env, CuratedSchema schema, RowData... rows) {
    return env.fromData(InFlightRows.typeInfo(schema), rows)
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<RowData>forBoundedOutOfOrderness(Duration.ZERO)
                .withTimestampAssigner((r, ts) -> r.getTimestamp(1, 3).getMillisecond()));
  }

  private static CuratedSchema curatedSchema(SourceConfig s) {
    return CuratedSchema.of(s.schemaJson(), Map.of(), Map.of());
  }

  /** Registers every source of the pipeline with one placeholder row each. */
  private static PipelineSql plan(StreamExecutionEnvironment env, PipelineConfig cfg) {
    PipelineSql sql = new PipelineSql(env, cfg);
    for (SourceConfig s : cfg.sources().values()) {
      CuratedSchema schema = curatedSchema(s);
      sql.addSource(s, stream(env, schema, row(schema, s.name() + "-1", T0)), schema);
    }
    return sql;
  }

  private static StreamExecutionEnvironment env() {
    return StreamExecutionEnvironment.createLocalEnvironment(1);
  }

  private static PipelineSql.Output output(List<PipelineSql.Output> outputs, String table) {
    return outputs.stream()
        .filter(o -> o.table().toString().equals(table))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no output " + table + " in " + outputs));
  }

  // ------------------------------------------------------------------------------------- tests

  @Test
  void everySqlProblemIsReportedAtItsYamlPathInOneException() {
    SourceConfig syntax = sensors("broken_syntax", "SELEC * FROM broken_syntax", 11);
    SourceConfig unknown =
        sensors(
            "unknown_column",
            "SELECT event_id, event_time, ingest_time, temprature FROM unknown_column",
            21);
    SourceConfig noTime = sensors("no_time", "SELECT event_id, device_id FROM no_time", 31);
    SourceConfig grouped =
        sensors(
            "grouped",
            "SELECT event_id, MAX(event_time) AS event_time, COUNT(*) AS n"
                + " FROM grouped GROUP BY event_id",
            41);
    SourceConfig ok = sensors("sensors", null, 0);
    SourceConfig clicks = clickstream(null, 0);
    WindowConfig fiveMinutes =
        new WindowConfig(WindowConfig.Type.TUMBLE, Duration.ofMinutes(5), null, null);
    PipelineConfig cfg =
        pipeline(
            List.of(syntax, unknown, noTime, grouped, ok, clicks),
            List.of(
                aggregation(
                    "bad_measure",
                    "sensors",
                    fiveMinutes,
                    List.of("device_id"),
                    ordered("readings", "COUNT(*)", "max_t", "MAX(temprature)"),
                    null,
                    51),
                aggregation(
                    "bad_where",
                    "sensors",
                    fiveMinutes,
                    List.of(),
                    ordered("readings", "COUNT(*)"),
                    "temprature > 30",
                    61),
                // over a source whose transform failed: reported once, at the source
                aggregation(
                    "over_broken",
                    "broken_syntax",
                    fiveMinutes,
                    List.of(),
                    ordered("readings", "COUNT(*)"),
                    null,
                    66)),
            List.of(
                join(
                    "bad_join",
                    "sensors",
                    "clickstream",
                    "device_id",
                    "user_id",
                    Direction.BOTH,
                    ordered("nope", "sensors.nope"),
                    71),
                join(
                    "over_unknown",
                    "unknown_column",
                    "clickstream",
                    "device_id",
                    "user_id",
                    Direction.BOTH,
                    Map.of(),
                    76)));

    PipelineSql sql = plan(env(), cfg);
    PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class, sql::outputs);

    assertThat(e).as("expected the SQL to be rejected").isNotNull();
    List<Problem> problems = e.problems();
    assertThat(problems)
        .extracting(Problem::path, Problem::line, Problem::column)
        .containsExactly(
            tuple("sources.broken_syntax.transform", 11, 0),
            tuple("sources.unknown_column.transform", 21, 0),
            tuple("sources.no_time.transform", 31, 0),
            tuple("sources.grouped.transform", 41, 0),
            tuple("aggregations.bad_measure", 51, 0),
            tuple("aggregations.bad_where.where", 61, 0),
            tuple("joins.bad_join", 71, 0));

    assertThat(problems.get(0).message()).startsWith("Flink SQL: SQL parse failed.");
    assertThat(problems.get(1).message())
        .startsWith("Flink SQL: SQL validation failed.")
        .contains("Column 'temprature' not found");
    assertThat(problems.get(2).message())
        .isEqualTo(
            "the transform's result must keep event_time unchanged (it carries the watermark that"
                + " windows and joins run on); select it as is, e.g. SELECT *, ... FROM <source>");
    // an updating result plans, but cannot become an append-only stream
    assertThat(problems.get(3).message())
        .startsWith("Flink SQL: ")
        .contains("doesn't support consuming update changes")
        .endsWith(
            "(lake tables are append-only: use window aggregations or interval joins, not a"
                + " plain GROUP BY or a regular join, which update earlier results)");
    // a source's own SQL is in the file; generated SQL is shown with the problem
    assertThat(problems.subList(0, 4))
        .allSatisfy(p -> assertThat(p.message()).doesNotContain("generated SQL"));
    assertThat(problems.get(4).message())
        .startsWith("Flink SQL: SQL validation failed.")
        .contains("Column 'temprature' not found")
        .endsWith(
            System.lineSeparator()
                + "    generated SQL: "
                + SqlStatements.aggregation(cfg.aggregations().get("bad_measure")));
    assertThat(problems.get(5).message())
        .contains("Column 'temprature' not found")
        .endsWith(
            System.lineSeparator()
                + "    generated SQL: SELECT * FROM `sensors$curated` WHERE temprature > 30");
    assertThat(problems.get(6).message())
        .contains("Column 'nope' not found in table 'sensors'")
        .contains("generated SQL: SELECT ");

    assertThat(e.getMessage())
        .startsWith("pipeline 'sql-test': 7 problems")
        .contains("pipeline 'sql-test':41: sources.grouped.transform: ");
  }

  @Test
  void aTransformMustKeepTheEventIdAndTheRowtimeEventTime() {
    PipelineConfig cfg =
        pipeline(
            List.of(
                sensors("no_id", "SELECT event_time, device_id FROM no_id", 5),
                sensors(
                    "recast",
                    "SELECT event_id, CAST(event_time AS TIMESTAMP_LTZ(3)) AS event_time"
                        + " FROM recast",
                    9),
                sensors("star", "SELECT *, temperature * 2 AS double_t FROM star", 13)),
            List.of(),
            List.of());

    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> plan(env(), cfg).outputs());

    assertThat(e).isNotNull();
    assertThat(e.problems())
        .extracting(Problem::path, Problem::line)
        .containsExactly(tuple("sources.no_id.transform", 5), tuple("sources.recast.transform", 9));
    assertThat(e.problems().get(0).message())
        .isEqualTo(
            "the transform's result has no event_id column; keep it (e.g. SELECT *, ... FROM"
                + " <source>) so the curated table stays deduplicated by event id");
    assertThat(e.problems().get(1).message())
        .startsWith("the transform's result must keep event_time unchanged");
  }

  @Test
  void aValidPipelineBecomesLakeOutputs() {
    SourceConfig sensors =
        sensors(
            "sensors",
            """
            SELECT event_id, event_time, ingest_time, device_id, site,
                   temperature AS temperature_c,
                   ROUND(temperature * 1.8 + 32, 2) AS temperature_f
            FROM sensors
            WHERE firmware IS NULL OR firmware <> '0.0.0-test'""",
            70);
    SourceConfig clicks = clickstream(null, 0);
    SourceConfig txns = transactions();
    PipelineConfig cfg =
        pipeline(
            List.of(sensors, clicks, txns),
            List.of(
                aggregation(
                    "sensor_stats_5m",
                    "sensors",
                    new WindowConfig(WindowConfig.Type.TUMBLE, Duration.ofMinutes(5), null, null),
                    List.of("device_id", "site"),
                    ordered(
                        "readings", "COUNT(*)",
                        "avg_temperature_c", "AVG(temperature_c)",
                        "p95_temperature_c", "PERCENTILE(temperature_c, 0.95)"),
                    null,
                    100),
                aggregation(
                    "site_activity_15m",
                    "sensors",
                    new WindowConfig(
                        WindowConfig.Type.HOP, Duration.ofMinutes(15), Duration.ofMinutes(5), null),
                    List.of("site"),
                    ordered("active_devices", "COUNT(DISTINCT device_id)"),
                    "temperature_f > 32",
                    110),
                aggregation(
                    "user_sessions",
                    "clickstream",
                    new WindowConfig(WindowConfig.Type.SESSION, null, null, Duration.ofMinutes(30)),
                    List.of("user_id"),
                    ordered(
                        "events", "COUNT(*)",
                        "purchases", "SUM(CASE WHEN action = 'purchase' THEN 1 ELSE 0 END)"),
                    null,
                    120)),
            List.of(
                join(
                    "clicks_to_payments",
                    "clickstream",
                    "transactions",
                    "user_id",
                    "user_id",
                    Direction.AFTER,
                    ordered(
                        "user_id", "clickstream.user_id",
                        "page", "clickstream.page",
                        "amount", "transactions.amount"),
                    130),
                join(
                    "payments_near_clicks",
                    "transactions",
                    "clickstream",
                    "user_id",
                    "user_id",
                    Direction.BEFORE,
                    Map.of(),
                    140)));

    List<PipelineSql.Output> outputs = plan(env(), cfg).outputs();

    assertThat(outputs)
        .extracting(o -> o.table().toString(), PipelineSql.Output::partitionColumn)
        .containsExactly(
            tuple("curated.sensors", "event_time"),
            tuple("curated.clickstream", "event_time"),
            tuple("curated.transactions", "event_time"),
            tuple("aggregates.sensor_stats_5m", "window_start"),
            tuple("aggregates.site_activity_15m", "window_start"),
            tuple("aggregates.user_sessions", "window_start"),
            tuple("curated.clicks_to_payments", "event_time"),
            tuple("curated.payments_near_clicks", "event_time"));

    for (PipelineSql.Output o : outputs) {
      // nothing the lake cannot store: no rowtime or proctime attributes left
      assertThat(o.rowType().getChildren())
          .as("%s", o.table())
          .noneMatch(LogicalTypeChecks::isTimeAttribute);
      // the stream carries exactly the row type the lake table is made from
      assertThat(o.rows().getType())
          .as("%s", o.table())
          .isInstanceOfSatisfying(
              ExternalTypeInfo.class,
              t -> assertThat(t.getDataType().getLogicalType()).isEqualTo(o.rowType()));
      assertThat(o.rowType().getFieldNames()).as("%s", o.table()).contains(o.partitionColumn());
      assertThat(o.rowType().getTypeAt(o.rowType().getFieldIndex(o.partitionColumn())))
          .as("%s partition column", o.table())
          .isEqualTo(TIME_NOT_NULL);
    }

    assertFields(
        output(outputs, "curated.sensors").rowType(),
        "event_id",
        STRING_NOT_NULL,
        "event_time",
        TIME_NOT_NULL,
        "ingest_time",
        TIME_NOT_NULL,
        "device_id",
        STRING,
        "site",
        STRING,
        "temperature_c",
        DOUBLE,
        "temperature_f",
        DOUBLE);
    assertThat(output(outputs, "curated.clickstream").rowType().getFieldNames())
        .containsExactly(
            "event_id",
            "event_time",
            "ingest_time",
            "schema_version",
            "id",
            "user_id",
            "session_id",
            "ts",
            "page",
            "referrer",
            "action",
            "device");
    assertFields(
        output(outputs, "aggregates.sensor_stats_5m").rowType(),
        "window_start",
        TIME_NOT_NULL,
        "window_end",
        TIME_NOT_NULL,
        "device_id",
        STRING,
        "site",
        STRING,
        "readings",
        new BigIntType(false),
        "avg_temperature_c",
        DOUBLE,
        "p95_temperature_c",
        DOUBLE);
    assertFields(
        output(outputs, "aggregates.site_activity_15m").rowType(),
        "window_start",
        TIME_NOT_NULL,
        "window_end",
        TIME_NOT_NULL,
        "site",
        STRING,
        "active_devices",
        new BigIntType(false));
    assertThat(output(outputs, "aggregates.user_sessions").rowType().getFieldNames())
        .containsExactly("window_start", "window_end", "user_id", "events", "purchases");
    assertFields(
        output(outputs, "curated.clicks_to_payments").rowType(),
        "event_time",
        TIME_NOT_NULL,
        "clickstream_event_id",
        STRING_NOT_NULL,
        "transactions_event_id",
        STRING_NOT_NULL,
        "transactions_event_time",
        TIME_NOT_NULL,
        "user_id",
        STRING,
        "page",
        STRING,
        "amount",
        DOUBLE);
    assertThat(output(outputs, "curated.payments_near_clicks").rowType().getFieldNames())
        .containsExactly(
            "event_time",
            "transactions_event_id",
            "clickstream_event_id",
            "clickstream_event_time",
            "transactions_schema_version",
            "transactions_id",
            "transactions_txn_id",
            "transactions_account_id",
            "transactions_user_id",
            "transactions_ts",
            "transactions_amount",
            "transactions_currency",
            "transactions_merchant",
            "transactions_status",
            "clickstream_schema_version",
            "clickstream_id",
            "clickstream_user_id",
            "clickstream_session_id",
            "clickstream_ts",
            "clickstream_page",
            "clickstream_referrer",
            "clickstream_action",
            "clickstream_device");
  }

  @Test
  void aSessionOverTwoGroupByFieldsPlans() {
    PipelineConfig cfg =
        pipeline(
            List.of(sensors("sensors", null, 0)),
            List.of(
                aggregation(
                    "sessions",
                    "sensors",
                    new WindowConfig(WindowConfig.Type.SESSION, null, null, Duration.ofMinutes(5)),
                    List.of("device_id", "site"),
                    ordered("readings", "COUNT(*)"),
                    null,
                    20)),
            List.of());

    List<PipelineSql.Output> outputs = plan(env(), cfg).outputs();

    assertThat(output(outputs, "aggregates.sessions").rowType().getFieldNames())
        .containsExactly("window_start", "window_end", "device_id", "site", "readings");
  }

  @Test
  void aTransformThatDerivesEventTimeIsAProblemNotACrash() {
    PipelineConfig cfg =
        pipeline(
            List.of(
                sensors("broken", "SELEC * FROM broken", 3),
                sensors(
                    "sensors",
                    "SELECT event_id, event_time + INTERVAL '1' HOUR AS event_time, device_id"
                        + " FROM sensors",
                    7)),
            List.of(
                aggregation(
                    "stats",
                    "sensors",
                    new WindowConfig(WindowConfig.Type.TUMBLE, Duration.ofMinutes(5), null, null),
                    List.of("device_id"),
                    ordered("readings", "COUNT(*)"),
                    null,
                    20)),
            List.of());

    PipelineSql sql = plan(env(), cfg);
    Throwable thrown = catchThrowable(sql::outputs);

    assertThat(thrown).isInstanceOf(PipelineConfigException.class);
    assertThat(((PipelineConfigException) thrown).problems())
        .extracting(Problem::path)
        .contains("sources.broken.transform")
        .containsAnyOf("sources.sensors.transform", "aggregations.stats");
  }

  private static void assertFields(RowType type, Object... nameThenType) {
    List<String> names = new ArrayList<>();
    List<LogicalType> types = new ArrayList<>();
    for (int i = 0; i < nameThenType.length; i += 2) {
      names.add((String) nameThenType[i]);
      types.add((LogicalType) nameThenType[i + 1]);
    }
    assertThat(type.getFieldNames()).containsExactlyElementsOf(names);
    assertThat(type.getChildren()).containsExactlyElementsOf(types);
  }

  /** One window aggregation run for real over a bounded stream, with its where filter. */
  @Test
  void aTumblingWindowAggregationRunsEndToEnd() throws Exception {
    SourceConfig source = sensors("sensors", null, 0);
    AggregationConfig stats =
        aggregation(
            "stats_1m",
            "sensors",
            new WindowConfig(WindowConfig.Type.TUMBLE, Duration.ofMinutes(1), null, null),
            List.of("device_id"),
            ordered("readings", "COUNT(*)", "max_t", "MAX(temperature)"),
            "device_id <> 'ignored'",
            10);
    PipelineConfig cfg = pipeline(List.of(source), List.of(stats), List.of());
    CuratedSchema schema = curatedSchema(source);

    StreamExecutionEnvironment env = env();
    PipelineSql sql = new PipelineSql(env, cfg);
    sql.addSource(
        source,
        stream(
            env,
            schema,
            row(schema, "e1", T0.plusSeconds(10), "device_id", "dev-a", "temperature", 20.0),
            row(schema, "e2", T0.plusSeconds(30), "device_id", "dev-b", "temperature", 10.0),
            row(schema, "e3", T0.plusSeconds(50), "device_id", "dev-a", "temperature", 22.5),
            row(schema, "e4", T0.plusSeconds(55), "device_id", "ignored", "temperature", 99.0),
            row(schema, "e5", T0.plusSeconds(70), "device_id", "dev-a", "temperature", 30.0)),
        schema);
    PipelineSql.Output out = output(sql.outputs(), "aggregates.stats_1m");

    List<String> results = new ArrayList<>();
    for (RowData r : out.rows().executeAndCollect(10)) {
      results.add(
          r.getTimestamp(0, 3).toInstant()
              + " "
              + r.getTimestamp(1, 3).toInstant()
              + " "
              + r.getString(2)
              + " "
              + r.getLong(3)
              + " "
              + r.getDouble(4));
    }
    results.sort(Comparator.naturalOrder());

    assertThat(results)
        .containsExactly(
            "2026-11-23T14:00:00Z 2026-11-23T14:01:00Z dev-a 2 22.5",
            "2026-11-23T14:00:00Z 2026-11-23T14:01:00Z dev-b 1 10.0",
            "2026-11-23T14:01:00Z 2026-11-23T14:02:00Z dev-a 1 30.0");
  }
}
