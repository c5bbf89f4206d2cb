package io.lakestream.gateway.ingest;

import io.lakestream.api.event.EventHeaders;
import io.lakestream.api.ingest.SchemaIds;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** The {@link EventHeaders#SCHEMA_ID} header for a source's current schema version, cached. */
public final class SchemaIdHeaders {

  private final SchemaIds ids;
  private final ConcurrentHashMap<Integer, Header> headers = new ConcurrentHashMap<>();

  public SchemaIdHeaders(SchemaIds ids) {
    this.ids = ids;
  }

  /** The header to add to the source's events now, or {@code null} when there is no version. */
  public Header header(String source) {
    int id = ids.current(source);
    if (id <= 0) {
      return null;
    }
    return headers.computeIfAbsent(
        id,
        i ->
            new RecordHeader(
                EventHeaders.SCHEMA_ID, Integer.toString(i).getBytes(StandardCharsets.US_ASCII)));
  }
}
