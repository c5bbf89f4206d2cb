package io.lakestream.app.cli;

import io.lakestream.api.config.ExportSettings;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.export.WarehouseExport;
import io.lakestream.export.ExportException;
import io.lakestream.export.ExportProgress;
import io.lakestream.export.ExportResult;
import io.lakestream.export.TableExportResult;
import io.lakestream.lake.LakeCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream export}: mirror the lake tables named in {@code lake.export} now. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Copy what is new in the lake tables named under lake.export into PostgreSQL (the COPY"
          + " protocol; only the Iceberg snapshots since the last export; a row already there is"
          + " never inserted again, so an interrupted export is simply run again).",
      "'up' runs the same export every lake.export.postgres.every while it is running."
    },
    footer = {
      "",
      "Examples:",
      "  lakestream export",
      "  lakestream export --table curated.sensors"
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = {"-t", "--table"},
      paramLabel = "TABLE",
      description = "Only this table (repeatable); it must be listed under lake.export.")
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
    ExportSettings export = cfg.lake().export();
    if (export == null) {
      System.err.println(
          "error: the pipeline has no lake.export block; add e.g.\n"
              + "  lake:\n    export:\n      postgres:\n        url: jdbc:postgresql://db:5432/analytics\n"
              + "        user: lakestream\n        tables: {curated.sensors: {}}");
      return 2;
    }
    for (String t : tables) {
      if (export.tables().stream().noneMatch(e -> e.table().equals(t))) {
        System.err.println(
            "error: table "
                + t
                + " is not listed under lake.export.postgres.tables ("
                + String.join(
                    ", ", export.tables().stream().map(ExportSettings.Table::table).toList())
                + ")");
        return 2;
      }
    }
    if (!pipeline.lakeExistsOrReport(cfg)) {
      return 1;
    }
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      ExportResult r =
          WarehouseExport.runOnce(export, lake.catalog(), tables, quiet ? p -> {} : this::progress);
      if (!quiet) {
        ProgressBar.clear();
      }
      for (TableExportResult t : r.tables()) {
        System.out.printf(
            Locale.ROOT,
            "%-32s -> %-28s %,12d rows read, %,12d inserted, %4d files, %6.1f s, %,10d rows/s%s%n",
            t.table(),
            t.target(),
            t.rowsRead(),
            t.rowsInserted(),
            t.files(),
            t.elapsed().toMillis() / 1000.0,
            Math.round(t.rowsPerSecond()),
            t.fullReload() ? " (full reload)" : "");
      }
      return 0;
    } catch (ExportException | IllegalArgumentException e) {
      System.err.println("\nerror: " + e.getMessage());
      return 1;
    }
  }

  private void progress(ExportProgress p) {
    ProgressBar.draw(
        p.rowsTotal() > 0 ? (double) p.rowsDone() / p.rowsTotal() : 1.0,
        String.format(
            Locale.ROOT,
            "%s  %,d/%,d rows  %d/%d files",
            p.table(),
            p.rowsDone(),
            p.rowsTotal(),
            p.filesDone(),
            p.filesTotal()));
  }
}
