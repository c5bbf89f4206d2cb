package io.lakestream.lake;

import io.lakestream.lake.internal.DuckSql;
import io.lakestream.lake.internal.JdbcValues;
import io.lakestream.lake.internal.Locations;
import io.lakestream.lake.internal.PartitionPruner;
import io.lakestream.lake.internal.ReadOnlyGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Read-only SQL over the lake: DuckDB queries the Parquet files of the current Iceberg snapshot of
 * every table in the lake's zones: {@code raw}, {@code curated}, {@code aggregates}, {@code errors}
 * and {@code alerts}.
 *
 * <pre>{@code
 * try (SqlEngine sql = SqlEngine.open(lake.catalog())) {
 *   QueryResult r = sql.query("SELECT stage, count(*) FROM errors.records GROUP BY stage");
 * }
 * }</pre>
 *
 * <p>Each query runs in a fresh in-memory DuckDB database, so it sees the latest commits. Tables
 * appear as views ({@code raw.sensors}, {@code errors.records}) over exactly the data files Iceberg
 * plans for the current snapshot, never over a folder: a folder also holds files of failed or
 * not-yet-committed writes. A view has the columns of the table's current schema, in its order and
 * types, whatever schema each file was written with: a file's columns are matched to the schema by
 * the Iceberg field ids in its Parquet footer, so renamed and moved columns read right, and a
 * column the file does not have (added after it was written) reads as null. Before the query runs,
 * the database is locked down: file access is limited to those planned files, extensions cannot be
 * installed or loaded, and the configuration cannot be changed; only a single SELECT-like statement
 * is accepted.
 *
 * <p>{@link #query(String, QueryOptions)} reads older snapshots (time travel, by instant or by
 * pinned snapshot id), cancels queries that run too long, and caps the rows read. Whatever the
 * options, a query whose WHERE clause restricts a table's partition column to a time range with
 * plain comparisons ({@code =}, {@code <}, {@code <=}, {@code >}, {@code >=}, {@code BETWEEN}
 * against timestamp, date or string literals, joined by AND) gets a view over only the files of the
 * partitions that can match ({@link QueryResult#filesScanned()} shows how many); the query is
 * parsed by DuckDB itself for this, and anything not understood reads the whole table.
 *
 * <p>Not supported yet: tables with row-level deletes (querying one fails with a clear message) and
 * warehouses outside the local file system.
 */
public final class SqlEngine implements AutoCloseable {

  private static final List<Namespace> ZONES =
      List.of(
          LakeSchemas.RAW,
          LakeSchemas.CURATED,
          LakeSchemas.AGGREGATES,
          LakeSchemas.ERRORS,
          LakeSchemas.ALERTS);

  private static final Pattern UNKNOWN_TABLE =
      Pattern.compile("Catalog Error: (Table|Schema) with name .* does not exist", Pattern.DOTALL);

  /** Cancels queries that run too long; one daemon thread shared by every engine. */
  private static final ScheduledThreadPoolExecutor CANCELLER = canceller();

  /** A folder that does not exist, for the DuckDB folders a query has no use for. */
  private static final String NOWHERE = "/nonexistent/lakestream";

  /** Where DuckDB may spill intermediate results that do not fit in memory. */
  private static final String SPILL_DIRECTORY =
      Path.of(System.getProperty("java.io.tmpdir"), "lakestream-duckdb-spill").toString();

  private final Catalog catalog;
  private volatile boolean closed;

  private SqlEngine(Catalog catalog) {
    this.catalog = catalog;
  }

  /** An engine over the given catalog; the catalog stays owned (and closed) by the caller. */
  public static SqlEngine open(Catalog catalog) {
    return new SqlEngine(Objects.requireNonNull(catalog, "catalog"));
  }

  /**
   * The queryable tables, e.g. {@code raw.sensors}, {@code curated.sensors}, {@code
   * errors.records}.
   */
  public List<String> tables() {
    ensureOpen();
    return tableIds().stream().map(SqlEngine::sqlName).toList();
  }

  /**
   * Runs one read-only query over the current snapshots with the {@link QueryOptions#defaults()
   * default options}: cancelled after 30 seconds, at most 10,000 rows read.
   *
   * @throws SqlException when the query is not a single read-only statement, is invalid, names an
   *     unknown table or column (the message then lists the tables), fails or times out
   */
  public QueryResult query(String sql) {
    return query(sql, QueryOptions.defaults());
  }

  /**
   * Runs one read-only query.
   *
   * <p>Tables are read at the snapshots the options ask for: pinned ones at their pinned snapshot,
   * the others as of {@link QueryOptions#asOf()} when set, else at their current snapshot. A table
   * read at an older snapshot has the columns of the schema that snapshot was written with; a table
   * with no snapshot at that time reads as empty.
   *
   * <p>When the query's WHERE clause restricts a table's partition column (e.g. {@code event_time
   * >= TIMESTAMPTZ '2026-01-02 00:00:00+00' AND event_time < '2026-01-03'}), the table's view holds
   * only the files of the partitions that can match; {@link QueryResult#filesScanned()} tells how
   * many files each table's view holds. Pruning applies only where every read of the table in the
   * query is the single table of a SELECT with such a WHERE clause; the predicates stay in the
   * query, so the rows are the same as without pruning.
   *
   * <p>The query is cancelled when running it and reading its rows takes longer than {@link
   * QueryOptions#timeout()} (planning the tables does not count), and at most {@link
   * QueryOptions#maxRows()} rows are read; the result says when there were more. A query that fails
   * while it runs is run a second time to report DuckDB's message (the driver loses it when results
   * are streamed).
   *
   * @throws SqlException when the query is not a single read-only statement, is invalid, names an
   *     unknown table or column (the message then lists the tables), pins an unknown table or
   *     snapshot (the message lists the table's newest snapshots), fails, or is cancelled after the
   *     timeout
   */
  public QueryResult query(String sql, QueryOptions options) {
    ensureOpen();
    Objects.requireNonNull(options, "options");
    try {
      // Streamed, so that a capped read does not make DuckDB produce the rows beyond the cap.
      return query(sql, options, true);
    } catch (ErrorLostInStream e) {
      // The driver reports an error raised while a streamed query runs only as "Invalid result
      // set"; run it again unstreamed to get DuckDB's real message.
      return query(sql, options, false);
    }
  }

  private QueryResult query(String sql, QueryOptions options, boolean stream) {
    Properties props = new Properties();
    props.setProperty("jdbc_stream_results", String.valueOf(stream));
    // Keep the user's home folder (where DuckDB keeps secrets and extensions by default) and the
    // working directory (the default spill folder) out of the settings a query can read.
    props.setProperty("allow_persistent_secrets", "false");
    props.setProperty("secret_directory", NOWHERE);
    props.setProperty("extension_directory", NOWHERE);
    props.setProperty("temp_directory", SPILL_DIRECTORY);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:", props)) {
      // Checked before anything else: a refused statement costs no planning.
      ReadOnlyGuard.check(duck, sql);
      try (Statement st = duck.createStatement()) {
        // Render and compare timestamps in UTC, whatever the JVM or machine time zone.
        st.execute("SET TimeZone = 'UTC'");
      }
      List<TableView> views = plan(duck, sql, options);
      prepare(duck, views);
      return run(duck, sql, views, options, stream);
    } catch (SQLException e) {
      throw new SqlException("DuckDB failed: " + e.getMessage(), e);
    }
  }

  /** A streamed query failed, and the driver lost DuckDB's message. */
  private static final class ErrorLostInStream extends RuntimeException {
    ErrorLostInStream(SQLException cause) {
      super(cause);
    }
  }

  /** Marks the engine closed; it holds no open resources between queries. */
  @Override
  public void close() {
    closed = true;
  }

  private static ScheduledThreadPoolExecutor canceller() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "lakestream-sql-timeout");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("SqlEngine is closed");
    }
  }

  private List<TableIdentifier> tableIds() {
    List<TableIdentifier> ids = new ArrayList<>();
    try {
      for (Namespace ns : ZONES) {
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
          continue;
        }
        try {
          catalog.listTables(ns).stream()
              .sorted(Comparator.comparing(TableIdentifier::name))
              .forEach(ids::add);
        } catch (NoSuchNamespaceException e) {
          // Dropped since the check: no tables there.
        }
      }
    } catch (RuntimeException e) {
      throw new SqlException("cannot list the lake tables: " + e.getMessage(), e);
    }
    return ids;
  }

  /**
   * Plans every table now, so that one query sees one consistent set of snapshots: first which
   * snapshot and schema each table is read at, then, with the filters the query allows, its files.
   */
  private List<TableView> plan(Connection duck, String sql, QueryOptions options) {
    List<TableIdentifier> ids = tableIds();
    Map<String, TableIdentifier> byName = new LinkedHashMap<>();
    ids.forEach(id -> byName.put(sqlName(id), id));
    for (String pinned : options.snapshots().keySet()) {
      if (!byName.containsKey(pinned)) {
        throw new SqlException(
            "cannot pin a snapshot of unknown table "
                + pinned
                + "; tables: "
                + (byName.isEmpty() ? "(none yet)" : String.join(", ", byName.keySet())));
      }
    }
    List<Resolved> resolved = new ArrayList<>();
    List<TableView> views = new ArrayList<>();
    for (TableIdentifier id : ids) {
      Table table;
      try {
        table = catalog.loadTable(id);
      } catch (NoSuchTableException e) {
        continue; // Dropped since it was listed.
      } catch (RuntimeException e) {
        resolved.add(
            new Resolved(
                id, null, null, null, "cannot read table " + sqlName(id) + ": " + e.getMessage()));
        continue;
      }
      resolved.add(resolve(id, table, options));
    }
    List<PartitionPruner.Table> prunable = new ArrayList<>();
    for (Resolved r : resolved) {
      if (r.problem() == null && r.snapshot() != null) {
        prunable.add(
            new PartitionPruner.Table(
                r.id().namespace().level(0),
                r.id().name(),
                r.schema(),
                List.copyOf(r.table().specs().values())));
      }
    }
    Map<String, Expression> filters =
        prunable.isEmpty() ? Map.of() : PartitionPruner.filters(duck, sql, prunable);
    for (Resolved r : resolved) {
      if (r.problem() != null) {
        views.add(TableView.broken(r.id(), r.schema(), r.problem()));
        continue;
      }
      try {
        views.add(planTable(r, filters.get(sqlName(r.id()))));
      } catch (RuntimeException e) {
        // Missing metadata or manifests break queries over this table only.
        views.add(
            TableView.broken(
                r.id(),
                r.schema(),
                "cannot read table " + sqlName(r.id()) + ": " + e.getMessage()));
      }
    }
    return views;
  }

  /**
   * A table at the snapshot the options ask for.
   *
   * @param snapshot the snapshot to read; null when there is none (the table reads as empty)
   * @param schema the columns of the table at that snapshot
   * @param problem why the table cannot be read, or null
   */
  private record Resolved(
      TableIdentifier id, Table table, Snapshot snapshot, Schema schema, String problem) {}

  private static Resolved resolve(TableIdentifier id, Table table, QueryOptions options) {
    String name = sqlName(id);
    Long pinned = options.snapshots().get(name);
    Snapshot snapshot;
    try {
      if (pinned != null) {
        snapshot = table.snapshot(pinned);
        if (snapshot == null) {
          throw new SqlException(
              "table " + name + " has no snapshot " + pinned + "; " + newestSnapshots(table));
        }
      } else if (options.asOf() != null) {
        Long asOf = SnapshotUtil.nullableSnapshotIdAsOfTime(table, options.asOf().toEpochMilli());
        snapshot = asOf == null ? null : table.snapshot(asOf);
      } else {
        snapshot = table.currentSnapshot();
      }
    } catch (SqlException e) {
      throw e;
    } catch (RuntimeException e) {
      return new Resolved(
          id, table, null, table.schema(), "cannot read table " + name + ": " + e.getMessage());
    }
    // The current snapshot reads with the current schema (columns added since it was committed
    // read as null); an older one with the schema it was written with.
    Schema schema = table.schema();
    boolean timeTravel = pinned != null || options.asOf() != null;
    if (timeTravel && snapshot != null && snapshot.schemaId() != null) {
      schema = table.schemas().getOrDefault(snapshot.schemaId(), schema);
    }
    return new Resolved(id, table, snapshot, schema, null);
  }

  /** The table's newest five snapshots as text, for messages. */
  private static String newestSnapshots(Table table) {
    List<Snapshot> all = new ArrayList<>();
    table.snapshots().forEach(all::add);
    if (all.isEmpty()) {
      return "it has no snapshots yet";
    }
    all.sort(
        Comparator.comparingLong(Snapshot::timestampMillis)
            .thenComparingLong(Snapshot::sequenceNumber)
            .reversed());
    String list =
        all.stream()
            .limit(5)
            .map(s -> s.snapshotId() + " (" + Instant.ofEpochMilli(s.timestampMillis()) + ")")
            .collect(Collectors.joining(", "));
    return (all.size() > 5 ? "its newest 5 of " + all.size() + " snapshots: " : "its snapshots: ")
        + list;
  }

  private static TableView planTable(Resolved r, Expression filter) {
    TableIdentifier id = r.id();
    Table table = r.table();
    Schema schema = r.schema();
    String name = sqlName(id);
    Set<String> files = new LinkedHashSet<>();
    if (r.snapshot() != null) {
      TableScan scan = table.newScan().useSnapshot(r.snapshot().snapshotId());
      if (filter != null) {
        scan = scan.filter(filter);
      }
      try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
        for (FileScanTask task : tasks) {
          if (!task.deletes().isEmpty()) {
            return TableView.broken(
                id, schema, "table " + name + " has row-level deletes; not supported yet");
          }
          String location = task.file().location();
          if (!Locations.isLocal(location)) {
            String problem =
                String.format(
                    "table %s has data files outside the local file system (%s);"
                        + " SQL reads local warehouses only",
                    name, location);
            return TableView.broken(id, schema, problem);
          }
          files.add(Locations.localPath(location));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot plan table " + name, e);
      }
    }
    // Files imported into Iceberg (add_files, migrate) may have no field ids; Iceberg then matches
    // their columns through the table's name mapping.
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return new TableView(
        id,
        schema,
        List.copyOf(files),
        mapping == null ? null : NameMappingParser.fromJson(mapping),
        null);
  }

  private static void prepare(Connection duck, List<TableView> views) throws SQLException {
    Set<String> allowed = new LinkedHashSet<>();
    try (Statement st = duck.createStatement()) {
      for (String schema :
          views.stream().map(v -> v.id().namespace().level(0)).distinct().toList()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + DuckSql.ident(schema));
      }
    }
    for (TableView view : views) {
      try (Statement st = duck.createStatement()) {
        st.execute(view.createSql(duck));
        allowed.addAll(view.files());
      } catch (SQLException e) {
        // A missing or unreadable file should break queries over its table, not every query.
        try (Statement st = duck.createStatement()) {
          st.execute(
              TableView.broken(
                      view.id(),
                      view.schema(),
                      "cannot read table " + sqlName(view.id()) + ": " + e.getMessage())
                  .createSql(duck));
        }
      }
    }
    try (Statement st = duck.createStatement()) {
      st.execute("SET autoinstall_known_extensions = false");
      st.execute("SET autoload_known_extensions = false");
      if (!allowed.isEmpty()) {
        st.execute("SET allowed_paths = " + DuckSql.literalList(allowed));
      }
      st.execute("SET enable_external_access = false");
      st.execute("SET lock_configuration = true");
    }
  }

  private QueryResult run(
      Connection duck, String sql, List<TableView> views, QueryOptions options, boolean stream) {
    Map<String, Integer> filesScanned = new LinkedHashMap<>();
    views.forEach(v -> filesScanned.put(sqlName(v.id()), v.files().size()));
    AtomicBoolean timedOut = new AtomicBoolean();
    try (Statement st = duck.createStatement()) {
      ScheduledFuture<?> canceller =
          CANCELLER.schedule(
              () -> {
                timedOut.set(true);
                try {
                  st.cancel();
                } catch (SQLException | RuntimeException e) {
                  // Finished or closed meanwhile: nothing left to cancel.
                }
              },
              options.timeout().toNanos(),
              TimeUnit.NANOSECONDS);
      try (ResultSet rs = st.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<QueryResult.Column> columns = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          columns.add(new QueryResult.Column(md.getColumnLabel(i), md.getColumnTypeName(i)));
        }
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
          if (rows.size() == options.maxRows()) {
            truncated = true;
            break;
          }
          List<Object> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            row.add(JdbcValues.read(rs, i, columns.get(i - 1).type()));
          }
          rows.add(row);
        }
        if (timedOut.get()) {
          throw cancelled(options.timeout(), null);
        }
        return new QueryResult(columns, rows, truncated, filesScanned);
      } finally {
        canceller.cancel(false);
      }
    } catch (SQLException e) {
      if (timedOut.get()) {
        throw cancelled(options.timeout(), e);
      }
      String msg = e.getMessage();
      if (stream && msg != null && msg.contains("Invalid result set")) {
        throw new ErrorLostInStream(e);
      }
      if (msg != null && UNKNOWN_TABLE.matcher(msg).find()) {
        String tables =
            views.isEmpty()
                ? "(none yet)"
                : views.stream().map(v -> sqlName(v.id())).collect(Collectors.joining(", "));
        msg = msg.stripTrailing() + System.lineSeparator() + "Available tables: " + tables;
      }
      throw new SqlException(msg, e);
    }
  }

  private static SqlException cancelled(Duration timeout, SQLException cause) {
    String limit = seconds(timeout);
    return new SqlException(
        "query cancelled after "
            + limit
            + " (the limit for one query is "
            + limit
            + "; narrow the query or raise the timeout)",
        cause);
  }

  /** A duration for messages: {@code 30 s}, {@code 1.5 s}. */
  private static String seconds(Duration d) {
    if (d.toNanos() % 1_000_000_000L == 0) {
      return d.toSeconds() + " s";
    }
    return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString()
        + " s";
  }

  private static String sqlName(TableIdentifier id) {
    return id.namespace() + "." + id.name();
  }

  /**
   * A table as DuckDB will see it.
   *
   * @param schema the table's columns; null when the table could not be loaded
   * @param files local paths of the planned data files
   * @param nameMapping the table's name mapping, for files without field ids; may be null
   * @param problem when not null, why the table cannot be read; querying it fails with this
   */
  private record TableView(
      TableIdentifier id,
      Schema schema,
      List<String> files,
      NameMapping nameMapping,
      String problem) {

    static TableView broken(TableIdentifier id, Schema schema, String problem) {
      return new TableView(id, schema, List.of(), null, problem);
    }

    /**
     * The view's CREATE statement. With data files, it first reads their Parquet footers through
     * {@code duck}, so it must run before file access is locked down.
     */
    String createSql(Connection duck) throws SQLException {
      String view = DuckSql.ident(id.namespace().level(0)) + "." + DuckSql.ident(id.name());
      StringBuilder sql = new StringBuilder("CREATE OR REPLACE VIEW ").append(view).append(" AS ");
      if (problem == null && !files.isEmpty()) {
        // Files written under different schemas have different columns: one SELECT per set of
        // files alike, each giving the current columns in the current order and types.
        List<String> selects = new ArrayList<>();
        for (Map.Entry<List<String>, List<String>> group : filesByColumns(duck).entrySet()) {
          selects.add(
              "SELECT "
                  + columns(group.getKey())
                  + " FROM read_parquet("
                  + DuckSql.literalList(group.getValue())
                  + ")");
        }
        sql.append(String.join(" UNION ALL ", selects));
      } else if (problem == null) {
        // No files yet: a typed, empty view keeps DESCRIBE and queries working.
        sql.append("SELECT ").append(nulls()).append(" WHERE false");
      } else {
        // error() runs only when a query reads this view, so other tables stay queryable.
        sql.append("SELECT ")
            .append(nulls())
            .append(" FROM range(1) WHERE error(")
            .append(DuckSql.literal(problem))
            .append(')');
      }
      return sql.toString();
    }

    /**
     * The files grouped by their columns: for each column of the current schema, its name in the
     * files, or null when they do not have it (written before it was added). A file's column is the
     * schema's column with the same Iceberg field id, so renamed, moved and re-added columns are
     * told apart; a file column without a field id is matched through the name mapping, or else by
     * name.
     */
    private Map<List<String>, List<String>> filesByColumns(Connection duck) throws SQLException {
      // The footer's schema elements, depth first; the first is the root.
      Map<String, List<SchemaElement>> elements = new LinkedHashMap<>();
      try (Statement st = duck.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT file_name, name, field_id, num_children FROM parquet_schema("
                      + DuckSql.literalList(files)
                      + ") ORDER BY file_name, column_id")) {
        while (rs.next()) {
          Number fieldId = (Number) rs.getObject(3);
          Number children = (Number) rs.getObject(4);
          elements
              .computeIfAbsent(rs.getString(1), f -> new ArrayList<>())
              .add(
                  new SchemaElement(
                      rs.getString(2),
                      fieldId == null ? null : fieldId.intValue(),
                      children == null ? 0 : children.intValue()));
        }
      }
      Map<List<String>, List<String>> groups = new LinkedHashMap<>();
      for (String file : files) {
        List<SchemaElement> fileSchema = elements.get(file);
        if (fileSchema == null || fileSchema.isEmpty()) {
          throw new SQLException("no Parquet schema read for " + file);
        }
        Map<Integer, String> namesById = new HashMap<>();
        int next = 1;
        for (int c = 0; c < fileSchema.get(0).children(); c++) {
          SchemaElement column = fileSchema.get(next);
          Integer fieldId = column.fieldId() != null ? column.fieldId() : idByName(column.name());
          if (fieldId != null) {
            namesById.putIfAbsent(fieldId, column.name());
          }
          next = SchemaElement.skip(fileSchema, next);
        }
        List<String> names = new ArrayList<>();
        for (NestedField f : schema.columns()) {
          names.add(namesById.get(f.fieldId()));
        }
        groups.computeIfAbsent(names, n -> new ArrayList<>()).add(file);
      }
      return groups;
    }

    private Integer idByName(String name) {
      if (nameMapping != null) {
        MappedField mapped = nameMapping.find(name);
        return mapped == null ? null : mapped.id();
      }
      NestedField f = schema.findField(name);
      return f == null ? null : f.fieldId();
    }

    /** The current columns, read from files that name them {@code fileNames} (null: absent). */
    private String columns(List<String> fileNames) {
      List<String> cols = new ArrayList<>();
      List<NestedField> fields = schema.columns();
      for (int i = 0; i < fields.size(); i++) {
        NestedField f = fields.get(i);
        String type = DuckSql.type(f.type()).orElse(null);
        String fileName = fileNames.get(i);
        String value;
        if (fileName == null) {
          value = "CAST(NULL AS " + (type == null ? "VARCHAR" : type) + ")";
        } else if (type == null) {
          value = DuckSql.ident(fileName); // No DuckDB type to give: as DuckDB reads it.
        } else {
          // Also widens promoted types (int to long, float to double) and fills struct fields
          // added since the file was written with null.
          value = "CAST(" + DuckSql.ident(fileName) + " AS " + type + ")";
        }
        cols.add(value + " AS " + DuckSql.ident(f.name()));
      }
      return String.join(", ", cols);
    }

    /** The current columns, all null. */
    private String nulls() {
      if (schema == null) {
        return "CAST(NULL AS VARCHAR) AS \"error\""; // Columns unknown: the table did not load.
      }
      List<String> cols = new ArrayList<>();
      for (NestedField f : schema.columns()) {
        String type = DuckSql.type(f.type()).orElse("VARCHAR");
        cols.add("CAST(NULL AS " + type + ") AS " + DuckSql.ident(f.name()));
      }
      return String.join(", ", cols);
    }
  }

  /** One element of a Parquet file's schema, as {@code parquet_schema} lists it. */
  private record SchemaElement(String name, Integer fieldId, int children) {

    /** The index of the element after the one at {@code i} and all its descendants. */
    static int skip(List<SchemaElement> elements, int i) {
      int next = i + 1;
      for (int c = 0; c < elements.get(i).children(); c++) {
        next = skip(elements, next);
      }
      return next;
    }
  }
}
