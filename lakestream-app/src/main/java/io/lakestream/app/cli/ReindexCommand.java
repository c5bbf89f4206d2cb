package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.embedded.DataDirLock;
import io.lakestream.app.search.SearchService;
import io.lakestream.lake.LakeCatalog;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream reindex}: rebuild the search index from the lake. */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the search index from the lake: each source the 'search:' block lists (its"
          + " curated table), and alerts and rejected records when they are indexed, within the"
          + " retention, with the field settings the pipeline file declares now.",
      "Run it when the index is lost or after changing the fields of 'search:'. Stop 'up' first;"
          + " searches of a running 'up' would otherwise see the old index until its restart.",
      "The index is built beside the old one and swapped in at the end, so an interrupted"
          + " reindex leaves the old index as it was."
    },
    footer = {"", "Example:", "  lakestream reindex -p pipeline.yaml -d data"})
final class ReindexCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (!cfg.search().enabled()) {
      System.err.println(
          "error: the pipeline file has no 'search:' block; there is nothing to index (see"
              + " docs/search.md).");
      return 1;
    }
    if (!pipeline.lakeExistsOrReport(cfg)) {
      return 1;
    }
    Path dir = pipeline.dataDirAbsolute().resolve("search");
    long t0 = System.nanoTime();
    try (DataDirLock lock = DataDirLock.acquire(pipeline.dataDirAbsolute());
        LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      SearchService.ReindexReport r =
          SearchService.reindex(
              cfg,
              dir,
              lake.catalog(),
              quiet
                  ? null
                  : (done, total) ->
                      ProgressBar.draw(
                          total > 0 ? (double) done / total : 0,
                          String.format(
                              Locale.ROOT,
                              "%,d documents%s",
                              done,
                              total > 0 ? String.format(Locale.ROOT, " of ~%,d", total) : "")));
      if (!quiet) {
        ProgressBar.clear();
      }
      System.out.printf(
          Locale.ROOT,
          "Reindexed %,d documents from %d table%s into %s in %.1f s%n",
          r.documents(),
          r.tablesRead(),
          r.tablesRead() == 1 ? "" : "s",
          dir,
          (System.nanoTime() - t0) / 1e9);
      return 0;
    } catch (IllegalStateException e) {
      if (e.getMessage() != null && e.getMessage().contains("is in use")) {
        System.err.println(
            "error: 'up' (or another command) is using "
                + pipeline.dataDirAbsolute()
                + "; stop it first, then run reindex. The running index keeps answering"
                + " searches until then.");
      } else {
        System.err.println("\nerror: reindex failed: " + e.getMessage());
      }
      return 1;
    } catch (Exception e) {
      System.err.println("\nerror: reindex failed: " + e.getMessage());
      return 1;
    }
  }
}
