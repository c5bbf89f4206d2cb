package io.lakestream.jobs.sink;

import io.lakestream.api.event.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes curated events to the enriched topic: the JSON value keyed by the source's key field, with
 * the envelope headers (id, source, ingest time) so consumers can dedup by id.
 */
public final class EnrichedRecordSerializer
    implements KafkaRecordSerializationSchema<EnrichedRecord> {

  private final String topic;

  public EnrichedRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      EnrichedRecord e, KafkaSinkContext context, Long timestamp) {
    List<Header> headers =
        List.of(
            header(EventHeaders.ID, e.id),
            header(EventHeaders.SOURCE, e.source),
            header(EventHeaders.INGEST_TIME, Long.toString(e.ingestTime)));
    // The record's Kafka timestamp is the ingest time, not the event time: brokers refuse records
    // more than message.timestamp.after.max.ms (1 h by default) in the future, and one sensor with
    // a clock ahead would otherwise fail the job. The event time is in the value.
    return new ProducerRecord<>(topic, null, e.ingestTime, e.key, e.value, headers);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
