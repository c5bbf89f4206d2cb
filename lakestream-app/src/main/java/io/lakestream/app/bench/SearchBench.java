package io.lakestream.app.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SearchConfig;
import io.lakestream.app.embedded.EmbeddedLakestream;
import io.lakestream.lake.LakeSchemas;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexStats;
import io.lakestream.search.SearchIndex;
import io.lakestream.search.SearchRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The search benchmark ({@code bench --search}).
 *
 * <ol>
 *   <li><b>While the pipeline runs.</b> The raw topic is loaded with application log lines while
 *       the job is held back; then the job replays the backlog at full speed while the search feed
 *       indexes what it writes to the enriched topic. Reported: the index rate (documents a second
 *       from the first indexed to the last), how far the index trails the lake, and the replay rate
 *       of the same run without the search block, so the feed's cost shows as a ratio.
 *   <li><b>Queries over a large index.</b> An index of {@code queryDocs} log lines (10 million by
 *       default) is built directly (the pipeline would take far longer to deliver that many here),
 *       then each query shape runs 200 times: p50 and p99, and the size on disk per million
 *       documents.
 * </ol>
 */
public final class SearchBench {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] SERVICES = {
    "checkout-api", "payments", "search-api", "auth", "inventory", "shipping",
    "cart", "recommendations", "notifications", "gateway", "billing", "profile"
  };
  private static final String[] PATHS = {
    "orders", "cart", "users", "items", "sessions", "invoices"
  };

  private final PrintStream out;

  public SearchBench(PrintStream out) {
    this.out = out;
  }

  /** The level of log line {@code i}: 70 % INFO, 15 % WARN, 10 % ERROR, 5 % DEBUG. */
  static String level(long i) {
    int r = (int) Math.floorMod(i * 2_654_435_761L, 100);
    return r < 70 ? "INFO" : r < 85 ? "WARN" : r < 95 ? "ERROR" : "DEBUG";
  }

  /** Log line {@code i} of a run, as the app_logs source of the example pipeline takes it. */
  static ObjectNode line(String run, long i, Instant base) {
    ObjectNode o = NODES.objectNode();
    String service = SERVICES[(int) Math.floorMod(i * 40_503L, SERVICES.length)];
    String level = level(i);
    long n = Math.floorMod(i * 7_919L, 100_000);
    String message =
        switch (level) {
          case "ERROR" ->
              (i % 3 == 0)
                  ? "upstream timeout calling "
                      + SERVICES[(int) (n % SERVICES.length)]
                      + " after "
                      + (1000 + n % 9000)
                      + " ms"
                  : "connection reset by peer 10.0." + (n % 256) + "." + (i % 256);
          case "WARN" ->
              "slow response for /api/"
                  + PATHS[(int) (n % PATHS.length)]
                  + "/"
                  + n
                  + " took "
                  + (500 + n % 1500)
                  + " ms";
          case "DEBUG" -> "cache miss for key " + PATHS[(int) (i % PATHS.length)] + ":" + n;
          default ->
              "GET /api/"
                  + PATHS[(int) (n % PATHS.length)]
                  + "/"
                  + n
                  + " 200 in "
                  + (n % 120)
                  + " ms for user u"
                  + (n % 5000);
        };
    o.put("id", run + "-" + i);
    o.put("ts", base.plusMillis(i * 10).toString());
    o.put("service", service);
    o.put("level", level);
    o.put("message", message);
    o.put("host", "pod-" + (i % 200));
    if (!level.equals("INFO")) {
      o.put(
          "trace_id",
          String.format(Locale.ROOT, "%032x", i * 0x9E3779B97F4A7C15L & Long.MAX_VALUE));
    }
    return o;
  }

  /** The trace id of the first line from {@code i} on that has one. */
  private static String traceOf(long i, Instant base) {
    long j = i;
    while (level(j).equals("INFO")) {
      j++;
    }
    return line("q", j, base).path("trace_id").asText();
  }

  /**
   * Runs both parts; true when every event was indexed.
   *
   * @param load the pipeline file loaded with a given data directory
   */
  public boolean run(
      java.util.function.Function<Path, PipelineConfig> load,
      Path dir,
      long events,
      int batch,
      long queryDocs,
      int runs)
      throws Exception {
    PipelineConfig example = load.apply(dir.resolve("check"));
    if (!example.sources().containsKey("app_logs")
        || !example.search().sources().containsKey("app_logs")) {
      out.println(
          "error: --search drives the example pipeline's app_logs source, which must be listed"
              + " under search.sources");
      return false;
    }
    // Alternating runs (a warm-up run without search first, not counted), each with its own data
    // directory, lake included; medians over the measured ones.
    pipelineRun(
        load.apply(dir.resolve("warm-up")).withSearch(SearchConfig.NONE),
        dir.resolve("warm-up"),
        Math.min(events, 100_000),
        batch);
    List<Result> withs = new ArrayList<>();
    List<Result> withouts = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      withouts.add(
          pipelineRun(
              load.apply(dir.resolve("without-" + r)).withSearch(SearchConfig.NONE),
              dir.resolve("without-" + r),
              events,
              batch));
      withs.add(
          pipelineRun(
              load.apply(dir.resolve("with-" + r)), dir.resolve("with-" + r), events, batch));
    }
    Result with = new Result();
    with.indexRate = median(withs, x -> x.indexRate);
    with.lakeRate = median(withs, x -> x.lakeRate);
    with.indexDoneSecs = median(withs, x -> x.indexDoneSecs);
    with.lakeDoneSecs = median(withs, x -> x.lakeDoneSecs);
    with.cpuMicrosPerEvent = median(withs, x -> x.cpuMicrosPerEvent);
    with.complete = withs.stream().allMatch(x -> x.complete);
    Result without = new Result();
    without.lakeRate = median(withouts, x -> x.lakeRate);
    without.cpuMicrosPerEvent = median(withouts, x -> x.cpuMicrosPerEvent);
    out.println();
    out.printf(
        Locale.ROOT,
        "bench --search, part 1: indexing while the pipeline replays at full speed (median of %d"
            + " run%s each)%n",
        runs,
        runs == 1 ? "" : "s");
    out.printf(Locale.ROOT, "  log lines            %,d per run%n", events);
    out.printf(
        Locale.ROOT,
        "  index rate           %,.0f documents/s (first to last document indexed; runs: %s)%n",
        with.indexRate,
        list(withs, x -> x.indexRate));
    out.printf(
        Locale.ROOT,
        "  index vs lake        the last document was searchable %.1f s %s the last lake commit%n",
        Math.abs(with.indexDoneSecs - with.lakeDoneSecs),
        with.indexDoneSecs <= with.lakeDoneSecs ? "before" : "after");
    out.printf(
        Locale.ROOT,
        "  replay into the lake %,.0f events/s with search %s, %,.0f without %s (%.2f×)%n",
        with.lakeRate,
        list(withs, x -> x.lakeRate),
        without.lakeRate,
        list(withouts, x -> x.lakeRate),
        with.lakeRate / without.lakeRate);
    out.printf(
        Locale.ROOT,
        "  CPU per event        %.1f µs with search, %.1f µs without%n",
        with.cpuMicrosPerEvent,
        without.cpuMicrosPerEvent);
    if (!with.complete) {
      out.println("  the index did not receive every event within 30 minutes");
      return false;
    }
    queries(dir.resolve("query-index"), queryDocs, example.search());
    return true;
  }

  private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    double[] xs = rs.stream().mapToDouble(f).sorted().toArray();
    return xs.length == 0 ? Double.NaN : xs[xs.length / 2];
  }

  private static String list(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
    return rs.stream()
        .map(r -> String.format(Locale.ROOT, "%,.0f", f.applyAsDouble(r)))
        .toList()
        .toString();
  }

  private static final class Result {
    double indexRate = Double.NaN;
    double lakeRate = Double.NaN;
    double indexDoneSecs = Double.NaN;
    double lakeDoneSecs = Double.NaN;
    double cpuMicrosPerEvent = Double.NaN;
    boolean complete;
  }

  private Result pipelineRun(PipelineConfig cfg, Path dir, long events, int batch)
      throws Exception {
    boolean search = cfg.search().enabled();
    PipelineConfig c = cfg.withGateway(cfg.gateway().withPort(0));
    Result r = new Result();
    try (EmbeddedLakestream ls =
        EmbeddedLakestream.start(
            c, dir, EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred())) {
      String run = "s" + System.currentTimeMillis();
      Instant base = Instant.now().minusMillis(events * 10).truncatedTo(ChronoUnit.SECONDS);
      out.printf(
          Locale.ROOT,
          "bench: %s search: loading the raw topic with %,d log lines...%n",
          search ? "with" : "without",
          events);
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      URI uri = URI.create(ls.gatewayUrl() + "/v1/sources/app_logs/events");
      long t0 = System.nanoTime();
      for (long from = 0; from < events; from += batch) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (long i = from; i < Math.min(events, from + batch); i++) {
          body.write(line(run, i, base).toString().getBytes(StandardCharsets.UTF_8));
          body.write('\n');
        }
        BenchClient.postUntilAccepted(
            http,
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
      }
      out.printf(
          Locale.ROOT, "bench: loaded in %.1f s; replaying...%n", (System.nanoTime() - t0) / 1e9);
      Catalog catalog = ls.lake().catalog();
      TableIdentifier table = LakeSchemas.curatedTable("app_logs");
      long cpu0 = ProcessStats.cpuNanos();
      ls.startJob();
      long start = System.nanoTime();
      long firstDoc = -1;
      long indexDone = -1;
      long firstRow = -1;
      long lakeDone = -1;
      long lastPrint = start;
      while (System.nanoTime() - start < Duration.ofMinutes(30).toNanos()) {
        long now = System.nanoTime();
        long rows =
            catalog.tableExists(table) ? BenchClient.committedRows(catalog.loadTable(table)) : 0;
        long docs = search ? ls.search().orElseThrow().index().count("source:app_logs") : events;
        if (search && docs > 0 && firstDoc < 0) {
          firstDoc = now;
        }
        if (docs >= events && indexDone < 0) {
          indexDone = now;
        }
        if (rows > 0 && firstRow < 0) {
          firstRow = now;
        }
        if (rows >= events && lakeDone < 0) {
          lakeDone = now;
        }
        if (indexDone >= 0 && lakeDone >= 0) {
          break;
        }
        if (now - lastPrint > 2_000_000_000L) {
          lastPrint = now;
          out.printf(
              Locale.ROOT,
              "  %5.1f s  lake %,d%s%n",
              (now - start) / 1e9,
              rows,
              search ? String.format(Locale.ROOT, "  search index %,d", docs) : "");
        }
        Thread.sleep(search ? 200 : 500);
      }
      double cpu = (ProcessStats.cpuNanos() - cpu0) / 1e9;
      r.complete = indexDone >= 0 && lakeDone >= 0;
      if (lakeDone >= 0) {
        r.lakeDoneSecs = (lakeDone - start) / 1e9;
        r.lakeRate = events / r.lakeDoneSecs;
      }
      if (search && indexDone >= 0) {
        r.indexDoneSecs = (indexDone - start) / 1e9;
        r.indexRate = events / Math.max(1e-3, (indexDone - firstDoc) / 1e9);
      }
      r.cpuMicrosPerEvent = cpu * 1e6 / events;
    } finally {
      EmbeddedLakestream.deleteTree(dir);
    }
    return r;
  }

  /** Part 2: builds an index of {@code n} log lines directly and times query shapes over it. */
  private void queries(Path dir, long n, SearchConfig search) throws Exception {
    out.println();
    out.printf(Locale.ROOT, "bench --search, part 2: %,d log lines indexed directly%n", n);
    Instant base = Instant.parse("2026-12-01T00:00:00Z");
    try (SearchIndex index =
        SearchIndex.open(dir, io.lakestream.app.search.SearchDocs.schema(search))) {
      long t0 = System.nanoTime();
      List<IndexDoc> batch = new ArrayList<>(1000);
      long lastPrint = t0;
      for (long i = 0; i < n; i++) {
        ObjectNode event = line("q", i, base);
        long t = base.toEpochMilli() + i * 10;
        ObjectNode curated = NODES.objectNode();
        curated.put("event_id", event.get("id").asText());
        curated.put("event_time", Instant.ofEpochMilli(t).toString());
        curated.put("ingest_time", Instant.ofEpochMilli(t + 50).toString());
        curated.put("schema_version", 1);
        curated.setAll(event);
        batch.add(new IndexDoc(event.get("id").asText(), "app_logs", t, t + 50, curated));
        if (batch.size() == 1000) {
          index.index(batch);
          batch = new ArrayList<>(1000);
        }
        long now = System.nanoTime();
        if (now - lastPrint > 5_000_000_000L) {
          lastPrint = now;
          out.printf(
              Locale.ROOT,
              "  %,d of %,d (%.0f%%), %,.0f documents/s%n",
              i,
              n,
              100.0 * i / n,
              i / ((now - t0) / 1e9));
        }
      }
      index.index(batch);
      index.commit(java.util.Map.of("bench", "true"));
      double secs = (System.nanoTime() - t0) / 1e9;
      IndexStats stats = index.stats();
      out.printf(
          Locale.ROOT,
          "  bulk index rate      %,.0f documents/s (one thread, generation included)%n",
          n / secs);
      out.printf(
          Locale.ROOT,
          "  size on disk         %,.0f MB in all, %,.0f MB per million documents (%d segments)%n",
          stats.sizeOnDiskBytes() / 1e6,
          stats.sizeOnDiskBytes() / 1e6 / (n / 1e6),
          stats.segments());
      Instant mid = base.plusMillis(n * 5);
      String[][] shapes = {
        {"keyword", "level:ERROR", ""},
        {"two keywords", "level:ERROR AND service:checkout-api", ""},
        {"text term", "message:timeout", ""},
        {"phrase", "message:\"connection reset\"", ""},
        {"boolean", "(level:ERROR OR level:WARN) AND NOT service:auth", ""},
        {"prefix", "service:check*", ""},
        {"15-min range", "event_time:[" + mid + " TO " + mid.plusSeconds(900) + "]", ""},
        {"trace lookup", "trace_id:" + traceOf(n / 2, base), ""},
        {"text + facets", "message:timeout", "facets"},
        {"all + facets", "*", "facets"},
      };
      out.printf(Locale.ROOT, "  %-14s %12s %9s %9s%n", "query", "hits", "p50 ms", "p99 ms");
      for (String[] s : shapes) {
        SearchRequest req = SearchRequest.of(s[1]);
        if (!s[2].isEmpty()) {
          req = req.withFacets(10, "level", "service");
        }
        for (int i = 0; i < 20; i++) {
          index.search(req);
        }
        List<Long> micros = new ArrayList<>();
        long hits = 0;
        for (int i = 0; i < 200; i++) {
          long q0 = System.nanoTime();
          hits = index.search(req).totalHits();
          micros.add((System.nanoTime() - q0) / 1000);
        }
        Collections.sort(micros);
        out.printf(
            Locale.ROOT,
            "  %-14s %,12d %9.2f %9.2f%n",
            s[0],
            hits,
            micros.get(100) / 1000.0,
            micros.get(197) / 1000.0);
      }
    } finally {
      EmbeddedLakestream.deleteTree(dir);
    }
  }
}
