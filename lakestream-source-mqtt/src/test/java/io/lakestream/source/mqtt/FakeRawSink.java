package io.lakestream.source.mqtt;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RawSink} for tests: records every send and answers as told: complete at once, hold the
 * future for the test to complete or fail, or fail at once.
 */
final class FakeRawSink implements RawSink {

  enum Mode {
    COMPLETE,
    HOLD,
    FAIL,
    /** Complete after {@link #delay}, as Kafka would after its linger and round trip. */
    DELAY
  }

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fake-kafka");
            t.setDaemon(true);
            return t;
          });

  /** One call of {@link #send}. */
  record Sent(String source, RawRecord record, CompletableFuture<Void> future) {
    String text() {
      return new String(record.value(), StandardCharsets.UTF_8);
    }
  }

  private volatile Mode mode = Mode.COMPLETE;
  private volatile Duration delay = Duration.ofMillis(5);
  private volatile boolean keep = true;
  private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final AtomicLong count = new AtomicLong();
  private final AtomicInteger failuresLeft = new AtomicInteger();

  void mode(Mode m) {
    mode = m;
  }

  void delay(Duration d) {
    mode = Mode.DELAY;
    delay = d;
  }

  /** Fail the next {@code n} sends, then go back to the current mode. */
  void failNext(int n) {
    failuresLeft.set(n);
  }

  /** Whether to keep every record (benchmarks only count). */
  void keepRecords(boolean k) {
    keep = k;
  }

  @Override
  public CompletableFuture<Void> send(String source, List<RawRecord> records) {
    count.addAndGet(records.size());
    CompletableFuture<Void> f;
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      f = CompletableFuture.failedFuture(new IllegalStateException("kafka is down (test)"));
    } else {
      f =
          switch (mode) {
            case COMPLETE -> CompletableFuture.completedFuture(null);
            case HOLD -> new CompletableFuture<>();
            case FAIL ->
                CompletableFuture.failedFuture(new IllegalStateException("kafka is down (test)"));
            case DELAY -> {
              CompletableFuture<Void> later = new CompletableFuture<>();
              TIMER.schedule(() -> later.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
              yield later;
            }
          };
    }
    if (keep) {
      for (RawRecord r : records) {
        sent.add(new Sent(source, r, f));
      }
    }
    return f;
  }

  List<Sent> sent() {
    return new ArrayList<>(sent);
  }

  long count() {
    return count.get();
  }

  List<Sent> held() {
    return sent.stream().filter(s -> !s.future().isDone()).toList();
  }

  void completeHeld() {
    held().forEach(s -> s.future().complete(null));
  }

  void clear() {
    sent.clear();
    count.set(0);
    failuresLeft.set(0);
    mode = Mode.COMPLETE;
    keep = true;
  }
}
