package io.lakestream.api.config;

import java.util.Map;
import java.util.Objects;

/**
 * A {@code kafka} source: an existing topic whose record values are JSON events (written by Kafka
 * Connect or any producer), read by the pipeline's Flink job, which commits the consumer offsets
 * only with its checkpoints.
 *
 * @param topic the topic to read
 * @param bootstrapServers the cluster; {@code null} for the pipeline's own (embedded) broker
 * @param groupId consumer group, {@code lakestream-<pipeline>-<source>} by default
 * @param startingOffsets {@code earliest} or {@code latest}: where a group without committed
 *     offsets starts
 * @param properties extra Kafka consumer settings (TLS, SASL), passed through
 */
public record KafkaSourceSettings(
    String topic,
    String bootstrapServers,
    String groupId,
    String startingOffsets,
    Map<String, String> properties)
    implements SourceSettings {

  public KafkaSourceSettings {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(startingOffsets, "startingOffsets");
    properties = Map.copyOf(properties);
  }

  @Override
  public String toString() {
    return "KafkaSourceSettings[topic="
        + topic
        + ", bootstrapServers="
        + (bootstrapServers == null ? "embedded" : bootstrapServers)
        + ", groupId="
        + groupId
        + "]";
  }
}
