package io.lakestream.app.maintain;

import io.lakestream.api.config.MaintenanceSettings;
import io.lakestream.app.embedded.Periodic;
import io.lakestream.jobs.maintain.LakeMaintenance;
import io.lakestream.jobs.maintain.LockSettings;
import io.lakestream.jobs.maintain.MaintenanceConfig;
import io.lakestream.lake.LakeInventory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's {@code lake.maintenance} put to work: runs over every lake table, by hand (the
 * {@code maintain} command) or every {@code every} while {@code up} runs. Both take the same lock,
 * so two runs never overlap; the streaming commits go on meanwhile (a compaction only replaces
 * files, which Iceberg's optimistic commits reconcile with appends).
 */
public final class LakeUpkeep implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LakeUpkeep.class);

  private final Periodic timer; // null: by hand only

  private LakeUpkeep(Periodic timer) {
    this.timer = timer;
  }

  /** The settings as the maintenance library takes them. */
  public static MaintenanceConfig config(MaintenanceSettings s) {
    return MaintenanceConfig.defaults()
        .withTargetFileSizeBytes(s.targetFileSizeBytes())
        .withMinInputFiles(s.minInputFiles())
        .withSnapshotRetention(s.keepSnapshots(), s.retainLast())
        .withOrphanMinAge(s.orphanMinAge());
  }

  /** The lock shared by every maintenance run on a data directory. */
  public static LockSettings lock(Path dataDir) {
    return LockSettings.sqlite(dataDir.resolve("maintenance-lock.db"), "lakestream");
  }

  /** Every table of the lake's zones, or only {@code only} when given. */
  public static List<TableIdentifier> tables(Catalog catalog, List<String> only) {
    List<TableIdentifier> out = new ArrayList<>();
    for (LakeInventory.TableInfo t : LakeInventory.tables(catalog, null)) {
      String name = t.zone() + "." + t.table();
      if (t.problem() == null && (only.isEmpty() || only.contains(name))) {
        out.add(TableIdentifier.of(t.zone(), t.table()));
      }
    }
    return out;
  }

  /** Runs every {@code every} until closed; nothing runs when it is {@code null}. */
  public static LakeUpkeep schedule(MaintenanceSettings s, Catalog catalog, Path dataDir) {
    if (s.every() == null) {
      LOG.info("Table upkeep runs by hand only ('lakestream maintain')");
      return new LakeUpkeep(null);
    }
    Periodic timer =
        Periodic.every(
            "lakestream-upkeep",
            s.every(),
            Duration.ofSeconds(60),
            () -> runLogged(s, catalog, dataDir));
    LOG.info("Table upkeep (compaction, snapshot expiry, orphan files) every {}", s.every());
    return new LakeUpkeep(timer);
  }

  private static void runLogged(MaintenanceSettings s, Catalog catalog, Path dataDir) {
    try {
      LakeMaintenance.Report r =
          new LakeMaintenance(1)
              .run(
                  catalog,
                  tables(catalog, List.of()),
                  config(s),
                  lock(dataDir),
                  LakeMaintenance.Progress.none());
      for (LakeMaintenance.TableReport t : r.tables()) {
        if (!t.skipped()) {
          LOG.info(
              "Upkeep of {}: data files {} -> {}, manifests {} -> {}, {} snapshots expired, {}"
                  + " orphan files deleted ({} ms)",
              t.table(),
              t.dataFilesBefore(),
              t.dataFilesAfter(),
              t.manifestsBefore(),
              t.manifestsAfter(),
              t.snapshotsExpired(),
              t.orphanFilesDeleted(),
              t.elapsed().toMillis());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Table upkeep failed, trying again in {}: {}", s.every(), e.getMessage());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.close();
    }
  }
}
