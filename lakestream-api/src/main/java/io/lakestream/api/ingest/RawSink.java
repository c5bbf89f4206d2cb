package io.lakestream.api.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where every source delivers: the pipeline's raw Kafka topic.
 *
 * <p>A source acknowledges to its client (MQTT PUBACK, Fluentd forward ack, HTTP 202) only after
 * the future returned here completed normally: that is the moment Kafka holds the records. When it
 * completes exceptionally nothing may be acknowledged; the client has to resend.
 *
 * <p>The future may complete on the Kafka producer's I/O thread: never block or do socket I/O in a
 * dependent stage run there; hand the work to the source's own thread (or use the {@code *Async}
 * variants with an executor).
 *
 * <p>Thread-safe. {@link #send} does not wait for Kafka; it may block briefly when the producer's
 * buffer is full, which is the back pressure a fast client should feel.
 */
public interface RawSink {

  /**
   * Hands records of one source to Kafka.
   *
   * @param source the source's name (the pipeline file's key under {@code sources:})
   * @param records in order; records with the same key keep their order in Kafka
   * @return completes when Kafka has acknowledged every record, or exceptionally with the first
   *     failure (then some records may be in Kafka and some not: resending is safe because the job
   *     deduplicates by id)
   */
  CompletableFuture<Void> send(String source, List<RawRecord> records);
}
