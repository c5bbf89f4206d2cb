package io.lakestream.gateway.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.lakestream.api.event.EventHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a request body into events and finds each event's id and key, without building trees.
 *
 * <p>Uses Jackson's streaming parser only to locate things: the top-level {@code id} and key
 * fields, and the byte span of every event. The events themselves are never re-serialized; the
 * gateway forwards the exact bytes the client sent, so the raw zone holds what arrived.
 *
 * <p>One instance per request (it keeps per-event scratch state); not thread-safe.
 */
public final class BatchParser {

  /**
   * Shared, thread-safe factory. Field-name interning is off because names come from untrusted
   * clients and would otherwise grow the JVM's string pool; source snippets are kept out of
   * locations so that error messages never echo a whole body.
   */
  static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  private static final Pattern SOURCE_LOCATION =
      Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");

  private static final int MAX_MESSAGE = 300;

  private final String keyField;

  // Scratch state of the object being read; fields instead of a result object per event.
  private String id;
  private String key;

  /**
   * A parser for one request of a source.
   *
   * @param keyField top-level field holding the event key
   */
  public BatchParser(String keyField) {
    this.keyField = keyField;
  }

  /**
   * Parses {@code body[0, length)}.
   *
   * @param format {@link BodyFormat#NDJSON} to read lines regardless of the content
   * @throws RequestRejected 400 when the body is empty, malformed (single object or array) or holds
   *     something other than objects
   */
  public EventBatch parse(byte[] body, int length, BodyFormat format) {
    int from = 0;
    // A UTF-8 byte order mark is legal but not JSON; leave it out of every span.
    if (length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
      from = 3;
    }
    int first = skipWhitespace(body, from, length);
    if (first == length) {
      throw new RequestRejected(
          400,
          "empty_body",
          "the request body is empty; send a JSON object, a JSON array of objects,"
              + " or NDJSON (one object per line)");
    }
    if (format == BodyFormat.NDJSON) {
      return parseLines(body, from, length);
    }
    byte c = body[first];
    if (c == '[') {
      return parseArray(body, from, length);
    }
    if (c == '{') {
      return parseObjectOrLines(body, from, length, first);
    }
    return rejectNonObject(body, from, length);
  }

  private EventBatch parseObjectOrLines(byte[] b, int from, int end, int first) {
    int objectEnd;
    try (JsonParser p = JSON.createParser(b, from, end - from)) {
      p.nextToken();
      readObject(p);
      objectEnd = from + offset(p.currentLocation());
    } catch (IOException e) {
      // A client that sends NDJSON as application/json and has a bad first line still gets its
      // good lines accepted, as long as the body clearly is one object per line.
      if (looksLikeNdjson(b, from, end)) {
        return parseLines(b, from, end);
      }
      throw malformed(e, b, from, end);
    }
    int next = skipWhitespace(b, objectEnd, end);
    if (next == end) {
      EventBatch batch = new EventBatch(EventBatch.Kind.SINGLE, 1);
      batch.add(first, objectEnd - first, 0, id, keyBytes());
      return batch;
    }
    boolean newlineBetween = indexOf(b, (byte) '\n', objectEnd, next) >= 0;
    boolean firstOnOneLine = indexOf(b, (byte) '\n', first, objectEnd) < 0;
    if (newlineBetween && firstOnOneLine) {
      return parseLines(b, from, end);
    }
    if (b[next] == '{') {
      // Objects back to back: what `curl -d @events.ndjson` sends (curl strips the newlines) and
      // what `jq .` prints (pretty objects one after another).
      return parseSequence(b, from, end);
    }
    throw new RequestRejected(
            400,
            "malformed_json",
            "unexpected content after the JSON object; send one object, a JSON array of"
                + " objects, or NDJSON (one object per line)")
        .at(lineOf(b, from, next), charColumn(b, lineStart(b, from, next), next));
  }

