package io.lakestream.gateway.http.internal;

import io.lakestream.api.config.PipelineConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer settings for the gateway: durable (acks=all, idempotent), batched for throughput, and
 * with timeouts derived from the gateway's Kafka timeout so that a request's wait and the
 * producer's own give-up time line up.
 */
public final class ProducerTuning {

  static final int LINGER_MS = 5;
  static final int BATCH_SIZE = 262_144;

  private ProducerTuning() {}

  /** See {@code HttpGateway.producerProperties}. */
  public static Properties properties(PipelineConfig cfg, String bootstrapServers) {
    long timeout = Math.max(1, cfg.gateway().kafkaTimeout().toMillis());
    // Half the budget per attempt leaves room for one retry before the request gives up.
    long requestTimeout = Math.min(Integer.MAX_VALUE, Math.max(1_000, timeout / 2));

    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_SIZE));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout));
    // send() blocks (metadata, full buffer) count against the same budget as the acks.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestream-gateway-" + cfg.name());

    // Pass-through settings (TLS, SASL, tuning) win over the defaults above...
    cfg.kafka().properties().forEach(p::put);

    // ...except what the gateway's own contract depends on.
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // A 202 promises the events are durable and not doubled by producer retries.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

    // KafkaProducer refuses delivery.timeout.ms < linger.ms + request.timeout.ms, so derive it
    // from the final values unless the user set it explicitly.
    if (!cfg.kafka().properties().containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      long linger = longOf(p, ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
      long request = longOf(p, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
      long delivery = Math.min(Integer.MAX_VALUE, Math.max(timeout, linger + request));
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
    }
    return p;
  }

  private static long longOf(Properties p, String name, long fallback) {
    try {
      return Long.parseLong(p.getProperty(name, Long.toString(fallback)).trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
