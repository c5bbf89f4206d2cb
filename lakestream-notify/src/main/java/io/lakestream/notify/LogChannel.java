package io.lakestream.notify;

import io.lakestream.api.alert.AlertEvent;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes one line per alert to the log, on logger {@value #LOGGER_NAME}: at WARN for open alerts,
 * at INFO for resolved ones. The line is {@code key=value} pairs (values with spaces or quotes are
 * quoted), and the same pairs are attached as SLF4J key-value pairs for structured (e.g. JSON) log
 * encoders:
 *
 * <pre>
 * alert status=open severity=critical pipeline=iot-demo detector=hot_devices type=threshold
 *   input=sensors field=temperature key=dev-7 value=81.5 expected=null low=null high=60.0
 *   score=0.36 event_time=2026-11-23T10:04:59.120Z alert_id=… message="…"
 * </pre>
 */
public final class LogChannel extends NotificationChannel {

  /** The logger alerts are written to. */
  public static final String LOGGER_NAME = "io.lakestream.alerts";

  private static final Logger ALERTS = LoggerFactory.getLogger(LOGGER_NAME);

  private final LogConfig config;

  public LogChannel(LogConfig config) {
    this.config = config;
  }

  @Override
  public LogConfig config() {
    return config;
  }

  @Override
  RetryPolicy retryPolicy() {
    return RetryPolicy.NONE;
  }

  @Override
  AttemptResult attempt(Delivery delivery, int attempt) {
    AlertEvent a = delivery.alert;
    Level level = a.status() == AlertEvent.Status.OPEN ? Level.WARN : Level.INFO;
    LoggingEventBuilder event = ALERTS.atLevel(level);
    StringBuilder line = new StringBuilder("alert");
    pair(event, line, "status", a.status().name().toLowerCase(Locale.ROOT));
    pair(event, line, "severity", a.severity());
    pair(event, line, "pipeline", a.pipeline());
    pair(event, line, "detector", a.detector());
    pair(event, line, "type", a.detectorType());
    pair(event, line, "input", a.input());
    pair(event, line, "field", a.field());
    pair(event, line, "key", a.key());
    pair(event, line, "value", a.value());
    pair(event, line, "expected", a.expected());
    pair(event, line, "low", a.low());
    pair(event, line, "high", a.high());
    pair(event, line, "score", a.score());
    pair(event, line, "event_time", Instant.ofEpochMilli(a.eventTimeMillis()).toString());
    pair(event, line, "alert_id", a.alertId());
    pair(event, line, "message", a.message());
    event.log(line.toString());
    return AttemptResult.success(0);
  }

  private static void pair(
      LoggingEventBuilder event, StringBuilder line, String key, Object value) {
    event.addKeyValue(key, value);
    line.append(' ').append(key).append('=').append(quote(value));
  }

  /** The value as is when it is a plain token, else in double quotes with escapes. */
  static String quote(Object value) {
    String s = String.valueOf(value);
    boolean plain = !s.isEmpty();
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f;
    }
    if (plain) {
      return s;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < ' ') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
