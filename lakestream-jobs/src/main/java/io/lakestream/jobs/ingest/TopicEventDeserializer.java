package io.lakestream.jobs.ingest;

import io.lakestream.api.event.EventHeaders;
import io.lakestream.api.ingest.EventFields;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns records of a user's own topic (a {@code kafka} source) into the same events the raw topic
 * carries, so they are validated, deduplicated and routed exactly like HTTP or syslog events.
 *
 * <p>The value must be one JSON object. Its top-level {@code id} is the event id; without one, the
 * id is the record's position ({@code topic-partition-offset}), which only a Flink replay can bring
 * back, and Flink's checkpointed offsets already make that replay exact, so no dedup state is kept
 * for it. A value that is not one JSON object goes to the error zone with the parser's reason.
 */
public final class TopicEventDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String keyField;

  /**
   * @param source the source's name: events are routed to its tables
   * @param keyField the source's key field, read from the value
   */
  public TopicEventDeserializer(String source, String keyField) {
    this.source = source;
    this.keyField = keyField;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
    RawEvent e = new RawEvent();
    e.topic = record.topic();
    e.partition = record.partition();
    e.offset = record.offset();
    e.source = source;
    e.ingestTime = record.timestamp();
    e.origin = "kafka " + record.topic() + "/" + record.partition() + "@" + record.offset();
    byte[] value = record.value();
    if (value == null) {
      // A tombstone (compacted topics): nothing to ingest, and not an error of the producer's.
      return;
    }
    e.value = value;
    EventFields.Fields f = EventFields.read(value, 0, value.length, keyField);
    String position = record.topic() + "-" + record.partition() + "-" + record.offset();
    if (f.error() != null) {
      e.gatewayError = f.error();
      e.id = position;
      e.idGenerated = true;
    } else if (f.id() != null) {
      e.id = f.id();
    } else {
      Header h = record.headers().lastHeader(EventHeaders.ID);
      if (h != null && h.value() != null && h.value().length > 0) {
        e.id = new String(h.value(), StandardCharsets.UTF_8);
      } else {
        e.id = position;
        e.idGenerated = true;
      }
    }
    e.key = f.key() == null ? null : new String(f.key(), StandardCharsets.UTF_8);
    e.schemaId = RawEventDeserializer.schemaId(record.headers());
    out.collect(e);
  }

  @Override
  public TypeInformation<RawEvent> getProducedType() {
    return TypeInformation.of(RawEvent.class);
  }
}
