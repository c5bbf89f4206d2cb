package io.lakestream.export;

import java.time.Duration;
import java.util.List;

/**
 * What an export run did.
 *
 * @param tables one result per exported table, in the configured order
 * @param elapsed the time the whole run took
 */
public record ExportResult(List<TableExportResult> tables, Duration elapsed) {

  /** Copies the list. */
  public ExportResult {
    tables = List.copyOf(tables);
  }

  /** Rows read and copied over all tables. */
  public long rowsRead() {
    return tables.stream().mapToLong(TableExportResult::rowsRead).sum();
  }

  /** Rows new to the target tables over all tables. */
  public long rowsInserted() {
    return tables.stream().mapToLong(TableExportResult::rowsInserted).sum();
  }

  /** Data files read over all tables. */
  public int files() {
    return tables.stream().mapToInt(TableExportResult::files).sum();
  }

  /** Rows read and copied per second over the whole run. */
  public double rowsPerSecond() {
    return perSecond(rowsRead(), elapsed);
  }

  /** The result of one table, by its Iceberg identifier. */
  public TableExportResult table(String table) {
    return tables.stream()
        .filter(t -> t.table().equals(table))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no result for table " + table));
  }

  static double perSecond(long rows, Duration elapsed) {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : rows / seconds;
  }
}
