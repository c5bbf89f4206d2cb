package io.lakestream.source.mqtt.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * Adds the device id taken from the topic to a JSON payload, as the first field of the object.
 *
 * <p>The payload is scanned (not parsed into a tree) and the field is spliced in after the opening
 * brace, so every other byte stays as the device sent it: numbers keep their exact text, key order
 * and whitespace are unchanged, and the cost is one scan plus one copy. The field is added only
 * when the payload is exactly one well-formed JSON object without that top-level field; anything
 * else is returned untouched, so an undecodable payload reaches the error zone as the original
 * bytes and a field the device sent is never overridden.
 */
public final class DeviceIds {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build();

  private DeviceIds() {}

  /**
   * {@code json} with {@code "field":"deviceId",} inserted at the start of the object, or {@code
   * json} itself when it is not one JSON object or already has {@code field}.
   */
  public static byte[] insert(byte[] json, String field, String deviceId) {
    if (!isObjectWithout(json, field)) {
      return json;
    }
    int brace = firstNonBlank(json);
    if (brace < 0 || json[brace] != '{') {
      return json;
    }
    boolean empty = firstNonBlankAfter(json, brace + 1) == '}';
    JsonStringEncoder enc = JsonStringEncoder.getInstance();
    byte[] name = enc.quoteAsUTF8(field);
    byte[] value = enc.quoteAsUTF8(deviceId);
    int extra = name.length + value.length + 5 + (empty ? 0 : 1);
    byte[] out = new byte[json.length + extra];
    int p = 0;
    System.arraycopy(json, 0, out, p, brace + 1);
    p += brace + 1;
    out[p++] = '"';
    System.arraycopy(name, 0, out, p, name.length);
    p += name.length;
    out[p++] = '"';
    out[p++] = ':';
    out[p++] = '"';
    System.arraycopy(value, 0, out, p, value.length);
    p += value.length;
    out[p++] = '"';
    if (!empty) {
      out[p++] = ',';
    }
    System.arraycopy(json, brace + 1, out, p, json.length - brace - 1);
    return out;
  }

  /** Whether {@code json} is exactly one well-formed object with no top-level {@code field}. */
  static boolean isObjectWithout(byte[] json, String field) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        if (field.equals(p.currentName())) {
          return false;
        }
        p.nextToken();
        p.skipChildren();
      }
      return t == JsonToken.END_OBJECT && p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Index of the first byte that is neither JSON whitespace nor part of a UTF-8 byte order mark.
   */
  private static int firstNonBlank(byte[] b) {
    int i = 0;
    if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
      i = 3;
    }
    while (i < b.length && isBlank(b[i])) {
      i++;
    }
    return i < b.length ? i : -1;
  }

  private static int firstNonBlankAfter(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (!isBlank(b[i])) {
        return b[i];
      }
    }
    return -1;
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
