package io.lakestream.jobs.sql;

import io.lakestream.api.config.AggregationConfig;
import io.lakestream.api.config.DetectorConfig;
import io.lakestream.api.config.JoinConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.SqlText;
import io.lakestream.jobs.curated.CuratedSchema;
import io.lakestream.jobs.detect.DetectorInput;
import io.lakestream.lake.LakeSchemas;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ApiExpression;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Expressions;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The Flink SQL part of a pipeline: each source's curated rows become a view named after the
 * source, its {@code transform} SQL runs over them, and aggregations and joins run over the
 * results.
 *
 * <p>SQL mistakes are reported as {@link PipelineConfigException}s pointing at the YAML path and
 * line the SQL came from, before the job starts.
 */
public final class PipelineSql {

  /** A table the SQL produces and the lake table it goes to. */
  public record Output(
      TableIdentifier table,
      String partitionColumn,
      RowType rowType,
      DataStream<RowData> rows,
      Table plan) {}

  private final PipelineConfig cfg;
  private final StreamTableEnvironment tenv;
  private final Map<String, Table> curated = new LinkedHashMap<>();
  private final Map<String, Table> aggregated = new LinkedHashMap<>();
  private final List<PipelineConfigException.Problem> problems = new ArrayList<>();

  public PipelineSql(StreamExecutionEnvironment env, PipelineConfig cfg) {
    this.cfg = cfg;
    this.tenv = StreamTableEnvironment.create(env);
    // Window bounds are TIMESTAMP values in the session zone; UTC makes them read as instants.
    tenv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
  }

  /**
   * Registers a source: its in-flight rows (with watermarks) become the view {@code <source>}
   * (curated columns only), and its transform's result the view the curated table, aggregations and
   * joins read.
   */
  public void addSource(SourceConfig source, DataStream<RowData> inFlight, CuratedSchema schema) {
    Table all =
        tenv.fromDataStream(
            inFlight,
            Schema.newBuilder().watermark(CuratedSchema.EVENT_TIME, "SOURCE_WATERMARK()").build());
    ApiExpression[] columns =
        schema.columnNames().stream().map(Expressions::$).toArray(ApiExpression[]::new);
    Table base = all.select(columns);
    tenv.createTemporaryView(SqlStatements.quote(source.name()), base);
    Table result = base;
    if (source.transform() != null) {
      result = query(source.transform());
      if (result != null) {
        checkCuratedColumns(source.transform(), result.getResolvedSchema());
      }
    }
    if (result != null) {
      tenv.createTemporaryView(
          SqlStatements.quote(SqlStatements.curatedView(source.name())), result);
      curated.put(source.name(), result);
    }
  }

