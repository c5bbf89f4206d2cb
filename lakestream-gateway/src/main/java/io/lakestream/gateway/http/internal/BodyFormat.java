package io.lakestream.gateway.http.internal;

import java.util.Locale;
import java.util.Set;

/**
 * How a request body is to be read, decided from its {@code Content-Type}.
 *
 * <p>{@link #DETECT} covers JSON, {@code text/plain} and an absent header: the body's first
 * character tells an object from an array, and several newline-separated objects are read as
 * NDJSON. {@link #NDJSON} forces line-by-line reading.
 */
public enum BodyFormat {
  /** Object, array, or newline-separated objects, told apart by looking at the body. */
  DETECT,
  /** One JSON object per line. */
  NDJSON;

  private static final Set<String> NDJSON_TYPES =
      Set.of(
          "application/x-ndjson",
          "application/ndjson",
          "application/jsonl",
          "application/x-jsonl",
          "application/jsonlines",
          "application/x-jsonlines",
          "application/json-lines",
          "text/x-ndjson");

  /**
   * Read by looking at the body. {@code application/x-www-form-urlencoded} is here because it is
   * what {@code curl -d} sends unless told otherwise; a body that starts with '{' or '[' is JSON,
   * never form data, and refusing it would fail the most common first try.
   */
  private static final Set<String> JSON_TYPES =
      Set.of("application/json", "text/json", "text/plain", "application/x-www-form-urlencoded");

  /**
   * The format for the given headers.
   *
   * @param contentType the {@code Content-Type} header, may be null
   * @param contentEncoding the {@code Content-Encoding} header, may be null
   * @throws RequestRejected 415 for media types, charsets or encodings the gateway cannot read
   */
  public static BodyFormat of(String contentType, String contentEncoding) {
    gzip(contentEncoding);
    if (contentType == null || contentType.isBlank()) {
      return DETECT;
    }
    String[] parts = contentType.split(";");
    String mime = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String charset = param.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
        if (!charset.equals("utf-8") && !charset.equals("utf8") && !charset.equals("us-ascii")) {
          throw new RequestRejected(
              415,
              "unsupported_media_type",
              "charset '" + charset + "' is not supported; send the body as UTF-8");
        }
      }
    }
    if (NDJSON_TYPES.contains(mime)) {
      return NDJSON;
    }
    if (JSON_TYPES.contains(mime) || (mime.startsWith("application/") && mime.endsWith("+json"))) {
      return DETECT;
    }
    throw new RequestRejected(
        415,
        "unsupported_media_type",
        "Content-Type '"
            + mime
            + "' is not supported; send application/json (an object or an array of objects)"
            + " or application/x-ndjson (one object per line)");
  }

  /**
   * Whether the body is gzip-compressed ({@code Content-Encoding: gzip}, as Fluent Bit's and
   * Vector's http outputs send when compression is on).
   *
   * @throws RequestRejected 415 for any other encoding
   */
  public static boolean gzip(String contentEncoding) {
    if (contentEncoding == null
        || contentEncoding.isBlank()
        || contentEncoding.trim().equalsIgnoreCase("identity")) {
      return false;
    }
    if (contentEncoding.trim().equalsIgnoreCase("gzip")
        || contentEncoding.trim().equalsIgnoreCase("x-gzip")) {
      return true;
    }
    throw new RequestRejected(
        415,
        "unsupported_media_type",
        "Content-Encoding '"
            + contentEncoding.trim()
            + "' is not supported; send the body uncompressed or with gzip");
  }
}
