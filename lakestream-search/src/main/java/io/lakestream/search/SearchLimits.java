package io.lakestream.search;

import java.time.Duration;

/**
 * Bounds that protect the index from hostile or accidental expensive queries. A violation is a
 * {@link SearchException}, except the timeout, which returns partial results flagged {@link
 * SearchResult#timedOut()}.
 *
 * @param maxQueryLength longest accepted query string, in characters
 * @param maxClauses most leaf clauses (terms, phrases, ranges...) one query may have in total
 * @param maxDepth deepest parenthesis nesting
 * @param maxExpansions most terms one wildcard, prefix, regex or fuzzy term expands to; beyond it
 *     only this many terms are searched (Lucene's top-terms rewrite)
 * @param allowLeadingWildcard whether {@code *foo} / {@code ?foo} are accepted (they scan the whole
 *     term dictionary)
 * @param timeout default per-search time budget
 * @param maxLimit most hits one page may ask for
 * @param maxWindow most hits {@code offset + limit} may reach; deeper pages use search-after
 */
public record SearchLimits(
    int maxQueryLength,
    int maxClauses,
    int maxDepth,
    int maxExpansions,
    boolean allowLeadingWildcard,
    Duration timeout,
    int maxLimit,
    int maxWindow) {

  /** 4 KB queries, 1,024 clauses, depth 32, 1,024 expansions, no leading wildcard, 5 s. */
  public static final SearchLimits DEFAULT =
      new SearchLimits(4096, 1024, 32, 1024, false, Duration.ofSeconds(5), 1000, 10_000);

  /** Requires positive bounds. */
  public SearchLimits {
    if (maxQueryLength <= 0
        || maxClauses <= 0
        || maxDepth <= 0
        || maxExpansions <= 0
        || maxLimit <= 0
        || maxWindow < maxLimit) {
      throw new IllegalArgumentException("search limits must be positive");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** A copy with another default timeout. */
  public SearchLimits withTimeout(Duration t) {
    return new SearchLimits(
        maxQueryLength,
        maxClauses,
        maxDepth,
        maxExpansions,
        allowLeadingWildcard,
        t,
        maxLimit,
        maxWindow);
  }

  /** A copy with another leading-wildcard policy. */
  public SearchLimits withAllowLeadingWildcard(boolean allow) {
    return new SearchLimits(
        maxQueryLength, maxClauses, maxDepth, maxExpansions, allow, timeout, maxLimit, maxWindow);
  }
}
