package io.lakestream.app.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.alert.AlertJson;
import io.lakestream.api.config.SearchConfig;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The documents of the search index: what the pipeline's events, alerts and rejected records look
 * like there, and the index's field settings derived from the pipeline file.
 *
 * <p>An event's document is its curated JSON exactly as the job writes it to the enriched topic
 * (Flink's JSON format: timestamps ISO-8601 in UTC with a {@code Z}, null columns left out), so a
 * document rebuilt from the lake by {@code reindex} equals the one the live feed wrote. Alerts are
 * stored as {@code {"alert": {...}}} (id {@code alert:<alert_id>:<status>}, source {@value
 * SearchConfig#ALERTS_SOURCE}) and rejected records as {@code {"error": {...}}} (id {@code
 * error:<event id>:<stage>}, source {@value SearchConfig#ERRORS_SOURCE}), so their fields never
 * collide with a source's.
 */
public final class SearchDocs {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Flink's ISO-8601 format of a {@code TIMESTAMP_LTZ} in JSON. */
  private static final DateTimeFormatter FLINK_LTZ =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral('T')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .appendLiteral('Z')
          .toFormatter();

  /** Flink's ISO-8601 format of a {@code TIMESTAMP} (no zone) in JSON. */
  private static final DateTimeFormatter FLINK_TS =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral('T')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .toFormatter();

  static final List<String> ALERT_KEYWORDS =
      List.of(
          "alert_id",
          "status",
          "pipeline",
          "detector",
          "detector_type",
          "input",
          "field",
          "key",
          "severity",
          "event_ids");
  static final List<String> ALERT_DOUBLES = List.of("value", "score", "expected", "low", "high");
  static final List<String> ERROR_KEYWORDS = List.of("source", "stage", "origin", "kafka_topic");
  static final List<String> ERROR_TEXT = List.of("reason", "original_text");

  private SearchDocs() {}

  /**
   * The index's field settings: every declared source field, plus the {@code alert.} and {@code
   * error.} fields when those are indexed. Sorted, so equal settings give an equal schema.
   */
  public static IndexSchema schema(SearchConfig cfg) {
    Set<String> text = new TreeSet<>();
    Set<String> keyword = new TreeSet<>();
    Set<String> longs = new TreeSet<>();
    Set<String> doubles = new TreeSet<>();
    for (SearchConfig.Fields f : cfg.sources().values()) {
      text.addAll(f.text());
      keyword.addAll(f.keyword());
      longs.addAll(f.longs());
      doubles.addAll(f.doubles());
    }
    if (cfg.alerts()) {
      ALERT_KEYWORDS.forEach(k -> keyword.add("alert." + k));
      ALERT_DOUBLES.forEach(k -> doubles.add("alert." + k));
      text.add("alert.message");
    }
    if (cfg.errors()) {
      ERROR_KEYWORDS.forEach(k -> keyword.add("error." + k));
      ERROR_TEXT.forEach(k -> text.add("error." + k));
    }
    return new IndexSchema(text, keyword, longs, doubles);
  }

  /**
   * A stable text form of the field settings, kept in the index's commit data: when it differs from
   * the pipeline file's, the index was built with other settings and needs a {@code reindex}.
   */
  public static String fingerprint(IndexSchema s) {
    return "text="
        + new TreeSet<>(s.textFields())
        + ";keyword="
        + new TreeSet<>(s.keywordFields())
        + ";long="
        + new TreeSet<>(s.longFields())
        + ";double="
        + new TreeSet<>(s.doubleFields());
  }

  /**
   * The document of an enriched-topic record.
   *
   * @param id the event id (record header)
   * @param source the source (record header)
   * @param ingestMillis ingest time (record header)
   * @param value the curated JSON
   * @throws IllegalArgumentException when the value is not a JSON object
   */
  public static IndexDoc event(String id, String source, long ingestMillis, byte[] value) {
    JsonNode event;
    try {
      event = JSON.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("enriched record " + id + " is not JSON", e);
    }
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException("enriched record " + id + " is not a JSON object");
    }
    long eventMillis = parseMillis(event.path("event_time").asText(null), ingestMillis);
    return new IndexDoc(id, source, eventMillis, ingestMillis, event);
  }

  /** The document of an alert, as written to the alerts topic. */
  public static IndexDoc alert(byte[] alertJson) {
    ObjectNode alert = AlertJson.toTree(AlertJson.fromBytes(alertJson));
    return alertDoc(alert);
  }

  private static IndexDoc alertDoc(ObjectNode alert) {
    String id = "alert:" + alert.path("alert_id").asText() + ":" + alert.path("status").asText();
    long eventMillis = parseMillis(alert.path("event_time").asText(null), 0);
    long detected = parseMillis(alert.path("detection_time").asText(null), eventMillis);
    ObjectNode doc = NODES.objectNode();
    doc.set("alert", alert);
    return new IndexDoc(id, SearchConfig.ALERTS_SOURCE, eventMillis, detected, doc);
  }

  /** The document of a row of {@code alerts.events}; equal to the live feed's. */
  public static IndexDoc alert(Record row) {
    ObjectNode a = NODES.objectNode();
    a.put("alert_id", str(row.getField("alert_id")));
    a.put("status", str(row.getField("status")));
    a.put("pipeline", str(row.getField("pipeline")));
    a.put("detector", str(row.getField("detector")));
    a.put("detector_type", str(row.getField("detector_type")));
    a.put("input", str(row.getField("input")));
    a.put("field", str(row.getField("field")));
    a.put("key", str(row.getField("key")));
    for (String d : ALERT_DOUBLES) {
      Object v = row.getField(d);
      if (v == null) {
        a.putNull(d);
      } else {
        a.put(d, ((Number) v).doubleValue());
      }
    }
    a.put("event_time", instant(row.getField("event_time")).toString());
    a.put("detection_time", instant(row.getField("detection_time")).toString());
    a.put("severity", str(row.getField("severity")));
    ArrayNode ids = a.putArray("event_ids");
    Object list = row.getField("event_ids");
    if (list instanceof List<?> l) {
      l.forEach(x -> ids.add(String.valueOf(x)));
    }
    a.put("message", str(row.getField("message")));
    // Re-read through AlertJson so the document is byte for byte what the live feed writes.
    return alert(a.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The document of a row of {@code errors.records}. */
  public static IndexDoc error(Record row) {
    ObjectNode e = NODES.objectNode();
    String id = str(row.getField("id"));
    String stage = str(row.getField("stage"));
    e.put("id", id);
    e.put("source", str(row.getField("source")));
    e.put("stage", stage);
    e.put("reason", str(row.getField("reason")));
    Instant ingest = instant(row.getField("ingest_time"));
    Instant rejected = instant(row.getField("error_time"));
    e.put("ingest_time", ingest.toString());
    e.put("error_time", rejected.toString());
    putIfSet(e, "original_text", row.getField("original_text"));
    putIfSet(e, "origin", row.getField("origin"));
    putIfSet(e, "kafka_topic", row.getField("kafka_topic"));
    putIfSet(e, "kafka_partition", row.getField("kafka_partition"));
    putIfSet(e, "kafka_offset", row.getField("kafka_offset"));
    ObjectNode doc = NODES.objectNode();
    doc.set("error", e);
    return new IndexDoc(
        "error:" + id + ":" + stage,
        SearchConfig.ERRORS_SOURCE,
        rejected.toEpochMilli(),
        ingest.toEpochMilli(),
        doc);
  }

  /**
   * The document of a row of a source's curated table, written like the job writes the row to the
   * enriched topic.
   */
  public static IndexDoc curated(String source, Record row) {
    ObjectNode event = NODES.objectNode();
    for (Types.NestedField f : row.struct().fields()) {
      JsonNode v = value(row.getField(f.name()), f.type());
      if (v != null) {
        event.set(f.name(), v);
      }
    }
    String id = event.path("event_id").asText();
    long ingest = instant(row.getField("ingest_time")).toEpochMilli();
    long eventMillis = instant(row.getField("event_time")).toEpochMilli();
    return new IndexDoc(id, source, eventMillis, ingest, event);
  }

  private static JsonNode value(Object v, Type type) {
    if (v == null) {
      return null;
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return NODES.booleanNode((Boolean) v);
      case INTEGER:
        return NODES.numberNode((Integer) v);
      case LONG:
        return NODES.numberNode((Long) v);
      case FLOAT:
        return NODES.numberNode((Float) v);
      case DOUBLE:
        return NODES.numberNode((Double) v);
      case DECIMAL:
        return NODES.numberNode((BigDecimal) v);
      case DATE:
        return NODES.textNode(((LocalDate) v).toString());
      case TIME:
        return NODES.textNode(((LocalTime) v).toString());
      case TIMESTAMP:
        if (v instanceof OffsetDateTime odt) {
          return NODES.textNode(
              FLINK_LTZ.format(odt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()));
        }
        return NODES.textNode(FLINK_TS.format((LocalDateTime) v));
      case STRING:
        return NODES.textNode(v.toString());
      case UUID:
        return NODES.textNode(((UUID) v).toString());
      case BINARY:
      case FIXED:
        byte[] bytes =
            v instanceof ByteBuffer b ? toArray(b) : v instanceof byte[] a ? a : new byte[0];
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      case STRUCT:
        {
          Record r = (Record) v;
          ObjectNode o = NODES.objectNode();
          for (Types.NestedField f : type.asStructType().fields()) {
            JsonNode c = value(r.getField(f.name()), f.type());
            if (c != null) {
              o.set(f.name(), c);
            }
          }
          return o;
        }
      case LIST:
        {
          ArrayNode a = NODES.arrayNode();
          Type element = type.asListType().elementType();
          for (Object x : (List<?>) v) {
            JsonNode c = value(x, element);
            a.add(c == null ? NODES.nullNode() : c);
          }
          return a;
        }
      case MAP:
        {
          ObjectNode o = NODES.objectNode();
          Type vt = type.asMapType().valueType();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            JsonNode c = value(e.getValue(), vt);
            o.set(String.valueOf(e.getKey()), c == null ? NODES.nullNode() : c);
          }
          return o;
        }
      default:
        return NODES.textNode(v.toString());
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static void putIfSet(ObjectNode o, String name, Object v) {
    if (v == null) {
      return;
    }
    if (v instanceof Integer i) {
      o.put(name, i);
    } else if (v instanceof Long l) {
      o.put(name, l);
    } else {
      o.put(name, v.toString());
    }
  }

  private static String str(Object v) {
    return v == null ? "" : v.toString();
  }

  private static Instant instant(Object v) {
    if (v instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (v instanceof LocalDateTime ldt) {
      return ldt.toInstant(ZoneOffset.UTC);
    }
    if (v instanceof Long micros) {
      return Instant.EPOCH.plusNanos(micros * 1000);
    }
    return Instant.EPOCH;
  }

  private static long parseMillis(String iso, long fallback) {
    if (iso == null || iso.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e2) {
        return fallback;
      }
    }
  }

  /** The ids a list of documents holds, for logs. */
  static List<String> ids(List<IndexDoc> docs) {
    List<String> out = new ArrayList<>();
    docs.forEach(d -> out.add(d.id()));
    return out;
  }
}
