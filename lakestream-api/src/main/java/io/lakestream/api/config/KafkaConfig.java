package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * Kafka connection and topic settings.
 *
 * @param bootstrapServers {@code host:port,...} of an external cluster, or {@code null} to use the
 *     embedded broker that {@code lakestream up} starts
 * @param partitions partitions of each topic Lakestream creates
 * @param replicationFactor replication factor of each topic Lakestream creates
 * @param topicPrefix prefix of every topic name, {@code lakestream.} by default
 * @param properties extra client properties passed through as is (TLS, SASL, ...)
 */
public record KafkaConfig(
    String bootstrapServers,
    int partitions,
    short replicationFactor,
    String topicPrefix,
    Map<String, String> properties)
    implements Serializable {

  public KafkaConfig {
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
  }

  /** True when no external cluster is configured and the embedded broker is used. */
  public boolean embedded() {
    return bootstrapServers == null;
  }

  /** A copy pointing at the given bootstrap servers (used once the embedded broker is up). */
  public KafkaConfig withBootstrapServers(String servers) {
    return new KafkaConfig(servers, partitions, replicationFactor, topicPrefix, properties);
  }
}
