package io.lakestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaSchemaLogTest {
  private static final String TOPIC = KafkaSchemaLog.DEFAULT_TOPIC;
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");

  private static MockProducer<String, byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void addRecord(long offset, String key, String value) {
    consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, key, bytes(value)));
  }

  @Test
  void aLogThatOnlyReadsNeverMakesAProducer() {
    java.util.concurrent.atomic.AtomicInteger made =
        new java.util.concurrent.atomic.AtomicInteger();
    MockProducer<String, byte[]> producer = producer(true);
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(
            () -> {
              made.incrementAndGet();
              return producer;
            },
            consumer,
            TOPIC,
            Duration.ofSeconds(5))) {
      consumer.updateBeginningOffsets(
          java.util.Map.of(new org.apache.kafka.common.TopicPartition(TOPIC, 0), 0L));
      consumer.updateEndOffsets(
          java.util.Map.of(new org.apache.kafka.common.TopicPartition(TOPIC, 0), 0L));
      assertThat(log.readToEnd(0, r -> {})).isZero();
      assertThat(made).hasValue(0);
      log.append("k", bytes("a"));
      log.append("k2", bytes("b"));
      assertThat(made).hasValue(1);
    }
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void appendWritesToPartitionZeroAndReturnsTheOffset() {
    MockProducer<String, byte[]> producer = producer(true);
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(producer, consumer, TOPIC, Duration.ofSeconds(5))) {
      assertThat(log.append("k1", bytes("a"))).isEqualTo(0);
      assertThat(log.append("k2", bytes("b"))).isEqualTo(1);
      List<ProducerRecord<String, byte[]>> sent = producer.history();
      assertThat(sent).extracting(ProducerRecord::topic).containsOnly(TOPIC);
      assertThat(sent).extracting(ProducerRecord::partition).containsOnly(0);
      assertThat(sent).extracting(ProducerRecord::key).containsExactly("k1", "k2");
    }
    assertThat(producer.closed()).isTrue();
    assertThat(consumer.closed()).isTrue();
  }

  @Test
  void aFailedSendBecomesAStorageException() throws Exception {
    MockProducer<String, byte[]> producer = producer(false);
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(producer, consumer, TOPIC, Duration.ofSeconds(5))) {
      CompletableFuture<Throwable> failure =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  log.append("k", bytes("v"));
                  return null;
                } catch (RuntimeException e) {
                  return e;
                }
              });
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!producer.errorNext(new RuntimeException("not enough replicas"))) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(failure.get())
          .isInstanceOfSatisfying(
              RegistryStorageException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(RegistryStorageException.STORE_ERROR);
                assertThat(e.getMessage()).contains(TOPIC, "not enough replicas");
              });
    }
  }

  @Test
  void anUnacknowledgedSendTimesOut() {
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(producer(false), consumer, TOPIC, Duration.ofMillis(100))) {
      assertThatThrownBy(() -> log.append("k", bytes("v")))
          .isInstanceOfSatisfying(
              RegistryStorageException.class,
              e -> {
                assertThat(e.isTimeout()).isTrue();
                assertThat(e.errorCode()).isEqualTo(50002);
              });
    }
  }

  @Test
  void readToEndFollowsThePositionAcrossCompactionGaps() {
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(producer(true), consumer, TOPIC, Duration.ofSeconds(5))) {
      consumer.updateBeginningOffsets(Map.of(TP, 0L));
      consumer.updateEndOffsets(Map.of(TP, 6L));
      addRecord(0, "a", "0");
      addRecord(1, "b", "1");
      addRecord(3, "c", "3");
      addRecord(5, "d", "5");

      List<SchemaLog.LogRecord> seen = new ArrayList<>();
      assertThat(log.readToEnd(0, seen::add)).isEqualTo(6);
      assertThat(seen).extracting(SchemaLog.LogRecord::offset).containsExactly(0L, 1L, 3L, 5L);
      assertThat(seen).extracting(SchemaLog.LogRecord::key).containsExactly("a", "b", "c", "d");
      assertThat(new String(seen.get(2).value(), StandardCharsets.UTF_8)).isEqualTo("3");

      // At the end: nothing to read.
      seen.clear();
      assertThat(log.readToEnd(6, seen::add)).isEqualTo(6);
      assertThat(seen).isEmpty();

      addRecord(6, "e", "6");
      consumer.updateEndOffsets(Map.of(TP, 7L));
      assertThat(log.readToEnd(6, seen::add)).isEqualTo(7);
      assertThat(seen).extracting(SchemaLog.LogRecord::key).containsExactly("e");
    }
  }

  @Test
  void aReadThatCannotReachTheEndTimesOut() {
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(producer(true), consumer, TOPIC, Duration.ofMillis(200))) {
      consumer.updateBeginningOffsets(Map.of(TP, 0L));
      consumer.updateEndOffsets(Map.of(TP, 3L));
      assertThatThrownBy(() -> log.readToEnd(0, r -> {}))
          .isInstanceOfSatisfying(
              RegistryStorageException.class, e -> assertThat(e.isTimeout()).isTrue());
    }
  }

  @Test
  void aRegistryReplaysRecordsReadFromKafka() {
    try (KafkaSchemaLog log =
        new KafkaSchemaLog(producer(true), consumer, TOPIC, Duration.ofSeconds(5))) {
      consumer.updateBeginningOffsets(Map.of(TP, 0L));
      consumer.updateEndOffsets(Map.of(TP, 3L));
      addRecord(
          0,
          "p1",
          "{\"kind\":\"register\",\"proposal\":\"p1\",\"subject\":\"s\",\"schemaType\":\"JSON\","
              + "\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}");
      addRecord(2, "p2", "{\"kind\":\"config\",\"subject\":\"s\",\"compatibility\":\"FULL\"}");
      Registry registry = Registry.open(log);
      assertThat(registry.appliedOffset()).isEqualTo(3);
      assertThat(registry.latest("s")).map(RegisteredSchema::id).contains(1);
      assertThat(registry.compatibility("s"))
          .isEqualTo(io.lakestream.registry.compat.CompatibilityLevel.FULL);
    }
  }
}
