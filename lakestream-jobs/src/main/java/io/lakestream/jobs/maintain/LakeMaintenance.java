package io.lakestream.jobs.maintain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.actions.Actions;
import org.apache.iceberg.flink.maintenance.api.DeleteOrphanFiles;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshots;
import org.apache.iceberg.flink.maintenance.api.JdbcLockFactory;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFiles;
import org.apache.iceberg.flink.maintenance.api.TableMaintenance;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upkeep of lake tables against the "small files" problem of streaming ingestion: compaction of
 * small data files, manifest rewrite, snapshot expiry and orphan-file cleanup, all with Iceberg's
 * own engines.
 *
 * <ul>
 *   <li>{@link #run} does a one-shot pass over some tables (the {@code maintain} command):
 *       compaction with Iceberg's Flink rewrite action in a local Flink environment, manifest
 *       rewrite and snapshot expiry with Iceberg core, orphan cleanup with the {@code
 *       DeleteOrphanFiles} task of Iceberg's Flink maintenance API, run as a short local job;
 *   <li>{@link #attach} adds Iceberg's Flink {@code TableMaintenance} (rewrite, expiry, orphan
 *       cleanup) to a streaming job, next to the job's own Iceberg sinks.
 * </ul>
 *
 * <p>Both are safe next to running writers: Iceberg commits optimistically, and a rewrite only
 * conflicts with concurrent deletes (none in append-only tables); a rewrite that loses a race is
 * retried. Orphan cleanup only deletes files older than {@link MaintenanceConfig#orphanMinAge()},
 * so files of in-flight commits survive.
 */
public final class LakeMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenance.class);

  /** Attempts of a compaction that lost a commit race. */
  static final int COMPACTION_ATTEMPTS = 5;

  /** Longest wait for the orphan cleanup job of one table. */
  static final Duration ORPHAN_JOB_TIMEOUT = Duration.ofMinutes(30);

  /** The steps of a one-shot run, in their order. */
  public enum Step {
    /** Merge small data files (Iceberg Flink rewrite action). */
    COMPACT,
    /** Merge manifests (Iceberg core rewriteManifests). */
    REWRITE_MANIFESTS,
    /** Expire old snapshots and delete the files only they referenced (Iceberg core). */
    EXPIRE_SNAPSHOTS,
    /** Delete old files not referenced by any snapshot (Iceberg Flink DeleteOrphanFiles). */
    DELETE_ORPHANS
  }

  /** Progress callback of a one-shot run, e.g. to draw a progress bar. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called when a table starts (with its first step and the steps done so far) and after every
     * step of every table.
     *
     * @param table the table being maintained
     * @param step the step just finished, or the step about to start when {@code done} is at the
     *     start of a table
     * @param done steps finished so far in the whole run (skipped ones count as finished)
     * @param total steps of the whole run: tables times {@code Step.values().length}
     */
    void update(TableIdentifier table, Step step, int done, int total);

    /** A callback that ignores progress. */
    static Progress none() {
      return (table, step, done, total) -> {};
    }
  }

  /**
   * Outcome of one table.
   *
   * @param table the table
   * @param stepsRun the steps that changed or examined something (empty: nothing to do)
   * @param dataFilesBefore live data files before
   * @param dataFilesAfter live data files after
   * @param bytesBefore bytes of the live data files before
   * @param bytesAfter bytes of the live data files after
   * @param manifestsBefore manifests of the current snapshot before
   * @param manifestsAfter manifests of the current snapshot after
   * @param snapshotsExpired snapshots removed by the expiry
   * @param expiredFilesDeleted data, manifest and manifest-list files the expiry deleted
   * @param orphanFilesDeleted unreferenced files the orphan cleanup deleted
   * @param elapsed time spent on the table
   */
  public record TableReport(
      TableIdentifier table,
      Set<Step> stepsRun,
      int dataFilesBefore,
      int dataFilesAfter,
      long bytesBefore,
      long bytesAfter,
      int manifestsBefore,
      int manifestsAfter,
      int snapshotsExpired,
      int expiredFilesDeleted,
      int orphanFilesDeleted,
      Duration elapsed) {

    /** True when the table had nothing to do. */
    public boolean skipped() {
      return stepsRun.isEmpty();
    }
  }

  /**
   * Outcome of a one-shot run.
   *
   * @param tables one report per table, in the order given
   * @param elapsed time of the whole run
   */
  public record Report(List<TableReport> tables, Duration elapsed) {

    /** The report of one table, if it was part of the run. */
    public TableReport table(TableIdentifier id) {
      return tables.stream().filter(t -> t.table().equals(id)).findFirst().orElse(null);
    }
  }

  private final int parallelism;

  /** A maintainer whose local Flink jobs use up to 4 slots. */
  public LakeMaintenance() {
    this(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
  }

  /** A maintainer whose local Flink jobs run with the given parallelism. */
  public LakeMaintenance(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be positive");
    }
    this.parallelism = parallelism;
  }

  /**
   * One-shot maintenance of some tables, with the orphan cleanup's lock kept in a temporary SQLite
   * file. Use {@link #run(Catalog, List, MaintenanceConfig, LockSettings, Progress)} to share the
   * locks of a streaming maintenance.
   */
  public Report run(
      Catalog catalog, List<TableIdentifier> tables, MaintenanceConfig cfg, Progress progress) {
    Path dir;
    try {
      dir = Files.createTempDirectory("lakestream-maintain-lock");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return run(
          catalog,
          tables,
          cfg,
          LockSettings.sqlite(dir.resolve("locks.db"), "maintain-" + UUID.randomUUID()),
          progress);
    } finally {
      deleteQuietly(dir);
    }
  }

  /**
   * One-shot maintenance of some tables: per table, compaction, manifest rewrite, snapshot expiry,
   * orphan cleanup, each skipped when there is nothing to do. A failing step stops the run with its
   * exception; the steps done before stay committed.
   *
   * @param catalog the catalog of the tables (stays open)
   * @param tables the tables to maintain
   * @param cfg what to do
   *     <p>Only the orphan cleanup takes the table's maintenance lock. Compaction, manifest rewrite
   *     and expiry rely on Iceberg's optimistic commits: a compaction that conflicts (with a
   *     delete, or with another rewrite of the same files) is planned again, up to 5 times.
   * @param lock the lock database of the orphan cleanup; when the lock of a table is held by
   *     another maintenance (same database, same lock id prefix), that table's orphan cleanup is
   *     skipped. The check is not atomic with the start of the cleanup job, and Iceberg's trigger
   *     manager clears the lock rows of its lock id when it starts fresh, so a streaming
   *     maintenance that takes the lock in that second may overlap this run.
   * @param progress told after each step
   * @return what was done
   */
  public Report run(
      Catalog catalog,
      List<TableIdentifier> tables,
      MaintenanceConfig cfg,
      LockSettings lock,
      Progress progress) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(cfg, "cfg");
    Progress callback = progress == null ? Progress.none() : progress;
    long start = System.nanoTime();
    int total = tables.size() * Step.values().length;
    int done = 0;
    List<TableReport> reports = new ArrayList<>();
    String catalogKey = LiveCatalogTableLoader.register(catalog);
    try {
      for (TableIdentifier id : tables) {
        callback.update(id, Step.COMPACT, done, total);
        TableRun tableRun = new TableRun(catalog, catalogKey, id, cfg, lock);
        for (Step step : Step.values()) {
          tableRun.perform(step);
          done++;
          callback.update(id, step, done, total);
        }
        reports.add(tableRun.report());
      }
    } finally {
      LiveCatalogTableLoader.unregister(catalogKey);
    }
    return new Report(
        Collections.unmodifiableList(reports), Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Adds Iceberg's Flink table maintenance to a streaming job: per table a monitor source that
   * polls the table for commits, a trigger manager, and the tasks RewriteDataFiles (after {@link
   * MaintenanceConfig#scheduleEveryCommits()} commits or {@link
   * MaintenanceConfig#scheduleEvery()}), ExpireSnapshots (same schedule) and DeleteOrphanFiles (on
   * time only). The tasks of one table run one at a time, guarded by a {@link JdbcLockFactory}
   * lock, so that two maintenance runs never overlap. The job's own sinks keep committing
   * meanwhile; a rewrite retries when it loses a race.
   *
   * <p>The maintenance operators need slots in the default slot sharing group and use the job's
   * default parallelism. The job must have checkpointing enabled for its sinks anyway; the
   * maintenance operators keep their trigger state in checkpoints.
   *
   * @param env the streaming job
   * @param catalogLoader loads the catalog on the task managers
   * @param tables the tables to maintain
   * @param cfg settings and schedule
   * @param lock where the locks live
   * @throws IOException when a table cannot be loaded
   */
  public static void attach(
      StreamExecutionEnvironment env,
      CatalogLoader catalogLoader,
      List<TableIdentifier> tables,
      MaintenanceConfig cfg,
      LockSettings lock)
      throws IOException {
    lock.createLockTable();
    for (TableIdentifier id : tables) {
      TableLoader loader = TableLoader.fromCatalog(catalogLoader, id);
      tableMaintenance(env, loader, lock.factoryFor(id), cfg)
          .uidSuffix("lakestream-maintain-" + id)
          .add(
              RewriteDataFiles.builder()
                  .targetFileSizeBytes(cfg.targetFileSizeBytes())
                  .minInputFiles(cfg.minInputFiles())
                  .scheduleOnCommitCount(cfg.scheduleEveryCommits())
                  .scheduleOnInterval(cfg.scheduleEvery()))
          .add(
              ExpireSnapshots.builder()
                  .maxSnapshotAge(cfg.snapshotMaxAge())
                  .retainLast(cfg.retainLastSnapshots())
                  .scheduleOnCommitCount(cfg.scheduleEveryCommits())
                  .scheduleOnInterval(cfg.scheduleEvery()))
          .add(
              DeleteOrphanFiles.builder()
                  .minAge(cfg.orphanMinAge())
                  .scheduleOnInterval(cfg.scheduleEvery()))
          .append();
    }
  }

  @SuppressWarnings("deprecation") // the lock-factory variant is the documented one in 1.11
  private static TableMaintenance.Builder tableMaintenance(
      StreamExecutionEnvironment env,
      TableLoader loader,
      TriggerLockFactory lockFactory,
      MaintenanceConfig cfg) {
    return TableMaintenance.forTable(env, loader, lockFactory)
        .rateLimit(cfg.checkInterval())
        .lockCheckDelay(cfg.checkInterval());
  }

  /** Live data files of the current snapshot. */
  record FileStats(int files, long bytes, Map<String, Integer> smallFilesPerPartition) {
    int maxSmallFilesInAPartition() {
      return smallFilesPerPartition.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
  }

  static FileStats fileStats(Table table, long smallerThan) {
    int files = 0;
    long bytes = 0;
    Map<String, Integer> small = new HashMap<>();
    if (table.currentSnapshot() == null) {
      return new FileStats(0, 0, small);
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files++;
        bytes += task.file().fileSizeInBytes();
        if (task.file().fileSizeInBytes() < smallerThan) {
          String key =
              task.file().specId() + "/" + task.spec().partitionToPath(task.file().partition());
          small.merge(key, 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FileStats(files, bytes, small);
  }

  static int manifestCount(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? 0 : current.allManifests(table.io()).size();
  }

  /** The maintenance of one table. */
  private final class TableRun {
    private final String catalogKey;
    private final TableIdentifier id;
    private final MaintenanceConfig cfg;
    private final LockSettings lock;
    private final long start = System.nanoTime();
    private final Set<Step> stepsRun = EnumSet.noneOf(Step.class);
    private final FileStats before;
    private final int manifestsBefore;
    private int snapshotsExpired;
    private int expiredFilesDeleted;
    private int orphanFilesDeleted;
    private Table table;

    TableRun(
        Catalog catalog,
        String catalogKey,
        TableIdentifier id,
        MaintenanceConfig cfg,
        LockSettings lock) {
      this.catalogKey = catalogKey;
      this.id = id;
      this.cfg = cfg;
      this.lock = lock;
      this.table = catalog.loadTable(id);
      this.before = fileStats(table, cfg.targetFileSizeBytes());
      this.manifestsBefore = manifestCount(table);
    }

    void perform(Step step) {
      table.refresh();
      if (table.currentSnapshot() == null) {
        return;
      }
      switch (step) {
        case COMPACT -> compact();
        case REWRITE_MANIFESTS -> rewriteManifests();
        case EXPIRE_SNAPSHOTS -> expireSnapshots();
        case DELETE_ORPHANS -> deleteOrphans();
        default -> throw new IllegalStateException("unknown step " + step);
      }
    }

    TableReport report() {
      table.refresh();
      FileStats after = fileStats(table, cfg.targetFileSizeBytes());
      return new TableReport(
          id,
          Collections.unmodifiableSet(EnumSet.copyOf(stepsRun)),
          before.files(),
          after.files(),
          before.bytes(),
          after.bytes(),
          manifestsBefore,
          manifestCount(table),
          snapshotsExpired,
          expiredFilesDeleted,
          orphanFilesDeleted,
          Duration.ofNanos(System.nanoTime() - start));
    }

    private void compact() {
      for (int attempt = 1; ; attempt++) {
        FileStats stats = fileStats(table, cfg.targetFileSizeBytes());
        if (stats.maxSmallFilesInAPartition() < cfg.minInputFiles()) {
          return;
        }
        stepsRun.add(Step.COMPACT);
        StreamExecutionEnvironment env = localEnv(RuntimeExecutionMode.BATCH);
        try {
          var result =
              Actions.forTable(env, table)
                  .rewriteDataFiles()
                  .maxParallelism(parallelism)
                  .targetSizeInBytes(cfg.targetFileSizeBytes())
                  // bin-pack by actual bytes, not by the 4 MiB "open cost" of each small file
                  .splitOpenFileCost(1)
                  .execute();
          LOG.info(
              "Compacted {}: {} data files replaced by {}",
              id,
              result.deletedDataFiles().size(),
              result.addedDataFiles().size());
          return;
        } catch (CommitFailedException | ValidationException e) {
          if (attempt >= COMPACTION_ATTEMPTS) {
            throw e;
          }
          LOG.info(
              "Compaction of {} lost a commit race (attempt {}): {}", id, attempt, e.toString());
          table.refresh();
        }
      }
    }

    private void rewriteManifests() {
      if (manifestCount(table) < cfg.minInputFiles()) {
        return;
      }
      stepsRun.add(Step.REWRITE_MANIFESTS);
      table.rewriteManifests().clusterBy(file -> file.specId()).commit();
    }

    private void expireSnapshots() {
      long cutoff = System.currentTimeMillis() - cfg.snapshotMaxAge().toMillis();
      Set<Long> retained = new HashSet<>();
      for (Snapshot s : SnapshotUtil.currentAncestors(table)) {
        if (retained.size() >= cfg.retainLastSnapshots()) {
          break;
        }
        retained.add(s.snapshotId());
      }
      Set<Long> idsBefore = new HashSet<>();
      boolean candidates = false;
      for (Snapshot s : table.snapshots()) {
        idsBefore.add(s.snapshotId());
        if (s.timestampMillis() < cutoff && !retained.contains(s.snapshotId())) {
          candidates = true;
        }
      }
      if (!candidates) {
        return;
      }
      stepsRun.add(Step.EXPIRE_SNAPSHOTS);
      AtomicInteger deleted = new AtomicInteger();
      table
          .expireSnapshots()
          .expireOlderThan(cutoff)
          .retainLast(cfg.retainLastSnapshots())
          .deleteWith(
              path -> {
                table.io().deleteFile(path);
                deleted.incrementAndGet();
              })
          .commit();
      table.refresh();
      Set<Long> idsAfter = new HashSet<>();
      table.snapshots().forEach(s -> idsAfter.add(s.snapshotId()));
      idsBefore.removeAll(idsAfter);
      snapshotsExpired += idsBefore.size();
      expiredFilesDeleted += deleted.get();
    }

    private void deleteOrphans() {
      long cutoff = System.currentTimeMillis() - cfg.orphanMinAge().toMillis();
      Set<String> oldFiles = oldFiles(cutoff);
      if (oldFiles != null && oldFiles.isEmpty()) {
        return; // no file is old enough to be deleted, whatever the references
      }
      stepsRun.add(Step.DELETE_ORPHANS);
      try (JdbcLockFactory check = lock.factoryFor(id)) {
        check.open();
        if (check.createLock().isHeld() || check.createRecoveryLock().isHeld()) {
          LOG.warn("Skipping the orphan cleanup of {}: another maintenance holds its lock", id);
          return;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      runOrphanJob();
      if (oldFiles != null) {
        Set<String> remaining = oldFiles(cutoff);
        oldFiles.removeAll(remaining);
        orphanFilesDeleted += oldFiles.size();
      }
    }

    /** Files under the table location created before the cutoff; null when not listable. */
    private Set<String> oldFiles(long cutoff) {
      if (!(table.io() instanceof SupportsPrefixOperations prefixOps)) {
        return null;
      }
      // a listing can trip over a file deleted meanwhile (e.g. by a writer that lost a commit race)
      for (int attempt = 1; ; attempt++) {
        try {
          Set<String> old = new HashSet<>();
          for (FileInfo info : prefixOps.listPrefix(table.location())) {
            if (info.createdAtMillis() < cutoff) {
              old.add(info.location());
            }
          }
          return old;
        } catch (RuntimeException e) {
          if (attempt >= 3) {
            throw e;
          }
          LOG.debug("Listing {} failed, retrying: {}", table.location(), e.toString());
        }
      }
    }

    private void runOrphanJob() {
      String runId = UUID.randomUUID().toString();
      TrackingLockFactory lockFactory = new TrackingLockFactory(lock.factoryFor(id), runId);
      StreamExecutionEnvironment env = localEnv(RuntimeExecutionMode.STREAMING);
      Duration fast = Duration.ofMillis(200);
      JobClient client = null;
      try {
        TableMaintenance.Builder builder =
            tableMaintenance(
                    env,
                    LiveCatalogTableLoader.of(catalogKey, id),
                    lockFactory,
                    cfg.withSchedule(1, Duration.ofDays(365), fast))
                .uidSuffix("lakestream-orphans-" + runId)
                .maxReadBack(1);
        builder
            .add(
                DeleteOrphanFiles.builder()
                    .minAge(cfg.orphanMinAge())
                    // fire on the first (read-back) commit seen by the monitor source
                    .scheduleOnCommitCount(1))
            .append();
        client = env.executeAsync("lakestream maintain: orphan files of " + id);
        long deadline = System.nanoTime() + ORPHAN_JOB_TIMEOUT.toNanos();
        TrackingLockFactory.Counts counts = TrackingLockFactory.counts(runId);
        while (!counts.finished()) {
          JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
          if (status.isGloballyTerminalState()) {
            throw new IllegalStateException(
                "Orphan cleanup job of " + id + " ended early: " + status);
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Orphan cleanup of " + id + " timed out");
          }
          Thread.sleep(50);
        }
        // The task result (and so the lock release) does not wait for the deletions: Iceberg's
        // DeleteOrphanFiles reports on its trigger and error streams only, while the deleting
        // operator works in batches flushed on watermarks. Stopping with drain pushes the final
        // watermark through every operator, so the pending deletions happen before the job ends.
        drain(client);
        client = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted during the orphan cleanup of " + id, e);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("Orphan cleanup of " + id + " failed", e);
      } finally {
        TrackingLockFactory.forget(runId);
        if (client != null) {
          try {
            client.cancel().get(1, TimeUnit.MINUTES);
          } catch (Exception e) {
            LOG.debug("Cancelling the orphan cleanup job of {}: {}", id, e.toString());
          }
        }
      }
    }
  }

  private static void drain(JobClient client) throws Exception {
    Path savepoints = Files.createTempDirectory("lakestream-maintain-savepoint");
    try {
      client
          .stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
          .get(ORPHAN_JOB_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
      client.getJobExecutionResult().get(1, TimeUnit.MINUTES);
    } finally {
      deleteQuietly(savepoints);
    }
  }

  private StreamExecutionEnvironment localEnv(RuntimeExecutionMode mode) {
    Configuration conf = new Configuration();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.setRuntimeMode(mode);
    return env;
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("Could not delete {}: {}", dir, e.toString());
    }
  }
}
