package io.lakestream.notify;

import io.lakestream.api.config.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A {@link WebhookChannel}: alerts as signed JSON POST requests to a URL.
 *
 * <p>Null components take their defaults; everything is validated here, except the target's
 * addresses, which {@link TargetGuard} checks when the channel is created (that needs a DNS
 * lookup).
 *
 * @param name channel name, unique within the pipeline (required)
 * @param url http or https URL the alerts are POSTed to (required); redirects are not followed
 * @param secret HMAC-SHA256 key for the {@code X-Lakestream-Signature} header, at least 16
 *     characters; null sends unsigned requests
 * @param timeout time one attempt may take, from connecting to the end of the response (default 5
 *     s)
 * @param maxAttempts attempts in total, 1 to 100 (default 5: the first one and up to four retries)
 * @param initialBackoff upper bound of the random delay before the first retry (default 500 ms);
 *     each further retry doubles it
 * @param maxBackoff upper bound of any delay, including one asked for by {@code Retry-After}
 *     (default 30 s)
 * @param allowHosts host names or IP literals let through the SSRF guard, e.g. {@code localhost}
 *     (default none)
 * @param allowCidrs address blocks let through the SSRF guard, e.g. {@code 10.1.0.0/16} (default
 *     none)
 * @param minSeverity least severity sent (default {@link Severity#INFO}: all)
 * @param detectors detector names whose alerts are sent (default empty: all)
 * @param queueCapacity deliveries held at once before new ones fail with "queue full" (default
 *     1000)
 * @param workers worker threads, i.e. requests in flight at once (default 2)
 */
public record WebhookConfig(
    String name,
    String url,
    String secret,
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

  public WebhookConfig {
    name = ConfigChecks.name("webhook", name);
    String label = ConfigChecks.label("webhook", name);
    url = ConfigChecks.url(label, url);
    secret = ConfigChecks.secret(label, secret);
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

  /** A webhook with every optional setting at its default: unsigned, public targets only. */
  public static WebhookConfig of(String name, String url) {
    return new WebhookConfig(
        name, url, null, null, null, null, null, null, null, null, null, null, null);
  }

  @Override
  public String kind() {
    return "webhook";
  }

  /** The URL as a {@link URI}. */
  public URI uri() {
    return URI.create(url);
  }

  /** Like the record's, but without the secret and the URL's path and query. */
  @Override
  public String toString() {
    return "WebhookConfig[name="
        + name
        + ", url="
        + TargetGuard.display(uri())
        + ", secret="
        + (secret == null ? "none" : "(set)")
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
