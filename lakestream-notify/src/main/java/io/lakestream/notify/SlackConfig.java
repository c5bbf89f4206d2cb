package io.lakestream.notify;

import io.lakestream.api.config.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A {@link SlackChannel}: alerts as messages to a Slack incoming webhook, or to any service that
 * accepts the same payload (Mattermost, Rocket.Chat, …).
 *
 * <p>Null components take their defaults, as for {@link WebhookConfig}. The URL of a Slack incoming
 * webhook is its secret, so it is never shown whole in messages, logs or {@link #toString()}.
 *
 * @param name channel name, unique within the pipeline (required)
 * @param url the incoming webhook URL, e.g. {@code https://hooks.slack.com/services/T…/B…/…}
 *     (required)
 * @param timeout time one attempt may take (default 5 s)
 * @param maxAttempts attempts in total, 1 to 100 (default 5)
 * @param initialBackoff upper bound of the random delay before the first retry (default 500 ms)
 * @param maxBackoff upper bound of any delay, including {@code Retry-After} (default 30 s)
 * @param allowHosts host names or IP literals let through the SSRF guard (default none)
 * @param allowCidrs address blocks let through the SSRF guard (default none)
 * @param minSeverity least severity sent (default {@link Severity#INFO}: all)
 * @param detectors detector names whose alerts are sent (default empty: all)
 * @param queueCapacity deliveries held at once before new ones fail with "queue full" (default
 *     1000)
 * @param workers worker threads (default 2)
 */
public record SlackConfig(
    String name,
    String url,
    Duration timeout,
    Integer maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    List<String> allowHosts,
    List<String> allowCidrs,
    Severity minSeverity,
    List<String> detectors,
    Integer queueCapacity,
    Integer workers)
    implements ChannelConfig {

  public SlackConfig {
    name = ConfigChecks.name("slack", name);
    String label = ConfigChecks.label("slack", name);
    url = ConfigChecks.url(label, url);
    timeout = ConfigChecks.positive(label, "timeout", timeout, DEFAULT_TIMEOUT);
    maxAttempts =
        ConfigChecks.range(
            label,
            "max_attempts",
            maxAttempts,
            DEFAULT_MAX_ATTEMPTS,
            1,
            ConfigChecks.MAX_ATTEMPTS_LIMIT);
    initialBackoff =
        ConfigChecks.positive(label, "initial_backoff", initialBackoff, DEFAULT_INITIAL_BACKOFF);
    maxBackoff = ConfigChecks.positive(label, "max_backoff", maxBackoff, DEFAULT_MAX_BACKOFF);
    ConfigChecks.backoffs(label, initialBackoff, maxBackoff);
    allowHosts = ConfigChecks.entries(label, "allow_hosts", allowHosts);
    allowCidrs = ConfigChecks.cidrs(label, allowCidrs);
    minSeverity = minSeverity == null ? Severity.INFO : minSeverity;
    detectors = ConfigChecks.entries(label, "detectors", detectors);
    queueCapacity =
        ConfigChecks.range(
            label,
            "queue_capacity",
            queueCapacity,
            DEFAULT_QUEUE_CAPACITY,
            1,
            ConfigChecks.MAX_QUEUE_CAPACITY);
    workers =
        ConfigChecks.range(label, "workers", workers, DEFAULT_WORKERS, 1, ConfigChecks.MAX_WORKERS);
  }

  /** A Slack channel with every optional setting at its default. */
  public static SlackConfig of(String name, String url) {
    return new SlackConfig(name, url, null, null, null, null, null, null, null, null, null, null);
  }

  @Override
  public String kind() {
    return "slack";
  }

  /** The URL as a {@link URI}. */
  public URI uri() {
    return URI.create(url);
  }

  /** Like the record's, but without the URL's path (the webhook's secret). */
  @Override
  public String toString() {
    return "SlackConfig[name="
        + name
        + ", url="
        + TargetGuard.display(uri())
        + ", timeout="
        + timeout
        + ", maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", allowHosts="
        + allowHosts
        + ", allowCidrs="
        + allowCidrs
        + ", minSeverity="
        + minSeverity
        + ", detectors="
        + detectors
        + ", queueCapacity="
        + queueCapacity
        + ", workers="
        + workers
        + "]";
  }
}