  /**
   * A body of top-level objects one after another, with or without whitespace between them. Their
   * boundaries are only known by parsing, so a malformed one rejects the whole request (400).
   */
  private EventBatch parseSequence(byte[] b, int from, int end) {
    try (JsonParser p = JSON.createParser(b, from, end - from)) {
      EventBatch batch = new EventBatch(EventBatch.Kind.ARRAY, 64);
      int index = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        readElement(p, t, b, from, index++, "value", "of the body", batch);
      }
      return batch;
    } catch (IOException e) {
      throw malformed(e, b, from, end);
    }
  }

  private EventBatch parseArray(byte[] b, int from, int end) {
    try (JsonParser p = JSON.createParser(b, from, end - from)) {
      p.nextToken();
      EventBatch batch = new EventBatch(EventBatch.Kind.ARRAY, 64);
      int index = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        readElement(p, t, b, from, index++, "array element", "", batch);
      }
      int next = skipWhitespace(b, from + offset(p.currentLocation()), end);
      if (next != end) {
        throw new RequestRejected(400, "malformed_json", "unexpected content after the JSON array")
            .at(lineOf(b, from, next), charColumn(b, lineStart(b, from, next), next));
      }
      return batch;
    } catch (IOException e) {
      throw malformed(e, b, from, end);
    }
  }

  /**
   * Adds the object starting at the current token as element {@code index}, or rejects the request
   * (400 not_an_object) naming the element when it is not an object.
   */
  private void readElement(
      JsonParser p,
      JsonToken t,
      byte[] b,
      int from,
      int index,
      String what,
      String where,
      EventBatch batch)
      throws IOException {
    int start = from + offset(p.currentTokenLocation());
    if (t != JsonToken.START_OBJECT) {
      throw new RequestRejected(
              400,
              "not_an_object",
              what
                  + " "
                  + index
                  + " (0-based)"
                  + (where.isEmpty() ? "" : " " + where)
                  + " is "
                  + describe(t)
                  + "; every "
                  + (what.equals("value") ? "value" : "element")
                  + " must be a JSON object")
          .index(index)
          .at(lineOf(b, from, start), charColumn(b, lineStart(b, from, start), start));
    }
    readObject(p);
    int stop = from + offset(p.currentLocation());
    batch.add(start, stop - start, index, id, keyBytes());
  }

  private EventBatch rejectNonObject(byte[] b, int from, int end) {
    try (JsonParser p = JSON.createParser(b, from, end - from)) {
      JsonToken t = p.nextToken();
      int start = from + offset(p.currentTokenLocation());
      throw new RequestRejected(
              400,
              "not_an_object",
              "the body is "
                  + describe(t)
                  + "; send a JSON object, a JSON array of objects, or NDJSON (one object per"
                  + " line)")
          .at(lineOf(b, from, start), charColumn(b, lineStart(b, from, start), start));
    } catch (IOException e) {
      throw malformed(e, b, from, end);
    }
  }

  private EventBatch parseLines(byte[] b, int from, int end) {
    EventBatch batch = new EventBatch(EventBatch.Kind.NDJSON, 64);
    int line = 1;
    int pos = from;
    while (pos < end) {
      int newline = indexOf(b, (byte) '\n', pos, end);
      int lineEnd = newline < 0 ? end : newline;
      int contentEnd = lineEnd;
      if (contentEnd > pos && b[contentEnd - 1] == '\r') {
        contentEnd--;
      }
      if (skipWhitespace(b, pos, contentEnd) < contentEnd) {
        parseLine(b, pos, contentEnd, line, batch);
      }
      pos = lineEnd + 1;
      line++;
    }
    return batch;
  }

  private void parseLine(byte[] b, int start, int end, int line, EventBatch batch) {
    try (JsonParser p = JSON.createParser(b, start, end - start)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        int at = start + offset(p.currentTokenLocation());
        batch.addQuarantined(
            start,
            end - start,
            line,
            charColumn(b, start, at),
            "expected a JSON object, found " + describe(t));
        return;
      }
      readObject(p);
      int next = skipWhitespace(b, start + offset(p.currentLocation()), end);
      if (next != end) {
        batch.addQuarantined(
            start,
            end - start,
            line,
            charColumn(b, start, next),
            "unexpected content after the JSON object");
        return;
      }
      batch.add(start, end - start, line, id, keyBytes());
    } catch (IOException e) {
      int at = errorPosition(e, b, start, end);
      batch.addQuarantined(start, end - start, line, charColumn(b, start, at), message(e, -1));
    }
  }

  /**
   * Reads the object whose START_OBJECT is the current token, up to its END_OBJECT, noting the
   * top-level id and key. Nested values are skipped, not examined.
   */
  private void readObject(JsonParser p) throws IOException {
    id = null;
    key = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      if (EventHeaders.ID_FIELD.equals(name)) {
        if (value == JsonToken.VALUE_STRING || value.isNumeric()) {
          String text = p.getText();
          id = text.isEmpty() ? null : text;
        } else {
          id = null;
        }
      }
      if (keyField.equals(name)) {
        if (value == JsonToken.VALUE_STRING || value.isNumeric()) {
          key = p.getText();
        } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
          key = value == JsonToken.VALUE_TRUE ? "true" : "false";
        } else {
          key = null;
        }
      }
    }
  }

  private byte[] keyBytes() {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  private static RequestRejected malformed(IOException e, byte[] b, int from, int end) {
    int at = errorPosition(e, b, from, end);
    int line = lineOf(b, from, at);
    return new RequestRejected(400, "malformed_json", message(e, 1))
        .at(line, charColumn(b, lineStart(b, from, at), at));
  }

  /**
   * Where in {@code b} Jackson found the problem. Its line and column are trusted over its byte
   * offset, which for some errors points past the offending token.
   */
  private static int errorPosition(IOException e, byte[] b, int from, int end) {
    JsonLocation loc = e instanceof JsonProcessingException jpe ? jpe.getLocation() : null;
    if (loc == null || loc.getLineNr() < 1) {
      return end;
    }
    int pos = from;
    for (int line = 1; line < loc.getLineNr() && pos < end; pos++) {
      if (b[pos] == '\n' || (b[pos] == '\r' && (pos + 1 >= end || b[pos + 1] != '\n'))) {
        line++;
      }
    }
    return (int) Math.min(end, (long) pos + Math.max(0, loc.getColumnNr() - 1));
  }

  /**
   * Jackson's message without its location suffixes, which would name an internal source and a line
   * relative to the parsed span.
   *
   * @param baseLine 1 to keep nested line numbers (whole body), -1 to drop them (NDJSON line)
   */
  static String message(IOException e, int baseLine) {
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    Matcher matcher = SOURCE_LOCATION.matcher(m);
    StringBuilder sb = new StringBuilder(m.length());
    while (matcher.find()) {
      String replacement =
          baseLine > 0
              ? "line " + matcher.group(1) + ", column " + matcher.group(2)
              : "column " + matcher.group(2);
      matcher.appendReplacement(sb, replacement);
    }
    matcher.appendTail(sb);
    String clean = sb.toString().replace('\n', ' ').replace('\r', ' ');
    return clean.length() > MAX_MESSAGE ? clean.substring(0, MAX_MESSAGE) + "..." : clean;
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
    };
  }

  private static boolean looksLikeNdjson(byte[] b, int from, int end) {
    int lines = 0;
    int pos = from;
    while (pos < end) {
      int newline = indexOf(b, (byte) '\n', pos, end);
      int lineEnd = newline < 0 ? end : newline;
      int first = skipWhitespace(b, pos, lineEnd);
      if (first < lineEnd) {
        if (b[first] != '{') {
          return false;
        }
        lines++;
      }
      pos = lineEnd + 1;
    }
    return lines >= 2;
  }

  private static int offset(JsonLocation loc) {
    return (int) loc.getByteOffset();
  }

  private static int skipWhitespace(byte[] b, int pos, int end) {
    while (pos < end) {
      byte c = b[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return pos;
      }
      pos++;
    }
    return end;
  }

  private static int indexOf(byte[] b, byte value, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** 1-based line of {@code pos}, counting lines the way Jackson does (LF, CRLF or CR). */
  private static int lineOf(byte[] b, int from, int pos) {
    int line = 1;
    for (int i = from; i < pos; i++) {
      if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= pos || b[i + 1] != '\n'))) {
        line++;
      }
    }
    return line;
  }

  private static int lineStart(byte[] b, int from, int pos) {
    int start = pos;
    while (start > from && b[start - 1] != '\n' && b[start - 1] != '\r') {
      start--;
    }
    return start;
  }

  /** 1-based column of {@code pos} in characters, not bytes, so non-ASCII text counts right. */
  private static int charColumn(byte[] b, int lineStart, int pos) {
    int chars = 0;
    for (int i = lineStart; i < pos; i++) {
      if ((b[i] & 0xC0) != 0x80) {
        chars++;
      }
    }
    return chars + 1;
  }
}
