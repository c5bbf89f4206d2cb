package io.lakestream.registry.compat.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.registry.compat.InvalidSchemaException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Reads untrusted JSON text under the registry's size, depth and duplicate-key limits. */
public final class JsonDocuments {
  /** Maximum document length in characters (1 MiB). */
  public static final int MAX_TEXT_CHARS = 1 << 20;

  /** Maximum JSON nesting depth (objects and arrays). */
  public static final int MAX_JSON_DEPTH = 128;

  /** Maximum members in one JSON object, e.g. properties of one object schema. */
  public static final int MAX_OBJECT_MEMBERS = 1_000;

  /** Maximum JSON tokens in one document; bounds the work of every later pass. */
  public static final int MAX_TOKENS = 200_000;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  // One above our limit, so our own pre-scan reports depth with a path first.
                  .maxNestingDepth(MAX_JSON_DEPTH + 1)
                  .maxStringLength(MAX_TEXT_CHARS)
                  .maxNumberLength(100)
                  .maxTokenCount(MAX_TOKENS + 1L)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private static final ObjectMapper MAPPER =
      new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonDocuments() {}

  /**
   * Parses {@code text} as one JSON value, enforcing all limits.
   *
   * @param language named in error messages, e.g. "JSON Schema" or "Avro schema"
   * @throws InvalidSchemaException naming the limit or syntax error and where it happened
   */
  public static JsonNode read(String text, String language) {
    if (text == null || text.isBlank()) {
      throw new InvalidSchemaException(language + " document is empty");
    }
    if (text.length() > MAX_TEXT_CHARS) {
      throw new InvalidSchemaException(
          language
              + " document is "
              + text.length()
              + " characters; the limit is "
              + MAX_TEXT_CHARS);
    }
    scan(text, language);
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw syntaxError(language, e, null);
    }
  }

  /**
   * Streams the document once to check depth, object sizes and token count before any tree is
   * built, so the error can name the JSON pointer where the limit was hit.
   */
  private static void scan(String text, String language) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      Deque<int[]> memberCounts = new ArrayDeque<>();
      long tokens = 0;
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (++tokens > MAX_TOKENS) {
          throw new InvalidSchemaException(
              language + " document has more than " + MAX_TOKENS + " JSON tokens");
        }
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            if (memberCounts.size() >= MAX_JSON_DEPTH) {
              throw new InvalidSchemaException(
                  language
                      + " document nests deeper than "
                      + MAX_JSON_DEPTH
                      + " levels at "
                      + abbreviate(
                          parser.getParsingContext().getParent().pathAsPointer().toString())
                      + " ("
                      + where(parser.currentTokenLocation())
                      + ")");
            }
            memberCounts.push(new int[1]);
          }
          case END_OBJECT, END_ARRAY -> memberCounts.pop();
          case FIELD_NAME -> {
            int[] count = memberCounts.peek();
            if (count != null && ++count[0] > MAX_OBJECT_MEMBERS) {
              throw new InvalidSchemaException(
                  language
                      + " object at "
                      + pointerOrRoot(
                          parser.getParsingContext().getParent().pathAsPointer().toString())
                      + " has more than "
                      + MAX_OBJECT_MEMBERS
                      + " members");
            }
          }
          default -> {}
        }
      }
    } catch (StreamConstraintsException e) {
      throw new InvalidSchemaException(
          language + " document exceeds a parser limit: " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw syntaxError(language, e, e.getProcessor());
    } catch (IOException e) {
      // Reading from a String cannot do I/O; treat anything here as malformed input.
      throw new InvalidSchemaException(
          language + " document could not be read: " + e.getMessage(), e);
    }
  }

  private static InvalidSchemaException syntaxError(
      String language, JsonProcessingException e, Object processor) {
    String pointer = "";
    if (processor instanceof JsonParser parser && parser.getParsingContext() != null) {
      pointer = " at " + pointerOrRoot(parser.getParsingContext().pathAsPointer().toString());
    }
    JsonLocation location = e.getLocation();
    String where = location == null ? "" : " (" + where(location) + ")";
    return new InvalidSchemaException(
        "malformed " + language + pointer + where + ": " + e.getOriginalMessage(), e);
  }

  private static String where(JsonLocation location) {
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String pointerOrRoot(String pointer) {
    return pointer.isEmpty() ? "/" : abbreviate(pointer);
  }

  private static String abbreviate(String pointer) {
    // A pointer into a pathological document can be as long as the document itself.
    return pointer.length() <= 200 ? pointer : pointer.substring(0, 200) + "...";
  }
}
