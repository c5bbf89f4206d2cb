package io.lakestream.source.cdc.internal;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.lakestream.api.ingest.EventIds;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's change consumer: hands each batch of change records to the raw sink and commits the
 * batch's offsets only once Kafka holds every record of it.
 *
 * <p>For each batch, in the engine's polling thread: encode every record, {@link RawSink#send} the
 * row changes, wait for the acknowledgement, then {@code markProcessed} every record of the batch
 * (heartbeats included) and {@code markBatchFinished}, which (with {@code
 * offset.flush.interval.ms=0}) writes the offsets to disk and only then lets the connector confirm
 * the position to the replication slot.
 *
 * <p>When Kafka does not acknowledge, nothing of the batch is marked: the same records are sent
 * again after a pause (doubling from 100 ms up to a limit) until Kafka takes them, counting each
 * failed attempt as rejected. While it retries, the engine reads no further (PostgreSQL keeps the
 * WAL). When the source closes meanwhile, the handler gives up with an {@link
 * InterruptedException}: the batch stays uncommitted and is read again from the slot on the next
 * start, with the same ids.
 */
public final class BatchHandler
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

  private static final Logger LOG = LoggerFactory.getLogger(BatchHandler.class);
  private static final long FIRST_RETRY_MS = 100;

  private final String source;
  private final RawSink sink;
  private final SourceCounters counters;
  private final ChangeEventEncoder encoder;
  private final long maxRetryMs;
  private final Runnable onAcknowledged;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Object idle = new Object();
  private int busy;

  /**
   * @param onAcknowledged called after each batch Kafka took (the source resets its restart
   *     backoff)
   */
  public BatchHandler(
      String source,
      RawSink sink,
      SourceCounters counters,
      ChangeEventEncoder encoder,
      Duration maxRetry,
      Runnable onAcknowledged) {
    this.source = source;
    this.sink = sink;
    this.counters = counters;
    this.encoder = encoder;
    this.maxRetryMs = Math.max(FIRST_RETRY_MS, maxRetry.toMillis());
    this.onAcknowledged = onAcknowledged;
  }

  @Override
  public void handleBatch(
      List<RecordChangeEvent<SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    synchronized (idle) {
      busy++;
    }
    try {
      if (isClosing()) {
        throw notAcknowledged(batch.size());
      }
      List<RawRecord> records = new ArrayList<>(batch.size());
      long bytes = 0;
      for (RecordChangeEvent<SourceRecord> e : batch) {
        RawRecord r = encode(e.record());
        if (r != null) {
          records.add(r);
          bytes += r.value().length;
        }
      }
      if (!records.isEmpty()) {
        counters.received(records.size(), bytes);
        deliver(records);
      }
      for (RecordChangeEvent<SourceRecord> e : batch) {
        committer.markProcessed(e);
      }
      committer.markBatchFinished();
      if (!records.isEmpty()) {
        onAcknowledged.run();
      }
    } finally {
      synchronized (idle) {
        busy--;
        idle.notifyAll();
      }
    }
  }

  /** Stops retrying and refuses further batches; a batch waiting for Kafka may still finish. */
  public void close() {
    closing.countDown();
  }

  /** Waits up to {@code timeout} for a batch in progress to finish; true when none is. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (busy > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  private RawRecord encode(SourceRecord record) {
    try {
      return encoder.encode(record);
    } catch (RuntimeException e) {
      // a value this code cannot write must not stop the stream: keep it for the error zone
      String where = encoder.describe(record);
      LOG.warn("postgres_cdc source '{}': cannot encode the change at {}: {}", source, where, e);
      counters.undecodable(1);
      byte[] original = String.valueOf(record.value()).getBytes(StandardCharsets.UTF_8);
      return RawRecord.undecodable(
          EventIds.next(), original, where, "cannot encode change event: " + e.getMessage());
    }
  }

  private void deliver(List<RawRecord> records) throws InterruptedException {
    long pause = FIRST_RETRY_MS;
    while (true) {
      if (isClosing()) {
        throw notAcknowledged(records.size());
      }
      try {
        sink.send(source, records).get();
        counters.accepted(records.size());
        return;
      } catch (ExecutionException | RuntimeException e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        counters.rejected(records.size());
        LOG.warn(
            "postgres_cdc source '{}': Kafka did not take {} changes ({}); their offsets stay"
                + " uncommitted and they are sent again in {} ms",
            source,
            records.size(),
            cause.toString(),
            pause);
        if (closing.await(pause, TimeUnit.MILLISECONDS)) {
          throw notAcknowledged(records.size());
        }
        pause = Math.min(pause * 2, maxRetryMs);
      }
    }
  }

  private boolean isClosing() {
    return closing.getCount() == 0;
  }

  private InterruptedException notAcknowledged(int n) {
    return new InterruptedException(
        "postgres_cdc source '"
            + source
            + "' is closing before Kafka acknowledged "
            + n
            + " records; their offsets stay uncommitted and they are read again on the next start");
  }
}
