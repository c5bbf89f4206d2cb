package io.lakestream.api.config;

import java.util.Objects;

/**
 * A {@code fluent} source: the Fluentd forward protocol over TCP, as spoken by Fluentd's and Fluent
 * Bit's {@code forward} outputs.
 *
 * @param host address to bind; {@code 127.0.0.1} by default
 * @param port TCP port (24224 by default), 0 picks a free one
 * @param maxChunkBytes largest message (one Message/Forward/PackedForward entry) accepted; a larger
 *     one closes the connection with an error in the log (the client resends it elsewhere)
 * @param maxRecordsPerChunk most events in one entry
 */
public record FluentSettings(String host, int port, long maxChunkBytes, int maxRecordsPerChunk)
    implements SourceSettings {

  public static final int DEFAULT_PORT = 24224;
  public static final long DEFAULT_MAX_CHUNK_BYTES = 16L * 1024 * 1024;
  public static final int DEFAULT_MAX_RECORDS = 1_000_000;

  public FluentSettings {
    Objects.requireNonNull(host, "host");
  }

  public static FluentSettings defaults() {
    return new FluentSettings(
        "127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_CHUNK_BYTES, DEFAULT_MAX_RECORDS);
  }
}
