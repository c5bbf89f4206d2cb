package io.lakestream.source.logs.fluent.internal;

import io.lakestream.api.config.FluentSettings;

/**
 * The bounds the forward decoder enforces, so that no input can make it allocate more than a small
 * multiple of what these allow.
 *
 * @param maxEntryBytes largest entry (one top-level msgpack array) on the wire
 * @param maxRecords most records in one entry
 * @param maxDecompressedBytes largest gunzipped {@code entries} of a CompressedPackedForward entry
 * @param maxDepth most maps and arrays nested inside one record, the record's own map included
 */
public record ForwardLimits(
    int maxEntryBytes, int maxRecords, int maxDecompressedBytes, int maxDepth) {

  /** Depth of maps and arrays a record may use; Kubernetes metadata needs about five. */
  public static final int DEFAULT_MAX_DEPTH = 32;

  /**
   * Gzip of repetitive log lines shrinks them 5-10x, Fluent Bit's chunks are about 2 MB: four times
   * the compressed limit takes real chunks and still stops a bomb early.
   */
  public static final int DECOMPRESSION_RATIO = 4;

  // Java arrays are int-indexed; the pipeline loader caps max_chunk_size at 256 MB anyway.
  private static final long ARRAY_CAP = Integer.MAX_VALUE - 64;

  public ForwardLimits {
    if (maxEntryBytes < 16 || maxRecords < 1 || maxDecompressedBytes < 16 || maxDepth < 1) {
      throw new IllegalArgumentException(
          "limits must be positive (entry >= 16 bytes): "
              + maxEntryBytes
              + ", "
              + maxRecords
              + ", "
              + maxDecompressedBytes
              + ", "
              + maxDepth);
    }
  }

  /** The limits a {@code fluent} source's settings ask for. */
  public static ForwardLimits of(FluentSettings settings) {
    long entry = Math.max(16, Math.min(settings.maxChunkBytes(), ARRAY_CAP));
    long decompressed = Math.min(entry * DECOMPRESSION_RATIO, ARRAY_CAP);
    return new ForwardLimits(
        (int) entry,
        Math.max(1, settings.maxRecordsPerChunk()),
        (int) decompressed,
        DEFAULT_MAX_DEPTH);
  }
}
