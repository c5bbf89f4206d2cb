package io.lakestream.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link SearchRequest}.
 *
 * @param totalHits number of matching documents (exact unless {@link #timedOut()})
 * @param hits the requested page
 * @param facets per requested keyword field, value to count, highest counts first
 * @param timedOut the time budget ran out: hits, total and facets cover only part of the index
 * @param tookMillis wall time of the search
 * @param nextSearchAfter cursor for the next page (pass to {@link
 *     SearchRequest#withSearchAfter(String)}), or {@code null} when this page is empty
 */
public record SearchResult(
    long totalHits,
    List<Hit> hits,
    Map<String, Map<String, Long>> facets,
    boolean timedOut,
    long tookMillis,
    String nextSearchAfter) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Defensive copies. */
  public SearchResult {
    hits = List.copyOf(hits);
    Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
    facets.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    facets = Collections.unmodifiableMap(copy);
  }

  /** The ids of the hits, in order. */
  public List<String> ids() {
    return hits.stream().map(Hit::id).toList();
  }

  /**
   * One matching document.
   *
   * @param id event id
   * @param source pipeline source, or {@code null}
   * @param eventTimeMillis event time
   * @param ingestTimeMillis ingest time
   * @param score relevance score, {@code NaN} when sorted by time
   * @param sourceJson the original event JSON
   */
  public record Hit(
      String id,
      String source,
      long eventTimeMillis,
      long ingestTimeMillis,
      float score,
      String sourceJson) {

    /** The original event, parsed. */
    public JsonNode event() {
      try {
        return MAPPER.readTree(sourceJson);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
