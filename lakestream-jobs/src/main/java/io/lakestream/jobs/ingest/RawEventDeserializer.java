package io.lakestream.jobs.ingest;

import io.lakestream.api.event.EventHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the gateway's envelope (see {@link EventHeaders}) off raw-topic records.
 *
 * <p>Never throws on odd records: a record written by something other than the gateway (no id or
 * source header) still becomes an event, with an id derived from its topic position and an error so
 * that it lands in the error zone instead of failing the job.
 */
public final class RawEventDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
    RawEvent e = new RawEvent();
    Headers h = record.headers();
    e.topic = record.topic();
    e.partition = record.partition();
    e.offset = record.offset();
    e.value = record.value() == null ? new byte[0] : record.value();
    e.id = header(h, EventHeaders.ID);
    e.source = header(h, EventHeaders.SOURCE);
    e.origin = header(h, EventHeaders.ORIGIN);
    e.gatewayError = header(h, EventHeaders.ERROR);
    e.idGenerated = h.lastHeader(EventHeaders.ID_GENERATED) != null;
    e.schemaId = schemaId(h);
    String ingest = header(h, EventHeaders.INGEST_TIME);
    e.ingestTime = parseLong(ingest, record.timestamp());
    e.key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (e.origin == null) {
      e.origin = "kafka " + record.topic() + "/" + record.partition() + "@" + record.offset();
    }
    if (e.id == null || e.id.isEmpty()) {
      e.id = record.topic() + "-" + record.partition() + "-" + record.offset();
      e.gatewayError = "record has no '" + EventHeaders.ID + "' header: not written by a gateway";
    }
    if (e.source == null || e.source.isEmpty()) {
      e.source = "unknown";
      e.gatewayError =
          "record has no '" + EventHeaders.SOURCE + "' header: not written by a gateway";
    }
    out.collect(e);
  }

  /**
   * The stamped schema id; 0 when absent or not a positive number (the current version applies).
   */
  static int schemaId(Headers headers) {
    Header h = headers.lastHeader(EventHeaders.SCHEMA_ID);
    if (h == null || h.value() == null || h.value().length == 0 || h.value().length > 10) {
      return 0;
    }
    int id = 0;
    for (byte b : h.value()) {
      if (b < '0' || b > '9') {
        return 0;
      }
      id = id * 10 + (b - '0');
      if (id < 0) {
        return 0;
      }
    }
    return id;
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static long parseLong(String s, long fallback) {
    if (s == null) {
      return fallback;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException ex) {
      return fallback;
    }
  }

  @Override
  public TypeInformation<RawEvent> getProducedType() {
    return TypeInformation.of(RawEvent.class);
  }
}
