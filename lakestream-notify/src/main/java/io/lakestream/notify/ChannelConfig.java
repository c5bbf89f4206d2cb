package io.lakestream.notify;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.config.NotifyChannelConfig;
import io.lakestream.api.config.Severity;
import java.time.Duration;
import java.util.List;

/**
 * One notification channel as configured in the pipeline file: where alerts go and which ones.
 *
 * <p>Each kind is a record whose compact constructor fills in defaults for null components and
 * validates the rest, so a config that exists is a usable one. Validation errors are {@link
 * IllegalArgumentException}s whose message names the channel and the setting, e.g. {@code webhook
 * channel 'ops': max_attempts must be between 1 and 100, got 0}.
 *
 * <p>Filters shared by all kinds: {@link #minSeverity()} (default {@link Severity#INFO}, i.e.
 * everything; severities rank {@code info < warning < critical}) and {@link #detectors()} (detector
 * names; empty means every detector). An alert whose severity is missing or unknown passes every
 * severity filter, so that no alert is dropped for a value the filter cannot judge.
 *
 * <p>{@link #fromPipeline} maps a channel as read from the pipeline file.
 */
public sealed interface ChannelConfig permits WebhookConfig, SlackConfig, LogConfig {

  /** Default time one HTTP attempt may take, from connecting to the end of the response. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Default number of attempts in total (the first one and up to four retries). */
  int DEFAULT_MAX_ATTEMPTS = 5;

  /** Default upper bound of the delay before the first retry. */
  Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);

  /** Default upper bound of any delay between attempts; also caps {@code Retry-After}. */
  Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** Default number of deliveries a channel holds (waiting, in flight or waiting to retry). */
  int DEFAULT_QUEUE_CAPACITY = 1000;

  /** Default number of worker threads of an HTTP channel. */
  int DEFAULT_WORKERS = 2;

  /** The kind as written in the pipeline file: {@code webhook}, {@code slack} or {@code log}. */
  String kind();

  /** The channel's name, unique within a pipeline; it appears in logs, metrics and outcomes. */
  String name();

  /** Alerts less severe than this are not sent to the channel. */
  Severity minSeverity();

  /** Names of the detectors whose alerts the channel receives; empty for all detectors. */
  List<String> detectors();

  /**
   * How many deliveries the channel may hold at once: waiting for a worker, in flight or waiting to
   * retry. Alerts beyond it are recorded as failed with reason "queue full".
   */
  Integer queueCapacity();

  /** Worker threads that make the channel's delivery attempts. */
  Integer workers();

  /**
   * The channel config for a channel as read from the pipeline file ({@code notify:} section).
   * Queue capacity and workers, which the file does not set, take their defaults.
   *
   * @throws IllegalArgumentException naming the channel when a setting is invalid
   */
  static ChannelConfig fromPipeline(NotifyChannelConfig c) {
    return switch (c.type()) {
      case WEBHOOK ->
          new WebhookConfig(
              c.name(),
              c.url(),
              c.secret(),
              c.timeout(),
              c.maxAttempts(),
              c.initialBackoff(),
              c.maxBackoff(),
              c.allowHosts(),
              c.allowCidrs(),
              c.minSeverity(),
              c.detectors(),
              null,
              null);
      case SLACK ->
          new SlackConfig(
              c.name(),
              c.url(),
              c.timeout(),
              c.maxAttempts(),
              c.initialBackoff(),
              c.maxBackoff(),
              c.allowHosts(),
              c.allowCidrs(),
              c.minSeverity(),
              c.detectors(),
              null,
              null);
      case LOG -> new LogConfig(c.name(), c.minSeverity(), c.detectors());
    };
  }

  /** Whether the channel wants this alert, by its severity and detector filters. */
  default boolean accepts(AlertEvent alert) {
    if (ConfigChecks.severityOf(alert.severity()).compareTo(minSeverity()) < 0) {
      return false;
    }
    return detectors().isEmpty()
        || (alert.detector() != null && detectors().contains(alert.detector()));
  }
}
