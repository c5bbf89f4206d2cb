package io.lakestream.export;

import static io.lakestream.export.internal.PgTypes.quote;

import io.lakestream.export.ExportProgress.Phase;
import io.lakestream.export.internal.CopyText;
import io.lakestream.export.internal.PgErrors;
import io.lakestream.export.internal.PgTypes;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors append-only Iceberg lake tables into PostgreSQL tables, incrementally by snapshot.
 *
 * <h2>What a run does, per table</h2>
 *
 * <ol>
 *   <li>Creates the target table {@code <schema>.<target>} from the Iceberg schema if it is missing
 *       (see {@link PgTypes#of} for the types), with a primary key on the table's {@link
 *       TableSpec#keyColumns() key columns}; adds columns that were added in Iceberg since ({@code
 *       ALTER TABLE ... ADD COLUMN}, older rows are NULL), widens integer→bigint, real→double
 *       precision and numeric precision as Iceberg allows, and fails with an {@link
 *       ExportException} naming the table and column for any other type change.
 *   <li>Reads the last exported snapshot id from {@code <schema>.lakestream_export_state}. With
 *       none (first export) it plans the whole current snapshot; otherwise an incremental append
 *       scan from that snapshot (exclusive) to the current one, so only appended data files are
 *       read. When the remembered snapshot was expired (or is no ancestor of the current one any
 *       more), it logs a warning and reloads the whole table; rows already in PostgreSQL are
 *       skipped by key, so the reload is idempotent.
 *   <li>Exports the data files in batches of {@link ExportConfig#filesPerTransaction()}, one
 *       transaction each: the rows are read with Iceberg's generic Parquet reader, streamed with
 *       {@code COPY ... FROM STDIN} (text format) into a temporary staging table, inserted into the
 *       target with {@code INSERT ... SELECT ... ON CONFLICT (key) DO NOTHING}, and the batch's
 *       file paths are recorded in {@code <schema>.lakestream_export_files}. The last transaction
 *       also moves the state to the exported snapshot and forgets the recorded files.
 * </ol>
 *
 * <h2>Crash safety</h2>
 *
 * Rows, the record of done files and the state move together in one transaction per batch. After a
 * crash the next run plans the same range again, skips the files recorded as done and exports the
 * rest; and since every insert skips keys already present, even exporting a file twice leaves one
 * copy of each row. A key is therefore required for every table: {@code event_id} by default, the
 * grouping columns for aggregates (e.g. {@code window_start, window_end, device_id}). An advisory
 * lock per table keeps two concurrent exports of the same table apart.
 *
 * <h2>Limits</h2>
 *
 * Tables must be append-only (data files with row-level deletes are refused) and stored as Parquet.
 * Iceberg columns that were dropped stay in PostgreSQL and are NULL for new rows; renamed columns
 * appear as new columns. PostgreSQL truncates identifiers longer than 63 bytes.
 *
 * <pre>{@code
 * ExportConfig config = ExportConfig.of("jdbc:postgresql://db:5432/analytics", "lake", secret,
 *     List.of(TableSpec.of("curated.sensors"),
 *             TableSpec.of("aggregates.sensor_stats_5m", "window_start", "window_end", "device_id")));
 * ExportResult result = new PostgresExport(config).export(catalog, p -> log(p));
 * }</pre>
 */
public final class PostgresExport {

  /** The state table: the last exported snapshot per lake table. */
  public static final String STATE_TABLE = "lakestream_export_state";

  /** The data files exported by committed batches of a run that has not finished yet. */
  public static final String FILES_TABLE = "lakestream_export_files";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresExport.class);
  private static final String STAGE = "lakestream_export_stage";
  private static final int FLUSH_CHARS = 1 << 16;

  private final ExportConfig config;
  private final String schema;

  /** An export with this configuration; nothing is opened until a run. */
  public PostgresExport(ExportConfig config) {
    this.config = config;
    this.schema = quote(config.schema());
  }

  /** Exports the configured tables, loaded from the catalog, without progress reports. */
  public ExportResult export(Catalog catalog) {
    return export(catalog, ExportListener.NONE);
  }

  /**
   * Exports the configured tables, loaded from the catalog, one after the other.
   *
   * @throws ExportException when PostgreSQL cannot be reached or refuses the user, a lake table is
   *     missing, a key column is missing, or a column type changed incompatibly; tables exported
   *     before the failing one stay exported
   */
  public ExportResult export(Catalog catalog, ExportListener listener) {
    return run(
        spec -> {
          try {
            return catalog.loadTable(spec.identifier());
          } catch (NoSuchTableException e) {
            throw new ExportException(
                "lake table " + spec.table() + " does not exist in catalog " + catalog.name(), e);
          }
        },
        config.tables(),
        listener);
  }

  /**
   * Exports one table (which need not be in {@link ExportConfig#tables()}); the table is refreshed
   * first so that its latest snapshot is exported.
   */
  public TableExportResult exportTable(Table table, TableSpec spec, ExportListener listener) {
    return run(s -> table, List.of(spec), listener).tables().get(0);
  }

  private ExportResult run(
      Function<TableSpec, Table> loader, List<TableSpec> specs, ExportListener listener) {
    long start = System.nanoTime();
    List<TableExportResult> results = new ArrayList<>();
    try (Connection conn = connect()) {
      setUp(conn);
      for (TableSpec spec : specs) {
        Table table = loader.apply(spec);
        table.refresh();
        results.add(exportLocked(conn, table, spec, listener));
      }
    } catch (SQLException e) {
      throw PgErrors.during(e, config.jdbcUrl(), "exporting");
    }
    return new ExportResult(results, Duration.ofNanos(System.nanoTime() - start));
  }

  private Connection connect() {
    Properties props = new Properties();
    if (config.user() != null) {
      props.setProperty("user", config.user());
    }
    if (config.password() != null) {
      props.setProperty("password", config.password());
    }
    props.setProperty("ApplicationName", "lakestream-export");
    if (!config.jdbcUrl().contains("connectTimeout")) {
      props.setProperty("connectTimeout", "10");
    }
    try {
      Connection conn = new org.postgresql.Driver().connect(config.jdbcUrl(), props);
      if (conn == null) {
        throw new ExportException("not a PostgreSQL JDBC URL: " + config.jdbcUrl());
      }
      return conn;
    } catch (SQLException e) {
      throw PgErrors.connect(e, config.jdbcUrl(), config.user());
    }
  }

  private void setUp(Connection conn) throws SQLException {
    conn.setAutoCommit(true);
    try (Statement st = conn.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + schema
              + "."
              + STATE_TABLE
              + " (table_name text PRIMARY KEY, snapshot_id bigint, exported_at timestamptz,"
              + " rows bigint)");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + schema
              + "."
              + FILES_TABLE
              + " (table_name text NOT NULL, file_path text NOT NULL, rows bigint,"
              + " exported_at timestamptz NOT NULL DEFAULT now(),"
              + " PRIMARY KEY (table_name, file_path))");
    }
  }

  private TableExportResult exportLocked(
      Connection conn, Table table, TableSpec spec, ExportListener listener) throws SQLException {
    String lockKey = "lakestream-export:" + config.schema() + "." + spec.table();
    try (PreparedStatement lock =
        conn.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      lock.setString(1, lockKey);
      try (ResultSet rs = lock.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new ExportException(
              "another export of lake table "
                  + spec.table()
                  + " into schema "
                  + config.schema()
                  + " is running; wait for it to finish");
        }
      }
    }
    try {
      return exportOne(conn, table, spec, listener);
    } finally {
      // a broken connection has released the lock already; never hide the real error
      try (PreparedStatement unlock =
          conn.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
        unlock.setString(1, lockKey);
        unlock.execute();
      } catch (SQLException e) {
        LOG.debug("releasing the export lock of {} failed", spec.table(), e);
      }
    }
  }

  private TableExportResult exportOne(
      Connection conn, Table table, TableSpec spec, ExportListener listener) throws SQLException {
    long start = System.nanoTime();
    Schema icebergSchema = table.schema();
    List<Types.NestedField> columns = icebergSchema.columns();
    Map<String, String> pgTypes = pgTypes(spec, icebergSchema);
    String target = schema + "." + quote(spec.targetTable());
    ensureTarget(conn, spec, target, columns, pgTypes);

    Long fromSnapshot = null;
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT snapshot_id FROM " + schema + "." + STATE_TABLE + " WHERE table_name = ?")) {
      st.setString(1, spec.table());
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          long id = rs.getLong(1);
          fromSnapshot = rs.wasNull() ? null : id;
        }
      }
    }
    Snapshot current = table.currentSnapshot();
    if (current == null || (fromSnapshot != null && fromSnapshot == current.snapshotId())) {
      listener.onProgress(new ExportProgress(spec.table(), Phase.STARTED, 0, 0, 0, 0, false));
      listener.onProgress(new ExportProgress(spec.table(), Phase.FINISHED, 0, 0, 0, 0, false));
      LOG.info("{}: nothing new to export", spec.table());
      return new TableExportResult(
          spec.table(),
          target,
          fromSnapshot,
          current == null ? null : current.snapshotId(),
          false,
          0,
          0,
          0,
          Duration.ofNanos(System.nanoTime() - start));
    }
    long toSnapshot = current.snapshotId();
    boolean fullReload = fromSnapshot == null;
    if (fromSnapshot != null
        && (table.snapshot(fromSnapshot) == null
            || !SnapshotUtil.isAncestorOf(table, toSnapshot, fromSnapshot))) {
      LOG.warn(
          "{}: the last exported snapshot {} was expired or is no ancestor of the current snapshot"
              + " {}; reloading the whole table (rows already in {} are skipped by key)",
          spec.table(),
          fromSnapshot,
          toSnapshot,
          target);
      fullReload = true;
    }
    List<FileScanTask> tasks = plan(table, spec, fullReload ? null : fromSnapshot, toSnapshot);
    Set<String> done = doneFiles(conn, spec);
    List<FileScanTask> todo =
        tasks.stream().filter(t -> !done.contains(t.file().location())).toList();
    long rowsTotal = todo.stream().mapToLong(t -> t.file().recordCount()).sum();
    LOG.info(
        "{}: exporting {} data files ({} rows) {} into {}{}",
        spec.table(),
        todo.size(),
        rowsTotal,
        fullReload
            ? "of snapshot " + toSnapshot
            : "from snapshot " + fromSnapshot + " to " + toSnapshot,
        target,
        tasks.size() > todo.size()
            ? " (" + (tasks.size() - todo.size()) + " files already done by an earlier run)"
            : "");
    listener.onProgress(
        new ExportProgress(spec.table(), Phase.STARTED, 0, rowsTotal, 0, todo.size(), fullReload));

    long rowsRead = 0;
    long rowsInserted = 0;
    int filesDone = 0;
    int batchSize = config.filesPerTransaction();
    int batches = Math.max(1, (todo.size() + batchSize - 1) / batchSize);
    for (int b = 0; b < batches; b++) {
      List<FileScanTask> batch =
          todo.subList(
              Math.min(todo.size(), b * batchSize), Math.min(todo.size(), (b + 1) * batchSize));
      boolean last = b == batches - 1;
      conn.setAutoCommit(false);
      try {
        long[] counts = copyBatch(conn, table, spec, icebergSchema, target, pgTypes, batch);
        rowsRead += counts[0];
        rowsInserted += counts[1];
        recordBatch(conn, spec, batch, counts[1], last ? toSnapshot : null);
        filesDone += batch.size();
        listener.onProgress(
            new ExportProgress(
                spec.table(),
                Phase.BATCH_COPIED,
                rowsRead,
                rowsTotal,
                filesDone,
                todo.size(),
                fullReload));
        conn.commit();
      } catch (SQLException e) {
        rollback(conn);
        throw PgErrors.during(e, config.jdbcUrl(), "exporting lake table " + spec.table());
      } catch (RuntimeException e) {
        rollback(conn);
        throw e;
      } finally {
        restoreAutoCommit(conn);
      }
      listener.onProgress(
          new ExportProgress(
              spec.table(),
              Phase.BATCH_COMMITTED,
              rowsRead,
              rowsTotal,
              filesDone,
              todo.size(),
              fullReload));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    listener.onProgress(
        new ExportProgress(
            spec.table(), Phase.FINISHED, rowsRead, rowsTotal, filesDone, todo.size(), fullReload));
    TableExportResult result =
        new TableExportResult(
            spec.table(),
            target,
            fromSnapshot,
            toSnapshot,
            fullReload,
            filesDone,
            rowsRead,
            rowsInserted,
            elapsed);
    LOG.info(
        "{}: exported {} rows ({} new) from {} files in {} ms ({} rows/s); now at snapshot {}",
        spec.table(),
        rowsRead,
        rowsInserted,
        filesDone,
        elapsed.toMillis(),
        Math.round(result.rowsPerSecond()),
        toSnapshot);
    return result;
  }

  /** The PostgreSQL type of each top-level column; checks the key columns. */
  private static Map<String, String> pgTypes(TableSpec spec, Schema icebergSchema) {
    Map<String, String> types = new LinkedHashMap<>();
    for (Types.NestedField f : icebergSchema.columns()) {
      try {
        types.put(f.name(), PgTypes.of(f.type()));
      } catch (IllegalArgumentException e) {
        throw new ExportException(
            "column "
                + f.name()
                + " of lake table "
                + spec.table()
                + " has type "
                + f.type()
                + ", which the PostgreSQL export does not support",
            e);
      }
    }
    for (String key : spec.keyColumns()) {
      Types.NestedField f = icebergSchema.findField(key);
      if (f == null || icebergSchema.columns().stream().noneMatch(c -> c.name().equals(key))) {
        throw new ExportException(
            "lake table "
                + spec.table()
                + " has no column "
                + key
                + " to use as its key (columns: "
                + icebergSchema.columns().stream()
                    .map(Types.NestedField::name)
                    .collect(Collectors.joining(", "))
                + "); configure the columns that identify a row, e.g. TableSpec.of(\""
                + spec.table()
                + "\", \"window_start\", \"window_end\", \"device_id\")");
      }
      if (!f.type().isPrimitiveType()) {
        throw new ExportException(
            "key column " + key + " of lake table " + spec.table() + " is not a primitive column");
      }
    }
    return types;
  }

  /** Creates the target table, adds new columns, widens columns, ensures the key's index. */
  private void ensureTarget(
      Connection conn,
      TableSpec spec,
      String target,
      List<Types.NestedField> columns,
      Map<String, String> pgTypes)
      throws SQLException {
    Map<String, String> existing = new LinkedHashMap<>();
    boolean exists;
    try (PreparedStatement st = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      st.setString(1, target);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        exists = rs.getBoolean(1);
      }
    }
    String keyList =
        spec.keyColumns().stream().map(PgTypes::quote).collect(Collectors.joining(", "));
    List<String> ddl = new ArrayList<>();
    if (!exists) {
      String cols =
          columns.stream()
              .map(f -> quote(f.name()) + " " + pgTypes.get(f.name()))
              .collect(Collectors.joining(", "));
      ddl.add(
          "CREATE TABLE IF NOT EXISTS "
              + target
              + " ("
              + cols
              + ", PRIMARY KEY ("
              + keyList
              + "))");
      LOG.info("{}: creating PostgreSQL table {}", spec.table(), target);
    } else {
      try (PreparedStatement st =
          conn.prepareStatement(
              "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                  + " WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped")) {
        st.setString(1, target);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            existing.put(rs.getString(1), rs.getString(2));
          }
        }
      }
      for (Types.NestedField f : columns) {
        String wanted = pgTypes.get(f.name());
        String have = existing.get(f.name());
        if (have == null) {
          LOG.info("{}: adding column {} {} to {}", spec.table(), f.name(), wanted, target);
          ddl.add("ALTER TABLE " + target + " ADD COLUMN " + quote(f.name()) + " " + wanted);
          continue;
        }
        Optional<String> widened;
        try {
          widened = PgTypes.widening(have, wanted);
        } catch (PgTypes.IncompatibleTypeException e) {
          throw new ExportException(
              "column "
                  + f.name()
                  + " of lake table "
                  + spec.table()
                  + " is now "
                  + f.type()
                  + " (PostgreSQL "
                  + wanted
                  + "), but "
                  + target
                  + "."
                  + quote(f.name())
                  + " is "
                  + have
                  + ", which cannot hold it. Change the PostgreSQL column yourself (ALTER TABLE "
                  + target
                  + " ALTER COLUMN "
                  + quote(f.name())
                  + " TYPE "
                  + wanted
                  + " USING ...), or drop the table and delete its row from "
                  + config.schema()
                  + "."
                  + STATE_TABLE
                  + " to reload it",
              e);
        }
        if (widened.isPresent()) {
          LOG.info(
              "{}: widening column {} of {} from {} to {}",
              spec.table(),
              f.name(),
              target,
              have,
              widened.get());
          ddl.add(
              "ALTER TABLE "
                  + target
                  + " ALTER COLUMN "
                  + quote(f.name())
                  + " TYPE "
                  + widened.get());
        }
      }
    }
    conn.setAutoCommit(false);
    try (Statement st = conn.createStatement()) {
      for (String sql : ddl) {
        st.execute(sql);
      }
      if (exists && !hasUniqueIndex(conn, target, spec.keyColumns())) {
        LOG.info("{}: adding a unique index on ({}) to {}", spec.table(), keyList, target);
        st.execute("CREATE UNIQUE INDEX ON " + target + " (" + keyList + ")");
      }
      conn.commit();
    } catch (SQLException e) {
      rollback(conn);
      throw PgErrors.during(e, config.jdbcUrl(), "preparing PostgreSQL table " + target);
    } finally {
      restoreAutoCommit(conn);
    }
  }

  private static boolean hasUniqueIndex(Connection conn, String target, List<String> keys)
      throws SQLException {
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indpred IS NULL"
                + " AND i.indexprs IS NULL GROUP BY i.indexrelid")) {
      st.setString(1, target);
      List<String> wanted = keys.stream().sorted().toList();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          List<String> cols = List.of((String[]) rs.getArray(1).getArray());
          if (cols.equals(wanted)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static List<FileScanTask> plan(Table table, TableSpec spec, Long fromExclusive, long to) {
    Map<String, FileScanTask> byPath = new LinkedHashMap<>();
    CloseableIterable<FileScanTask> planned =
        fromExclusive == null
            ? table.newScan().useSnapshot(to).planFiles()
            : table
                .newIncrementalAppendScan()
                .fromSnapshotExclusive(fromExclusive)
                .toSnapshot(to)
                .planFiles();
    try (planned) {
      for (FileScanTask task : planned) {
        if (!task.deletes().isEmpty()) {
          throw new ExportException(
              "lake table "
                  + spec.table()
                  + " has row-level deletes (data file "
                  + task.file().location()
                  + "); the PostgreSQL export supports append-only tables");
        }
        if (task.file().format() != FileFormat.PARQUET) {
          throw new ExportException(
              "data file "
                  + task.file().location()
                  + " of lake table "
                  + spec.table()
                  + " is "
                  + task.file().format()
                  + "; the PostgreSQL export reads Parquet");
        }
        byPath.putIfAbsent(task.file().location(), task);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrayList<>(byPath.values());
  }

  private Set<String> doneFiles(Connection conn, TableSpec spec) throws SQLException {
    Set<String> done = new HashSet<>();
    try (PreparedStatement st =
        conn.prepareStatement(
            "SELECT file_path FROM " + schema + "." + FILES_TABLE + " WHERE table_name = ?")) {
      st.setString(1, spec.table());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          done.add(rs.getString(1));
        }
      }
    }
    return done;
  }

  /**
   * Copies the rows of the batch's files into a fresh staging table and inserts them into the
   * target; returns {rows copied, rows inserted}. Runs inside the caller's transaction.
   */
  private long[] copyBatch(
      Connection conn,
      Table table,
      TableSpec spec,
      Schema icebergSchema,
      String target,
      Map<String, String> pgTypes,
      List<FileScanTask> batch)
      throws SQLException {
    if (batch.isEmpty()) {
      return new long[] {0, 0};
    }
    List<Types.NestedField> columns = icebergSchema.columns();
    String colList = columns.stream().map(f -> quote(f.name())).collect(Collectors.joining(", "));
    try (Statement st = conn.createStatement()) {
      st.execute(
          "CREATE TEMP TABLE "
              + STAGE
              + " ("
              + columns.stream()
                  .map(f -> quote(f.name()) + " " + pgTypes.get(f.name()))
                  .collect(Collectors.joining(", "))
              + ") ON COMMIT DROP");
    }
    long rows = 0;
    PGCopyOutputStream copy =
        new PGCopyOutputStream(
            conn.unwrap(PGConnection.class),
            "COPY pg_temp." + STAGE + " (" + colList + ") FROM STDIN (FORMAT text)",
            FLUSH_CHARS);
    try (Writer out = new OutputStreamWriter(copy, StandardCharsets.UTF_8)) {
      StringBuilder buf = new StringBuilder(FLUSH_CHARS + 4096);
      for (FileScanTask task : batch) {
        try (CloseableIterable<Record> records = read(table, icebergSchema, task)) {
          for (Record record : records) {
            CopyText.appendRow(buf, record, columns);
            rows++;
            if (buf.length() >= FLUSH_CHARS) {
              out.append(buf);
              buf.setLength(0);
            }
          }
        } catch (ExportException e) {
          throw e;
        } catch (IllegalArgumentException e) {
          throw new ExportException(
              "cannot export a row of data file "
                  + task.file().location()
                  + " of lake table "
                  + spec.table()
                  + ": "
                  + e.getMessage(),
              e);
        } catch (RuntimeException e) {
          throw new ExportException(
              "cannot read data file "
                  + task.file().location()
                  + " of lake table "
                  + spec.table()
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
      out.append(buf);
    } catch (IOException e) {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction is rolled back by the caller
        }
      }
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new ExportException(
          "copying rows of lake table " + spec.table() + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction is rolled back by the caller
        }
      }
      throw e;
    }
    long inserted;
    try (Statement st = conn.createStatement()) {
      inserted =
          st.executeUpdate(
              "INSERT INTO "
                  + target
                  + " ("
                  + colList
                  + ") SELECT "
                  + colList
                  + " FROM pg_temp."
                  + STAGE
                  + " ON CONFLICT ("
                  + spec.keyColumns().stream().map(PgTypes::quote).collect(Collectors.joining(", "))
                  + ") DO NOTHING");
      st.execute("DROP TABLE pg_temp." + STAGE);
    }
    return new long[] {rows, inserted};
  }

  private static CloseableIterable<Record> read(Table table, Schema schema, FileScanTask task) {
    Map<Integer, ?> constants =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    return Parquet.read(table.io().newInputFile(task.file().location()))
        .project(schema)
        .split(task.start(), task.length())
        .reuseContainers()
        .createReaderFunc(
            fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema, constants))
        .build();
  }

  /**
   * Records the batch's files as done and adds its inserted rows to the state; the last batch also
   * moves the state to the exported snapshot and forgets the recorded files.
   */
  private void recordBatch(
      Connection conn, TableSpec spec, List<FileScanTask> batch, long inserted, Long toSnapshot)
      throws SQLException {
    String state = schema + "." + STATE_TABLE;
    String files = schema + "." + FILES_TABLE;
    if (toSnapshot == null) {
      try (PreparedStatement st =
          conn.prepareStatement(
              "INSERT INTO "
                  + files
                  + " (table_name, file_path, rows) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (FileScanTask task : batch) {
          st.setString(1, spec.table());
          st.setString(2, task.file().location());
          st.setLong(3, task.file().recordCount());
          st.addBatch();
        }
        st.executeBatch();
      }
    } else {
      try (PreparedStatement st =
          conn.prepareStatement("DELETE FROM " + files + " WHERE table_name = ?")) {
        st.setString(1, spec.table());
        st.executeUpdate();
      }
    }
    try (PreparedStatement st =
        conn.prepareStatement(
            "INSERT INTO "
                + state
                + " AS s (table_name, snapshot_id, exported_at, rows) VALUES (?, ?, now(), ?)"
                + " ON CONFLICT (table_name) DO UPDATE SET snapshot_id = COALESCE(?, s.snapshot_id),"
                + " exported_at = now(), rows = COALESCE(s.rows, 0) + EXCLUDED.rows")) {
      st.setString(1, spec.table());
      st.setObject(2, toSnapshot, java.sql.Types.BIGINT);
      st.setLong(3, inserted);
      st.setObject(4, toSnapshot, java.sql.Types.BIGINT);
      st.executeUpdate();
    }
  }

  private static void restoreAutoCommit(Connection conn) {
    try {
      if (!conn.isClosed()) {
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      LOG.debug("restoring auto-commit failed", e);
    }
  }

  private static void rollback(Connection conn) {
    try {
      if (!conn.isClosed()) {
        conn.rollback();
      }
    } catch (SQLException e) {
      LOG.debug("rollback failed", e);
    }
  }
}
