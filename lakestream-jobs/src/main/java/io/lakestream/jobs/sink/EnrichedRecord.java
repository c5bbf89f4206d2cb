package io.lakestream.jobs.sink;

/** One record for the enriched topic, already serialized. A Flink POJO. */
public class EnrichedRecord {
  public String id;
  public String source;
  public long ingestTime;
  public long eventTimeMillis;

  /** Kafka key: the value of the source's key field (UTF-8), or the event id when it has none. */
  public byte[] key;

  /** The curated event as JSON. */
  public byte[] value;

  public EnrichedRecord() {}
}
