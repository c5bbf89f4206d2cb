package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where alerts are sent: a webhook (signed JSON POST), a Slack-compatible incoming webhook, or the
 * log.
 *
 * <pre>{@code
 * notify:
 *   ops:
 *     type: webhook
 *     url: https://alerts.example.com/lakestream
 *     secret: ${ALERT_WEBHOOK_SECRET}
 *     min_severity: warning
 *   chat:
 *     type: slack
 *     url: ${SLACK_WEBHOOK_URL}
 *   log:
 *     type: log
 * }</pre>
 *
 * @param name the key under {@code notify:}
 * @param type the channel's kind
 * @param url target URL (webhook and slack), else null
 * @param secret HMAC-SHA256 signing secret (webhook), or null for unsigned requests
 * @param timeout per-request timeout
 * @param maxAttempts attempts in all, retries included
 * @param initialBackoff wait before the first retry; doubles per retry (with jitter)
 * @param maxBackoff longest wait between retries
 * @param allowHosts host names allowed even though they resolve to loopback or private addresses
 * @param allowCidrs address ranges allowed likewise, e.g. {@code 10.1.0.0/16}
 * @param minSeverity alerts below this severity are not sent here
 * @param detectors only these detectors' alerts are sent here; empty for all
 * @param path YAML path, for problems found when the channel is set up
 * @param line line in the pipeline file
 */
public record NotifyChannelConfig(
    String name,
    Type type,
    String url,
    String secret,
    Duration timeout,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    List<String> allowHosts,
    List<String> allowCidrs,
    Severity minSeverity,
    List<String> detectors,
    String path,
    int line)
    implements Serializable {

  /** Channel kinds. */
  public enum Type {
    WEBHOOK,
    SLACK,
    LOG;

    /** The name as written in the pipeline file. */
    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public NotifyChannelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    allowHosts = List.copyOf(allowHosts);
    allowCidrs = List.copyOf(allowCidrs);
    detectors = List.copyOf(detectors);
    Objects.requireNonNull(minSeverity, "minSeverity");
  }

  /** The secret is never printed. */
  @Override
  public String toString() {
    return "NotifyChannelConfig[name="
        + name
        + ", type="
        + type.yamlName()
        + ", url="
        + url
        + ", secret="
        + (secret == null ? "none" : "***")
        + "]";
  }
}
