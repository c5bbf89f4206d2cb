package io.lakestream.lake;

import io.lakestream.lake.internal.DuckSql;
import io.lakestream.lake.internal.JdbcValues;
import io.lakestream.lake.internal.Locations;
import io.lakestream.lake.internal.ReadOnlyGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Types.NestedField;

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
   * Runs one read-only query and reads its whole result.
   *
   * @throws SqlException when the query is not a single read-only statement, is invalid, names an
   *     unknown table or column (the message then lists the tables), or fails while running
   */
  public QueryResult query(String sql) {
    ensureOpen();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      // Checked before anything else: a refused statement costs no planning.
      ReadOnlyGuard.check(duck, sql);
      List<TableView> views = plan();
      prepare(duck, views);
      return run(duck, sql, views);
    } catch (SQLException e) {
      throw new SqlException("DuckDB failed: " + e.getMessage(), e);
    }
  }

  /** Marks the engine closed; it holds no open resources between queries. */
  @Override
  public void close() {
    closed = true;
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

  /** Plans every table now, so that one query sees one consistent set of snapshots. */
  private List<TableView> plan() {
    List<TableView> views = new ArrayList<>();
    for (TableIdentifier id : tableIds()) {
      try {
        views.add(planTable(id, catalog.loadTable(id)));
      } catch (NoSuchTableException e) {
        // Dropped since it was listed.
      } catch (RuntimeException e) {
        // Missing metadata or manifests break queries over this table only.
        views.add(
            TableView.broken(id, null, "cannot read table " + sqlName(id) + ": " + e.getMessage()));
      }
    }
    return views;
  }

  private static TableView planTable(TableIdentifier id, Table table) {
    String name = sqlName(id);
    Set<String> files = new LinkedHashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          return TableView.broken(
              id, table.schema(), "table " + name + " has row-level deletes; not supported yet");
        }
        String location = task.file().location();
        if (!Locations.isLocal(location)) {
          String problem =
              String.format(
                  "table %s has data files outside the local file system (%s);"
                      + " SQL reads local warehouses only",
                  name, location);
          return TableView.broken(id, table.schema(), problem);
        }
        files.add(Locations.localPath(location));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan table " + name, e);
    }
    // Files imported into Iceberg (add_files, migrate) may have no field ids; Iceberg then matches
    // their columns through the table's name mapping.
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return new TableView(
        id,
        table.schema(),
        List.copyOf(files),
        mapping == null ? null : NameMappingParser.fromJson(mapping),
        null);
  }

  private static void prepare(Connection duck, List<TableView> views) throws SQLException {
    Set<String> allowed = new LinkedHashSet<>();
    try (Statement st = duck.createStatement()) {
      // Render and compare timestamps in UTC, whatever the JVM or machine time zone.
      st.execute("SET TimeZone = 'UTC'");
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

  private QueryResult run(Connection duck, String sql, List<TableView> views) {
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      List<QueryResult.Column> columns = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        columns.add(new QueryResult.Column(md.getColumnLabel(i), md.getColumnTypeName(i)));
      }
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(JdbcValues.read(rs, i, columns.get(i - 1).type()));
        }
        rows.add(row);
      }
      return new QueryResult(columns, rows);
    } catch (SQLException e) {
      String msg = e.getMessage();
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
