package io.lakestream.source.logs.fluent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8CheckTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "ascii", "é", "日本語", "𝄞 music", "\u0000", "\uFFFF"})
  void wellFormedTextPasses(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);

    assertThat(Utf8Check.isValid(b, 0, b.length)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "80", // continuation first
        "c0af", // overlong '/'
        "e080af", // overlong, 3 bytes
        "eda080", // surrogate U+D800
        "f4908080", // past U+10FFFF
        "f5808080", // never valid lead byte
        "e282", // truncated
        "c328" // bad continuation
      })
  void malformedBytesFail(String hex) {
    byte[] b = java.util.HexFormat.of().parseHex(hex);

    assertThat(Utf8Check.isValid(b, 0, b.length)).isFalse();
  }
}
