package io.lakestream.jobs.schema;

import io.lakestream.registry.KafkaSchemaLog;
import io.lakestream.registry.Registry;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How a job's tasks reach the schema registry: by reading its Kafka topic themselves, so a job on a
 * Flink cluster needs nothing but the Kafka cluster it already reads.
 *
 * @param bootstrapServers the Kafka cluster holding the registry topic
 * @param clientProperties client settings passed through (TLS, SASL)
 * @param topic the registry topic
 */
public record RegistryAccess(
    String bootstrapServers, Map<String, String> clientProperties, String topic)
    implements Serializable {

  public RegistryAccess {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** Opens the registry (replays its topic); the caller closes it. */
  public Registry open() {
    return Registry.open(
        KafkaSchemaLog.open(bootstrapServers, clientProperties, topic, Duration.ofSeconds(30)));
  }
}
