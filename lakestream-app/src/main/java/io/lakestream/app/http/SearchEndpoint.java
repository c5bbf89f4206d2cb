package io.lakestream.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import io.lakestream.search.SearchException;
import io.lakestream.search.SearchRequest;
import io.lakestream.search.SearchResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/search}: the pipeline's full-text search index, for scripts, the {@code search}
 * command and the dashboard. Served on the gateway's port behind its API keys.
 *
 * <p>Parameters: {@code q} (query, Lucene syntax; empty matches all), {@code sort} ({@code time},
 * the default, or {@code relevance}), {@code limit} (default 20), {@code offset}, {@code after}
 * (the {@code next} cursor of the previous page), {@code facets} (comma-separated keyword fields),
 * {@code facet_size} (default 10), {@code timeout_ms}. The answer: {@code {"total", "hits": [{"id",
 * "source", "event_time", "ingest_time", "score", "event"}], "facets": {"field": [{"value",
 * "count"}]}, "next", "timed_out", "took_ms"}}. Errors: 400 {@code invalid_query} (syntax, unknown
 * field, a limit; {@code position} names the character), 429 {@code busy} when {@link
 * #MAX_CONCURRENT} searches already run.
 */
public final class SearchEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(SearchEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PARAMS =
      Set.of("q", "sort", "limit", "offset", "after", "facets", "facet_size", "timeout_ms");

  /** Path of the endpoint. */
  public static final String PATH = "/v1/search";

  /** Searches answered at once; more wait for a slot up to a second, then get 429. */
  public static final int MAX_CONCURRENT = 4;

  /** Runs a search; the search service or a test double. */
  @FunctionalInterface
  public interface Searcher {
    SearchResult search(SearchRequest request) throws IOException;
  }

  private final Searcher searcher;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT);

  public SearchEndpoint(Searcher searcher) {
    this.searcher = searcher;
  }

  /** Adds the endpoint to a router. */
  public void mount(JavalinDefaultRouting routes) {
    routes.get(PATH, this::handle);
  }

  /**
   * Answers 404 on the path, saying how to turn search on: for pipelines without a {@code search:}
   * block.
   */
  public static void mountDisabled(JavalinDefaultRouting routes) {
    routes.get(
        PATH,
        ctx ->
            error(
                ctx,
                404,
                "search_not_configured",
                "this pipeline has no search index; add a 'search:' block to the pipeline file"
                    + " (see docs/search.md)"));
  }

  private void handle(Context ctx) throws InterruptedException {
    SearchRequest request;
    try {
      request = request(ctx.queryParamMap());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    if (!slots.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS)) {
      ctx.header("Retry-After", "1");
      error(ctx, 429, "busy", MAX_CONCURRENT + " searches are running; retry in a moment");
      return;
    }
    try {
      SearchResult r = searcher.search(request);
      ctx.contentType("application/json").result(JSON.writeValueAsString(answer(r)));
    } catch (SearchException e) {
      ObjectNode n = JSON.createObjectNode();
      n.put("error", "invalid_query");
      n.put("message", e.getMessage());
      if (e.position() > 0) {
        n.put("position", e.position());
      }
      ctx.status(400).contentType("application/json").result(n.toString());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Search '{}' failed", request.query(), e);
      error(ctx, 500, "internal_error", "the search failed: " + e.getMessage());
    } finally {
      slots.release();
    }
  }

  /** The request the query parameters describe. */
  static SearchRequest request(Map<String, List<String>> params) {
    for (String p : params.keySet()) {
      if (!PARAMS.contains(p)) {
        throw new IllegalArgumentException(
            "unknown parameter '"
                + p
                + "'; known: "
                + String.join(", ", PARAMS.stream().sorted().toList()));
      }
    }
    String q = one(params, "q", "");
    String sortText = one(params, "sort", "time").toLowerCase(Locale.ROOT);
    SearchRequest.Sort sort =
        switch (sortText) {
          case "time" -> SearchRequest.Sort.TIME;
          case "relevance" -> SearchRequest.Sort.RELEVANCE;
          default ->
              throw new IllegalArgumentException(
                  "'sort' is 'time' or 'relevance', got '" + sortText + "'");
        };
    int limit = integer(params, "limit", 20);
    int offset = integer(params, "offset", 0);
    String after = one(params, "after", null);
    String facetText = one(params, "facets", "");
    List<String> facets =
        facetText.isBlank()
            ? List.of()
            : Arrays.stream(facetText.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    int facetSize = integer(params, "facet_size", 10);
    String timeout = one(params, "timeout_ms", null);
    Duration t = null;
    if (timeout != null) {
      t = Duration.ofMillis(integer(params, "timeout_ms", 0));
    }
    return new SearchRequest(q, sort, offset, limit, after, facets, facetSize, t);
  }

  private static String one(Map<String, List<String>> params, String name, String dflt) {
    List<String> v = params.get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    if (v.size() > 1) {
      throw new IllegalArgumentException("'" + name + "' is given " + v.size() + " times");
    }
    return v.get(0);
  }

  private static int integer(Map<String, List<String>> params, String name, int dflt) {
    String v = one(params, name, null);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + name + "' must be a whole number of 0 or more, got '" + v + "'");
    }
  }

  /** The JSON answer of a result. */
  public static ObjectNode answer(SearchResult r) throws JsonProcessingException {
    ObjectNode o = JSON.createObjectNode();
    o.put("total", r.totalHits());
    ArrayNode hits = o.putArray("hits");
    for (SearchResult.Hit h : r.hits()) {
      ObjectNode n = hits.addObject();
      n.put("id", h.id());
      n.put("source", h.source());
      n.put("event_time", Instant.ofEpochMilli(h.eventTimeMillis()).toString());
      n.put("ingest_time", Instant.ofEpochMilli(h.ingestTimeMillis()).toString());
      if (Float.isNaN(h.score())) {
        n.putNull("score");
      } else {
        n.put("score", h.score());
      }
      n.set("event", JSON.readTree(h.sourceJson()));
    }
    ObjectNode facets = o.putObject("facets");
    r.facets()
        .forEach(
            (field, counts) -> {
              ArrayNode a = facets.putArray(field);
              counts.forEach((v, c) -> a.addObject().put("value", v).put("count", c));
            });
    o.put("next", r.nextSearchAfter());
    o.put("timed_out", r.timedOut());
    o.put("took_ms", r.tookMillis());
    return o;
  }

  private static void error(Context ctx, int status, String code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", code);
    n.put("message", message);
    ctx.status(status).contentType("application/json").result(n.toString());
  }
}
