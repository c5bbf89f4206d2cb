package io.lakestream.notify;

import static io.lakestream.notify.Fixtures.alert;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.alert.AlertEvent;
import io.lakestream.notify.DeliveryOutcome.Status;
import io.lakestream.notify.Fixtures.Recorder;
import io.lakestream.notify.TestReceiver.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anOpenAlertReadsWell() {
    JsonNode p = SlackMessage.payload(alert("a-1"));

    assertThat(p.path("text").asText())
        .isEqualTo(
            ":rotating_light: OPEN [critical] hot_devices on sensors.temperature key dev-7:"
                + " 81.5 (normal range ≤ 60)");
    JsonNode blocks = p.path("blocks");
    assertThat(blocks).hasSize(3);
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("section");
    assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("mrkdwn");
    assertThat(blocks.get(0).path("text").path("text").asText())
        .isEqualTo(":rotating_light: *OPEN* · *hot_devices*\ntemperature 81.5 above 60");
    assertThat(blocks.get(1).path("type").asText()).isEqualTo("section");
    assertThat(blocks.get(1).path("fields"))
        .extracting(f -> f.path("text").asText())
        .containsExactly(
            "*Detector*\nhot_devices (threshold)",
            "*Input.field*\nsensors.temperature",
            "*Key*\ndev-7",
            "*Value*\n81.5 (normal range ≤ 60)",
            "*Severity*\ncritical",
            "*Event time*\n2026-11-23T10:04:59.120Z");
    assertThat(blocks.get(1).path("fields"))
        .allMatch(f -> f.path("type").asText().equals("mrkdwn"));
    assertThat(blocks.get(2).path("type").asText()).isEqualTo("context");
    assertThat(blocks.get(2).path("elements").get(0).path("text").asText())
        .isEqualTo("pipeline iot-demo · alert a-1 · lakestream");
  }

  @Test
  void aResolvedAlertWithExpectationAndRange() {
    AlertEvent a =
        new AlertEvent(
            "a-2",
            AlertEvent.Status.RESOLVED,
            "iot-demo",
            "temp_model",
            "robust",
            "sensors",
            "temperature",
            "",
            21.25,
            0.1,
            20.0,
            15.5,
            24.0,
            Fixtures.EVENT_TIME,
            Fixtures.EVENT_TIME,
            "warning",
            List.of(),
            "");
    JsonNode p = SlackMessage.payload(a);
    assertThat(p.path("text").asText())
        .isEqualTo(
            ":white_check_mark: RESOLVED [warning] temp_model on sensors.temperature:"
                + " 21.25 (expected 20; normal range 15.5 – 24)");
    assertThat(p.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo(":white_check_mark: *RESOLVED* · *temp_model*");
    assertThat(p.path("blocks").get(1).path("fields").get(2).path("text").asText())
        .isEqualTo("*Key*\n—");
  }

  @Test
  void userDataIsEscaped() throws Exception {
    AlertEvent a =
        new AlertEvent(
            "<id>",
            AlertEvent.Status.OPEN,
            "p&q",
            "<!channel> & <https://evil.example|click>",
            "threshold",
            "in<put",
            "fi>eld",
            "<@U123>",
            1,
            1,
            null,
            null,
            null,
            Fixtures.EVENT_TIME,
            Fixtures.EVENT_TIME,
            "critical",
            List.of(),
            "see <!here> & <https://evil.example>");
    String json = new String(SlackMessage.toBytes(a), StandardCharsets.UTF_8);
    JsonNode p = JSON.readTree(json);
    String all = p.toString();
    assertThat(p.path("text").asText())
        .contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;")
        .contains("in&lt;put.fi&gt;eld key &lt;@U123&gt;");
    assertThat(p.path("blocks").get(0).path("text").path("text").asText())
        .contains("see &lt;!here&gt; &amp; &lt;https://evil.example&gt;");
    assertThat(p.path("blocks").get(2).path("elements").get(0).path("text").asText())
        .isEqualTo("pipeline p&amp;q · alert &lt;id&gt; · lakestream");
    // no raw control characters of Slack's markup left in any text
    for (JsonNode text : p.findValues("text")) {
      if (text.isTextual()) {
        assertThat(text.asText())
            .doesNotContain("<", ">")
            .doesNotContainPattern("&(?!amp;|lt;|gt;)");
      }
    }
    assertThat(all).doesNotContain("<!channel>", "<!here>", "<@U123>");
  }

  @Test
  void longTextIsCutAfterEscaping() {
    AlertEvent a =
        new AlertEvent(
            "a",
            AlertEvent.Status.OPEN,
            "p",
            "<".repeat(5000),
            "t",
            "i",
            "f",
            "",
            1,
            1,
            null,
            null,
            null,
            0,
            0,
            "info",
            List.of(),
            "&".repeat(10_000));
    JsonNode p = SlackMessage.payload(a);
    assertThat(p.path("text").asText()).contains("&lt;&lt;…");
    for (JsonNode f : p.path("blocks").get(1).path("fields")) {
      assertThat(f.path("text").asText().length()).isLessThanOrEqualTo(2000);
    }
    assertThat(p.path("blocks").get(0).path("text").path("text").asText().length())
        .isLessThanOrEqualTo(3000);
  }

  @Test
  void cuttingNeverSplitsAnEntityOrASurrogatePair() {
    assertThat(SlackMessage.text("ab&c", 5)).isEqualTo("ab…");
    assertThat(SlackMessage.text("ab&c", 7)).isEqualTo("ab…");
    assertThat(SlackMessage.text("ab&cd", 8)).isEqualTo("ab&amp;…");
    assertThat(SlackMessage.text("ab&c", 8)).isEqualTo("ab&amp;c");
    assertThat(SlackMessage.text("abc\uD83D\uDE00d", 5)).isEqualTo("abc…");
    assertThat(SlackMessage.text("abcdef", 4)).isEqualTo("abc…");
  }

  @Test
  void numbersAreShort() {
    assertThat(SlackMessage.number(81.5)).isEqualTo("81.5");
    assertThat(SlackMessage.number(60.0)).isEqualTo("60");
    assertThat(SlackMessage.number(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(SlackMessage.number(-1234.5678)).isEqualTo("-1234.57");
    assertThat(SlackMessage.number(1e20)).isEqualTo("1E+20");
    assertThat(SlackMessage.number(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void theGuardChecksSlackUrlsWithoutShowingTheirSecretPath() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new SlackChannel(SlackConfig.of("chat", "http://[::1]:8080/services/T0/B0/XYZ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "slack channel 'chat': refusing notification URL http://[::1]:8080/…")
        .hasMessageContaining("::1 is in ::1/128 (loopback)")
        .hasMessageNotContaining("XYZ");
  }

  @Test
  void postsToTheIncomingWebhook() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver =
            TestReceiver.replying(Reply.status(500), Reply.ok().withBody("ok"));
        Notifier notifier =
            Notifier.create(
                List.of(
                    new SlackConfig(
                        "chat",
                        receiver.url(),
                        Duration.ofSeconds(2),
                        3,
                        Duration.ofMillis(1),
                        Duration.ofMillis(10),
                        List.of("127.0.0.1"),
                        null,
                        null,
                        null,
                        null,
                        null)),
                recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.DELIVERED);
      assertThat(outcome.attempts()).isEqualTo(2);
      TestReceiver.Request request = receiver.requests().get(1);
      assertThat(request.header("Content-Type")).isEqualTo("application/json");
      assertThat(request.header("User-Agent")).startsWith("lakestream/");
      assertThat(request.header("X-Lakestream-Signature")).isNull();
      JsonNode body = JSON.readTree(request.body());
      assertThat(body.path("text").asText()).startsWith(":rotating_light: OPEN");
      assertThat(body.path("blocks").isArray()).isTrue();
      assertThat(receiver.requests().get(0).body()).isEqualTo(request.body());
    }
  }
}
