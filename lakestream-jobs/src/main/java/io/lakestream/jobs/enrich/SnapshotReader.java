package io.lakestream.jobs.enrich;

import java.util.Map;

/**
 * A reader of a whole reference table at once (a file or a JDBC table), called once at start and
 * then every refresh interval by the refresher thread.
 */
interface SnapshotReader {

  /**
   * One whole read of the table.
   *
   * @param rows the rows by key; never changed afterwards
   * @param warnings the problems with rows, not yet logged
   */
  record Snapshot(Map<String, Object[]> rows, LoadWarnings warnings) {}

  /**
   * Reads the whole table, or returns {@code null} when the source has not changed since the last
   * successful read (sources that cannot tell always read).
   *
   * @throws ReferenceDataException when the table cannot be read; the previous data stays in use
   */
  Snapshot readIfChanged();

  /** What is read, for log messages: {@code file /data/devices.csv}. */
  String describe();

  /** Whether a re-read that equals the data in use should be ignored (no new version). */
  default boolean compareBeforeSwap() {
    return false;
  }
}
