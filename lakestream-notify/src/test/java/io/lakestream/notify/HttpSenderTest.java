package io.lakestream.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.notify.AttemptResult.Kind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpSenderTest {

  private final HttpSender sender =
      new HttpSender(
          "webhook channel 'ops'",
          URI.create("http://127.0.0.1:9/hook"),
          Duration.ofSeconds(1),
          new TargetGuard(List.of("127.0.0.1"), List.of()));

  @ParameterizedTest(name = "HTTP {0} is {1}")
  @CsvSource({
    "200, SUCCESS",
    "201, SUCCESS",
    "204, SUCCESS",
    "301, PERMANENT",
    "302, PERMANENT",
    "307, PERMANENT",
    "400, PERMANENT",
    "401, PERMANENT",
    "403, PERMANENT",
    "404, PERMANENT",
    "410, PERMANENT",
    "413, PERMANENT",
    "408, RETRYABLE",
    "429, RETRYABLE",
    "500, RETRYABLE",
    "502, RETRYABLE",
    "503, RETRYABLE",
    "504, RETRYABLE"
  })
  void classifiesStatuses(int status, Kind kind) {
    AttemptResult r = sender.classify(status, null, null, new byte[0]);
    assertThat(r.kind()).isEqualTo(kind);
    assertThat(r.httpStatus()).isEqualTo(status);
  }

  @Test
  void retryAfterComesWithRetryableStatuses() {
    assertThat(sender.classify(503, null, "7", new byte[0]).retryAfter())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(sender.classify(400, null, "7", new byte[0]).retryAfter()).isNull();
  }

  @Test
  void errorBodiesAreCutAndFlattened() {
    String body = "line one\nline\ttwo " + "é".repeat(300);
    String snippet = HttpSender.bodySnippet(body.getBytes(StandardCharsets.UTF_8));
    assertThat(snippet).startsWith(": line one line two é").doesNotContain("\n", "\t");
    assertThat(snippet).hasSize(2 + 200);
    assertThat(HttpSender.bodySnippet(new byte[0])).isEmpty();
    assertThat(HttpSender.bodySnippet("  \n ".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void theUrlInMessagesHidesPathAndQuery() {
    assertThat(sender.classify(404, null, null, "nope".getBytes(StandardCharsets.UTF_8)).error())
        .isEqualTo("HTTP 404 from http://127.0.0.1:9/…: nope");
    assertThat(TargetGuard.display(URI.create("https://example.com")))
        .isEqualTo("https://example.com/");
  }
}
