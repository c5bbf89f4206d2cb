package io.lakestream.jobs.sink;

import io.lakestream.api.event.EventHeaders;
import io.lakestream.jobs.validate.ValidatedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes validated events to the enriched topic: same key and value as the raw topic, plus the
 * envelope headers and the event time, so consumers can dedup by id.
 */
public final class EnrichedRecordSerializer
    implements KafkaRecordSerializationSchema<ValidatedEvent> {

  /** Event time header on enriched records: microseconds since the epoch, decimal. */
  public static final String EVENT_TIME = "ls.event_time_us";

  private final String topic;

  public EnrichedRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      ValidatedEvent e, KafkaSinkContext context, Long timestamp) {
    byte[] key = (e.key == null ? e.id : e.key).getBytes(StandardCharsets.UTF_8);
    List<Header> headers =
        List.of(
            header(EventHeaders.ID, e.id),
            header(EventHeaders.SOURCE, e.source),
            header(EventHeaders.INGEST_TIME, Long.toString(e.ingestTime)),
            header(EVENT_TIME, Long.toString(e.eventTimeMicros)));
    return new ProducerRecord<>(topic, null, e.eventTimeMicros / 1000, key, e.value, headers);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
