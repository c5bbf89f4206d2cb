package io.lakestream.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile queries fail with a clear message or are bounded, and the index keeps answering. */
class HostileQueryTest {

  @TempDir static Path dir;
  @TempDir static Path dirLenient;
  static SearchIndex index;
  static SearchIndex lenient;
  static final Corpus CORPUS = new Corpus(20_000, 41);
  static long errors;

  @BeforeAll
  static void build() throws Exception {
    index = SearchIndex.open(dir, Corpus.SCHEMA);
    SearchLimits open =
        new SearchLimits(1 << 20, 1024, 32, 256, true, Duration.ofSeconds(5), 1000, 10_000);
    lenient =
        SearchIndex.open(dirLenient, Corpus.SCHEMA, SearchIndex.Config.DEFAULT.withLimits(open));
    // many distinct terms, so wildcards have something to expand over
    Random r = new Random(5);
    List<IndexDoc> docs = new ArrayList<>();
    for (Corpus.Event e : CORPUS.events) {
      var json = e.json();
      json.put(
          "message",
          e.message()
              + " "
              + IntStream.range(0, 5)
                  .mapToObj(i -> Long.toString(r.nextLong() & Long.MAX_VALUE, 36))
                  .collect(Collectors.joining(" ")));
      docs.add(new IndexDoc(e.id(), e.source(), e.eventTime(), e.ingestTime(), json));
    }
    index.waitForSearchable(index.index(docs), Duration.ofSeconds(30));
    lenient.waitForSearchable(lenient.index(docs), Duration.ofSeconds(30));
    errors = CORPUS.ids(e -> e.level().equals("ERROR")).size();
  }

  @AfterAll
  static void close() throws Exception {
    index.close();
    lenient.close();
  }

  @AfterEach
  void stillAnswers() throws Exception {
    assertThat(index.count("level:ERROR")).isEqualTo(errors);
    assertThat(lenient.count("level:ERROR")).isEqualTo(errors);
  }

  private static void rejected(String q, String message) {
    assertThatThrownBy(() -> index.search(SearchRequest.of(q)))
        .as(q.length() > 80 ? q.substring(0, 80) + "..." : q)
        .isInstanceOf(SearchException.class)
        .hasMessageContaining(message);
  }

  @Test
  void leadingWildcardsAreRefusedByDefaultAndBoundedWhenAllowed() throws Exception {
    rejected("message:*a*", "leading wildcards are not allowed");
    rejected("message:?ache", "leading wildcards are not allowed");
    rejected("message:/.*a.*/", "regular expressions");
    long t0 = System.nanoTime();
    SearchResult r = lenient.search(SearchRequest.of("message:*a*").withFacets(10, "level"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "message:*a* over %d docs: %d hits, timedOut=%s, %d ms%n",
        CORPUS.events.size(), r.totalHits(), r.timedOut(), ms);
    assertThat(ms).isLessThan(10_000);
    assertThat(r.totalHits()).isPositive();
  }

  @Test
  void tooManyClauses() throws Exception {
    String huge =
        IntStream.range(0, 10_000)
            .mapToObj(i -> "message:w" + i)
            .collect(Collectors.joining(" OR "));
    rejected(huge, "characters long");
    assertThatThrownBy(() -> lenient.search(SearchRequest.of(huge)))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("too many clauses");
    String nested =
        IntStream.range(0, 20)
            .mapToObj(
                g ->
                    "("
                        + IntStream.range(0, 100)
                            .mapToObj(i -> "message:w" + g + "x" + i)
                            .collect(Collectors.joining(" OR "))
                        + ")")
            .collect(Collectors.joining(" OR "));
    assertThatThrownBy(() -> lenient.search(SearchRequest.of(nested)))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("too many clauses");
  }

  @Test
  void deepNesting() {
    rejected("(".repeat(200) + "level:INFO" + ")".repeat(200), "deeper than 32");
    assertThat(catchCount("(".repeat(10) + "level:ERROR" + ")".repeat(10))).isEqualTo(errors);
  }

  private static long catchCount(String q) {
    try {
      return index.count(q);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void syntaxErrorsHaveAPosition() {
    for (String q :
        List.of(
            "message:\"connection timeout",
            "(level:INFO OR level:WARN",
            "level:INFO)",
            "level:INFO AND",
            "level:[1 TO",
            "level:",
            "message:time^")) {
      assertThatThrownBy(() -> index.search(SearchRequest.of(q)))
          .as(q)
          .isInstanceOf(SearchException.class)
          .hasMessageStartingWith("invalid query syntax")
          .satisfies(e -> assertThat(((SearchException) e).position()).as(q).isPositive());
    }
  }

  @Test
  void overLongQuery() {
    rejected("message:" + "a".repeat(5000), "the limit is 4096");
  }

  @Test
  void timeoutReturnsPartialResultsFlagged() throws Exception {
    SearchResult all = index.search(SearchRequest.of("*").withTimeout(Duration.ZERO));
    assertThat(all.timedOut()).isTrue();
    assertThat(all.totalHits()).isLessThan(CORPUS.events.size());
    SearchResult terms = lenient.search(SearchRequest.of("message:*e*").withTimeout(Duration.ZERO));
    assertThat(terms.timedOut()).isTrue();
  }
}
