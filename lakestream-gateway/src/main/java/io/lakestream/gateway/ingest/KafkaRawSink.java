package io.lakestream.gateway.ingest;

import io.lakestream.api.event.EventHeaders;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SchemaIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The {@link RawSink} of every non-HTTP source: writes records to the pipeline's raw topic with the
 * same envelope the HTTP gateway uses (see {@link EventHeaders}), through a durable producer
 * ({@code acks=all}, idempotent; see {@code HttpGateway.producerProperties}).
 *
 * <p>One callback per batch counts the acknowledgements, so a batch of thousands of records costs
 * one future, not one per record.
 */
public final class KafkaRawSink implements RawSink {

  private static final Header ID_GENERATED =
      new RecordHeader(EventHeaders.ID_GENERATED, "true".getBytes(StandardCharsets.US_ASCII));

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SchemaIdHeaders schemaHeaders;
  private final ConcurrentHashMap<String, Header> sourceHeaders = new ConcurrentHashMap<>();

  /**
   * @param producer a producer with byte-array serializers, shared with other users; not closed
   *     here
   * @param topic the pipeline's raw topic
   */
  public KafkaRawSink(Producer<byte[], byte[]> producer, String topic) {
    this(producer, topic, SchemaIds.NONE);
  }

  /**
   * @param schemaIds the schema version each source's records are stamped with
   */
  public KafkaRawSink(Producer<byte[], byte[]> producer, String topic, SchemaIds schemaIds) {
    this.producer = producer;
    this.topic = topic;
    this.schemaHeaders = new SchemaIdHeaders(schemaIds);
  }

  @Override
  public CompletableFuture<Void> send(String source, List<RawRecord> records) {
    Completion done = new Completion(records.size());
    if (records.isEmpty()) {
      return done.future;
    }
    Header sourceHeader =
        sourceHeaders.computeIfAbsent(
            source, s -> new RecordHeader(EventHeaders.SOURCE, s.getBytes(StandardCharsets.UTF_8)));
    Header schema = schemaHeaders.header(source);
    long now = System.currentTimeMillis();
    Header ingest =
        new RecordHeader(
            EventHeaders.INGEST_TIME, Long.toString(now).getBytes(StandardCharsets.US_ASCII));
    for (RawRecord r : records) {
      if (done.future.isDone()) {
        break; // an earlier record failed; the caller resends the whole batch
      }
      byte[] id = r.id().getBytes(StandardCharsets.UTF_8);
      List<Header> headers = new ArrayList<>(6);
      headers.add(new RecordHeader(EventHeaders.ID, id));
      headers.add(sourceHeader);
      headers.add(ingest);
      headers.add(
          new RecordHeader(EventHeaders.ORIGIN, r.origin().getBytes(StandardCharsets.UTF_8)));
      if (r.idGenerated()) {
        headers.add(ID_GENERATED);
      }
      if (schema != null) {
        headers.add(schema);
      }
      if (r.error() != null) {
        headers.add(
            new RecordHeader(EventHeaders.ERROR, r.error().getBytes(StandardCharsets.UTF_8)));
      }
      byte[] key = r.key() != null ? r.key() : id;
      try {
        producer.send(
            new ProducerRecord<>(topic, null, now, key, r.value(), new RecordHeaders(headers)),
            done);
      } catch (RuntimeException e) {
        done.future.completeExceptionally(e);
      }
    }
    return done.future;
  }

  /** Counts acknowledgements of one batch; runs on the producer's I/O thread, so stays tiny. */
  private static final class Completion implements Callback {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final AtomicInteger pending;

    Completion(int n) {
      pending = new AtomicInteger(n);
      if (n == 0) {
        future.complete(null);
      }
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        future.completeExceptionally(exception);
      } else if (pending.decrementAndGet() == 0) {
        future.complete(null);
      }
    }
  }
}
