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

  private static final java.util.concurrent.ConcurrentHashMap<RegistryAccess, Registry> SHARED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One registry reader per JVM for this access, opened on first use and kept for the JVM's life,
   * for operators that have no close hook (Iceberg's record generators): however often the job
   * restarts, they hold one Kafka consumer between them. Never close it.
   */
  public Registry shared() {
    return SHARED.computeIfAbsent(this, RegistryAccess::open);
  }

  /** Opens the registry (replays its topic); the caller closes it. */
  public Registry open() {
    return Registry.open(
        KafkaSchemaLog.open(bootstrapServers, clientProperties, topic, Duration.ofSeconds(30)));
  }
}
