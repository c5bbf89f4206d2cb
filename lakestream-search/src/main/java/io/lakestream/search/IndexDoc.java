package io.lakestream.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One event to index.
 *
 * @param id the event id; the document key (a second document with the same id replaces the first)
 * @param source the pipeline source the event came from (may be {@code null}: indexed as absent)
 * @param eventTimeMillis event time, epoch millis
 * @param ingestTimeMillis ingest time, epoch millis
 * @param event the event body; stored verbatim as {@code _source}
 */
public record IndexDoc(
    String id, String source, long eventTimeMillis, long ingestTimeMillis, JsonNode event) {

  /** Requires a non-blank id and a non-null event. */
  public IndexDoc {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("empty event id");
    }
  }
}