  /**
   * Plans the curated tables, aggregations and joins.
   *
   * @throws PipelineConfigException listing every SQL problem found, each at its YAML path
   */
  public List<Output> outputs() {
    List<Output> out = new ArrayList<>();
    for (Map.Entry<String, Table> e : curated.entrySet()) {
      Output o =
          output(
              LakeSchemas.curatedTable(e.getKey()),
              CuratedSchema.EVENT_TIME,
              e.getValue(),
              cfg.sources().get(e.getKey()).transform() == null
                  ? null
                  : cfg.sources().get(e.getKey()).transform());
      if (o != null) {
        out.add(o);
      }
    }
    for (AggregationConfig a : cfg.aggregations().values()) {
      if (!curated.containsKey(a.from())) {
        continue; // the source's own problem is reported already
      }
      String input = SqlStatements.aggregationInput(a);
      if (input != null) {
        Table filtered = query(new SqlText(input, a.path() + ".where", a.line()));
        if (filtered == null) {
          continue;
        }
        tenv.createTemporaryView(
            SqlStatements.quote(SqlStatements.aggregationInputView(a.name())), filtered);
      }
      SqlText sql = new SqlText(SqlStatements.aggregation(a), a.path(), a.line());
      Table t = query(sql);
      if (t != null) {
        aggregated.put(a.name(), t);
        Output o = output(LakeSchemas.aggregateTable(a.name()), "window_start", t, sql);
        if (o != null) {
          out.add(o);
        }
      }
    }
    for (JoinConfig j : cfg.joins().values()) {
      Table left = curated.get(j.left());
      Table right = curated.get(j.right());
      if (left == null || right == null) {
        continue;
      }
      SqlText sql =
          new SqlText(
              SqlStatements.join(
                  j,
                  left.getResolvedSchema().getColumnNames(),
                  right.getResolvedSchema().getColumnNames()),
              j.path(),
              j.line());
      Table t = query(sql);
      if (t != null) {
        Output o = output(LakeSchemas.curatedTable(j.name()), CuratedSchema.EVENT_TIME, t, sql);
        if (o != null) {
          out.add(o);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineConfigException("pipeline '" + cfg.name() + "'", problems);
    }
    return out;
  }

  /**
   * Each detector's input: the points it scores, as rows of {@link DetectorInput#ROW_TYPE} (key,
   * value, event time, event id), in the order the watched source's or aggregation's rows come.
   * Call after {@link #outputs()}.
   *
   * @throws PipelineConfigException when a detector's field or key is not a column of what it
   *     watches, or its field is not numeric; each at the detector's YAML path
   */
  public Map<String, DataStream<RowData>> detectorInputs() {
    Map<String, DataStream<RowData>> out = new LinkedHashMap<>();
    for (DetectorConfig d : cfg.alerting().detectors().values()) {
      Table watched = d.onAggregation() ? aggregated.get(d.on()) : curated.get(d.on());
      if (watched == null) {
        continue; // its SQL did not plan: reported already
      }
      ResolvedSchema schema = watched.getResolvedSchema();
      SqlText at = new SqlText("", d.path(), d.line());
      var field = schema.getColumn(d.field());
      if (field.isEmpty()) {
        problem(
            new SqlText("", d.path() + ".field", d.line()),
            "'"
                + d.on()
                + "' has no column '"
                + d.field()
                + "'; its columns: "
                + String.join(", ", schema.getColumnNames()));
        continue;
      }
      if (!field.get().getDataType().getLogicalType().is(LogicalTypeFamily.NUMERIC)) {
        problem(
            new SqlText("", d.path() + ".field", d.line()),
            "column '"
                + d.field()
                + "' of '"
                + d.on()
                + "' is "
                + field.get().getDataType().getLogicalType().asSummaryString()
                + ", not a number; detectors score numeric columns (cast it in the source's"
                + " transform if it holds numbers as text)");
        continue;
      }
      List<String> missing = d.key().stream().filter(k -> schema.getColumn(k).isEmpty()).toList();
      if (!missing.isEmpty()) {
        problem(
            new SqlText("", d.path() + ".key", d.line()),
            "'"
                + d.on()
                + "' has no column "
                + missing.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "))
                + "; its columns: "
                + String.join(", ", schema.getColumnNames()));
        continue;
      }
      String view = d.name() + "$detector_input";
      tenv.createTemporaryView(SqlStatements.quote(view), watched);
      String sql =
          DetectorInput.select(
              d, SqlStatements.quote(view), schema.getColumn(CuratedSchema.EVENT_ID).isPresent());
      Table t = query(new SqlText(sql, at.path(), at.line()));
      if (t != null) {
        out.put(
            d.name(), tenv.toDataStream(t, DetectorInput.ROW_DATA_TYPE.bridgedTo(RowData.class)));
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineConfigException("pipeline '" + cfg.name() + "'", problems);
    }
    return out;
  }

  /** The SQL's table, or null when the planner refused it (recorded as a problem). */
  private Table query(SqlText sql) {
    try {
      return tenv.sqlQuery(sql.sql());
    } catch (RuntimeException e) {
      // ValidationException and TableException mostly; the parser throws its own type
      // (SqlParserException) from the planner module.
      problem(sql, "Flink SQL: " + message(e) + explain(sql));
      return null;
    }
  }

  private void checkCuratedColumns(SqlText sql, ResolvedSchema schema) {
    if (schema.getColumn(CuratedSchema.EVENT_ID).isEmpty()) {
      problem(
          sql,
          "the transform's result has no event_id column; keep it (e.g. SELECT *, ... FROM <source>)"
              + " so the curated table stays deduplicated by event id");
    }
    var time = schema.getColumn(CuratedSchema.EVENT_TIME);
    if (time.isEmpty()
        || !LogicalTypeChecks.isRowtimeAttribute(time.get().getDataType().getLogicalType())) {
      problem(
          sql,
          "the transform's result must keep event_time unchanged (it carries the watermark that"
              + " windows and joins run on); select it as is, e.g. SELECT *, ... FROM <source>");
    }
  }

  private Output output(TableIdentifier id, String partitionColumn, Table table, SqlText origin) {
    Table plain = withoutTimeAttributes(table);
    DataType type = plain.getResolvedSchema().toPhysicalRowDataType();
    try {
      DataStream<RowData> rows = tenv.toDataStream(plain, type.bridgedTo(RowData.class));
      return new Output(id, partitionColumn, (RowType) type.getLogicalType(), rows, plain);
    } catch (RuntimeException e) {
      // ValidationException and TableException mostly; the planner also wraps them in plain
      // RuntimeExceptions (e.g. a derived time attribute), which must be reported the same way.
      SqlText at = origin == null ? new SqlText("", "sources." + id.name(), 0) : origin;
      String m = message(e);
      boolean updating = m.contains("update") || m.contains("changes");
      problem(
          at,
          "Flink SQL: "
              + m
              + (updating
                  ? " (lake tables are append-only: use window aggregations or interval joins,"
                      + " not a plain GROUP BY or a regular join, which update earlier results)"
                  : ""));
      return null;
    }
  }

  /**
   * The output laid out as its lake table is: the table's columns in the table's order and types,
   * NULL for a column the SQL no longer produces (it was dropped from a transform, say). Needed
   * because the lake writer matches columns by position.
   *
   * @param tableType the lake table's columns as Flink types
   */
  public Output reshape(Output o, RowType tableType) {
    if (tableType.equals(o.rowType())) {
      return o;
    }
    List<String> produced = o.rowType().getFieldNames();
    List<ApiExpression> select = new ArrayList<>();
    for (RowType.RowField f : tableType.getFields()) {
      DataType want =
          org.apache.flink.table.types.utils.TypeConversions.fromLogicalToDataType(f.getType());
      int i = produced.indexOf(f.getName());
      if (i < 0) {
        select.add(Expressions.nullOf(want.nullable()).as(f.getName()));
      } else if (o.rowType().getTypeAt(i).equals(f.getType())) {
        select.add(Expressions.$(f.getName()));
      } else {
        select.add(Expressions.$(f.getName()).cast(want).as(f.getName()));
      }
    }
    Table shaped = o.plan().select(select.toArray(ApiExpression[]::new));
    DataType type = shaped.getResolvedSchema().toPhysicalRowDataType();
    DataStream<RowData> rows = tenv.toDataStream(shaped, type.bridgedTo(RowData.class));
    return new Output(
        o.table(), o.partitionColumn(), (RowType) type.getLogicalType(), rows, shaped);
  }

  /** Casts rowtime columns to plain timestamps: a sink takes at most one, and the lake none. */
  private static Table withoutTimeAttributes(Table table) {
    List<ApiExpression> select = new ArrayList<>();
    boolean any = false;
    for (Column c : table.getResolvedSchema().getColumns()) {
      LogicalType t = c.getDataType().getLogicalType();
      if (LogicalTypeChecks.isTimeAttribute(t)) {
        any = true;
        DataType plain = DataTypes.TIMESTAMP_LTZ(3);
        select.add(
            Expressions.$(c.getName())
                .cast(t.isNullable() ? plain : plain.notNull())
                .as(c.getName()));
      } else {
        select.add(Expressions.$(c.getName()));
      }
    }
    return any ? table.select(select.toArray(ApiExpression[]::new)) : table;
  }

  private static final java.util.regex.Pattern SQL_POSITION =
      java.util.regex.Pattern.compile("(?:at|[Ff]rom) line (\\d+), column \\d+");

  private void problem(SqlText at, String message) {
    int line = at.line();
    // SQL written in the file (a transform): point at the line of the mistake itself, not at the
    // first line of the statement. Generated SQL keeps the line of its YAML section.
    var m = SQL_POSITION.matcher(message);
    if (line > 0 && at.path().startsWith("sources.") && m.find()) {
      line += Integer.parseInt(m.group(1)) - 1;
    }
    problems.add(new PipelineConfigException.Problem(at.path(), line, 0, message));
  }

  private static String explain(SqlText sql) {
    return sql.path().startsWith("sources.")
        ? ""
        : System.lineSeparator() + "    generated SQL: " + sql.sql();
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    Throwable c = e.getCause();
    while ((m == null || m.isBlank()) && c != null) {
      m = c.getMessage();
      c = c.getCause();
    }
    return m == null ? e.getClass().getSimpleName() : m.strip();
  }
}
