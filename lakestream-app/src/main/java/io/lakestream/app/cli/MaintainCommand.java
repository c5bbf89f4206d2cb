package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.maintain.LakeUpkeep;
import io.lakestream.jobs.maintain.LakeMaintenance;
import io.lakestream.lake.LakeCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream maintain}: compaction, manifest rewrite, snapshot expiry, orphan cleanup. */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Keep the lake's tables healthy: merge small data files into files of"
          + " lake.maintenance.target_file_size (128 MB), rewrite manifests, expire snapshots"
          + " older than keep_snapshots (keeping the newest retain_last) and delete unreferenced"
          + " files older than orphan_min_age.",
      "Safe while 'up' runs (it runs the same every lake.maintenance.every): streaming commits go"
          + " on, and a lock keeps two runs apart."
    },
    footer = {
      "",
      "Examples:",
      "  lakestream maintain",
      "  lakestream maintain --table curated.sensors"
    })
final class MaintainCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = {"-t", "--table"},
      paramLabel = "TABLE",
      description = "Only this table, as zone.table (repeatable).")
  List<String> tables = new ArrayList<>();

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (!pipeline.lakeExistsOrReport(cfg)) {
      return 1;
    }
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      List<TableIdentifier> ids = LakeUpkeep.tables(lake.catalog(), tables);
      if (ids.isEmpty()) {
        System.err.println(
            "error: "
                + (tables.isEmpty()
                    ? "the lake has no tables yet"
                    : "no table "
                        + String.join(", ", tables)
                        + "; 'lakestream tables' lists them"));
        return 1;
      }
      LakeMaintenance.Report r =
          new LakeMaintenance()
              .run(
                  lake.catalog(),
                  ids,
                  LakeUpkeep.config(cfg.lake().maintenance()),
                  LakeUpkeep.lock(pipeline.dataDirAbsolute()),
                  quiet ? LakeMaintenance.Progress.none() : MaintainCommand::progress);
      if (!quiet) {
        ProgressBar.clear();
      }
      for (LakeMaintenance.TableReport t : r.tables()) {
        System.out.printf(
            Locale.ROOT,
            "%-32s %s%n",
            t.table(),
            t.skipped()
                ? "nothing to do"
                : String.format(
                    Locale.ROOT,
                    "data files %,d -> %,d (%s -> %s), manifests %d -> %d, %d snapshots expired,"
                        + " %d orphan files deleted, %.1f s",
                    t.dataFilesBefore(),
                    t.dataFilesAfter(),
                    TablesCommand.humanSize(t.bytesBefore()),
                    TablesCommand.humanSize(t.bytesAfter()),
                    t.manifestsBefore(),
                    t.manifestsAfter(),
                    t.snapshotsExpired(),
                    t.orphanFilesDeleted(),
                    t.elapsed().toMillis() / 1000.0));
      }
      return 0;
    } catch (RuntimeException e) {
      System.err.println("\nerror: " + e.getMessage());
      return 1;
    }
  }

  private static void progress(
      TableIdentifier table, LakeMaintenance.Step step, int done, int total) {
    ProgressBar.draw(
        total == 0 ? 1 : (double) done / total,
        table + ": " + step.name().toLowerCase(Locale.ROOT).replace('_', ' '));
  }
}
