package io.lakestream.source.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake raw sink that records every record it is handed, and completes its futures at once, holds
 * them until told, or fails them.
 */
final class RecordingSink implements RawSink {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One record as the sink saw it. */
  record Received(long nanos, RawRecord record, JsonNode event) {
    String id() {
      return record.id();
    }

    String key() {
      return new String(record.key(), StandardCharsets.UTF_8);
    }
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
  private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger sends = new AtomicInteger();
  private volatile boolean hold;

  @Override
  public CompletableFuture<Void> send(String source, List<RawRecord> records) {
    long now = System.nanoTime();
    sends.incrementAndGet();
    for (RawRecord r : records) {
      Received x = new Received(now, r, parse(r));
      received.add(x);
      queue.add(x);
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IOException("broker unavailable (fake)"));
    }
    if (hold) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      held.add(f);
      return f;
    }
    return CompletableFuture.completedFuture(null);
  }

  /** From now on, futures stay incomplete until {@link #releaseHeld()}. */
  void hold() {
    hold = true;
  }

  /** Completes every held future and stops holding. */
  void releaseHeld() {
    hold = false;
    held.forEach(f -> f.complete(null));
    held.clear();
  }

  /** The next {@code n} sends fail. */
  void failNext(int n) {
    failNext.set(n);
  }

  int heldCount() {
    return held.size();
  }

  int sends() {
    return sends.get();
  }

  List<Received> received() {
    return new ArrayList<>(received);
  }

  List<JsonNode> events() {
    return received.stream().map(Received::event).toList();
  }

  BlockingQueue<Received> queue() {
    return queue;
  }

  private static JsonNode parse(RawRecord r) {
    try {
      return JSON.readTree(r.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
