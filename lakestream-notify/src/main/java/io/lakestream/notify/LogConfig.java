package io.lakestream.notify;

import io.lakestream.api.config.Severity;
import java.util.List;

/**
 * A {@link LogChannel}: one log line per alert through SLF4J, on logger {@value
 * LogChannel#LOGGER_NAME}.
 *
 * @param name channel name, unique within the pipeline (required)
 * @param minSeverity least severity logged (default {@link Severity#INFO}: all)
 * @param detectors detector names whose alerts are logged (default empty: all)
 */
public record LogConfig(String name, Severity minSeverity, List<String> detectors)
    implements ChannelConfig {

  /** Deliveries a log channel holds at once; logging is fast, so this only bounds bursts. */
  static final int QUEUE_CAPACITY = 10_000;

  public LogConfig {
    name = ConfigChecks.name("log", name);
    String label = ConfigChecks.label("log", name);
    minSeverity = minSeverity == null ? Severity.INFO : minSeverity;
    detectors = ConfigChecks.entries(label, "detectors", detectors);
  }

  /** A log channel for every alert. */
  public static LogConfig of(String name) {
    return new LogConfig(name, null, null);
  }

  @Override
  public String kind() {
    return "log";
  }

  /** {@value #QUEUE_CAPACITY}. */
  @Override
  public Integer queueCapacity() {
    return QUEUE_CAPACITY;
  }

  /** One: log lines keep the order alerts were submitted in. */
  @Override
  public Integer workers() {
    return 1;
  }
}
