package io.lakestream.api.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariablesTest {

  private static final Map<String, String> VARS =
      Map.of("data_dir", "/srv/ls", "HOST", "kafka", "EMPTY", "");

  private static Variables.Result expand(String text) {
    return Variables.expand(text, VARS::get);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "plain text|plain text",
        "${data_dir}/warehouse|/srv/ls/warehouse",
        "${HOST}:${PORT:-9092}|kafka:9092",
        "${EMPTY:-fallback}|fallback",
        "x${EMPTY}y|xy",
        "${MISSING:-}|''",
        "${MISSING:-${HOST}}|kafka",
        "${MISSING:-a:-b}|a:-b",
        "$${HOST}|${HOST}",
        "cost: $5|cost: $5",
        "$|$"
      })
  void expands(String text, String expected) {
    Variables.Result r = expand(text);
    assertThat(r.errors()).isEmpty();
    assertThat(r.value()).isEqualTo(expected);
  }

  @Test
  void undefinedVariableSaysHowToFixIt() {
    Variables.Result r = expand("${TOKEN}");

    assertThat(r.ok()).isFalse();
    assertThat(r.errors())
        .containsExactly(
            "undefined variable 'TOKEN'; set it in the environment (export TOKEN=...) or give a"
                + " default: ${TOKEN:-value}");
  }

  @Test
  void everyUndefinedVariableIsReported() {
    assertThat(expand("${A}-${B}").errors()).hasSize(2);
  }

  @Test
  void unterminatedAndInvalidNames() {
    assertThat(expand("${HOST").errors()).singleElement().asString().startsWith("unterminated");
    assertThat(expand("${my var}").errors())
        .singleElement()
        .asString()
        .startsWith("invalid variable name 'my var'");
  }
}
