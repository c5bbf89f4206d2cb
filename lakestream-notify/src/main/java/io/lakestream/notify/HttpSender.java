package io.lakestream.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * POSTs bodies to one URL for an HTTP channel and classifies what came back.
 *
 * <p>Before every request the URL passes the {@link TargetGuard} again. One attempt, from
 * connecting to the end of the response, takes at most the timeout. Redirects are not followed. The
 * response body is read up to {@value #BODY_LIMIT} bytes, for error messages.
 *
 * <table>
 *   <caption>How attempts are classified</caption>
 *   <tr><th>result</th><th>classification</th></tr>
 *   <tr><td>2xx</td><td>delivered</td></tr>
 *   <tr><td>408, 429, 5xx; connection errors; timeouts; host not resolving</td>
 *       <td>retried ({@code Retry-After} honoured)</td></tr>
 *   <tr><td>3xx, other 4xx; target refused by the guard</td><td>failed, not retried</td></tr>
 * </table>
 */
final class HttpSender {

  static final int BODY_LIMIT = 1024;
  static final int ERROR_BODY_CHARS = 200;

  private final URI url;
  private final String shownUrl;
  private final Duration timeout;
  private final TargetGuard guard;
  private final HttpClient client;

  /**
   * Checks the target and prepares a client.
   *
   * @param label the channel for messages, e.g. {@code webhook channel 'ops'}
   * @throws IllegalArgumentException when the guard refuses the URL (a host that does not resolve
   *     yet is only logged: each delivery checks again)
   */
  HttpSender(String label, URI url, Duration timeout, TargetGuard guard) {
    this.url = url;
    this.shownUrl = TargetGuard.display(url);
    this.timeout = timeout;
    this.guard = guard;
    try {
      guard.check(url);
    } catch (TargetRefusedException e) {
      throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
    } catch (UnknownHostException e) {
      // Not fatal: DNS may be down for a moment, and a pipeline should not fail to start for it.
      // Every delivery checks the target again and retries while the host does not resolve.
      LoggerFactory.getLogger(HttpSender.class)
          .warn(
              "{}: cannot resolve the host of {} ({}) now; deliveries will try again. Check the"
                  + " url and this machine's DNS if it persists.",
              label,
              shownUrl,
              e.getMessage());
    }
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** One POST attempt. Never throws; interrupts end it as a final failure. */
  AttemptResult post(byte[] body, Map<String, String> headers) {
    try {
      guard.check(url);
    } catch (TargetRefusedException e) {
      return AttemptResult.permanent(0, e.getMessage());
    } catch (UnknownHostException e) {
      return AttemptResult.retryable(
          0,
          "cannot resolve the host of " + shownUrl + " (DNS lookup failed: " + e.getMessage() + ")",
          null);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(request.build(), info -> new LimitedBody(BODY_LIMIT));
    HttpResponse<byte[]> response;
    try {
      response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return timedOut();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return AttemptResult.permanent(0, "interrupted while sending to " + shownUrl);
    } catch (ExecutionException e) {
      return failure(e.getCause());
    }
    return classify(
        response.statusCode(),
        response.headers().firstValue("Location").orElse(null),
        response.headers().firstValue("Retry-After").orElse(null),
        response.body());
  }

  private AttemptResult timedOut() {
    return AttemptResult.retryable(
        0, "no complete response from " + shownUrl + " within " + human(timeout), null);
  }

  private AttemptResult failure(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof HttpConnectTimeoutException) {
      return AttemptResult.retryable(
          0, "could not connect to " + shownUrl + " within " + human(timeout), null);
    }
    if (cause instanceof HttpTimeoutException) {
      return timedOut();
    }
    if (cause instanceof ConnectException && cause.getMessage() == null) {
      return AttemptResult.retryable(
          0,
          "cannot connect to "
              + shownUrl
              + ": connection failed (nothing listening on that port, or a firewall in the way)",
          null);
    }
    if (cause instanceof ConnectException) {
      return AttemptResult.retryable(
          0, "cannot connect to " + shownUrl + ": " + describe(cause), null);
    }
    if (cause instanceof IOException) {
      return AttemptResult.retryable(
          0, "I/O error talking to " + shownUrl + ": " + describe(cause), null);
    }
    return AttemptResult.permanent(0, "cannot send to " + shownUrl + ": " + describe(cause));
  }

  /** Classifies a response; package-visible for tests. */
  AttemptResult classify(int status, String location, String retryAfter, byte[] body) {
    if (status >= 200 && status < 300) {
      return AttemptResult.success(status);
    }
    if (status >= 300 && status < 400) {
      return AttemptResult.permanent(
          status,
          "HTTP "
              + status
              + " from "
              + shownUrl
              + ": redirect"
              + (location == null
                  ? ""
                  : " to" + bodySnippet(location.getBytes(StandardCharsets.UTF_8)).substring(1))
              + " not followed (a redirect could lead to an internal address); configure the"
              + " final URL instead");
    }
    String text = "HTTP " + status + " from " + shownUrl + bodySnippet(body);
    if (status == 408 || status == 429 || status >= 500) {
      return AttemptResult.retryable(status, text, parseRetryAfter(retryAfter));
    }
    return AttemptResult.permanent(status, text);
  }

  /** ": <first 200 characters of the body>", or "" when it is empty. */
  static String bodySnippet(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String s = new String(body, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .limit(ERROR_BODY_CHARS)
        .forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    String out = sb.toString().strip();
    return out.isEmpty() ? "" : ": " + out;
  }

  /** A {@code Retry-After} value (seconds or an HTTP date) as a delay, or null. */
  static Duration parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return Duration.ofDays(1); // absurdly large: capped by max_backoff
      }
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Throwable c = t;
    for (int depth = 0; c != null && depth < 3; depth++, c = c.getCause()) {
      String m = c.getMessage();
      if (sb.length() > 0) {
        sb.append(": ");
      }
      sb.append(m == null || m.isBlank() ? c.getClass().getSimpleName() : m);
      if (c.getCause() == c) {
        break;
      }
    }
    return sb.toString();
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }

  /** Collects up to a limit of the body, then stops reading. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int n = Math.min(b.remaining(), limit - bytes.size());
        if (n > 0) {
          byte[] chunk = new byte[n];
          b.get(chunk);
          bytes.write(chunk, 0, n);
        }
      }
      if (bytes.size() >= limit && result.complete(bytes.toByteArray())) {
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
