package io.lakestream.export;

/**
 * One progress report of a table's export.
 *
 * @param table the Iceberg table identifier
 * @param phase what just happened
 * @param rowsDone rows read from the lake and copied so far in this run (committed or, in phase
 *     {@link Phase#BATCH_COPIED}, about to be)
 * @param rowsTotal rows to export in this run, from the data files' metadata; -1 when unknown
 * @param filesDone data files done so far in this run
 * @param filesTotal data files to export in this run
 * @param fullReload whether this run reloads the whole table (first export, or the remembered
 *     snapshot was expired)
 */
public record ExportProgress(
    String table,
    Phase phase,
    long rowsDone,
    long rowsTotal,
    int filesDone,
    int filesTotal,
    boolean fullReload) {

  /** What a progress report is about. */
  public enum Phase {
    /** The files to export are planned; {@code rowsTotal} and {@code filesTotal} are known. */
    STARTED,
    /**
     * A batch is copied into the staging table and inserted into the target, but not committed yet.
     * A listener that throws here rolls the batch back (used by the crash tests).
     */
    BATCH_COPIED,
    /** A batch is committed. */
    BATCH_COMMITTED,
    /** The table is done; the state points at the exported snapshot. */
    FINISHED
  }

  /** The fraction done, from 0 to 1, by rows when known, else by files. */
  public double fraction() {
    if (rowsTotal > 0) {
      return Math.min(1.0, (double) rowsDone / rowsTotal);
    }
    return filesTotal == 0 ? 1.0 : (double) filesDone / filesTotal;
  }
}
