package io.lakestream.source.logs.fluent;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that records every batch and whose futures the test completes or fails, standing in for
 * the Kafka writer.
 */
final class FakeSink implements RawSink {

  /** One {@link #send} call. */
  record Batch(String source, List<RawRecord> records, CompletableFuture<Void> future) {}

  private final List<Batch> batches = new CopyOnWriteArrayList<>();
  private volatile boolean autoComplete;

  /** A sink whose futures stay open until the test completes them. */
  static FakeSink holding() {
    return new FakeSink();
  }

  /** A sink that completes every future at once, as if Kafka were instant. */
  static FakeSink completing() {
    FakeSink s = new FakeSink();
    s.autoComplete = true;
    return s;
  }

  @Override
  public CompletableFuture<Void> send(String source, List<RawRecord> records) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    batches.add(new Batch(source, List.copyOf(records), f));
    if (autoComplete) {
      f.complete(null);
    }
    return f;
  }

  /** From now on completes new futures at once, and completes the open ones. */
  void completeFromNowOn() {
    autoComplete = true;
    completeAll();
  }

  void completeAll() {
    batches.forEach(b -> b.future().complete(null));
  }

  List<Batch> batches() {
    return List.copyOf(batches);
  }

  Batch batch(int i) {
    return batches.get(i);
  }

  int size() {
    return batches.size();
  }

  List<RawRecord> records() {
    return batches.stream().flatMap(b -> b.records().stream()).toList();
  }
}
