package io.lakestream.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaLog} on partition 0 of a single-partition Kafka topic, shared by every registry
 * process of a deployment.
 *
 * <p><b>Topic.</b> {@link #open} creates the topic when absent: one partition (a single total order
 * is what makes every process reach the same state), {@code cleanup.policy=compact} and a
 * replication factor of {@code min(3, brokers)}. Every record has a <em>unique key</em> (a random
 * UUID per record), so compaction, which only drops older records with the same key, never drops
 * anything a replay needs. The topic is compacted solely so that nothing expires by time, as it
 * would under the default {@code delete} policy with its retention period.
 *
 * <p><b>Writes</b> go through an idempotent producer with {@code acks=all} and block until the
 * broker acknowledged them, so an acknowledged record survives broker failures within the
 * replication factor. <b>Reads</b> use a consumer without a group that {@code assign}s partition 0,
 * seeks to the requested offset and polls until its position reaches the partition's end offset
 * taken at the start of the read. Offsets of a compacted topic may have gaps, so progress is judged
 * by the consumer's position, never by counting records.
 *
 * <p>{@code clientProperties} are passed to the admin client, producer and consumer as they are, so
 * TLS and SASL settings work; the properties this class relies on (serializers, {@code acks},
 * idempotence, no auto-commit) are set after them.
 *
 * <p>Thread-safe: appends may run concurrently (the producer is thread-safe); reads are serialized
 * because the consumer is not.
 */
