package io.lakestream.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.embedded.DataDirLock;
import io.lakestream.app.http.SearchEndpoint;
import io.lakestream.app.search.SearchService;
import io.lakestream.search.SearchException;
import io.lakestream.search.SearchIndex;
import io.lakestream.search.SearchRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakestream search "level:ERROR AND service:checkout"}: the pipeline's search index. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search the events, alerts and rejected records the pipeline file's 'search:' block indexes.",
      "Query syntax: field:value, \"a phrase\", AND / OR / NOT, (groups), wildcards (chec*),"
          + " ranges (status:[500 TO 599], event_time:[now-15m TO now]); bare words search every"
          + " text field. Keyword fields match exactly and case-sensitively.",
      "Asks the running 'up' (GET /v1/search); when none runs, opens the index in --data-dir."
    },
    footer = {
      "",
      "Examples:",
      "  lakestream search 'level:ERROR AND service:checkout'",
      "  lakestream search 'timeout' --sort relevance --facets service,level",
      "  lakestream search 'source:_alerts AND alert.status:open'",
      "  lakestream search 'source:_errors' --format json"
    })
final class SearchCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Output formats. */
  enum Format {
    table,
    json
  }

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "QUERY",
      description = "The query; empty or '*' matches everything.")
  String query = "";

  @Option(
      names = "--sort",
      paramLabel = "ORDER",
      description = "time (newest first, the default) or relevance.")
  String sort = "time";

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      description = "Hits per page (default: ${DEFAULT-VALUE}).")
  int limit = 20;

  @Option(names = "--offset", paramLabel = "N", description = "Hits to skip.")
  int offset;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description = "Continue after the page that printed this cursor (deep paging).")
  String after;

  @Option(
      names = "--facets",
      paramLabel = "FIELDS",
      split = ",",
      description = "Count the values of these keyword fields over all hits.")
  List<String> facets = new ArrayList<>();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  Format format = Format.table;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Gateway of the running 'up' (default: from the pipeline file's gateway host and port;"
              + " set LAKESTREAM_API_KEY when API keys are configured).")
  String url;

  @Override
  public Integer call() {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (!cfg.search().enabled()) {
      System.err.println(
          "error: the pipeline file has no 'search:' block, so nothing is indexed. Add one (see"
              + " docs/search.md), restart 'up', and search again.");
      return 1;
    }
    JsonNode answer;
    try {
      answer = remote(cfg);
      if (answer == null) {
        answer = local(cfg);
      }
    } catch (SearchException e) {
      System.err.println(
          "error: "
              + e.getMessage()
              + (e.position() > 0 ? " (at character " + e.position() + ")" : ""));
      return 2;
    } catch (UsageError e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
    if (format == Format.json) {
      System.out.println(answer.toPrettyString());
    } else {
      System.out.print(table(answer));
    }
    return 0;
  }

  /** A mistake in the query or options (exit code 2). */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** The answer of the running {@code up}, or {@code null} when none listens. */
  private JsonNode remote(PipelineConfig cfg) throws IOException {
    String base = url != null ? url : PipelineOptions.gatewayUrl(cfg);
    StringBuilder u = new StringBuilder(base).append(SearchEndpoint.PATH).append("?q=");
    u.append(enc(query == null ? "" : query));
    u.append("&sort=").append(enc(sort)).append("&limit=").append(limit);
    if (offset > 0) {
      u.append("&offset=").append(offset);
    }
    if (after != null) {
      u.append("&after=").append(enc(after));
    }
    if (!facets.isEmpty()) {
      u.append("&facets=").append(enc(String.join(",", facets)));
    }
    String key = PipelineOptions.apiKey(cfg);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(u.toString())).timeout(Duration.ofSeconds(60));
    if (key != null) {
      req.header("Authorization", "Bearer " + key);
    }
    HttpResponse<String> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      if (url != null) {
        throw new IOException("nothing answers at " + url + " (" + e.getMessage() + ")", e);
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode body = JSON.readTree(res.body().isEmpty() ? "{}" : res.body());
    if (res.statusCode() == 200) {
      return body;
    }
    String message = body.path("message").asText(res.body());
    if (res.statusCode() == 400) {
      int pos = body.path("position").asInt(-1);
      throw new SearchException(message, pos, null);
    }
    throw new IOException(base + " answered " + res.statusCode() + ": " + message);
  }

  /** The answer from the index on disk, when no {@code up} runs. */
  private JsonNode local(PipelineConfig cfg) throws IOException {
    Path dir = pipeline.dataDirAbsolute().resolve("search");
    if (!Files.exists(dir)) {
      throw new IOException(
          "no search index at "
              + dir
              + " and no 'up' answers on the gateway port. Start './lakestream up' (it builds the"
              + " index as events arrive), or run 'lakestream reindex' to build it from the lake.");
    }
    SearchRequest.Sort s =
        switch (sort.toLowerCase(Locale.ROOT)) {
          case "time" -> SearchRequest.Sort.TIME;
          case "relevance" -> SearchRequest.Sort.RELEVANCE;
          default -> throw new UsageError("--sort is 'time' or 'relevance', got '" + sort + "'");
        };
    SearchRequest request = new SearchRequest(query, s, offset, limit, after, facets, 10, null);
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(pipeline.dataDirAbsolute());
    } catch (IllegalStateException e) {
      throw new IOException(
          "'up' runs on "
              + pipeline.dataDirAbsolute()
              + " but nothing answers on its gateway port "
              + cfg.gateway().port()
              + "; pass --url with the address 'up' printed",
          e);
    }
    try (lock;
        SearchIndex index = SearchIndex.open(dir, SearchService.schemaOf(cfg))) {
      return SearchEndpoint.answer(index.search(request));
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The hits as a readable table, then the facets and the cursor of the next page. */
  static String table(JsonNode answer) {
    StringBuilder sb = new StringBuilder();
    List<String[]> rows = new ArrayList<>();
    for (JsonNode h : answer.path("hits")) {
      rows.add(
          new String[] {
            h.path("event_time").asText(),
            clean(h.path("source").asText()),
            clean(h.path("id").asText()),
            summary(h.path("event"))
          });
    }
    int[] w = {10, 6, 2};
    for (String[] r : rows) {
      for (int i = 0; i < 3; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    String fmt = "%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %s%n";
    if (!rows.isEmpty()) {
      sb.append(String.format(Locale.ROOT, fmt, "event_time", "source", "id", "event"));
      for (String[] r : rows) {
        sb.append(String.format(Locale.ROOT, fmt, (Object[]) r));
      }
    }
    long total = answer.path("total").asLong();
    sb.append(
        String.format(
            Locale.ROOT,
            "%n%,d hit%s, %d shown, %d ms%s%n",
            total,
            total == 1 ? "" : "s",
            rows.size(),
            answer.path("took_ms").asLong(),
            answer.path("timed_out").asBoolean()
                ? " (timed out: counts cover part of the index)"
                : ""));
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.path("facets").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      List<String> parts = new ArrayList<>();
      for (JsonNode v : f.getValue()) {
        parts.add(v.path("value").asText() + " " + v.path("count").asLong());
      }
      sb.append(f.getKey()).append(": ").append(String.join(", ", parts)).append('\n');
    }
    if (!answer.path("next").isNull()
        && !answer.path("next").isMissingNode()
        && rows.size() < total) {
      sb.append("next page: --after ").append(answer.path("next").asText()).append('\n');
    }
    return sb.toString();
  }

  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", " ");
  }

  /** The event on one line: its members as name=value, cut to 160 characters. */
  private static String summary(JsonNode event) {
    JsonNode e = event;
    if (event.has("alert") && event.size() == 1) {
      e = event.path("alert");
    } else if (event.has("error") && event.size() == 1) {
      e = event.path("error");
    }
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      String k = m.getKey();
      if (k.equals("event_id")
          || k.equals("event_time")
          || k.equals("ingest_time")
          || k.equals("schema_version")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      JsonNode v = m.getValue();
      sb.append(k).append('=').append(v.isTextual() ? v.asText() : v.toString());
      if (sb.length() > 160) {
        break;
      }
    }
    // Event content must not drive the terminal: control characters (escape sequences) go.
    String s = sb.toString().replaceAll("\\p{Cntrl}", " ");
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }
}
