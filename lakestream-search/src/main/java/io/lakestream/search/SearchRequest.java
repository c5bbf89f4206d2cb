package io.lakestream.search;

import java.time.Duration;
import java.util.List;

/**
 * A search.
 *
 * @param query Lucene classic query syntax; blank or {@code *} matches everything
 * @param sort {@link Sort#TIME} (newest first, the default) or {@link Sort#RELEVANCE}
 * @param offset hits to skip (offset + limit is bounded by {@link SearchLimits#maxWindow()})
 * @param limit hits to return, at most {@link SearchLimits#maxLimit()}
 * @param searchAfter cursor from a previous {@link SearchResult#nextSearchAfter()} with the same
 *     query and sort, or {@code null}; when set, {@code offset} must be 0
 * @param facets keyword fields to count values of, over all matching documents
 * @param facetSize most values returned per facet (highest counts first)
 * @param timeout time budget, or {@code null} for the index default
 */
public record SearchRequest(
    String query,
    Sort sort,
    int offset,
    int limit,
    String searchAfter,
    List<String> facets,
    int facetSize,
    Duration timeout) {

  /** Sort order of hits. */
  public enum Sort {
    /** {@code event_time} descending, ties by id. */
    TIME,
    /** Score descending, then {@code event_time} descending, then id. */
    RELEVANCE
  }

  /** Normalizes nulls; range checks against the limits happen at search time. */
  public SearchRequest {
    query = query == null ? "" : query;
    sort = sort == null ? Sort.TIME : sort;
    facets = facets == null ? List.of() : List.copyOf(facets);
  }

  /** Newest-first first page of 20 hits, no facets. */
  public static SearchRequest of(String query) {
    return new SearchRequest(query, Sort.TIME, 0, 20, null, List.of(), 10, null);
  }

  /** A copy with another sort. */
  public SearchRequest withSort(Sort s) {
    return new SearchRequest(query, s, offset, limit, searchAfter, facets, facetSize, timeout);
  }

  /** A copy asking for another page. */
  public SearchRequest withPage(int newOffset, int newLimit) {
    return new SearchRequest(
        query, sort, newOffset, newLimit, searchAfter, facets, facetSize, timeout);
  }

  /** A copy continuing after the given cursor (offset reset to 0). */
  public SearchRequest withSearchAfter(String cursor) {
    return new SearchRequest(query, sort, 0, limit, cursor, facets, facetSize, timeout);
  }

  /** A copy counting values of these keyword fields. */
  public SearchRequest withFacets(int size, String... fields) {
    return new SearchRequest(
        query, sort, offset, limit, searchAfter, List.of(fields), size, timeout);
  }

  /** A copy with another time budget. */
  public SearchRequest withTimeout(Duration t) {
    return new SearchRequest(query, sort, offset, limit, searchAfter, facets, facetSize, t);
  }
}