public final class KafkaSchemaLog implements SchemaLog {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);

  /** The topic used when none is configured. */
  public static final String DEFAULT_TOPIC = "_lakestream_schemas";

  // Created on the first append: most processes (the job's tasks, followers) only ever read.
  private final java.util.function.Supplier<Producer<String, byte[]>> producerFactory;
  private Producer<String, byte[]> producer; // guarded by this
  private boolean closed; // guarded by this
  private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
  private final String topic;
  private final TopicPartition partition;
  private final Duration timeout;
  private final Object readLock = new Object();

  /**
   * Wraps an existing producer and consumer (e.g. Kafka's {@code MockProducer} and {@code
   * MockConsumer}); the consumer gets {@code partition 0} of {@code topic} assigned. Closing the
   * log closes both.
   */
  KafkaSchemaLog(
      Producer<String, byte[]> producer,
      org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
      String topic,
      Duration timeout) {
    this(supplying(Objects.requireNonNull(producer, "producer")), consumer, topic, timeout);
  }

  private static <T> java.util.function.Supplier<T> supplying(T value) {
    return () -> value;
  }

  /** Like the other wrapper, with the producer made on the first append. */
  KafkaSchemaLog(
      java.util.function.Supplier<Producer<String, byte[]>> producerFactory,
      org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
      String topic,
      Duration timeout) {
    this.producerFactory = producerFactory;
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
  }

  /**
   * Connects to Kafka, creating {@code topic} when it does not exist.
   *
   * @param bootstrapServers the brokers, e.g. {@code localhost:9092}
   * @param clientProperties extra client settings (TLS, SASL, ...), passed to every client
   * @param topic the log's topic, usually {@link #DEFAULT_TOPIC}
   * @param timeout how long an append, a read or the topic creation may take
   * @throws RegistryStorageException when the cluster cannot be reached or the topic not created
   */
  public static KafkaSchemaLog open(
      String bootstrapServers,
      Map<String, String> clientProperties,
      String topic,
      Duration timeout) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(timeout, "timeout");
    Map<String, String> common =
        new HashMap<>(clientProperties == null ? Map.of() : clientProperties);
    common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);

    ensureTopic(common, topic, timeout);

    Properties producerProps = new Properties();
    producerProps.putAll(common);
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producerProps.put(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
    int deliveryMs = (int) Math.min(Integer.MAX_VALUE, Math.max(timeout.toMillis(), 1_000));
    producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(deliveryMs));
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(deliveryMs));

    Properties consumerProps = new Properties();
    consumerProps.putAll(common);
    consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerProps.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    consumerProps.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

    try {
      KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps);
      return new KafkaSchemaLog(() -> new KafkaProducer<>(producerProps), consumer, topic, timeout);
    } catch (KafkaException e) {
      throw new RegistryStorageException(
          "cannot create Kafka clients for schema topic '" + topic + "': " + e.getMessage(), e);
    }
  }

  private static void ensureTopic(Map<String, String> common, String topic, Duration timeout) {
    Properties adminProps = new Properties();
    adminProps.putAll(common);
    adminProps.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
    adminProps.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    try (Admin admin = Admin.create(adminProps)) {
      long ms = timeout.toMillis();
      if (admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS).contains(topic)) {
        return;
      }
      int brokers = admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).size();
      short replication = (short) Math.max(1, Math.min(3, brokers));
      NewTopic newTopic =
          new NewTopic(topic, 1, replication)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(newTopic)).all().get(ms, TimeUnit.MILLISECONDS);
        LOG.info(
            "Created schema topic '{}' (1 partition, replication factor {}, compacted)",
            topic,
            replication);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryStorageException(
          "interrupted while creating schema topic '" + topic + "'", e);
    } catch (TimeoutException e) {
      throw new RegistryStorageException(
          RegistryStorageException.TIMEOUT,
          "timed out after " + timeout + " checking or creating schema topic '" + topic + "'",
          e);
    } catch (ExecutionException | KafkaException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new RegistryStorageException(
          "cannot check or create schema topic '" + topic + "': " + cause.getMessage(), cause);
    }
  }

  private synchronized Producer<String, byte[]> producer() {
    if (closed) {
      throw new RegistryStorageException("the schema log is closed", null);
    }
    if (producer == null) {
      try {
        producer = producerFactory.get();
      } catch (KafkaException e) {
        throw new RegistryStorageException(
            "cannot create a Kafka producer for schema topic '" + topic + "': " + e.getMessage(),
            e);
      }
    }
    return producer;
  }

  @Override
  public long append(String key, byte[] value) {
    try {
      RecordMetadata metadata =
          producer()
              .send(new ProducerRecord<>(topic, 0, key, value))
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return metadata.offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryStorageException("interrupted while writing to schema topic", e);
    } catch (TimeoutException e) {
      throw new RegistryStorageException(
          RegistryStorageException.TIMEOUT,
          "timed out after " + timeout + " writing to schema topic '" + topic + "'",
          e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      int code =
          cause instanceof org.apache.kafka.common.errors.TimeoutException
              ? RegistryStorageException.TIMEOUT
              : RegistryStorageException.STORE_ERROR;
      throw new RegistryStorageException(
          code, "cannot write to schema topic '" + topic + "': " + cause.getMessage(), cause);
    } catch (KafkaException e) {
      int code =
          e instanceof org.apache.kafka.common.errors.TimeoutException
              ? RegistryStorageException.TIMEOUT
              : RegistryStorageException.STORE_ERROR;
      throw new RegistryStorageException(
          code, "cannot write to schema topic '" + topic + "': " + e.getMessage(), e);
    }
  }

  @Override
  public long readToEnd(long nextOffset, Consumer<LogRecord> sink) {
    synchronized (readLock) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        Long endOffset = consumer.endOffsets(List.of(partition), timeout).get(partition);
        long end = endOffset == null ? 0 : endOffset;
        long next = Math.max(0, nextOffset);
        if (next >= end) {
          return next;
        }
        consumer.seek(partition, next);
        while (consumer.position(partition, timeout) < end) {
          if (System.nanoTime() > deadline) {
            throw new RegistryStorageException(
                RegistryStorageException.TIMEOUT,
                "timed out after "
                    + timeout
                    + " reading schema topic '"
                    + topic
                    + "' (at offset "
                    + consumer.position(partition)
                    + " of "
                    + end
                    + ")",
                null);
          }
          for (ConsumerRecord<String, byte[]> r :
              consumer.poll(Duration.ofMillis(100)).records(partition)) {
            if (r.offset() < next) {
              continue;
            }
            sink.accept(new LogRecord(r.offset(), r.key() == null ? "" : r.key(), r.value()));
            next = r.offset() + 1;
          }
        }
        return Math.max(next, consumer.position(partition));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new RegistryStorageException(
            RegistryStorageException.TIMEOUT,
            "timed out after " + timeout + " reading schema topic '" + topic + "'",
            e);
      } catch (KafkaException e) {
        throw new RegistryStorageException(
            "cannot read schema topic '" + topic + "': " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    Producer<String, byte[]> p;
    synchronized (this) {
      closed = true;
      p = producer;
    }
    try {
      if (p != null) {
        p.close(timeout);
      }
    } finally {
      synchronized (readLock) {
        consumer.close();
      }
    }
  }
}
