package io.lakestream.api.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of an {@link AlertEvent}: what the {@code alerts} topic carries and webhooks
 * receive. Field names are snake_case; times are ISO-8601 UTC strings; unknown numbers are null.
 *
 * <pre>{@code
 * {"alert_id":"…","status":"open","pipeline":"iot-demo","detector":"hot_devices",
 *  "detector_type":"threshold","input":"sensors","field":"temperature","key":"dev-7",
 *  "value":81.5,"score":0.36,"expected":null,"low":null,"high":60.0,
 *  "event_time":"2026-11-23T10:04:59.120Z","detection_time":"2026-11-23T10:04:59.180Z",
 *  "severity":"critical","event_ids":["e-1"],"message":"…"}
 * }</pre>
 */
public final class AlertJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  /** The alert as a JSON object. */
  public static ObjectNode toTree(AlertEvent a) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("alert_id", a.alertId());
    o.put("status", a.status().name().toLowerCase(Locale.ROOT));
    o.put("pipeline", a.pipeline());
    o.put("detector", a.detector());
    o.put("detector_type", a.detectorType());
    o.put("input", a.input());
    o.put("field", a.field());
    o.put("key", a.key());
    number(o, "value", a.value());
    number(o, "score", a.score());
    number(o, "expected", a.expected());
    number(o, "low", a.low());
    number(o, "high", a.high());
    o.put("event_time", Instant.ofEpochMilli(a.eventTimeMillis()).toString());
    o.put("detection_time", Instant.ofEpochMilli(a.detectionTimeMillis()).toString());
    o.put("severity", a.severity());
    ArrayNode ids = o.putArray("event_ids");
    a.eventIds().forEach(ids::add);
    o.put("message", a.message());
    return o;
  }

  /** The alert as UTF-8 JSON bytes. */
  public static byte[] toBytes(AlertEvent a) {
    try {
      return MAPPER.writeValueAsBytes(toTree(a));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write an alert as JSON", e);
    }
  }

  /**
   * Reads an alert written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException when the bytes are not such an alert; the message names the
   *     field
   */
  public static AlertEvent fromBytes(byte[] json) {
    JsonNode o;
    try {
      o = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("alert is not JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("alert is not a JSON object");
    }
    List<String> ids = new ArrayList<>();
    o.path("event_ids").forEach(n -> ids.add(n.asText()));
    return new AlertEvent(
        text(o, "alert_id"),
        AlertEvent.Status.valueOf(text(o, "status").toUpperCase(Locale.ROOT)),
        text(o, "pipeline"),
        text(o, "detector"),
        text(o, "detector_type"),
        text(o, "input"),
        text(o, "field"),
        o.path("key").asText(""),
        o.path("value").asDouble(Double.NaN),
        o.path("score").asDouble(Double.NaN),
        nullable(o, "expected"),
        nullable(o, "low"),
        nullable(o, "high"),
        time(o, "event_time"),
        time(o, "detection_time"),
        o.path("severity").asText("warning"),
        ids,
        o.path("message").asText(""));
  }

  private static void number(ObjectNode o, String name, Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      o.putNull(name);
    } else {
      o.put(name, v.doubleValue());
    }
  }

  private static Double nullable(JsonNode o, String name) {
    JsonNode n = o.get(name);
    return n == null || !n.isNumber() ? null : n.doubleValue();
  }

  private static String text(JsonNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("alert has no text field '" + name + "'");
    }
    return n.asText();
  }

  private static long time(JsonNode o, String name) {
    try {
      return Instant.parse(text(o, name)).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("alert field '" + name + "' is not an ISO-8601 time", e);
    }
  }
}
