package io.lakestream.search;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Manual benchmark (not run by the build): indexes N log lines (default 1,000,000) and prints the
 * index rate, the size on disk per million documents and the latency of a few query shapes.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.lakestream.search.SearchBenchmark [docs] [dir]
 * </pre>
 */
public final class SearchBenchmark {

  private SearchBenchmark() {}

  /** Entry point: {@code [documents] [directory]}. */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("search-bench");
    int chunk = 100_000;
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      long t0 = System.nanoTime();
      long gen = 0;
      for (int base = 0; base < n; base += chunk) {
        // generated per chunk so the corpus itself does not dominate the heap
        Corpus c =
            new Corpus(
                Math.min(chunk, n - base),
                base,
                "b" + base + "-",
                Corpus.BASE.toEpochMilli() + base * 60_000L);
        List<IndexDoc> docs = c.docs();
        for (int i = 0; i < docs.size(); i += 1000) {
          gen = index.index(docs.subList(i, Math.min(docs.size(), i + 1000)));
        }
      }
      index.commit(Map.of("bench", Integer.toString(n)));
      double secs = (System.nanoTime() - t0) / 1e9;
      index.waitForSearchable(gen, java.time.Duration.ofSeconds(60));
      IndexStats stats = index.stats();
      System.out.printf(
          "indexed %,d docs in %.1f s: %,.0f docs/s (incl. generation of the events and commit)%n",
          n, secs, n / secs);
      System.out.printf(
          "size on disk: %,d bytes, %,.0f MB per million documents, %d segments%n",
          stats.sizeOnDiskBytes(), stats.sizeOnDiskBytes() / 1e6 / (n / 1e6), stats.segments());

      String[][] shapes = {
        {"keyword term", "level:ERROR"},
        {"text term", "message:timeout"},
        {"phrase", "message:\"connection timeout\""},
        {"boolean", "(level:ERROR OR level:WARN) AND service:payments AND NOT tags:prod"},
        {"numeric range", "http.status:[500 TO 599]"},
        {"time range (1 h)", "event_time:[2026-12-10T00:00:00Z TO 2026-12-10T01:00:00Z]"},
        {"prefix", "service:check*"},
        {"match all", "*"},
      };
      for (String[] shape : shapes) {
        for (boolean facets : new boolean[] {false, true}) {
          SearchRequest req = SearchRequest.of(shape[1]).withPage(0, 20);
          if (facets) {
            req = req.withFacets(10, "level", "service");
          }
          for (int i = 0; i < 20; i++) {
            index.search(req); // warm up
          }
          List<Long> micros = new ArrayList<>();
          long total = 0;
          for (int i = 0; i < 100; i++) {
            long s = System.nanoTime();
            total = index.search(req).totalHits();
            micros.add((System.nanoTime() - s) / 1000);
          }
          Collections.sort(micros);
          System.out.printf(
              "%-18s %-6s hits=%,9d  p50=%7.2f ms  p99=%7.2f ms%n",
              shape[0],
              facets ? "+facet" : "",
              total,
              micros.get(50) / 1000.0,
              micros.get(98) / 1000.0);
        }
      }
    } finally {
      if (args.length < 2) {
        SearchIndex.deleteRecursively(dir);
      }
    }
  }
}
