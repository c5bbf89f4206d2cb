package io.lakestream.search;

/** How a field is indexed and therefore how the query parser treats it. */
public enum FieldKind {
  /** Analyzed with Lucene's StandardAnalyzer: tokenized and lowercased, for full-text search. */
  TEXT,
  /** Indexed verbatim: exact and case-sensitive match, facetable, never tokenized. */
  KEYWORD,
  /** 64-bit integer: exact match, ranges. */
  LONG,
  /** Double: exact match, ranges. */
  DOUBLE,
  /**
   * Epoch milliseconds ({@code event_time}, {@code ingest_time}); ranges accept epoch millis,
   * ISO-8601 instants, dates and {@code now-15m}-style expressions.
   */
  TIME
}
