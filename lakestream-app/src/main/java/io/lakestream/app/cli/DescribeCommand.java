package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeInventory;
import io.lakestream.lake.LakeInventory.ColumnInfo;
import io.lakestream.lake.LakeInventory.SnapshotInfo;
import io.lakestream.lake.LakeInventory.SpecInfo;
import io.lakestream.lake.LakeInventory.TableDescription;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakestream describe zone.table}: one table's columns, partitioning and snapshots. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description = {
      "Show one lake table: its columns and types, partition specs, row and file counts, and its"
          + " snapshots (newest first) with their commit times — the ids 'sql --snapshot' and"
          + " '--as-of' travel back to."
    },
    footer = {
      "",
      "Examples:",
      "  lakestream describe curated.sensors",
      "  lakestream describe errors.records --snapshots 50"
    })
final class DescribeCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Parameters(
      paramLabel = "TABLE",
      description = "The table, as zone.table (see 'lakestream tables').")
  String table;

  @Option(
      names = "--snapshots",
      paramLabel = "N",
      description = "Show at most this many snapshots (default: ${DEFAULT-VALUE}).")
  int maxSnapshots = 20;

  @Override
  public Integer call() {
    int dot = table.indexOf('.');
    if (dot <= 0 || dot == table.length() - 1) {
      System.err.println("error: name the table as zone.table, e.g. curated.sensors");
      return 2;
    }
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (!pipeline.lakeExistsOrReport(cfg)) {
      return 1;
    }
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      TableDescription d =
          LakeInventory.describe(
              lake.catalog(),
              TableIdentifier.of(table.substring(0, dot), table.substring(dot + 1)));
      System.out.print(render(d, maxSnapshots));
      return 0;
    } catch (NoSuchTableException e) {
      System.err.println(
          "error: no table " + table + " in the lake; 'lakestream tables' lists them");
      return 1;
    }
  }

  static String render(TableDescription d, int maxSnapshots) {
    StringBuilder sb = new StringBuilder();
    sb.append(d.name()).append('\n');
    sb.append(String.format(Locale.ROOT, "  location   %s%n", d.location()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  rows       %,d in %,d data files (current snapshot %s)%n",
            d.rows(),
            d.dataFiles(),
            d.currentSnapshotId() == null ? "none" : d.currentSnapshotId()));
    for (SpecInfo s : d.specs()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  partition  spec %d: %s%s%n",
              s.specId(),
              s.partitioning().isEmpty() ? "unpartitioned" : s.partitioning(),
              s.isDefault() ? " (current)" : ""));
    }
    sb.append(String.format(Locale.ROOT, "  columns    (schema %d)%n", d.schemaId()));
    int w = d.columns().stream().mapToInt(c -> c.name().length()).max().orElse(0);
    for (ColumnInfo c : d.columns()) {
      sb.append("    ")
          .append(c.name())
          .append(" ".repeat(w - c.name().length() + 2))
          .append(c.type())
          .append(c.required() ? " not null" : "")
          .append(c.doc() == null ? "" : "  " + c.doc())
          .append('\n');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  snapshots  %d kept%s%n",
            d.snapshots().size(),
            d.snapshots().size() > maxSnapshots ? ", newest " + maxSnapshots + " shown" : ""));
    DateTimeFormatter t = DateTimeFormatter.ISO_INSTANT;
    for (SnapshotInfo s : d.snapshots().subList(0, Math.min(maxSnapshots, d.snapshots().size()))) {
      sb.append(
          String.format(
              Locale.ROOT,
              "    %-20d %s  %-9s %s%n",
              s.snapshotId(),
              t.format(s.committedAt()),
              s.operation(),
              counts(s)));
    }
    return sb.toString();
  }

  private static String counts(SnapshotInfo s) {
    StringBuilder sb = new StringBuilder();
    if (s.addedRows() != null && s.addedRows() > 0) {
      sb.append(String.format(Locale.ROOT, "+%,d rows ", s.addedRows()));
    }
    if (s.removedRows() != null && s.removedRows() > 0) {
      sb.append(String.format(Locale.ROOT, "-%,d rows ", s.removedRows()));
    }
    if (s.addedFiles() != null && s.addedFiles() > 0) {
      sb.append(String.format(Locale.ROOT, "+%d files ", s.addedFiles()));
    }
    if (s.removedFiles() != null && s.removedFiles() > 0) {
      sb.append(String.format(Locale.ROOT, "-%d files", s.removedFiles()));
    }
    return sb.toString().strip();
  }
}
