package io.lakestream.jobs.ingest;

/**
 * One record of a pipeline's raw Kafka topic: the event's original bytes plus its envelope.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so Flink serializes it without Kryo.
 */
public class RawEvent {
  public String id;

  /** True when the gateway generated the id (the event had none): no dedup needed. */
  public boolean idGenerated;

  public String source;
  public String key;
  public long ingestTime;
  public byte[] value;
  public String origin;

  /** Non-null when the gateway already rejected the bytes (e.g. a malformed NDJSON line). */
  public String gatewayError;

  /**
   * Registry id of the schema version the gateway stamped the event with ({@code
   * EventHeaders.SCHEMA_ID}); 0 when it carries none and the source's current version applies.
   */
  public int schemaId;

  public String topic;
  public int partition;
  public long offset;

  public RawEvent() {}

  /** The Flink key used for dedup and per-key order: source and partition key. */
  public String flinkKey() {
    return source + '\u0000' + (key == null ? id : key);
  }

  @Override
  public String toString() {
    return "RawEvent{id="
        + id
        + ", source="
        + source
        + ", key="
        + key
        + ", "
        + topic
        + "/"
        + partition
        + "@"
        + offset
        + ", bytes="
        + (value == null ? 0 : value.length)
        + (gatewayError == null ? "" : ", error=" + gatewayError)
        + "}";
  }
}
