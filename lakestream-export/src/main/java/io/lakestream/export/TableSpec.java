package io.lakestream.export;

import java.util.List;
import java.util.Objects;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One lake table to export.
 *
 * <p>The key columns identify a row: the export inserts with {@code ON CONFLICT (key) DO NOTHING},
 * so a batch that is exported twice (after a crash, or a full reload) leaves exactly one copy of
 * each row. Event tables have {@code event_id}, the default; aggregate tables need their grouping
 * columns, e.g. {@code window_start, window_end, device_id}. A key is required: a table without one
 * could not be exported idempotently. Key columns must be top-level primitive columns.
 *
 * @param table the Iceberg table identifier, e.g. {@code curated.sensors}
 * @param keyColumns the columns identifying a row (not empty)
 * @param targetTable the PostgreSQL table name (inside {@link ExportConfig#schema()}); by default
 *     the identifier with dots replaced by underscores, e.g. {@code curated_sensors}
 */
public record TableSpec(String table, List<String> keyColumns, String targetTable) {

  /** The default key column: the event id every Lakestream event table carries. */
  public static final String DEFAULT_KEY = "event_id";

  /** Checks the arguments and fills the defaults. */
  public TableSpec {
    Objects.requireNonNull(table, "table");
    if (table.isBlank()) {
      throw new IllegalArgumentException("table identifier is empty");
    }
    keyColumns =
        keyColumns == null || keyColumns.isEmpty() ? List.of(DEFAULT_KEY) : List.copyOf(keyColumns);
    if (targetTable == null || targetTable.isBlank()) {
      targetTable = table.replace('.', '_');
    }
  }

  /** A table keyed by {@code event_id}, exported to the default target name. */
  public static TableSpec of(String table) {
    return new TableSpec(table, List.of(), null);
  }

  /** A table keyed by the given columns, exported to the default target name. */
  public static TableSpec of(String table, String... keyColumns) {
    return new TableSpec(table, List.of(keyColumns), null);
  }

  /** The same table exported to another PostgreSQL table name. */
  public TableSpec withTarget(String targetTable) {
    return new TableSpec(table, keyColumns, targetTable);
  }

  /** The Iceberg identifier. */
  public TableIdentifier identifier() {
    return TableIdentifier.parse(table);
  }
}
