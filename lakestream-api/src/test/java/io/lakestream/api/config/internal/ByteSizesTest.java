package io.lakestream.api.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizesTest {

  @ParameterizedTest
  @CsvSource({
    "1048576, 1048576",
    "100B, 100",
    "512KB, 524288",
    "5MB, 5242880",
    "5 MB, 5242880",
    "5mb, 5242880",
    "1GB, 1073741824",
    "64KiB, 65536",
    "2MiB, 2097152",
    "1GiB, 1073741824",
    "1.5MB, 1572864",
    "0.5KB, 512"
  })
  void parses(String text, long expected) {
    assertThat(ByteSizes.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MB", "5 megs", "5TB", "1.5", "-1MB", "5M", "five MB"})
  void rejectsWithTheExpectedForm(String text) {
    assertThatThrownBy(() -> ByteSizes.parse(text))
        .hasMessageStartingWith("expected a size like 5MB")
        .hasMessageEndingWith("got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0MB", "0.0001B"})
  void rejectsZero(String text) {
    assertThatThrownBy(() -> ByteSizes.parse(text)).hasMessageContaining("greater than 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999GB", "99999999999999999999"})
  void rejectsOverflow(String text) {
    assertThatThrownBy(() -> ByteSizes.parse(text)).hasMessageContaining("too large");
  }
}
