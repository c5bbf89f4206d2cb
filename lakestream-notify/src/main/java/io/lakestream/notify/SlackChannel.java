package io.lakestream.notify;

import java.util.Map;

/**
 * Sends each alert to a Slack incoming webhook (or a compatible one) as a readable message:
 *
 * <pre>{@code
 * {"text": ":rotating_light: OPEN [critical] hot_devices on sensors.temperature key dev-7: 81.5 (normal range ≤ 60)",
 *  "blocks": [
 *    {"type": "section", "text": {"type": "mrkdwn", "text": ":rotating_light: *OPEN* · *hot_devices*\n<message>"}},
 *    {"type": "section", "fields": [ Detector, Input.field, Key, Value, Severity, Event time ]},
 *    {"type": "context", "elements": [{"type": "mrkdwn", "text": "pipeline iot-demo · alert … · lakestream"}]}]}
 * }</pre>
 *
 * <p>Open alerts show {@code :rotating_light:}, resolved ones {@code :white_check_mark:}. Alert
 * data is escaped ({@code & < >}) so it cannot form links or mentions. Requests are not signed (the
 * webhook URL is the secret, and it never appears whole in logs or errors). Retries, timeouts and
 * the SSRF guard work as for {@link WebhookChannel}; Slack's 429 answers carry {@code Retry-After},
 * which is honoured.
 */
public final class SlackChannel extends NotificationChannel {

  private final SlackConfig config;
  private final HttpSender sender;
  private final RetryPolicy retryPolicy;

  /**
   * Creates the channel and checks its URL.
   *
   * @throws IllegalArgumentException naming the channel when the URL is refused by the SSRF guard
   *     or its host does not resolve
   */
  public SlackChannel(SlackConfig config) {
    this(config, new TargetGuard(config.allowHosts(), config.allowCidrs()));
  }

  SlackChannel(SlackConfig config, TargetGuard guard) {
    this.config = config;
    this.sender =
        new HttpSender(
            ConfigChecks.label("slack", config.name()), config.uri(), config.timeout(), guard);
    this.retryPolicy =
        new RetryPolicy(
            config.maxAttempts(),
            config.initialBackoff(),
            config.maxBackoff(),
            RetryPolicy.DEFAULT_MULTIPLIER);
  }

  @Override
  public SlackConfig config() {
    return config;
  }

  @Override
  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  AttemptResult attempt(Delivery delivery, int attempt) {
    byte[] body = delivery.body(SlackMessage::toBytes);
    return sender.post(
        body, Map.of("Content-Type", "application/json", "User-Agent", Version.USER_AGENT));
  }
}
