package io.lakestream.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.search.SearchRequest;
import io.lakestream.search.SearchResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameters of {@code GET /v1/search} and the shape of its answer. */
class SearchEndpointTest {

  @Test
  void parametersBecomeARequest() {
    SearchRequest r =
        SearchEndpoint.request(
            Map.of(
                "q", List.of("level:ERROR"),
                "sort", List.of("Relevance"),
                "limit", List.of("50"),
                "offset", List.of("10"),
                "facets", List.of("level, service,"),
                "facet_size", List.of("3"),
                "timeout_ms", List.of("250")));
    assertThat(r.query()).isEqualTo("level:ERROR");
    assertThat(r.sort()).isEqualTo(SearchRequest.Sort.RELEVANCE);
    assertThat(r.limit()).isEqualTo(50);
    assertThat(r.offset()).isEqualTo(10);
    assertThat(r.facets()).containsExactly("level", "service");
    assertThat(r.facetSize()).isEqualTo(3);
    assertThat(r.timeout()).isEqualTo(Duration.ofMillis(250));

    SearchRequest d = SearchEndpoint.request(Map.of());
    assertThat(d.query()).isEmpty();
    assertThat(d.sort()).isEqualTo(SearchRequest.Sort.TIME);
    assertThat(d.limit()).isEqualTo(20);
    assertThat(d.timeout()).isNull();
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> SearchEndpoint.request(Map.of("query", List.of("x"))))
        .hasMessageContaining("unknown parameter 'query'");
    assertThatThrownBy(() -> SearchEndpoint.request(Map.of("limit", List.of("-1"))))
        .hasMessageContaining("'limit' must be a whole number of 0 or more, got '-1'");
    assertThatThrownBy(() -> SearchEndpoint.request(Map.of("sort", List.of("score"))))
        .hasMessageContaining("'sort' is 'time' or 'relevance'");
    assertThatThrownBy(() -> SearchEndpoint.request(Map.of("q", List.of("a", "b"))))
        .hasMessageContaining("'q' is given 2 times");
  }

  @Test
  void answerCarriesHitsFacetsAndCursor() throws Exception {
    Map<String, Map<String, Long>> facets = new LinkedHashMap<>();
    facets.put("level", new LinkedHashMap<>(Map.of("ERROR", 2L)));
    SearchResult r =
        new SearchResult(
            2,
            List.of(
                new SearchResult.Hit(
                    "e-1",
                    "logs",
                    1_765_000_000_000L,
                    1_765_000_000_500L,
                    Float.NaN,
                    "{\"level\":\"ERROR\",\"message\":\"<script>x</script>\"}")),
            facets,
            false,
            3,
            "CUR");
    String json = SearchEndpoint.answer(r).toString();
    var n = new ObjectMapper().readTree(json);
    assertThat(n.get("total").asLong()).isEqualTo(2);
    assertThat(n.get("hits").get(0).get("score").isNull()).isTrue();
    assertThat(n.get("hits").get(0).get("event_time").asText()).isEqualTo("2025-12-06T05:46:40Z");
    assertThat(n.get("hits").get(0).get("event").get("message").asText())
        .isEqualTo("<script>x</script>");
    assertThat(n.get("facets").get("level").get(0).get("count").asLong()).isEqualTo(2);
    assertThat(n.get("next").asText()).isEqualTo("CUR");
  }
}
