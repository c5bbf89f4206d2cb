package io.lakestream.api.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  private static final List<String> KEYS = List.of("pipeline", "parallelism", "sources");

  @Test
  void suggestsWithinTwoEdits() {
    assertThat(Suggestions.closest("pipelin", KEYS)).contains("pipeline");
    assertThat(Suggestions.closest("pipleine", KEYS)).contains("pipeline"); // two transpositions
    assertThat(Suggestions.closest("Sources", KEYS)).contains("sources");
    assertThat(Suggestions.closest("paralelism", KEYS)).contains("parallelism");
  }

  @Test
  void staysQuietBeyondTwoEdits() {
    assertThat(Suggestions.closest("name", KEYS)).isEmpty();
    assertThat(Suggestions.didYouMean("name", KEYS)).isEmpty();
  }

  @Test
  void countsATranspositionAsOneEdit() {
    assertThat(Suggestions.distance("feild", "field")).isEqualTo(1);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void unknownMessage() {
    assertThat(Suggestions.unknown("key", "pipelin", KEYS, "Allowed keys"))
        .isEqualTo(
            "unknown key 'pipelin'; did you mean 'pipeline'? Allowed keys: pipeline, parallelism,"
                + " sources");
    assertThat(Suggestions.unknown("source type", "kafka", List.of("http"), "Known types"))
        .isEqualTo("unknown source type 'kafka'. Known types: http");
  }
}
