package io.lakestream.source.logs.syslog;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RawSink} that records every batch; the test decides whether futures complete at once,
 * stay pending until {@link #completeAll()}, or fail.
 */
final class RecordingSink implements RawSink {

  enum Mode {
    COMPLETE,
    HOLD,
    FAIL
  }

  record Batch(String source, List<RawRecord> records, CompletableFuture<Void> future) {}

  private final List<Batch> batches = new CopyOnWriteArrayList<>();
  private volatile Mode mode;

  RecordingSink(Mode mode) {
    this.mode = mode;
  }

  void mode(Mode m) {
    this.mode = m;
  }

  @Override
  public CompletableFuture<Void> send(String source, List<RawRecord> records) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    batches.add(new Batch(source, List.copyOf(records), f));
    switch (mode) {
      case COMPLETE -> f.complete(null);
      case FAIL -> f.completeExceptionally(new IllegalStateException("broker unavailable"));
      case HOLD -> {}
    }
    return f;
  }

  List<Batch> batches() {
    return batches;
  }

  List<RawRecord> records() {
    List<RawRecord> all = new ArrayList<>();
    for (Batch b : batches) {
      all.addAll(b.records());
    }
    return all;
  }

  /** Completes every batch still pending; returns how many. */
  int completeAll() {
    int n = 0;
    for (Batch b : batches) {
      if (b.future().complete(null)) {
        n++;
      }
    }
    return n;
  }

  void failAll() {
    for (Batch b : batches) {
      b.future().completeExceptionally(new IllegalStateException("broker unavailable"));
    }
  }
}
