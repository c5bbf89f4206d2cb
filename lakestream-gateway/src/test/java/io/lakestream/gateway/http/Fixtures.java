package io.lakestream.gateway.http;

import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.GatewayConfig;
import io.lakestream.api.config.KafkaConfig;
import io.lakestream.api.config.LakeConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Pipeline configs and record helpers shared by the gateway tests. */
final class Fixtures {

  static final String RAW_TOPIC = "lakestream.demo.raw";

  private Fixtures() {}

  static GatewayConfig gateway() {
    return new GatewayConfig("127.0.0.1", 0, 1_000_000, Duration.ofSeconds(5), List.of(), false);
  }

  static GatewayConfig gateway(
      String host, long maxBody, Duration kafkaTimeout, List<GatewayConfig.ApiKey> keys) {
    return new GatewayConfig(host, 0, maxBody, kafkaTimeout, keys, false);
  }

  static PipelineConfig pipeline(GatewayConfig gateway) {
    return pipeline(gateway, Map.of());
  }

  static PipelineConfig pipeline(GatewayConfig gateway, Map<String, String> kafkaProperties) {
    Map<String, SourceConfig> sources = new LinkedHashMap<>();
    sources.put(
        "sensors",
        new SourceConfig(
            "sensors",
            "http",
            "schemas/sensors.json",
            "{\"type\":\"object\"}",
            "device_id",
            new EventTimeConfig("ts", EventTimeConfig.TimeFormat.ISO8601)));
    sources.put(
        "clicks",
        new SourceConfig(
            "clicks",
            "http",
            "schemas/clicks.json",
            "{\"type\":\"object\"}",
            "user",
            new EventTimeConfig("at", EventTimeConfig.TimeFormat.EPOCH_MILLIS)));
    return new PipelineConfig(
        "demo",
        Duration.ofSeconds(10),
        1,
        Duration.ofHours(1),
        new KafkaConfig("localhost:9092", 1, (short) 1, "lakestream.", kafkaProperties),
        gateway,
        new LakeConfig("/tmp/lakestream-test-warehouse", "jdbc:sqlite::memory:", Map.of()),
        sources);
  }

  static MockProducer<byte[], byte[]> mockProducer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static String key(ProducerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  static String value(ProducerRecord<byte[], byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }
}
