package io.lakestream.api.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, PT0.5S",
    "10s, PT10S",
    "5m, PT5M",
    "2h, PT2H",
    "1d, PT24H",
    "1m30s, PT1M30S",
    "1d2h3m4s5ms, PT26H3M4.005S",
    "' 10s ', PT10S"
  })
  void parses(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10", "10 s", "ten seconds", "1.5s", "-5s", "10S", "30s1m", "1m1m", "PT10S"})
  void rejectsWithTheExpectedForm(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .hasMessageStartingWith("expected a duration like 10s, 500ms, 5m")
        .hasMessageEndingWith("got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "0m0s"})
  void rejectsZero(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("greater than 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void rejectsEmpty(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999s", "9223372036854775807d"})
  void rejectsOverflow(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("too long");
  }
}
