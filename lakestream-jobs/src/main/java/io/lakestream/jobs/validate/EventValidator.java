package io.lakestream.jobs.validate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.SourceConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Parses an event's bytes, checks them against their source's JSON Schema and extracts the event
 * time.
 *
 * <p>Not thread-safe; build one per Flink subtask.
 *
 * <pre>{@code
 * EventValidator v = new EventValidator(cfg.sources());
 * Verdict verdict = v.check("sensors", bytes);
 * }</pre>
 */
public final class EventValidator {

  /** At most this many schema errors are spelled out in a reason; the rest are counted. */
  static final int MAX_REASONS = 3;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Map<String, SourceConfig> sources;
  private final Map<String, Schema> schemas = new HashMap<>();
  private final SchemaRegistry registry;

  public EventValidator(Map<String, SourceConfig> sources) {
    this.sources = Map.copyOf(sources);
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_POINTER)
            .build();
    this.registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, b -> b.schemaRegistryConfig(config));
    for (SourceConfig s : sources.values()) {
      schemas.put(s.name(), compile(s.schemaJson()));
    }
  }

  /** Judges one event of the named source against the schema it was declared with. */
  public Verdict check(String source, byte[] bytes) {
    return check(source, bytes, schemas.get(source));
  }

  /**
   * Compiles another schema text (a registered version) for {@link #check(String, byte[], Schema)}.
   *
   * @throws IllegalArgumentException when it is not valid JSON
   */
  public Schema compile(String schemaJson) {
    return registry.getSchema(readTree(schemaJson));
  }

  /** Judges one event of the named source against {@code schema}. */
  public Verdict check(String source, byte[] bytes, Schema schema) {
    SourceConfig cfg = sources.get(source);
    if (cfg == null) {
      return new Verdict.Rejected(
          Verdict.Stage.VALIDATE,
          "source '"
              + source
              + "' is not declared in the pipeline (known: "
              + sources.keySet()
              + ")");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException ex) {
      return new Verdict.Rejected(Verdict.Stage.PARSE, describe(ex));
    } catch (IOException ex) {
      return new Verdict.Rejected(Verdict.Stage.PARSE, "unreadable: " + ex.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      return new Verdict.Rejected(Verdict.Stage.PARSE, "empty event: expected a JSON object");
    }
    if (!node.isObject()) {
      return new Verdict.Rejected(
          Verdict.Stage.PARSE,
          "expected a JSON object, got " + node.getNodeType().name().toLowerCase());
    }
    List<Error> errors = schema.validate(node);
    if (!errors.isEmpty()) {
      return new Verdict.Rejected(Verdict.Stage.VALIDATE, describe(errors));
    }
    return eventTime(cfg.eventTime(), (ObjectNode) node);
  }

  static Verdict eventTime(EventTimeConfig et, ObjectNode event) {
    String pointer = "/" + et.field();
    JsonNode v = event.get(et.field());
    if (v == null || v.isNull()) {
      return new Verdict.Rejected(
          Verdict.Stage.EVENT_TIME,
          pointer + ": missing event time (declared in event_time.field)");
    }
    try {
      switch (et.format()) {
        case ISO8601:
          {
            if (!v.isTextual()) {
              return new Verdict.Rejected(
                  Verdict.Stage.EVENT_TIME,
                  pointer + ": must be an ISO-8601 timestamp string, got " + v);
            }
            String text = v.asText();
            long fast = IsoTimestamps.micros(text);
            return new Verdict.Accepted(
                fast != IsoTimestamps.NOT_FAST ? fast : micros(parseIso(text)), event);
          }
        case EPOCH_MILLIS:
          {
            BigDecimal ms = number(v);
            return new Verdict.Accepted(ms.movePointRight(3).longValueExact(), event);
          }
        case EPOCH_SECONDS:
          {
            BigDecimal s = number(v);
            return new Verdict.Accepted(
                s.movePointRight(6).setScale(0, java.math.RoundingMode.DOWN).longValueExact(),
                event);
          }
        default:
          throw new IllegalStateException("unhandled format " + et.format());
      }
    } catch (DateTimeParseException ex) {
      return new Verdict.Rejected(
          Verdict.Stage.EVENT_TIME,
          pointer
              + ": cannot parse '"
              + v.asText()
              + "' as an ISO-8601 timestamp (expected e.g. 2026-11-23T14:05:00Z)");
    } catch (NumberFormatException | ArithmeticException ex) {
      return new Verdict.Rejected(
          Verdict.Stage.EVENT_TIME,
          pointer + ": '" + v.asText() + "' is not a valid " + et.format().yamlName() + " value");
    }
  }

  private static Instant parseIso(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException ex) {
      return OffsetDateTime.parse(s).toInstant();
    }
  }

  private static BigDecimal number(JsonNode v) {
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isTextual()) {
      return new BigDecimal(v.asText().trim());
    }
    throw new NumberFormatException(v.toString());
  }

  private static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
  }

  /** "line 1, column 17: Unexpected character ..." without Jackson's source excerpt. */
  static String describe(JsonProcessingException ex) {
    JsonLocation loc = ex.getLocation();
    String msg = ex.getOriginalMessage();
    if (loc == null) {
      return "malformed JSON: " + msg;
    }
    return "malformed JSON at line "
        + loc.getLineNr()
        + ", column "
        + loc.getColumnNr()
        + ": "
        + msg;
  }

  static String describe(List<Error> errors) {
    String head =
        errors.stream()
            .limit(MAX_REASONS)
            .map(EventValidator::describe)
            .collect(Collectors.joining("; "));
    int more = errors.size() - MAX_REASONS;
    return more > 0 ? head + "; and " + more + " more" : head;
  }

  /** One schema error as "{pointer}: {what is wrong}", e.g. "/temperature: must be a number". */
  static String describe(Error e) {
    String where = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
    if (where.isEmpty()) {
      where = "/";
    }
    String kw = e.getKeyword() == null ? "" : e.getKeyword();
    Object[] args = e.getArguments() == null ? new Object[0] : e.getArguments();
    switch (kw) {
      case "type":
        {
          String expected = args.length > 1 ? String.valueOf(args[1]) : "?";
          String found = args.length > 0 ? String.valueOf(args[0]) : "?";
          return where + ": must be " + article(expected) + ", got " + found;
        }
      case "required":
        {
          String prop =
              e.getProperty() != null
                  ? e.getProperty()
                  : (args.length > 0 ? String.valueOf(args[0]) : "?");
          String base = where.equals("/") ? "" : where;
          return base + "/" + prop + ": required field is missing";
        }
      default:
        return where + ": " + stripLocation(e.getMessage(), where);
    }
  }

  private static String article(String type) {
    return switch (type) {
      case "integer", "array", "object" -> "an " + type;
      default -> "a " + type;
    };
  }

  private static String stripLocation(String message, String where) {
    if (message == null) {
      return "is invalid";
    }
    String prefix = where + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("schema is not valid JSON: " + describe(ex), ex);
    }
  }
}
