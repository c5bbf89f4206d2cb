package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Table upkeep ({@code lake.maintenance}): compaction of small files, manifest rewrite, snapshot
 * expiry and orphan-file cleanup.
 *
 * @param every how often {@code up} runs it over every lake table; {@code null} for by hand only
 * @param targetFileSizeBytes size compaction aims for
 * @param minInputFiles compaction runs when a partition holds at least this many small files
 * @param keepSnapshots snapshots older than this expire (time travel reaches back this far)
 * @param retainLast the newest snapshots kept whatever their age
 * @param orphanMinAge unreferenced files are deleted only when older than this
 */
public record MaintenanceSettings(
    Duration every,
    long targetFileSizeBytes,
    int minInputFiles,
    Duration keepSnapshots,
    int retainLast,
    Duration orphanMinAge)
    implements Serializable {

  /** The defaults: every 10 minutes, 128 MiB files, 5 files, 7 days, 10 snapshots, 3 days. */
  public static MaintenanceSettings defaults() {
    return new MaintenanceSettings(
        Duration.ofMinutes(10), 128L * 1024 * 1024, 5, Duration.ofDays(7), 10, Duration.ofDays(3));
  }
}
