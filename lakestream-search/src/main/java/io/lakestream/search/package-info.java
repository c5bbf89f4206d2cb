/**
 * Embedded full-text search index of recent events (the "search index" of a pipeline), built on
 * Apache Lucene.
 *
 * <p>Design in one paragraph: events arrive as {@link io.lakestream.search.IndexDoc}s (id, source,
 * event time, ingest time, JSON body) and are mapped to Lucene documents according to an {@link
 * io.lakestream.search.IndexSchema}. Every write is an {@code updateDocument} keyed on the event
 * id, so replaying a Kafka range never doubles a document; combined with {@link
 * io.lakestream.search.SearchIndex#commit(java.util.Map) commit(userData)} storing the consumed
 * offsets, at-least-once delivery gives exactly-once index contents. A background {@code
 * ControlledRealTimeReopenThread} refreshes a {@code SearcherManager} every ~100 ms, so new events
 * are searchable well under a second after {@code index} returns (near-real-time), without a
 * commit. Queries use Lucene's classic syntax through a parser that knows the field types (text,
 * keyword, long, double, time) and enforces {@link io.lakestream.search.SearchLimits} against
 * hostile queries; every failure a caller can cause is a {@link
 * io.lakestream.search.SearchException} meant to become an HTTP 400.
 */
package io.lakestream.search;
