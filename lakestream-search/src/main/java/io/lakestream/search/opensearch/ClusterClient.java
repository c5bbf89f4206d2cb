package io.lakestream.search.opensearch;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Thin HTTP layer over {@link HttpClient}: one request, one {@link Answer}; no retries (the sink
 * decides). Holds the basic-auth header, never prints it.
 */
final class ClusterClient implements AutoCloseable {

  /** One HTTP answer. */
  record Answer(int status, byte[] body, Duration retryAfter) {

    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The body as text, cut to {@code max} characters for error messages. */
    String bodySnippet(int max) {
      String s = new String(body, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        return "(empty body)";
      }
      return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
    }

    /** "HTTP 429: {...}" for messages. */
    String describe() {
      return "HTTP " + status + ": " + bodySnippet(500);
    }
  }

  private final HttpClient http;
  private final URI base;
  private final String authorization;
  private final Duration requestTimeout;

  ClusterClient(URI base, String user, String password, Duration requestTimeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.requestTimeout = requestTimeout;
    this.authorization =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (user + ":" + (password == null ? "" : password))
                            .getBytes(StandardCharsets.UTF_8));
    this.http =
        HttpClient.newBuilder()
            // OpenSearch speaks HTTP/1.1; no h2c upgrade attempt that proxies may choke on
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(requestTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The cluster address, without credentials, for messages. */
  String where() {
    return base.getScheme()
        + "://"
        + base.getHost()
        + (base.getPort() < 0 ? "" : ":" + base.getPort());
  }

  /**
   * Sends one request.
   *
   * @param method GET, PUT, POST, ...
   * @param path relative path and query, e.g. {@code events/_bulk}
   * @param body the body or {@code null}
   * @param contentType content type of the body
   */
  Answer exchange(String method, String path, byte[] body, String contentType) throws IOException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(requestTimeout)
            .header("Accept", "application/json");
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    if (body == null) {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      rb.header("Content-Type", contentType);
      rb.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException ie =
          new InterruptedIOException("interrupted while waiting for OpenSearch at " + where());
      ie.initCause(e);
      throw ie;
    }
    Duration retryAfter =
        Backoff.parseRetryAfter(
            response.headers().firstValue("Retry-After").orElse(null), Instant.now());
    byte[] bytes = response.body() == null ? new byte[0] : response.body();
    return new Answer(response.statusCode(), bytes, retryAfter);
  }

  @Override
  public void close() {
    // java.net.http.HttpClient is closeable only from Java 21; its threads end with it
  }
}
