package io.lakestream.source.logs.fluent.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageUnpacker;

/**
 * Writes one Fluentd record (a msgpack map) as one JSON object, adding {@code tag} and {@code time}
 * unless the record has fields of those names, and picks out the record's {@code id} and the
 * source's key field on the way, so the event is not parsed a second time.
 *
 * <p>Mapping: msgpack str is JSON text (invalid UTF-8 replaced by U+FFFD); bin is JSON text when
 * its bytes are valid UTF-8 (older clients send strings as bin) and standard base64 otherwise; ext
 * type 0 (Fluentd EventTime) and -1 (msgpack timestamp) are ISO-8601 UTC text; other ext values are
 * {@code {"ext_type": n, "base64": "..."}}; unsigned 64-bit integers past {@code Long.MAX_VALUE}
 * stay exact; NaN and infinities become the strings {@code "NaN"}, {@code "Infinity"}; map keys
 * that are numbers, booleans, nil or bin become their text. A record that is not a map, has a map
 * or array as a key, or nests deeper than the limit is a {@link Problem}: it goes to the error zone
 * whole.
 *
 * <p>Duplicate keys are written as they come; a JSON reader keeps the last, and so does the id and
 * key pick-up here.
 *
 * <p>Not thread-safe; one per connection.
 */
final class RecordJson {

  /** A record that cannot become a JSON event; the reason goes to the error zone with its bytes. */
  static final class Problem extends Exception {
    Problem(String message) {
      super(message, null, false, false);
    }
  }

  static final String TAG_FIELD = "tag";
  static final String TIME_FIELD = "time";
  static final String ID_FIELD = "id";

  private static final JsonFactory JSON = new JsonFactory();
  private static final int KEEP_SCRATCH = 1 << 20;

  private final String keyField;
  private final int maxDepth;
  private final ByteArrayBuilder out = new ByteArrayBuilder(1024);
  private byte[] scratch = new byte[256];

  // Set by value() when a caller asks for a top-level scalar's text.
  private String capturedText;
  private boolean capturedIsIdType;

  // Results of the last write().
  private String id;
  private byte[] key;

  RecordJson(String keyField, int maxDepth) {
    this.keyField = keyField;
    this.maxDepth = maxDepth;
  }

  /** The record's own {@code id} (a string or an integer), or {@code null}. */
  String id() {
    return id;
  }

  /** UTF-8 text of the key field's value when it is a string, number or boolean, else null. */
  byte[] key() {
    return key;
  }

  /** Lets go of a large scratch buffer after an entry that needed one. */
  void trim() {
    if (scratch.length > KEEP_SCRATCH) {
      scratch = new byte[256];
    }
  }

