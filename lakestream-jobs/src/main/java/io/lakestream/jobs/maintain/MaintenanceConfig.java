package io.lakestream.jobs.maintain;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the lake table upkeep: compaction of small data files, snapshot expiry, orphan-file
 * cleanup and manifest rewrite.
 *
 * @param targetFileSizeBytes size the compaction aims for when it merges small data files (default
 *     128 MiB); data files at least this large are left alone
 * @param minInputFiles compaction only runs when at least one partition holds this many data files
 *     smaller than the target size (default 5); the manifest rewrite only runs when the current
 *     snapshot has at least this many manifests
 * @param snapshotMaxAge snapshots older than this are expired (default 7 days)
 * @param retainLastSnapshots the most recent snapshots kept whatever their age (default 10, at
 *     least 1)
 * @param orphanMinAge files not referenced by any snapshot are only deleted when older than this
 *     (default 3 days), so that the files of an in-flight commit are never removed
 * @param scheduleEveryCommits streaming variant: compaction and expiry are triggered after this
 *     many new commits (default 10)
 * @param scheduleEvery streaming variant: every task is also triggered after this much time
 *     (default 10 minutes); the orphan cleanup, which lists the table folder, only on time
 * @param checkInterval streaming variant: how often the table is polled for new commits and the
 *     shortest time between two triggers; also how long a trigger waits before it checks the lock
 *     again when another run holds it (default 1 minute)
 */
public record MaintenanceConfig(
    long targetFileSizeBytes,
    int minInputFiles,
    Duration snapshotMaxAge,
    int retainLastSnapshots,
    Duration orphanMinAge,
    int scheduleEveryCommits,
    Duration scheduleEvery,
    Duration checkInterval)
    implements Serializable {

  /** 128 MiB, the default target data file size. */
  public static final long DEFAULT_TARGET_FILE_SIZE = 128L * 1024 * 1024;

  /** Validates the settings. */
  public MaintenanceConfig {
    if (targetFileSizeBytes <= 0) {
      throw new IllegalArgumentException("targetFileSizeBytes must be positive");
    }
    if (minInputFiles < 2) {
      throw new IllegalArgumentException("minInputFiles must be at least 2");
    }
    if (retainLastSnapshots < 1) {
      throw new IllegalArgumentException("retainLastSnapshots must be at least 1");
    }
    if (scheduleEveryCommits < 1) {
      throw new IllegalArgumentException("scheduleEveryCommits must be at least 1");
    }
    Objects.requireNonNull(snapshotMaxAge, "snapshotMaxAge");
    Objects.requireNonNull(orphanMinAge, "orphanMinAge");
    Objects.requireNonNull(scheduleEvery, "scheduleEvery");
    Objects.requireNonNull(checkInterval, "checkInterval");
    if (snapshotMaxAge.isNegative() || orphanMinAge.isNegative()) {
      throw new IllegalArgumentException("ages must not be negative");
    }
    if (scheduleEvery.isNegative()
        || scheduleEvery.isZero()
        || checkInterval.isNegative()
        || checkInterval.isZero()) {
      throw new IllegalArgumentException("scheduleEvery and checkInterval must be positive");
    }
  }

  /**
   * The defaults: 128 MiB files, 5 input files, keep 7 days and at least 10 snapshots, orphans
   * older than 3 days, streaming triggers every 10 commits or 10 minutes, checked every minute.
   */
  public static MaintenanceConfig defaults() {
    return new MaintenanceConfig(
        DEFAULT_TARGET_FILE_SIZE,
        5,
        Duration.ofDays(7),
        10,
        Duration.ofDays(3),
        10,
        Duration.ofMinutes(10),
        Duration.ofMinutes(1));
  }

  /** A copy with another target file size. */
  public MaintenanceConfig withTargetFileSizeBytes(long bytes) {
    return new MaintenanceConfig(
        bytes,
        minInputFiles,
        snapshotMaxAge,
        retainLastSnapshots,
        orphanMinAge,
        scheduleEveryCommits,
        scheduleEvery,
        checkInterval);
  }

  /** A copy with another minimum of input files. */
  public MaintenanceConfig withMinInputFiles(int files) {
    return new MaintenanceConfig(
        targetFileSizeBytes,
        files,
        snapshotMaxAge,
        retainLastSnapshots,
        orphanMinAge,
        scheduleEveryCommits,
        scheduleEvery,
        checkInterval);
  }

  /** A copy with another snapshot retention: keep {@code maxAge}, and at least {@code last}. */
  public MaintenanceConfig withSnapshotRetention(Duration maxAge, int last) {
    return new MaintenanceConfig(
        targetFileSizeBytes,
        minInputFiles,
        maxAge,
        last,
        orphanMinAge,
        scheduleEveryCommits,
        scheduleEvery,
        checkInterval);
  }

  /** A copy with another minimum age of deletable orphan files. */
  public MaintenanceConfig withOrphanMinAge(Duration minAge) {
    return new MaintenanceConfig(
        targetFileSizeBytes,
        minInputFiles,
        snapshotMaxAge,
        retainLastSnapshots,
        minAge,
        scheduleEveryCommits,
        scheduleEvery,
        checkInterval);
  }

  /** A copy with another streaming schedule. */
  public MaintenanceConfig withSchedule(int everyCommits, Duration every, Duration check) {
    return new MaintenanceConfig(
        targetFileSizeBytes,
        minInputFiles,
        snapshotMaxAge,
        retainLastSnapshots,
        orphanMinAge,
        everyCommits,
        every,
        check);
  }
}
