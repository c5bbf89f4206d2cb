package io.lakestream.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document is searchable well under a second after {@code index} returns: a writer thread indexes
 * small batches continuously; this thread searches for the last id of each batch (by background
 * refresh only, no waitForSearchable) and records the delay from {@code index} returning to the
 * first search finding it.
 */
class FreshnessTest {

  @TempDir Path dir;

  record Written(String id, long returnedNanos) {}

  @Test
  void documentsAreSearchableWithinASecond() throws Exception {
    Corpus corpus = new Corpus(100_000, 31);
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Written> pending = new ConcurrentLinkedQueue<>();
      Thread writer =
          new Thread(
              () -> {
                List<IndexDoc> docs = corpus.docs();
                try {
                  for (int i = 0; i + 20 <= docs.size() && !stop.get(); i += 20) {
                    index.index(docs.subList(i, i + 20));
                    pending.add(new Written(docs.get(i + 19).id(), System.nanoTime()));
                    Thread.sleep(2);
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              },
              "writer");
      writer.start();
      List<Long> latenciesMicros = new ArrayList<>();
      long end = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < end) {
        Written w = pending.peek();
        if (w == null) {
          Thread.sleep(1);
          continue;
        }
        if (index.count("id:\"" + w.id() + "\"") == 1) {
          latenciesMicros.add((System.nanoTime() - w.returnedNanos()) / 1_000);
          pending.poll();
        } else {
          Thread.sleep(1);
        }
      }
      stop.set(true);
      writer.join();
      Collections.sort(latenciesMicros);
      double p50 = latenciesMicros.get(latenciesMicros.size() / 2) / 1000.0;
      double p99 = latenciesMicros.get((int) Math.ceil(latenciesMicros.size() * 0.99) - 1) / 1000.0;
      System.out.printf(
          "freshness: %d samples, p50=%.1f ms, p99=%.1f ms, max=%.1f ms, docs indexed=%d%n",
          latenciesMicros.size(),
          p50,
          p99,
          latenciesMicros.get(latenciesMicros.size() - 1) / 1000.0,
          index.stats().documents());
      assertThat(latenciesMicros.size()).isGreaterThan(200);
      assertThat(p99).isLessThan(1000);
    }
  }
}
