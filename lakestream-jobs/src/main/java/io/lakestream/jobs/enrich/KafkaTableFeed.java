package io.lakestream.jobs.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.ReferenceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The reader of a reference table kept in a compacted Kafka topic: it reads every partition from
 * the beginning without a consumer group, then keeps applying new records (record key = lookup key,
 * JSON object value = the row, null or empty value = the row is deleted).
 *
 * <p>Not thread-safe, as its consumer is not: {@link #loadInitial} runs on the opening thread, then
 * {@link #poll} only on the refresher thread; {@link #wakeup} may be called from any thread.
 */
final class KafkaTableFeed implements AutoCloseable {

  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  /** The initial load fails when its position has not moved for this long. */
  private static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);

  private final ReferenceConfig cfg;
  private final String bootstrap;
  private final RowConverter converter;
  private final KafkaConsumer<byte[], byte[]> consumer;

  KafkaTableFeed(ReferenceConfig cfg, String bootstrap, Map<String, String> kafkaProperties) {
    this.cfg = cfg;
    this.bootstrap = bootstrap;
    this.converter = new RowConverter(cfg);
    Map<String, Object> props = new HashMap<>();
    if (kafkaProperties != null) {
      props.putAll(kafkaProperties);
    }
    props.putAll(cfg.properties());
    if (bootstrap != null && !bootstrap.isBlank()) {
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }
    // Every task reads the whole topic from the start: no group, nothing committed, and never
    // create the topic by asking for it.
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "lakestream-reference-" + cfg.name());
    try {
      this.consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw new ReferenceDataException(
          "reference "
              + cfg.name()
              + ": cannot create a Kafka consumer for topic "
              + cfg.topic()
              + ": "
              + rootMessage(e)
              + ". Check the Kafka bootstrap servers and reference."
              + cfg.name()
              + ".properties.",
          e);
    }
  }

  String describe() {
    return "topic " + cfg.topic();
  }

  /**
   * Reads the topic up to the end offsets it has now, into {@code rows}.
   *
   * @throws ReferenceDataException when the topic does not exist or cannot be read
   */
  void loadInitial(Map<String, Object[]> rows, LoadWarnings warnings) {
    List<PartitionInfo> partitions;
    try {
      partitions = consumer.partitionsFor(cfg.topic(), METADATA_TIMEOUT);
    } catch (TimeoutException e) {
      throw failure(
          "Kafka at "
              + bootstrap
              + " did not answer within "
              + METADATA_TIMEOUT.toSeconds()
              + " s. Check that it is running and reachable.",
          e);
    } catch (KafkaException e) {
      throw failure(rootMessage(e) + ". Check reference." + cfg.name() + ".properties.", e);
    }
    if (partitions == null || partitions.isEmpty()) {
      throw failure(
          "the topic does not exist. Create it as a compacted topic (cleanup.policy=compact), so"
              + " that it keeps the latest row of every key for as long as the key exists.",
          null);
    }
    List<TopicPartition> tps =
        partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    try {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, METADATA_TIMEOUT);
      // shared instances for equal values, as in a file load; not kept for later updates, so
      // that it does not grow with every value the topic ever had
      Map<Object, Object> canonical = new HashMap<>();
      long lastProgress = System.nanoTime();
      long lastPositionSum = -1;
      while (true) {
        long positionSum = 0;
        boolean caughtUp = true;
        for (TopicPartition tp : tps) {
          long position = consumer.position(tp, METADATA_TIMEOUT);
          positionSum += position;
          caughtUp &= position >= end.getOrDefault(tp, 0L);
        }
        if (caughtUp) {
          return;
        }
        if (positionSum != lastPositionSum) {
          lastPositionSum = positionSum;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
          throw failure(
              "reading it up to its end made no progress for "
                  + STALL_TIMEOUT.toMinutes()
                  + " minutes. Check that the brokers are reachable and the topic is readable.",
              null);
        }
        apply(consumer.poll(Duration.ofMillis(200)), rows, warnings, canonical);
      }
    } catch (TimeoutException e) {
      throw failure(
          "Kafka at " + bootstrap + " did not answer in time. Check that it is reachable.", e);
    } catch (KafkaException e) {
      throw failure(rootMessage(e) + ". Check reference." + cfg.name() + ".properties.", e);
    }
  }

  /**
   * Waits up to {@code timeout} for new records and applies them to {@code rows}.
   *
   * @return whether any record was applied
   * @throws org.apache.kafka.common.errors.WakeupException when {@link #wakeup} was called
   */
  boolean poll(Map<String, Object[]> rows, Duration timeout, LoadWarnings warnings) {
    return apply(consumer.poll(timeout), rows, warnings, null) > 0;
  }

  private int apply(
      ConsumerRecords<byte[], byte[]> records,
      Map<String, Object[]> rows,
      LoadWarnings warnings,
      Map<Object, Object> canonical) {
    int applied = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (apply(r, rows, warnings, canonical)) {
        applied++;
      }
    }
    return applied;
  }

  private boolean apply(
      ConsumerRecord<byte[], byte[]> r,
      Map<String, Object[]> rows,
      LoadWarnings warnings,
      Map<Object, Object> canonical) {
    String at = "partition " + r.partition() + " offset " + r.offset();
    if (r.key() == null || r.key().length == 0) {
      warnings.warn(at, "the record has no key, so it is skipped");
      return false;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    if (key.isBlank()) {
      warnings.warn(at, "the record's key is blank, so it is skipped");
      return false;
    }
    if (r.value() == null || r.value().length == 0) {
      rows.remove(key);
      return true;
    }
    String where = "key '" + key + "' (" + at + ")";
    JsonNode node;
    try {
      node = FileTableReader.ONE_VALUE.readTree(r.value());
    } catch (IOException e) {
      warnings.warn(where, "the value is not JSON, so the row is left as it was");
      return false;
    }
    if (node == null || !node.isObject()) {
      warnings.warn(where, "the value is not a JSON object, so the row is left as it was");
      return false;
    }
    rows.put(
        key,
        converter.convert(
            c -> FileTableReader.plain(node.get(converter.names().get(c))),
            where,
            warnings,
            canonical));
    return true;
  }

  /** Makes a blocked or the next {@link #poll} throw {@code WakeupException}. */
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  private ReferenceDataException failure(String what, Throwable cause) {
    return new ReferenceDataException(
        "reference " + cfg.name() + ": cannot read topic " + cfg.topic() + ": " + what, cause);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
