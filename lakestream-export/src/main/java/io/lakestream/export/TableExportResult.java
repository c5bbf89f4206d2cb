package io.lakestream.export;

import java.time.Duration;

/**
 * What one table's export did.
 *
 * @param table the Iceberg table identifier
 * @param target the PostgreSQL table, schema-qualified and quoted
 * @param fromSnapshotId the snapshot exported before this run; null on a first export
 * @param toSnapshotId the snapshot exported now; null when the lake table has no snapshot
 * @param fullReload whether the whole table was read (first export, or the remembered snapshot was
 *     expired)
 * @param files data files read
 * @param rowsRead rows read from the lake and copied to PostgreSQL
 * @param rowsInserted rows new to the target table (rows already there are skipped by key)
 * @param elapsed the time the table took
 */
public record TableExportResult(
    String table,
    String target,
    Long fromSnapshotId,
    Long toSnapshotId,
    boolean fullReload,
    int files,
    long rowsRead,
    long rowsInserted,
    Duration elapsed) {

  /** Rows read and copied per second. */
  public double rowsPerSecond() {
    return ExportResult.perSecond(rowsRead, elapsed);
  }
}
