package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.lake.LakeCatalog;
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
      "Tables: raw.<source> for each source, errors.records for every rejected event.",
      "Example: lakestream sql \"SELECT stage, reason, original_text FROM errors.records\""
    })
final class SqlCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormatter.Format format = ResultFormatter.Format.TABLE;

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
      QueryResult result = sql.query(query);
      System.out.print(ResultFormatter.format(result, format));
      System.out.flush();
      return 0;
    } catch (SqlException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }
}
