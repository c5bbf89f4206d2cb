package io.lakestream.gateway.http.internal;

import io.lakestream.api.event.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes a parsed batch to the raw topic and waits until Kafka has acknowledged all of it.
 *
 * <p>Every record is handed to the producer before any acknowledgement is awaited, so the whole
 * batch travels in a few produce requests instead of one round trip per event. A single callback
 * per batch counts completions, which avoids a future per record.
 */
public final class RawTopicWriter {

  /** Marks ids the gateway generated: they can never be re-posted, so need no dedup state. */
  private static final Header ID_GENERATED =
      new RecordHeader(EventHeaders.ID_GENERATED, "true".getBytes(StandardCharsets.US_ASCII));

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final long timeoutNanos;
  private final long retryAfterSeconds;

  public RawTopicWriter(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
    this.producer = producer;
    this.topic = topic;
    this.timeoutNanos = timeout.toNanos();
    this.retryAfterSeconds = retryAfterSeconds(timeout);
  }

  /**
   * What varies per request: where it came from and when it arrived.
   *
   * @param source the shared {@code ls.source} header of the target source
   * @param originPrefix {@code http <client> req=<id>}, UTF-8
   * @param ingestTime epoch millis
   */
  public record RequestContext(
      Header source, Header schema, byte[] originPrefix, long ingestTime) {}

  /**
   * Sends every event of {@code batch} and returns once all are acknowledged.
   *
   * @throws RequestRejected 503 with {@code Retry-After} when a send fails, throws, or the
   *     acknowledgements do not all arrive within the Kafka timeout
   */
  public void write(EventBatch batch, byte[] body, RequestContext ctx) {
    int n = batch.size();
    if (n == 0) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    Completion completion = new Completion(n);
    Header ingest =
        new RecordHeader(
            EventHeaders.INGEST_TIME,
            Long.toString(ctx.ingestTime()).getBytes(StandardCharsets.US_ASCII));
    byte[] originPrefix = originPrefix(ctx.originPrefix(), batch.kind());
    Long timestamp = ctx.ingestTime();
    for (int i = 0; i < n; i++) {
      // A failure seen while still sending (e.g. metadata timeout with no broker) ends the
      // batch right away; sending the rest would block max.block.ms per record.
      if (completion.failure != null) {
        throw unavailable("Kafka refused the events", completion.failure);
      }
      if (System.nanoTime() - deadline > 0) {
        throw unavailable("Kafka did not accept the events within the timeout", null);
      }
      byte[] id = batch.id(i).getBytes(StandardCharsets.UTF_8);
      byte[] key = batch.key(i) != null ? batch.key(i) : id;
      int start = batch.start(i);
      byte[] value = Arrays.copyOfRange(body, start, start + batch.length(i));
      String error = batch.error(i);
      List<Header> headers = new ArrayList<>(6);
      headers.add(new RecordHeader(EventHeaders.ID, id));
      headers.add(ctx.source());
      headers.add(ingest);
      headers.add(new RecordHeader(EventHeaders.ORIGIN, origin(originPrefix, batch, i)));
      if (batch.idGenerated(i)) {
        headers.add(ID_GENERATED);
      }
      if (ctx.schema() != null) {
        headers.add(ctx.schema());
      }
      if (error != null) {
        headers.add(
            new RecordHeader(
                EventHeaders.ERROR,
                ("line " + batch.position(i) + ", column " + batch.errorColumn(i) + ": " + error)
                    .getBytes(StandardCharsets.UTF_8)));
      }
      try {
        producer.send(
            new ProducerRecord<>(topic, null, timestamp, key, value, new RecordHeaders(headers)),
            completion);
      } catch (RuntimeException e) {
        throw unavailable("Kafka refused the events", e);
      }
    }
    boolean done;
    try {
      done =
          completion.latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("the gateway is shutting down", null);
    }
    if (completion.failure != null) {
      throw unavailable("Kafka refused the events", completion.failure);
    }
    if (!done) {
      throw unavailable(
          "Kafka did not acknowledge the events within "
              + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
              + " ms",
          null);
    }
  }

  private RequestRejected unavailable(String what, Exception cause) {
    String reason =
        cause == null
            ? ""
            : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    return new RequestRejected(
            503,
            "kafka_unavailable",
            what + reason + "; nothing was accepted, retry later with the same event ids")
        .retryAfter(retryAfterSeconds);
  }

  private static byte[] originPrefix(byte[] prefix, EventBatch.Kind kind) {
    String word =
        switch (kind) {
          case NDJSON -> " line ";
          case ARRAY -> " element ";
          case SINGLE -> "";
        };
    byte[] w = word.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(prefix, prefix.length + w.length);
    System.arraycopy(w, 0, out, prefix.length, w.length);
    return out;
  }

  /** The prefix followed by the event's line or element number, built in one array. */
  private static byte[] origin(byte[] prefix, EventBatch batch, int i) {
    if (batch.kind() == EventBatch.Kind.SINGLE) {
      return prefix;
    }
    int number = batch.position(i);
    int digits = 1;
    for (int v = number; v >= 10; v /= 10) {
      digits++;
    }
    byte[] out = Arrays.copyOf(prefix, prefix.length + digits);
    for (int p = out.length - 1, v = number; p >= prefix.length; p--, v /= 10) {
      out[p] = (byte) ('0' + v % 10);
    }
    return out;
  }

  /** Counts acknowledgements of one batch; runs on the producer's I/O thread, so stays tiny. */
  private static final class Completion implements Callback {
    private final CountDownLatch latch = new CountDownLatch(1);
    private final AtomicInteger pending;
    private volatile Exception failure;

    Completion(int n) {
      pending = new AtomicInteger(n);
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        if (failure == null) {
          failure = exception;
        }
        latch.countDown();
      } else if (pending.decrementAndGet() == 0) {
        latch.countDown();
      }
    }
  }

  /** {@code Retry-After} for a Kafka timeout: whole seconds, rounded up, at least 1. */
  public static long retryAfterSeconds(Duration kafkaTimeout) {
    return Math.max(1, (kafkaTimeout.toMillis() + 999) / 1000);
  }
}
