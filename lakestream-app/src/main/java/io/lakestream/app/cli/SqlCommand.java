package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.QueryOptions;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.ResultFormatter;
import io.lakestream.lake.SqlEngine;
import io.lakestream.lake.SqlException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakestream sql "SELECT ..."}: read-only SQL over the lake. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a read-only SQL query over the lake (DuckDB reading the files Iceberg plans).",
      "Tables: raw.<source>, curated.<source>, aggregates.<name>, errors.records, alerts.events.",
      "Time travel with --as-of or --snapshot; 'lakestream describe TABLE' lists snapshots.",
      "Example: lakestream sql \"SELECT stage, reason, original_text FROM errors.records\""
    })
final class SqlCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormatter.Format format = ResultFormatter.Format.TABLE;

  @Option(
      names = "--as-of",
      paramLabel = "INSTANT",
      description =
          "Time travel: read every table as it was at this instant (ISO-8601, e.g."
              + " 2026-12-06T10:00:00Z).")
  java.time.Instant asOf;

  @Option(
      names = "--snapshot",
      paramLabel = "TABLE=ID",
      description =
          "Time travel: read this table at this snapshot id (see 'lakestream describe TABLE');"
              + " repeatable.")
  java.util.Map<String, Long> snapshots = new java.util.LinkedHashMap<>();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Cancel the query after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 30;

  @Option(
      names = "--max-rows",
      paramLabel = "N",
      description = "Print at most this many rows (default: ${DEFAULT-VALUE}).")
  int maxRows = 10_000;

  @Parameters(paramLabel = "QUERY", description = "A SELECT query.")
  String query;

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
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake());
        SqlEngine sql = SqlEngine.open(lake.catalog())) {
      QueryOptions options =
          QueryOptions.defaults()
              .withTimeout(java.time.Duration.ofSeconds(timeoutSeconds))
              .withMaxRows(maxRows)
              .withSnapshots(snapshots);
      if (asOf != null) {
        options = options.withAsOf(asOf);
      }
      QueryResult result = sql.query(query, options);
      System.out.print(ResultFormatter.format(result, format));
      System.out.flush();
      if (result.truncated()) {
        System.err.println(
            "note: only the first "
                + result.rows().size()
                + " rows are shown (--max-rows "
                + maxRows
                + ")");
      }
      return 0;
    } catch (SqlException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }
}
