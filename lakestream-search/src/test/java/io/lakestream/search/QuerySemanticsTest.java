package io.lakestream.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.search.Corpus.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuerySemanticsTest {

  @TempDir static Path dir;
  static SearchIndex index;
  static final Corpus CORPUS = new Corpus(1500, 7);

  @BeforeAll
  static void build() throws Exception {
    index = SearchIndex.open(dir, Corpus.SCHEMA);
    List<IndexDoc> docs = CORPUS.docs();
    long gen = 0;
    for (int i = 0; i < docs.size(); i += 200) {
      gen = index.index(docs.subList(i, Math.min(docs.size(), i + 200)));
    }
    assertThat(index.waitForSearchable(gen, Duration.ofSeconds(10))).isTrue();
  }

  @AfterAll
  static void close() throws IOException {
    index.close();
  }

  private static Set<String> hits(String q) throws IOException {
    Set<String> ids = new HashSet<>();
    SearchRequest req = SearchRequest.of(q).withPage(0, 1000);
    long total = -1;
    while (true) {
      SearchResult r = index.search(req);
      assertThat(r.timedOut()).isFalse();
      total = r.totalHits();
      if (r.hits().isEmpty()) {
        break;
      }
      ids.addAll(r.ids());
      req = req.withSearchAfter(r.nextSearchAfter());
    }
    assertThat(ids).hasSize((int) total);
    return ids;
  }

  private static void check(String q, Predicate<Event> expected) throws IOException {
    Set<String> want = CORPUS.ids(expected);
    assertThat(hits(q)).as(q).isEqualTo(want);
  }

  private static void checkNonEmpty(String q, Predicate<Event> expected) throws IOException {
    assertThat(CORPUS.ids(expected)).as("corpus has matches for " + q).isNotEmpty();
    check(q, expected);
  }

  @Test
  void fieldValueKeywordAndNested() throws IOException {
    checkNonEmpty("level:ERROR", e -> e.level().equals("ERROR"));
    checkNonEmpty("http.method:GET", e -> e.method().equals("GET"));
    checkNonEmpty("tags:canary", e -> e.tags().contains("canary"));
    checkNonEmpty("source:logs", e -> e.source().equals("logs"));
    checkNonEmpty("region:eu-west-1", e -> e.region().equals("eu-west-1"));
    check("level:error", e -> false);
    check("id:ev-42", e -> e.id().equals("ev-42"));
  }

  @Test
  void keywordIsExactAndCaseSensitiveTextIsNot() throws IOException {
    checkNonEmpty("service:Checkout", e -> e.service().equals("Checkout"));
    check("service:checkout", e -> false);
    checkNonEmpty("service:checkout-worker", e -> e.service().equals("checkout-worker"));
    check("service:worker", e -> false);
    checkNonEmpty("service:\"search api\"", e -> e.service().equals("search api"));
    check("service:search", e -> false);
    check("service:api", e -> false);
    checkNonEmpty("message:checkout", e -> e.hasToken("checkout"));
    check("message:CHECKOUT", e -> e.hasToken("checkout"));
    check("message:Checkout", e -> e.hasToken("checkout"));
  }

  @Test
  void bareTermsSearchTextFields() throws IOException {
    checkNonEmpty("timeout", e -> e.hasToken("timeout"));
    checkNonEmpty("Declined", e -> e.hasToken("declined"));
    checkNonEmpty("\"card expired\"", e -> e.hasPhrase("card", "expired"));
  }

  @Test
  void phrases() throws IOException {
    checkNonEmpty("message:\"connection timeout\"", e -> e.hasPhrase("connection", "timeout"));
    check("message:\"timeout connection\"", e -> e.hasPhrase("timeout", "connection"));
    checkNonEmpty("message:\"upstream db-3\"", e -> e.hasPhrase("upstream", "db", "3"));
    checkNonEmpty("message:db-3", e -> e.hasPhrase("db", "3"));
  }

  @Test
  void booleanOperators() throws IOException {
    checkNonEmpty(
        "level:ERROR AND message:timeout", e -> e.level().equals("ERROR") && e.hasToken("timeout"));
    checkNonEmpty(
        "level:WARN OR level:ERROR", e -> e.level().equals("WARN") || e.level().equals("ERROR"));
    checkNonEmpty(
        "level:ERROR NOT service:payments",
        e -> e.level().equals("ERROR") && !e.service().equals("payments"));
    checkNonEmpty(
        "+level:ERROR -service:payments",
        e -> e.level().equals("ERROR") && !e.service().equals("payments"));
    checkNonEmpty(
        "(level:ERROR OR level:WARN) AND http.status:[500 TO 599] AND NOT tags:prod",
        e ->
            (e.level().equals("ERROR") || e.level().equals("WARN"))
                && e.status() >= 500
                && e.status() <= 599
                && !e.tags().contains("prod"));
    checkNonEmpty(
        "service:Checkout AND (message:completed OR message:declined)",
        e -> e.service().equals("Checkout") && (e.hasToken("completed") || e.hasToken("declined")));
  }

  @Test
  void wildcardsAndPrefixes() throws IOException {
    checkNonEmpty("service:check*", e -> e.service().startsWith("check"));
    checkNonEmpty("service:Check*", e -> e.service().startsWith("Check"));
    checkNonEmpty("host:web-0?", e -> e.host().matches("web-0."));
    checkNonEmpty("message:time*", e -> e.tokens().stream().anyMatch(t -> t.startsWith("time")));
    check("message:TIME*", e -> e.tokens().stream().anyMatch(t -> t.startsWith("time")));
    checkNonEmpty("message:ca?he", e -> e.hasToken("cache"));
    checkNonEmpty("region:*", e -> true);
  }

  @Test
  void timeRanges() throws IOException {
    long from = Corpus.millis("2026-12-01T06:00:00Z");
    long to = Corpus.millis("2026-12-01T12:00:00Z");
    checkNonEmpty(
        "event_time:[2026-12-01T06:00:00Z TO 2026-12-01T12:00:00Z]",
        e -> e.eventTime() >= from && e.eventTime() <= to);
    checkNonEmpty(
        "event_time:{2026-12-01T06:00:00Z TO 2026-12-01T12:00:00Z}",
        e -> e.eventTime() > from && e.eventTime() < to);
    checkNonEmpty(
        "event_time:[" + from + " TO " + to + "}",
        e -> e.eventTime() >= from && e.eventTime() < to);
    long day2 = Corpus.millis("2026-12-02T00:00:00Z");
    long day3 = Corpus.millis("2026-12-03T00:00:00Z");
    checkNonEmpty("event_time:2026-12-02", e -> e.eventTime() >= day2 && e.eventTime() < day3);
    checkNonEmpty("event_time:[2026-12-01 TO 2026-12-01]", e -> e.eventTime() < day2);
    checkNonEmpty("event_time:[2026-12-02T00:00:00Z TO *]", e -> e.eventTime() >= day2);
    checkNonEmpty(
        "ingest_time:[* TO 2026-12-01T03:00:00Z]",
        e -> e.ingestTime() <= Corpus.millis("2026-12-01T03:00:00Z"));
    check("event_time:[now-15m TO now]", e -> false);
    check("event_time:[2020-01-01 TO now]", e -> true);
  }

  @Test
  void numericRanges() throws IOException {
    checkNonEmpty("http.status:[500 TO 599]", e -> e.status() >= 500 && e.status() <= 599);
    checkNonEmpty("http.status:{400 TO 500}", e -> e.status() > 400 && e.status() < 500);
    checkNonEmpty("http.status:404", e -> e.status() == 404);
    checkNonEmpty("latency_ms:[1500.5 TO *]", e -> e.latency() >= 1500.5);
    checkNonEmpty("latency_ms:{* TO 10}", e -> e.latency() < 10);
    checkNonEmpty("bytes:[* TO 1000]", e -> e.bytes() <= 1000);
    assertThatThrownBy(() -> hits("http.status:abc"))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> hits("latency_ms:[fast TO 3]"))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> hits("event_time:[yesterday TO now]"))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("not a time");
    assertThatThrownBy(() -> hits("http.status:5*"))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("range");
    assertThatThrownBy(() -> hits("nosuchfield:x"))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("unknown field 'nosuchfield'");
  }

  @Test
  void sortByTimeIsNewestFirstWithIdTieBreak() throws IOException {
    SearchResult r = index.search(SearchRequest.of("level:INFO").withPage(0, 300));
    List<String> expected =
        CORPUS.events.stream()
            .filter(e -> e.level().equals("INFO"))
            .sorted(Comparator.comparingLong(Event::eventTime).reversed().thenComparing(Event::id))
            .limit(300)
            .map(Event::id)
            .toList();
    assertThat(r.ids()).isEqualTo(expected);
    assertThat(r.hits().get(0).score()).isNaN();
    Event first =
        CORPUS.events.stream().filter(e -> e.id().equals(expected.get(0))).findFirst().get();
    assertThat(r.hits().get(0).event().toString()).isEqualTo(first.json().toString());
    assertThat(r.hits().get(0).eventTimeMillis()).isEqualTo(first.eventTime());
    assertThat(r.hits().get(0).ingestTimeMillis()).isEqualTo(first.ingestTime());
    assertThat(r.hits().get(0).source()).isEqualTo(first.source());
  }

  @Test
  void sortByRelevance() throws IOException {
    SearchResult r =
        index.search(
            SearchRequest.of("message:declined^10 OR level:INFO")
                .withSort(SearchRequest.Sort.RELEVANCE)
                .withPage(0, 1000));
    List<Float> scores = r.hits().stream().map(SearchResult.Hit::score).toList();
    for (int i = 1; i < scores.size(); i++) {
      assertThat(scores.get(i)).isLessThanOrEqualTo(scores.get(i - 1));
    }
    long declined = CORPUS.events.stream().filter(e -> e.hasToken("declined")).count();
    assertThat(declined).isPositive();
    for (int i = 0; i < declined; i++) {
      assertThat(r.hits().get(i).event().get("message").asText()).contains("declined");
    }
    assertThat(r.totalHits())
        .isEqualTo(CORPUS.ids(e -> e.hasToken("declined") || e.level().equals("INFO")).size());
  }

  @Test
  void paginationWithOffsetsAndCursorsIsCompleteWithoutOverlap() throws IOException {
    for (SearchRequest.Sort sort : SearchRequest.Sort.values()) {
      String q = "level:WARN OR message:timeout";
      SearchResult all = index.search(SearchRequest.of(q).withSort(sort).withPage(0, 1000));
      int total = (int) all.totalHits();
      assertThat(total)
          .isEqualTo(CORPUS.ids(e -> e.level().equals("WARN") || e.hasToken("timeout")).size());
      assertThat(total).isLessThanOrEqualTo(1000);

      List<String> byOffset = new ArrayList<>();
      for (int off = 0; off < total; off += 37) {
        SearchResult page = index.search(SearchRequest.of(q).withSort(sort).withPage(off, 37));
        assertThat(page.totalHits()).isEqualTo(total);
        byOffset.addAll(page.ids());
      }
      assertThat(byOffset).isEqualTo(all.ids()).doesNotHaveDuplicates();

      List<String> byCursor = new ArrayList<>();
      SearchRequest req = SearchRequest.of(q).withSort(sort).withPage(0, 53);
      while (true) {
        SearchResult page = index.search(req);
        if (page.hits().isEmpty()) {
          break;
        }
        byCursor.addAll(page.ids());
        req = req.withSearchAfter(page.nextSearchAfter());
      }
      assertThat(byCursor).as(sort.name()).isEqualTo(all.ids()).doesNotHaveDuplicates();
    }
    assertThatThrownBy(() -> index.search(SearchRequest.of("*").withSearchAfter("garbage!")))
        .isInstanceOf(SearchException.class);
    assertThatThrownBy(() -> index.search(SearchRequest.of("*").withPage(0, 1001)))
        .isInstanceOf(SearchException.class);
    assertThatThrownBy(() -> index.search(SearchRequest.of("*").withPage(9500, 1000)))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("search-after");
  }

  @Test
  void facetCountsMatchJavaCounts() throws IOException {
    SearchResult r =
        index.search(
            SearchRequest.of("http.status:[500 TO 599] OR message:timeout")
                .withPage(0, 5)
                .withFacets(100, "level", "service", "tags", "http.method", "source"));
    Predicate<Event> match = e -> (e.status() >= 500 && e.status() <= 599) || e.hasToken("timeout");
    Map<String, Map<String, Long>> want = new HashMap<>();
    for (Event e : CORPUS.events) {
      if (!match.test(e)) {
        continue;
      }
      want.computeIfAbsent("level", k -> new HashMap<>()).merge(e.level(), 1L, Long::sum);
      want.computeIfAbsent("service", k -> new HashMap<>()).merge(e.service(), 1L, Long::sum);
      want.computeIfAbsent("http.method", k -> new HashMap<>()).merge(e.method(), 1L, Long::sum);
      want.computeIfAbsent("source", k -> new HashMap<>()).merge(e.source(), 1L, Long::sum);
      for (String t : e.tags()) {
        want.computeIfAbsent("tags", k -> new HashMap<>()).merge(t, 1L, Long::sum);
      }
    }
    assertThat(r.totalHits()).isEqualTo(CORPUS.ids(match).size());
    assertThat(r.facets()).isEqualTo(want);
    List<Long> levelCounts = new ArrayList<>(r.facets().get("level").values());
    assertThat(levelCounts).isSortedAccordingTo(Comparator.reverseOrder());

    SearchResult top2 = index.search(SearchRequest.of("*").withPage(0, 0).withFacets(2, "service"));
    assertThat(top2.facets().get("service")).hasSize(2);
    assertThat(top2.hits()).isEmpty();
    assertThat(top2.totalHits()).isEqualTo(CORPUS.events.size());
    assertThatThrownBy(() -> index.search(SearchRequest.of("*").withFacets(5, "message")))
        .isInstanceOf(SearchException.class)
        .hasMessageContaining("keyword");
  }

  @Test
  void statsReportDocumentsAndSize() throws IOException {
    IndexStats s = index.stats();
    assertThat(s.documents()).isEqualTo(CORPUS.events.size());
    assertThat(s.segments()).isPositive();
    assertThat(s.sizeOnDiskBytes()).isPositive();
  }
}
