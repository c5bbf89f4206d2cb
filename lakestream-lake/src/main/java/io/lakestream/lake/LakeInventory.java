package io.lakestream.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A read-only inventory of the lake: every zone (Iceberg namespace), its tables and what their
 * current snapshots hold.
 *
 * <pre>{@code
 * for (LakeInventory.TableInfo t : LakeInventory.tables(lake.catalog())) {
 *   System.out.println(t.name() + ": " + t.rows() + " rows, last commit " + t.lastCommit());
 * }
 * }</pre>
 *
 * <p>Counts come from the current snapshot's summary ({@code total-records}, {@code
 * total-data-files}, {@code total-files-size}), so listing a table reads its metadata file but no
 * manifests. Only when a summary lacks those totals (a snapshot written by an engine that does not
 * keep them) are the current snapshot's files planned to count them.
 *
 * <p>Zones are ordered as data flows through them, raw, curated, aggregates, errors, alerts, then
 * any other zone alphabetically; tables within a zone by name. A table that cannot be read is
 * listed with a {@link TableInfo#problem() problem} instead of failing the whole inventory.
 */
public final class LakeInventory {

  /** The zones Lakestream knows, in the order they are listed. */
  public static final List<String> ZONES =
      List.of("raw", "curated", "aggregates", "errors", "alerts");

  /** Orders zone names: the {@link #ZONES} in their order, then the rest alphabetically. */
  public static final Comparator<String> ZONE_ORDER =
      Comparator.comparingInt(LakeInventory::zoneRank).thenComparing(Comparator.naturalOrder());

  private static final Comparator<TableInfo> TABLE_ORDER =
      Comparator.comparing(TableInfo::zone, ZONE_ORDER).thenComparing(TableInfo::table);

  // "bucket[16]", "truncate[10]": transforms with an argument.
  private static final Pattern TRANSFORM_WITH_ARG = Pattern.compile("(\\w+)\\[(.*)]");

  private LakeInventory() {}

  /**
   * One table of the lake and what its current snapshot holds.
   *
   * @param zone the namespace, e.g. {@code raw} (levels joined by dots when nested)
   * @param table the table name within the zone, e.g. {@code sensors}
   * @param rows rows in the current snapshot's data files, 0 without one (rows that delete files
   *     remove are still counted)
   * @param dataFiles data files in the current snapshot, 0 without one
   * @param sizeBytes total size of the current snapshot's files (data and delete files) in bytes, 0
   *     without one
   * @param snapshots snapshots the table's metadata keeps (expired ones are gone)
   * @param lastCommit when the current snapshot was committed; null when the table has none yet
   * @param partitioning the partition spec as text, e.g. {@code day(event_time)} or {@code
   *     bucket(16, user_id), day(ts)}; empty when unpartitioned
   * @param columns the top-level columns in schema order
   * @param problem why the table could not be read, or null; the other values are then empty
   */
  public record TableInfo(
      String zone,
      String table,
      long rows,
      long dataFiles,
      long sizeBytes,
      int snapshots,
      Instant lastCommit,
      String partitioning,
      List<ColumnInfo> columns,
      String problem) {

    public TableInfo {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(partitioning, "partitioning");
      columns = List.copyOf(columns);
    }

    /** The name SQL uses for the table, e.g. {@code raw.sensors}. */
    public String name() {
      return zone + "." + table;
    }
  }

  /**
   * One column of a table.
   *
   * @param name the column name
   * @param type the Iceberg type as text, nested types spelled out without field ids, e.g. {@code
   *     timestamptz}, {@code decimal(10, 2)}, {@code list<string>}, {@code struct<lat: double, lon:
   *     double>}, {@code map<string, long>}
   * @param required whether the column must not be null
   * @param doc the column's documentation, or null
   */
  public record ColumnInfo(String name, String type, boolean required, String doc) {
    public ColumnInfo {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  /**
   * The zones (namespaces) of the lake in {@link #ZONE_ORDER}, including empty ones.
   *
   * @throws IllegalStateException when the catalog cannot be listed
   */
  public static List<String> zones(Catalog catalog) {
    try {
      return namespaces(catalog).stream().map(Namespace::toString).sorted(ZONE_ORDER).toList();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot list the lake zones: " + e.getMessage(), e);
    }
  }

  /**
   * Every table of every zone, ordered by zone ({@link #ZONE_ORDER}) then name.
   *
   * @throws IllegalStateException when the catalog cannot be listed
   */
  public static List<TableInfo> tables(Catalog catalog) {
    return tables(catalog, null);
  }

  /**
   * The tables of one zone ordered by name, or of every zone when {@code zone} is null; empty for a
   * zone that does not exist.
   *
   * @throws IllegalStateException when the catalog cannot be listed
   */
  public static List<TableInfo> tables(Catalog catalog, String zone) {
    Objects.requireNonNull(catalog, "catalog");
    List<TableIdentifier> ids = new ArrayList<>();
    try {
      List<Namespace> namespaces =
          zone == null ? namespaces(catalog) : List.of(Namespace.of(zone.split("\\.", -1)));
      for (Namespace ns : namespaces) {
        try {
          ids.addAll(catalog.listTables(ns));
        } catch (NoSuchNamespaceException e) {
          // Dropped since it was listed, or never existed: no tables there.
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot list the lake tables: " + e.getMessage(), e);
    }
    List<TableInfo> tables = new ArrayList<>(ids.size());
    for (TableIdentifier id : ids) {
      try {
        tables.add(inspect(id, catalog.loadTable(id)));
      } catch (NoSuchTableException e) {
        // Dropped since it was listed.
      } catch (RuntimeException e) {
        // A missing metadata file or manifest list spoils this table only.
        tables.add(broken(id, e));
      }
    }
    tables.sort(TABLE_ORDER);
    return List.copyOf(tables);
  }

  /**
   * Everything about one table: its schema, partition specs, current state and snapshot history.
   *
   * @param zone the namespace, e.g. {@code raw}
   * @param table the table name within the zone
   * @param location the table's base location
   * @param columns the top-level columns of the current schema, in order
   * @param schemaId the id of the current schema
   * @param specs every partition spec the table has had, by ascending id; the default one is marked
   * @param currentSnapshotId the current snapshot's id, or null when the table has none
   * @param rows rows in the current snapshot, 0 without one
   * @param dataFiles data files in the current snapshot, 0 without one
   * @param snapshots the snapshots the metadata keeps, newest first
   */
  public record TableDescription(
      String zone,
      String table,
      String location,
      List<ColumnInfo> columns,
      int schemaId,
      List<SpecInfo> specs,
      Long currentSnapshotId,
      long rows,
      long dataFiles,
      List<SnapshotInfo> snapshots) {

    public TableDescription {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(table, "table");
      columns = List.copyOf(columns);
      specs = List.copyOf(specs);
      snapshots = List.copyOf(snapshots);
    }

    /** The name SQL uses for the table, e.g. {@code raw.sensors}. */
    public String name() {
      return zone + "." + table;
    }
  }

  /**
   * One partition spec of a table.
   *
   * @param specId the spec id; data files record the spec they were written with
   * @param partitioning the spec as text, e.g. {@code day(event_time)}; empty when unpartitioned
   * @param isDefault whether new data is written with this spec
   */
  public record SpecInfo(int specId, String partitioning, boolean isDefault) {}

  /**
   * One snapshot of a table, with the changes its summary records. A count is null when the summary
   * does not have it.
   *
   * @param snapshotId the snapshot id, usable with {@link QueryOptions#withSnapshot}
   * @param parentId the previous snapshot's id, or null for the first
   * @param committedAt when it was committed
   * @param operation {@code append}, {@code overwrite}, {@code replace} or {@code delete}; null
   *     when not recorded
   * @param addedRows rows added ({@code added-records})
   * @param removedRows rows removed ({@code deleted-records})
   * @param addedFiles data files added ({@code added-data-files})
   * @param removedFiles data files removed ({@code deleted-data-files})
   */
  public record SnapshotInfo(
      long snapshotId,
      Long parentId,
      Instant committedAt,
      String operation,
      Long addedRows,
      Long removedRows,
      Long addedFiles,
      Long removedFiles) {}

  /**
   * Describes one table: schema, partition specs, current snapshot and counts, and the snapshot
   * list newest first. Works for tables without snapshots (no current id, zero counts, no
   * snapshots).
   *
   * @throws NoSuchTableException when the table does not exist
   * @throws IllegalStateException when the table's metadata cannot be read
   */
  public static TableDescription describe(Catalog catalog, TableIdentifier id) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(id, "id");
    Table table = catalog.loadTable(id);
    try {
      TableInfo info = inspect(id, table);
      List<SpecInfo> specs =
          table.specs().values().stream()
              .sorted(Comparator.comparingInt(PartitionSpec::specId))
              .map(
                  spec ->
                      new SpecInfo(
                          spec.specId(),
                          partitioning(spec),
                          spec.specId() == table.spec().specId()))
              .toList();
      List<Snapshot> all = new ArrayList<>();
      table.snapshots().forEach(all::add);
      all.sort(
          Comparator.comparingLong(Snapshot::timestampMillis)
              .thenComparingLong(Snapshot::sequenceNumber)
              .reversed());
      List<SnapshotInfo> snapshots =
          all.stream()
              .map(
                  s -> {
                    Map<String, String> summary = s.summary() == null ? Map.of() : s.summary();
                    return new SnapshotInfo(
                        s.snapshotId(),
                        s.parentId(),
                        Instant.ofEpochMilli(s.timestampMillis()),
                        s.operation(),
                        number(summary, SnapshotSummary.ADDED_RECORDS_PROP),
                        number(summary, SnapshotSummary.DELETED_RECORDS_PROP),
                        number(summary, SnapshotSummary.ADDED_FILES_PROP),
                        number(summary, SnapshotSummary.DELETED_FILES_PROP));
                  })
              .toList();
      Snapshot current = table.currentSnapshot();
      return new TableDescription(
          zoneOf(id),
          id.name(),
          table.location(),
          info.columns(),
          table.schema().schemaId(),
          specs,
          current == null ? null : current.snapshotId(),
          info.rows(),
          info.dataFiles(),
          snapshots);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot describe table " + id + ": " + e.getMessage(), e);
    }
  }

  /** What one loaded table holds; see {@link TableInfo}. */
  static TableInfo inspect(TableIdentifier id, Table table) {
    Snapshot current = table.currentSnapshot();
    long rows = 0;
    long files = 0;
    long size = 0;
    Instant lastCommit = null;
    if (current != null) {
      Map<String, String> summary = current.summary() == null ? Map.of() : current.summary();
      Long r = number(summary, SnapshotSummary.TOTAL_RECORDS_PROP);
      Long f = number(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP);
      Long s = number(summary, SnapshotSummary.TOTAL_FILE_SIZE_PROP);
      if (r == null || f == null || s == null) {
        long[] counted = count(table, current);
        r = r == null ? counted[0] : r;
        f = f == null ? counted[1] : f;
        s = s == null ? counted[2] : s;
      }
      rows = r;
      files = f;
      size = s;
      lastCommit = Instant.ofEpochMilli(current.timestampMillis());
    }
    int snapshots = 0;
    for (Snapshot ignored : table.snapshots()) {
      snapshots++;
    }
    return new TableInfo(
        zoneOf(id),
        id.name(),
        rows,
        files,
        size,
        snapshots,
        lastCommit,
        partitioning(table.spec()),
        columns(table.schema()),
        null);
  }

  /**
   * A partition spec as text, one {@code transform(column)} per field joined by {@code ", "}:
   * {@code day(event_time)}, {@code bucket(16, user_id)}, a bare column name for identity; empty
   * when unpartitioned.
   */
  public static String partitioning(PartitionSpec spec) {
    Schema schema = spec.schema();
    List<String> fields = new ArrayList<>();
    for (PartitionField field : spec.fields()) {
      String column = schema.findColumnName(field.sourceId());
      if (column == null) {
        column = "#" + field.sourceId(); // The source column was dropped.
      }
      String transform = field.transform().toString();
      Matcher withArg = TRANSFORM_WITH_ARG.matcher(transform);
      if (field.transform().isIdentity()) {
        fields.add(column);
      } else if (withArg.matches()) {
        fields.add(withArg.group(1) + "(" + withArg.group(2) + ", " + column + ")");
      } else {
        fields.add(transform + "(" + column + ")");
      }
    }
    return String.join(", ", fields);
  }

  /** The columns of a schema with readable types; see {@link ColumnInfo}. */
  public static List<ColumnInfo> columns(Schema schema) {
    return schema.columns().stream()
        .map(f -> new ColumnInfo(f.name(), typeText(f.type()), f.isRequired(), f.doc()))
        .toList();
  }

  /**
   * An Iceberg type as text: primitives as Iceberg spells them ({@code long}, {@code timestamptz},
   * {@code decimal(10, 2)}), nested types without the field ids of {@link Type#toString()}: {@code
   * struct<a: int, b: list<string>>}, {@code map<string, double>}.
   */
  public static String typeText(Type type) {
    if (type.isStructType()) {
      return type.asStructType().fields().stream()
          .map(f -> f.name() + ": " + typeText(f.type()))
          .collect(Collectors.joining(", ", "struct<", ">"));
    }
    if (type.isListType()) {
      return "list<" + typeText(type.asListType().elementType()) + ">";
    }
    if (type.isMapType()) {
      Types.MapType map = type.asMapType();
      return "map<" + typeText(map.keyType()) + ", " + typeText(map.valueType()) + ">";
    }
    return type.toString();
  }

  private static List<Namespace> namespaces(Catalog catalog) {
    if (!(catalog instanceof SupportsNamespaces sn)) {
      // Without namespace listing, the zones Lakestream writes are all there is to look at.
      return ZONES.stream().map(Namespace::of).toList();
    }
    List<Namespace> all = new ArrayList<>();
    Set<Namespace> seen = new HashSet<>();
    List<Namespace> pending = new ArrayList<>(sn.listNamespaces());
    while (!pending.isEmpty()) {
      Namespace ns = pending.remove(pending.size() - 1);
      if (ns.isEmpty() || !seen.add(ns)) {
        continue;
      }
      all.add(ns);
      try {
        for (Namespace child : sn.listNamespaces(ns)) {
          // Only strictly deeper ones: a catalog answering with its argument must not loop.
          if (child.length() > ns.length()) {
            pending.add(child);
          }
        }
      } catch (NoSuchNamespaceException e) {
        // Dropped since it was listed.
      }
    }
    return all;
  }

  private static String zoneOf(TableIdentifier id) {
    return id.namespace().toString();
  }

  private static int zoneRank(String zone) {
    int dot = zone.indexOf('.');
    int rank = ZONES.indexOf(dot < 0 ? zone : zone.substring(0, dot));
    return rank < 0 ? ZONES.size() : rank;
  }

  private static TableInfo broken(TableIdentifier id, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new TableInfo(zoneOf(id), id.name(), 0, 0, 0, 0, null, "", List.of(), message);
  }

  private static Long number(Map<String, String> summary, String key) {
    String v = summary.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Rows, data files and bytes of a snapshot, counted from its planned files. */
  private static long[] count(Table table, Snapshot snapshot) {
    long rows = 0;
    long files = 0;
    long size = 0;
    Set<String> deletes = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        rows += task.file().recordCount();
        files++;
        size += task.file().fileSizeInBytes();
        for (DeleteFile delete : task.deletes()) {
          // One delete file may apply to many data files; count it once.
          if (deletes.add(delete.location())) {
            size += delete.fileSizeInBytes();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan table " + table.name(), e);
    }
    return new long[] {rows, files, size};
  }
}
