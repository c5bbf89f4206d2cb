package io.lakestream.api.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.lakestream.api.event.EventHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the two envelope fields every source needs from one JSON event: the top-level {@code id}
 * and the source's key field. Also checks that the bytes are one well-formed JSON object, so that a
 * payload which is not one goes to the error zone with the parser's reason instead of being guessed
 * at.
 *
 * <p>{@code RawRecord r = EventFields.record(payload, "device_id", "mqtt 127.0.0.1:50122 topic
 * sensors/dev-1/telemetry");}
 */
public final class EventFields {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build();

  private EventFields() {}

  /**
   * What was found in one payload.
   *
   * @param id the top-level {@code id} (a string or an integer), or {@code null}
   * @param key UTF-8 text of the key field when it is a string, number or boolean, else {@code
   *     null}
   * @param error {@code null} for one well-formed JSON object; otherwise what is wrong and where
   */
  public record Fields(String id, byte[] key, String error) {}

  /** Scans {@code json[off, off+len)}. Never throws on bad input. */
  public static Fields read(byte[] json, int off, int len, String keyField) {
    String id = null;
    byte[] key = null;
    try (JsonParser p = JSON.createParser(json, off, len)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return new Fields(
            null,
            null,
            t == null
                ? "empty payload: expected one JSON object"
                : "expected a JSON object, got " + describe(t));
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v.isStructStart()) {
          p.skipChildren();
          continue;
        }
        if (EventHeaders.ID_FIELD.equals(name)
            && (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT)) {
          id = p.getText();
        }
        if (name.equals(keyField) && v.isScalarValue() && v != JsonToken.VALUE_NULL) {
          key = p.getText().getBytes(StandardCharsets.UTF_8);
        }
      }
      if (p.nextToken() != null) {
        return new Fields(
            null,
            null,
            "more than one JSON value: expected exactly one object (at byte "
                + p.currentLocation().getByteOffset()
                + ")");
      }
      return new Fields(id, key, null);
    } catch (JsonProcessingException e) {
      return new Fields(null, null, "malformed JSON: " + e.getOriginalMessage() + at(e));
    } catch (IOException e) {
      return new Fields(null, null, "unreadable JSON: " + e.getMessage());
    }
  }

  /**
   * The raw record for one JSON payload: with the payload's id (or a generated one) and key when it
   * is one well-formed object, else kept whole for the error zone with the reason.
   */
  public static RawRecord record(byte[] json, String keyField, String origin) {
    Fields f = read(json, 0, json.length, keyField);
    if (f.error() != null) {
      return RawRecord.undecodable(EventIds.next(), json, origin, f.error());
    }
    boolean generated = f.id() == null;
    return RawRecord.event(generated ? EventIds.next() : f.id(), generated, f.key(), json, origin);
  }

  private static String at(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString();
    };
  }
}
