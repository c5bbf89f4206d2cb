package io.lakestream.jobs.detect;

import io.lakestream.api.alert.AlertJson;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Alert rows as JSON records of the alerts topic, keyed by alert id (see {@link AlertJson}). */
public final class AlertRecordSerializer implements KafkaRecordSerializationSchema<RowData> {

  private final String topic;

  public AlertRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      RowData row, KafkaSinkContext context, Long timestamp) {
    var alert = AlertRows.toEvent(row);
    return new ProducerRecord<>(
        topic,
        null,
        alert.detectionTimeMillis(),
        alert.alertId().getBytes(StandardCharsets.UTF_8),
        AlertJson.toBytes(alert));
  }
}
