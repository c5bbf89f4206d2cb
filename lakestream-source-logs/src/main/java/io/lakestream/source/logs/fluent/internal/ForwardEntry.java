package io.lakestream.source.logs.fluent.internal;

import io.lakestream.api.ingest.RawRecord;
import java.util.List;

/**
 * One decoded forward-protocol entry: the records of one top-level msgpack array, ready for the raw
 * topic.
 *
 * @param mode the carrier mode the client used
 * @param tag the Fluentd tag
 * @param chunk the {@code chunk} option, or {@code null}: when present, the client waits for {@code
 *     {"ack": chunk}} and resends the entry if it does not come
 * @param records in entry order; decoded events and undecodable records kept for the error zone
 * @param undecodable how many of {@code records} are undecodable
 * @param bytes the entry's size on the wire
 * @param jsonBytes the total size of the records' values, for bounding what is held in memory
 * @param offset where the entry starts in the connection's byte stream
 */
public record ForwardEntry(
    Mode mode,
    String tag,
    String chunk,
    List<RawRecord> records,
    int undecodable,
    int bytes,
    long jsonBytes,
    long offset) {

  /** The four ways the forward protocol carries events. */
  public enum Mode {
    /** {@code [tag, time, record, option?]}: one event. */
    MESSAGE,
    /** {@code [tag, [[time, record], ...], option?]}. */
    FORWARD,
    /** {@code [tag, bin or str of concatenated [time, record], option?]}. */
    PACKED_FORWARD,
    /** PackedForward with option {@code compressed: "gzip"}. */
    COMPRESSED_PACKED_FORWARD
  }

  public ForwardEntry {
    records = List.copyOf(records);
  }
}
