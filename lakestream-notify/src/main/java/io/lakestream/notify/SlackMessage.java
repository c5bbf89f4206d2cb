package io.lakestream.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.alert.AlertEvent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;

/**
 * The Slack message for an alert: a one-line {@code text} (what notifications and older clients
 * show) and Block Kit {@code blocks} with the details.
 *
 * <p>Everything taken from the alert is escaped as Slack requires ({@code &} to {@code &amp;},
 * {@code <} to {@code &lt;}, {@code >} to {@code &gt;}), so alert data cannot form links or
 * mentions such as {@code <!channel>}, and is cut to stay within Slack's length limits.
 */
final class SlackMessage {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int FIELD_LIMIT = 300;
  private static final int MESSAGE_LIMIT = 2500;

  private SlackMessage() {}

  static byte[] toBytes(AlertEvent alert) {
    try {
      return MAPPER.writeValueAsBytes(payload(alert));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Slack message as JSON", e);
    }
  }

  static ObjectNode payload(AlertEvent a) {
    boolean open = a.status() == AlertEvent.Status.OPEN;
    String emoji = open ? ":rotating_light:" : ":white_check_mark:";
    String status = open ? "OPEN" : "RESOLVED";
    String detector = text(a.detector());
    String series = text(a.input()) + "." + text(a.field());
    String key = a.key() == null || a.key().isEmpty() ? "" : text(a.key());
    String severity = text(a.severity());
    String value = valueLine(a);

    ObjectNode root = MAPPER.createObjectNode();
    root.put(
        "text",
        emoji
            + " "
            + status
            + " ["
            + severity
            + "] "
            + detector
            + " on "
            + series
            + (key.isEmpty() ? "" : " key " + key)
            + ": "
            + value);

    ArrayNode blocks = root.putArray("blocks");
    ObjectNode headline = blocks.addObject().put("type", "section");
    String message =
        a.message() == null || a.message().isBlank() ? "" : "\n" + text(a.message(), MESSAGE_LIMIT);
    headline
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", emoji + " *" + status + "* · *" + detector + "*" + message);

    ObjectNode details = blocks.addObject().put("type", "section");
    ArrayNode fields = details.putArray("fields");
    field(
        fields,
        "Detector",
        detector + (a.detectorType() == null ? "" : " (" + text(a.detectorType()) + ")"));
    field(fields, "Input.field", series);
    field(fields, "Key", key.isEmpty() ? "—" : key);
    field(fields, "Value", value);
    field(fields, "Severity", severity);
    field(fields, "Event time", Instant.ofEpochMilli(a.eventTimeMillis()).toString());

    ObjectNode context = blocks.addObject().put("type", "context");
    context
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put(
            "text",
            "pipeline " + text(a.pipeline()) + " · alert " + text(a.alertId()) + " · lakestream");
    return root;
  }

  /** "81.5 (expected 55; normal range 10 – 60)", with whatever of those is known. */
  static String valueLine(AlertEvent a) {
    StringBuilder sb = new StringBuilder(number(a.value()));
    StringBuilder extra = new StringBuilder();
    if (a.expected() != null && Double.isFinite(a.expected())) {
      extra.append("expected ").append(number(a.expected()));
    }
    boolean low = a.low() != null && Double.isFinite(a.low());
    boolean high = a.high() != null && Double.isFinite(a.high());
    if (low || high) {
      if (extra.length() > 0) {
        extra.append("; ");
      }
      extra.append("normal range ");
      if (low && high) {
        extra.append(number(a.low())).append(" – ").append(number(a.high()));
      } else if (high) {
        extra.append("≤ ").append(number(a.high()));
      } else {
        extra.append("≥ ").append(number(a.low()));
      }
    }
    if (extra.length() > 0) {
      sb.append(" (").append(extra).append(')');
    }
    return text(sb.toString());
  }

  /** A number in at most 6 significant digits, without trailing zeros; "n/a" when not finite. */
  static String number(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
    return Math.abs(d.scale()) > 12 || d.precision() - d.scale() > 12
        ? d.toString()
        : d.toPlainString();
  }

  /** Escapes Slack's control characters in user data. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String text(String s) {
    return text(s, FIELD_LIMIT);
  }

  /**
   * User data escaped, then cut to at most {@code limit} characters (ending in "…" when cut)
   * without splitting an entity such as {@code &amp;} or a surrogate pair.
   */
  static String text(String s, int limit) {
    String e = escape(s);
    if (e.length() <= limit) {
      return e;
    }
    int end = limit - 1;
    int amp = e.lastIndexOf('&', end - 1);
    if (amp >= 0 && e.indexOf(';', amp) >= end) {
      end = amp;
    }
    if (end > 0 && Character.isHighSurrogate(e.charAt(end - 1))) {
      end--;
    }
    return e.substring(0, end) + "…";
  }

  private static void field(ArrayNode fields, String title, String value) {
    fields.addObject().put("type", "mrkdwn").put("text", "*" + title + "*\n" + value);
  }
}
