package io.lakestream.source.logs.syslog.internal;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * Hands one connection's batches to the sink with at most a fixed number unacknowledged.
 *
 * <p>{@link #send} blocks while that many are in flight, so a reader calling it stops reading its
 * socket and the sender feels TCP back pressure: syslog has no application-level acknowledgement,
 * so this is the only way to keep a fast sender from running ahead of Kafka.
 */
public final class InFlightBatches {

  /** Told when Kafka did not take a batch. */
  public interface FailureListener {
    void failed(int records, Throwable cause);
  }

  private final String source;
  private final RawSink sink;
  private final SourceCounters counters;
  private final Semaphore permits;
  private final Set<CompletableFuture<Void>> pending;
  private final FailureListener onFailure;

  /**
   * @param pending every batch of the source not yet acknowledged, so that closing can wait for
   *     them
   */
  public InFlightBatches(
      String source,
      RawSink sink,
      SourceCounters counters,
      int maxInFlight,
      Set<CompletableFuture<Void>> pending,
      FailureListener onFailure) {
    this.source = source;
    this.sink = sink;
    this.counters = counters;
    this.permits = new Semaphore(maxInFlight);
    this.pending = pending;
    this.onFailure = onFailure;
  }

  /** Sends {@code batch} (which it then owns), waiting first while too many are in flight. */
  public void send(List<RawRecord> batch) throws InterruptedException {
    permits.acquire();
    int n = batch.size();
    int undecodable = 0;
    for (RawRecord r : batch) {
      if (r.error() != null) {
        undecodable++;
      }
    }
    CompletableFuture<Void> f;
    try {
      f = sink.send(source, batch);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> sent = f;
    pending.add(sent); // before whenComplete, which may run right here and remove it
    int kept = undecodable;
    sent.whenComplete(
        (ok, error) -> {
          pending.remove(sent);
          permits.release();
          if (error == null) {
            counters.accepted(n);
            counters.undecodable(kept);
          } else {
            counters.rejected(n);
            onFailure.failed(
                n,
                error instanceof CompletionException c && c.getCause() != null
                    ? c.getCause()
                    : error);
          }
        });
  }
}