  /**
   * Writes the map the unpacker is at as a JSON object.
   *
   * @param tag the entry's tag, added as {@code tag} unless the record has that field
   * @param time ISO-8601 event time, added as {@code time} unless the record has that field
   * @throws Problem when the record cannot be represented (the unpacker is then mid-record)
   * @throws IOException only from msgpack-core on input the framer already checked
   */
  byte[] write(MessageUnpacker u, String tag, String time) throws Problem, IOException {
    id = null;
    key = null;
    MessageFormat f = u.getNextFormat();
    if (f.getValueType() != org.msgpack.value.ValueType.MAP) {
      throw new Problem("record is " + describe(f) + ", not a map");
    }
    out.reset();
    boolean hasTag = false;
    boolean hasTime = false;
    try (JsonGenerator g = JSON.createGenerator(out)) {
      int n = u.unpackMapHeader();
      g.writeStartObject();
      for (int i = 0; i < n; i++) {
        String name = key(u);
        g.writeFieldName(name);
        boolean isId = name.equals(ID_FIELD);
        boolean isKey = name.equals(keyField);
        hasTag |= name.equals(TAG_FIELD);
        hasTime |= name.equals(TIME_FIELD);
        capturedText = null;
        value(u, g, 2, isId || isKey);
        // As EventFields reads the JSON: a later field of the same name only counts if usable.
        if (isId && capturedIsIdType && capturedText != null) {
          id = capturedText;
        }
        if (isKey && capturedText != null) {
          key = capturedText.getBytes(StandardCharsets.UTF_8);
        }
      }
      if (!hasTag) {
        g.writeStringField(TAG_FIELD, tag);
        if (TAG_FIELD.equals(keyField)) {
          key = tag.getBytes(StandardCharsets.UTF_8);
        }
      }
      if (!hasTime) {
        g.writeStringField(TIME_FIELD, time);
        if (TIME_FIELD.equals(keyField)) {
          key = time.getBytes(StandardCharsets.UTF_8);
        }
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private void value(MessageUnpacker u, JsonGenerator g, int depth, boolean capture)
      throws IOException, Problem {
    MessageFormat f = u.getNextFormat();
    capturedIsIdType = false;
    switch (f.getValueType()) {
      case NIL -> {
        u.unpackNil();
        g.writeNull();
      }
      case BOOLEAN -> {
        boolean b = u.unpackBoolean();
        g.writeBoolean(b);
        if (capture) {
          capturedText = Boolean.toString(b);
        }
      }
      case INTEGER -> {
        String text;
        if (f == MessageFormat.UINT64) {
          BigInteger big = u.unpackBigInteger();
          g.writeNumber(big);
          text = capture ? big.toString() : null;
        } else {
          long v = u.unpackLong();
          g.writeNumber(v);
          text = capture ? Long.toString(v) : null;
        }
        capturedText = text;
        capturedIsIdType = true;
      }
      case FLOAT -> {
        // Jackson writes NaN and the infinities as strings, so they count as ids there too.
        if (f == MessageFormat.FLOAT32) {
          float v = u.unpackFloat();
          g.writeNumber(v);
          capturedText = capture ? Float.toString(v) : null;
          capturedIsIdType = !Float.isFinite(v);
        } else {
          double v = u.unpackDouble();
          g.writeNumber(v);
          capturedText = capture ? Double.toString(v) : null;
          capturedIsIdType = !Double.isFinite(v);
        }
      }
      case STRING -> {
        int len = u.unpackRawStringHeader();
        text(u, g, len, capture, false);
      }
      case BINARY -> {
        int len = u.unpackBinaryHeader();
        text(u, g, len, capture, true);
      }
      case ARRAY -> {
        int n = u.unpackArrayHeader();
        checkDepth(depth);
        g.writeStartArray();
        for (int i = 0; i < n; i++) {
          value(u, g, depth + 1, false);
        }
        g.writeEndArray();
        capturedText = null;
      }
      case MAP -> {
        int n = u.unpackMapHeader();
        checkDepth(depth);
        g.writeStartObject();
        for (int i = 0; i < n; i++) {
          g.writeFieldName(key(u));
          value(u, g, depth + 1, false);
        }
        g.writeEndObject();
        capturedText = null;
      }
      case EXTENSION -> {
        ExtensionTypeHeader h = u.unpackExtensionTypeHeader();
        String time = extTime(u, h);
        if (time != null) {
          g.writeString(time);
          capturedText = capture ? time : null;
          capturedIsIdType = true;
        } else {
          byte[] data = payload(u, h.getLength());
          g.writeStartObject();
          g.writeNumberField("ext_type", h.getType());
          g.writeFieldName("base64");
          g.writeBinary(data, 0, h.getLength());
          g.writeEndObject();
          capturedText = null;
        }
      }
      default -> throw new Problem("unsupported msgpack value " + f);
    }
  }

  private void text(MessageUnpacker u, JsonGenerator g, int len, boolean capture, boolean bin)
      throws IOException {
    byte[] b = payload(u, len);
    if (Utf8Check.isValid(b, 0, len)) {
      g.writeUTF8String(b, 0, len);
      if (capture) {
        capturedText = new String(b, 0, len, StandardCharsets.UTF_8);
        capturedIsIdType = true;
      }
    } else if (bin) {
      g.writeBinary(b, 0, len);
      if (capture) {
        capturedText = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b, len));
        capturedIsIdType = true;
      }
    } else {
      String s = new String(b, 0, len, StandardCharsets.UTF_8); // U+FFFD for bad sequences
      g.writeString(s);
      if (capture) {
        capturedText = s;
        capturedIsIdType = true;
      }
    }
  }

  private String key(MessageUnpacker u) throws IOException, Problem {
    MessageFormat f = u.getNextFormat();
    switch (f.getValueType()) {
      case STRING -> {
        return u.unpackString();
      }
      case BINARY -> {
        int len = u.unpackBinaryHeader();
        byte[] b = payload(u, len);
        return Utf8Check.isValid(b, 0, len)
            ? new String(b, 0, len, StandardCharsets.UTF_8)
            : Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b, len));
      }
      case INTEGER -> {
        return f == MessageFormat.UINT64
            ? u.unpackBigInteger().toString()
            : Long.toString(u.unpackLong());
      }
      case FLOAT -> {
        return f == MessageFormat.FLOAT32
            ? Float.toString(u.unpackFloat())
            : Double.toString(u.unpackDouble());
      }
      case BOOLEAN -> {
        return Boolean.toString(u.unpackBoolean());
      }
      case NIL -> {
        u.unpackNil();
        return "null";
      }
      default -> throw new Problem("a map key is " + describe(f) + ": JSON keys must be text");
    }
  }

  /** ISO-8601 text for the two time extensions, or null for any other extension. */
  private String extTime(MessageUnpacker u, ExtensionTypeHeader h) throws IOException, Problem {
    if (h.getType() == 0 && h.getLength() == 8) {
      byte[] b = payload(u, 8);
      long seconds = be32(b, 0);
      long nanos = be32(b, 4);
      if (nanos > 999_999_999L) {
        throw new Problem("EventTime has " + nanos + " nanoseconds");
      }
      return Instant.ofEpochSecond(seconds, nanos).toString();
    }
    if (h.getType() == -1) {
      try {
        return u.unpackTimestamp(h).toString();
      } catch (RuntimeException e) {
        throw new Problem("invalid msgpack timestamp: " + e.getMessage());
      }
    }
    return null;
  }

  private byte[] payload(MessageUnpacker u, int len) throws IOException {
    // len was checked by the framer against the bytes actually present.
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, Math.min(2 * scratch.length, Integer.MAX_VALUE - 64))];
    }
    u.readPayload(scratch, 0, len);
    return scratch;
  }

  private void checkDepth(int depth) throws Problem {
    if (depth > maxDepth) {
      throw new Problem("maps and arrays nested deeper than " + maxDepth + " levels");
    }
  }

  static long be32(byte[] b, int p) {
    return (b[p] & 0xFFL) << 24
        | (b[p + 1] & 0xFFL) << 16
        | (b[p + 2] & 0xFFL) << 8
        | b[p + 3] & 0xFFL;
  }

  static String describe(MessageFormat f) {
    return switch (f.getValueType()) {
      case NIL -> "nil";
      case BOOLEAN -> "a boolean";
      case INTEGER -> "an integer";
      case FLOAT -> "a float";
      case STRING -> "a string";
      case BINARY -> "a bin";
      case ARRAY -> "an array";
      case MAP -> "a map";
      case EXTENSION -> "an ext value";
    };
  }
}
