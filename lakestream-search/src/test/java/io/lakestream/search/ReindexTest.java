package io.lakestream.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReindexTest {

  @TempDir Path dir;

  static final List<String> QUERIES =
      List.of(
          "level:ERROR",
          "message:\"connection timeout\"",
          "service:check* AND NOT tags:prod",
          "http.status:[500 TO 599]",
          "event_time:[2026-12-01T06:00:00Z TO 2026-12-01T12:00:00Z]",
          "timeout OR declined");

  private static Map<String, List<String>> answers(SearchIndex index) throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String q : QUERIES) {
      SearchResult r = index.search(SearchRequest.of(q).withPage(0, 1000));
      out.put(q + " total=" + r.totalHits(), r.ids());
    }
    return out;
  }

  /** An iterator that is slow, as a scan of the lake would be. */
  private static Iterator<IndexDoc> slow(List<IndexDoc> docs) {
    return slow(docs, new CountDownLatch(1));
  }

  private static Iterator<IndexDoc> slow(List<IndexDoc> docs, CountDownLatch started) {
    Iterator<IndexDoc> it = docs.iterator();
    AtomicLong n = new AtomicLong();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public IndexDoc next() {
        started.countDown();
        if (n.incrementAndGet() % 50 == 0) {
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return it.next();
      }
    };
  }

  @Test
  void reindexReproducesResultsAndSearchesKeepWorking() throws Exception {
    Corpus corpus = new Corpus(2000, 21);
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      index.index(corpus.docs());
      index.commit(Map.of("offset", "2000"));
      index.waitForSearchable(index.index(List.of()), Duration.ofSeconds(5));
      Map<String, List<String>> before = answers(index);
      long errors = index.count("level:ERROR");
      Path oldDir = index.stats().directory();

      List<Long> progress = new ArrayList<>();
      CompletableFuture<Long> rebuild =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return index.reindex(slow(corpus.docs()), progress::add);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      int searches = 0;
      while (!rebuild.isDone()) {
        assertThat(index.count("level:ERROR")).isEqualTo(errors);
        searches++;
      }
      assertThat(rebuild.get()).isEqualTo(2000);
      assertThat(searches).isGreaterThan(10);
      assertThat(progress).isNotEmpty().endsWith(2000L);

      assertThat(answers(index)).isEqualTo(before);
      assertThat(index.stats().directory()).isNotEqualTo(oldDir);
      assertThat(oldDir).doesNotExist();
      assertThat(index.lastCommitData()).isEqualTo(Map.of("offset", "2000"));
    }
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      assertThat(index.count("*")).isEqualTo(2000);
      assertThat(index.lastCommitData()).isEqualTo(Map.of("offset", "2000"));
    }
  }

  @Test
  void writesDuringRebuildAreKeptAndSchemaCanChange() throws Exception {
    Corpus corpus = new Corpus(1000, 23);
    Corpus later = new Corpus(100, 24, "late-", corpus.events.get(999).eventTime() + 1);
    IndexSchema narrow = IndexSchema.builder().text("message").keyword("level", "service").build();
    try (SearchIndex index = SearchIndex.open(dir, narrow)) {
      index.index(corpus.docs());
      assertThatThrownBy(() -> index.count("region:eu-west-1"))
          .isInstanceOf(SearchException.class)
          .hasMessageContaining("unknown field");
      CountDownLatch started = new CountDownLatch(1);
      CompletableFuture<Long> rebuild =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return index.reindex(
                      slow(corpus.docs(), started), Corpus.SCHEMA, Map.of("o", "1"), null);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      // writes made while the rebuild runs reach the new index too
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      for (IndexDoc d : later.docs()) {
        index.index(List.of(d));
      }
      assertThat(rebuild.isDone()).as("rebuild still running while writing").isFalse();
      rebuild.get();
      index.waitForSearchable(index.index(List.of()), Duration.ofSeconds(5));
      assertThat(index.count("*")).isEqualTo(1100);
      assertThat(index.count("id:late-*")).isEqualTo(100);
      assertThat(index.count("region:eu-west-1"))
          .isEqualTo(
              corpus.ids(e -> e.region().equals("eu-west-1")).size()
                  + later.ids(e -> e.region().equals("eu-west-1")).size());
      assertThat(index.schema()).isEqualTo(Corpus.SCHEMA);
      assertThat(index.lastCommitData()).isEqualTo(Map.of("o", "1"));
    }
  }
}
