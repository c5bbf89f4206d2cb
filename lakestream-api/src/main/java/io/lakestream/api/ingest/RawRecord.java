package io.lakestream.api.ingest;

import java.util.Objects;

/**
 * One event on its way to a pipeline's raw Kafka topic, in the envelope described by {@link
 * io.lakestream.api.event.EventHeaders}.
 *
 * @param id event id; for sources that retransmit (MQTT QoS 1, Fluentd chunks, CDC) derive it from
 *     what the retransmission repeats, so the job's dedup removes the copies
 * @param idGenerated true when {@code id} is random (can never come back), so the job keeps no
 *     dedup state for it
 * @param key UTF-8 value of the source's key field; {@code null} uses the id
 * @param value the JSON object the job parses; for a record that could not be decoded, the original
 *     bytes
 * @param origin where it came from, for people, e.g. {@code syslog tcp 127.0.0.1:40312 line 17}
 * @param error {@code null} for a decoded record; otherwise why it could not be decoded, and the
 *     job sends it to the error zone (stage {@code parse}) with {@code value} as the original bytes
 */
public record RawRecord(
    String id, boolean idGenerated, byte[] key, byte[] value, String origin, String error) {

  public RawRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(origin, "origin");
  }

  /** A decoded event. */
  public static RawRecord event(
      String id, boolean idGenerated, byte[] key, byte[] json, String origin) {
    return new RawRecord(id, idGenerated, key, json, origin, null);
  }

  /** Bytes that could not be decoded: kept whole for the error zone. */
  public static RawRecord undecodable(String id, byte[] original, String origin, String reason) {
    return new RawRecord(id, true, null, original, origin, Objects.requireNonNull(reason));
  }
}
