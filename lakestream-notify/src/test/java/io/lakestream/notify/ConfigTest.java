package io.lakestream.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.NotifyChannelConfig;
import io.lakestream.api.config.Severity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static final String URL = "https://alerts.example.com/lakestream?token=abc";

  private static WebhookConfig webhook(
      String name,
      String url,
      String secret,
      Duration timeout,
      Integer maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      List<String> allowHosts,
      List<String> allowCidrs) {
    return new WebhookConfig(
        name,
        url,
        secret,
        timeout,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        allowHosts,
        allowCidrs,
        null,
        null,
        null,
        null);
  }

  @Test
  void webhookDefaults() {
    WebhookConfig c = WebhookConfig.of(" ops ", URL);
    assertThat(c.name()).isEqualTo("ops");
    assertThat(c.kind()).isEqualTo("webhook");
    assertThat(c.secret()).isNull();
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxAttempts()).isEqualTo(5);
    assertThat(c.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.allowHosts()).isEmpty();
    assertThat(c.allowCidrs()).isEmpty();
    assertThat(c.minSeverity()).isEqualTo(Severity.INFO);
    assertThat(c.detectors()).isEmpty();
    assertThat(c.queueCapacity()).isEqualTo(1000);
    assertThat(c.workers()).isEqualTo(2);
  }

  @Test
  void slackAndLogDefaults() {
    SlackConfig s = SlackConfig.of("chat", "https://hooks.slack.com/services/T0/B0/XYZ");
    assertThat(s.kind()).isEqualTo("slack");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.maxAttempts()).isEqualTo(5);
    assertThat(s.queueCapacity()).isEqualTo(1000);
    LogConfig l = LogConfig.of("log");
    assertThat(l.kind()).isEqualTo("log");
    assertThat(l.minSeverity()).isEqualTo(Severity.INFO);
    assertThat(l.workers()).isEqualTo(1);
  }

  @Test
  void validationMessagesNameTheChannelAndTheSetting() {
    assertThatThrownBy(() -> WebhookConfig.of(" ", URL))
        .hasMessage("a webhook channel needs a name");
    assertThatThrownBy(() -> WebhookConfig.of("ops", null))
        .hasMessage("webhook channel 'ops': url is required");
    assertThatThrownBy(() -> WebhookConfig.of("ops", "ftp://example.com/x"))
        .hasMessageStartingWith("webhook channel 'ops': url must start with https:// or http://");
    assertThatThrownBy(() -> WebhookConfig.of("ops", "https://exa mple.com/"))
        .hasMessageStartingWith("webhook channel 'ops': url is not a valid URL");
    assertThatThrownBy(() -> WebhookConfig.of("ops", "https:///path"))
        .hasMessageStartingWith("webhook channel 'ops': url has no valid host name");
    assertThatThrownBy(() -> WebhookConfig.of("ops", "https://user:pw@example.com/"))
        .hasMessageStartingWith("webhook channel 'ops': url must not contain user:password@");
    assertThatThrownBy(() -> webhook("ops", URL, null, Duration.ZERO, null, null, null, null, null))
        .hasMessage("webhook channel 'ops': timeout must be positive, got PT0S");
    assertThatThrownBy(() -> webhook("ops", URL, null, null, 0, null, null, null, null))
        .hasMessage("webhook channel 'ops': max_attempts must be between 1 and 100, got 0");
    assertThatThrownBy(() -> webhook("ops", URL, null, null, 101, null, null, null, null))
        .hasMessageContaining("max_attempts must be between 1 and 100, got 101");
    assertThatThrownBy(
            () ->
                webhook(
                    "ops",
                    URL,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    null,
                    null))
        .hasMessage(
            "webhook channel 'ops': max_backoff (PT1S) must not be shorter than initial_backoff"
                + " (PT10S)");
    assertThatThrownBy(
            () -> webhook("ops", URL, null, null, null, null, null, null, List.of("10.0.0.0/33")))
        .hasMessageStartingWith("webhook channel 'ops': allow_cidrs: '10.0.0.0/33' is not a CIDR");
    assertThatThrownBy(() -> webhook("ops", URL, null, null, null, null, null, List.of(""), null))
        .hasMessage("webhook channel 'ops': allow_hosts has an empty entry");
    assertThatThrownBy(() -> webhook("ops", URL, "  ", null, null, null, null, null, null))
        .hasMessageStartingWith("webhook channel 'ops': secret is empty");
    assertThatThrownBy(
            () ->
                new SlackConfig(
                    "chat",
                    "https://hooks.slack.com/x",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    null))
        .hasMessage("slack channel 'chat': queue_capacity must be between 1 and 1000000, got 0");
    assertThatThrownBy(() -> new LogConfig("log", null, List.of("a", " ")))
        .hasMessage("log channel 'log': detectors has an empty entry");
  }

  @Test
  void toStringHidesSecretsAndPaths() {
    WebhookConfig w =
        webhook("ops", URL, "very-secret-value-123", null, null, null, null, null, null);
    assertThat(w.toString())
        .contains("name=ops", "https://alerts.example.com/…", "secret=(set)")
        .doesNotContain("very-secret", "token=abc");
    SlackConfig s = SlackConfig.of("chat", "https://hooks.slack.com/services/T0/B0/XYZ");
    assertThat(s.toString()).contains("https://hooks.slack.com/…").doesNotContain("XYZ");
  }

  @Test
  void mapsChannelsFromThePipelineFile() {
    NotifyChannelConfig hook =
        new NotifyChannelConfig(
            "ops",
            NotifyChannelConfig.Type.WEBHOOK,
            URL,
            "0123456789abcdef0123",
            Duration.ofSeconds(3),
            7,
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            List.of("localhost"),
            List.of("10.1.0.0/16"),
            Severity.WARNING,
            List.of("hot_devices"),
            "notify.ops",
            12);
    assertThat(ChannelConfig.fromPipeline(hook))
        .isEqualTo(
            new WebhookConfig(
                "ops",
                URL,
                "0123456789abcdef0123",
                Duration.ofSeconds(3),
                7,
                Duration.ofMillis(200),
                Duration.ofSeconds(10),
                List.of("localhost"),
                List.of("10.1.0.0/16"),
                Severity.WARNING,
                List.of("hot_devices"),
                1000,
                2));
    NotifyChannelConfig log =
        new NotifyChannelConfig(
            "log",
            NotifyChannelConfig.Type.LOG,
            null,
            null,
            Duration.ofSeconds(5),
            5,
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            List.of(),
            List.of(),
            Severity.CRITICAL,
            List.of(),
            "notify.log",
            20);
    assertThat(ChannelConfig.fromPipeline(log))
        .isEqualTo(new LogConfig("log", Severity.CRITICAL, List.of()));
    NotifyChannelConfig slack =
        new NotifyChannelConfig(
            "chat",
            NotifyChannelConfig.Type.SLACK,
            "https://hooks.slack.com/services/T0/B0/XYZ",
            null,
            Duration.ofSeconds(5),
            5,
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            List.of(),
            List.of(),
            Severity.INFO,
            List.of(),
            "notify.chat",
            25);
    assertThat(ChannelConfig.fromPipeline(slack))
        .isEqualTo(SlackConfig.of("chat", "https://hooks.slack.com/services/T0/B0/XYZ"));
  }
}
