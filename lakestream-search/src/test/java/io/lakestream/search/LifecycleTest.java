package io.lakestream.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.search.Corpus.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotence by event id, durable commit data, retention. */
class LifecycleTest {

  @TempDir Path dir;

  private static void refresh(SearchIndex index, long gen) throws InterruptedException {
    assertThat(index.waitForSearchable(gen, Duration.ofSeconds(10))).isTrue();
  }

  private static Set<String> allIds(SearchIndex index) throws Exception {
    Set<String> ids = new HashSet<>();
    SearchRequest req = SearchRequest.of("*").withPage(0, 1000);
    while (true) {
      SearchResult r = index.search(req);
      if (r.hits().isEmpty()) {
        return ids;
      }
      ids.addAll(r.ids());
      req = req.withSearchAfter(r.nextSearchAfter());
    }
  }

  @Test
  void replaysNeverDoubleDocumentsAndCommitDataSurvivesReopen() throws Exception {
    Corpus corpus = new Corpus(800, 11);
    List<IndexDoc> docs = corpus.docs();
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      assertThat(index.lastCommitData()).isEmpty();
      index.index(docs);
      refresh(index, index.index(docs.subList(0, 300))); // a replayed range
      assertThat(index.count("*")).isEqualTo(800);
      index.commit(Map.of("logs-0", "1200", "logs-1", "977"));
      assertThat(index.lastCommitData()).containsEntry("logs-0", "1200");
      // a replay within one batch, and a changed body under a known id replaces it
      ObjectNode changed = corpus.events.get(5).json().put("level", "FATAL");
      Event e5 = corpus.events.get(5);
      refresh(
          index,
          index.index(
              List.of(
                  docs.get(7),
                  docs.get(7),
                  new IndexDoc(e5.id(), e5.source(), e5.eventTime(), e5.ingestTime(), changed))));
      assertThat(index.count("*")).isEqualTo(800);
      assertThat(index.search(SearchRequest.of("level:FATAL")).ids()).containsExactly(e5.id());
    }
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      assertThat(index.lastCommitData()).isEqualTo(Map.of("logs-0", "1200", "logs-1", "977"));
      assertThat(index.stats().documents()).isEqualTo(800);
      // the consumer resumes at the committed offsets and replays what was already indexed
      refresh(index, index.index(docs.subList(400, 800)));
      assertThat(index.stats().documents()).isEqualTo(800);
      assertThat(allIds(index)).isEqualTo(corpus.ids(e -> true));
      assertThat(index.count("level:FATAL")).isEqualTo(1);
      index.commit(Map.of("logs-0", "1500"));
    }
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      assertThat(index.lastCommitData()).isEqualTo(Map.of("logs-0", "1500"));
      assertThat(index.count("*")).isEqualTo(800);
    }
  }

  @Test
  void retentionDeletesExactlyTheExpiredDocuments() throws Exception {
    Corpus corpus = new Corpus(1000, 13);
    Instant cutoff = Instant.ofEpochMilli(corpus.events.get(417).eventTime());
    Set<String> expired = corpus.ids(e -> e.eventTime() < cutoff.toEpochMilli());
    Set<String> kept = corpus.ids(e -> e.eventTime() >= cutoff.toEpochMilli());
    assertThat(expired).isNotEmpty();
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      index.index(corpus.docs());
      assertThat(index.deleteOlderThan(cutoff)).isEqualTo(expired.size());
      assertThat(allIds(index)).isEqualTo(kept);
      assertThat(index.deleteOlderThan(cutoff)).isZero();
      index.commit(Map.of("offset", "1000"));
    }
    try (SearchIndex index = SearchIndex.open(dir, Corpus.SCHEMA)) {
      assertThat(allIds(index)).isEqualTo(kept);
      assertThat(index.stats().documents()).isEqualTo(kept.size());
    }
  }
}
