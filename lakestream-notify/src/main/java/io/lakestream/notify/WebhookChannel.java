package io.lakestream.notify;

import io.lakestream.api.alert.AlertJson;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each alert as a JSON POST request: the body is the alert's {@link AlertJson} form.
 *
 * <h2>Request</h2>
 *
 * <pre>
 * POST {url}
 * Content-Type: application/json
 * User-Agent: lakestream/{version}
 * X-Lakestream-Alert-Id: {alert_id}            same on an incident's open and resolved alerts
 * X-Lakestream-Delivery: {uuid}                one per alert and channel, the same on every retry
 * X-Lakestream-Attempt: {n}                    1 for the first attempt, 2 for the first retry, …
 * X-Lakestream-Timestamp: {epoch seconds}      when this attempt was sent
 * X-Lakestream-Signature: sha256={hex}         only when the channel has a secret
 *
 * {"alert_id":"…","status":"open",…}
 * </pre>
 *
 * <p>Receivers should answer 2xx quickly and use {@code X-Lakestream-Delivery} to drop a delivery
 * they have already processed (a retry after a timeout may repeat one that did arrive).
 *
 * <h2>Signature</h2>
 *
 * <p>With a secret, {@code X-Lakestream-Signature} is {@code sha256=} followed by the lowercase hex
 * HMAC-SHA256, keyed with the secret's UTF-8 bytes, of the bytes of the timestamp header's value,
 * one {@code .} and the raw request body: {@code HMAC_SHA256(secret, "<timestamp>.<body>")}. Every
 * attempt gets a fresh timestamp and signature; the body is the same. To verify, compute the same
 * value over the body exactly as received, compare in constant time, and refuse timestamps far from
 * the current time (e.g. more than 5 minutes) to stop replays:
 *
 * <pre>{@code
 * String ts = request.header("X-Lakestream-Timestamp");
 * byte[] body = request.bodyBytes();                      // raw bytes, before any JSON parsing
 * Mac mac = Mac.getInstance("HmacSHA256");
 * mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
 * mac.update((ts + ".").getBytes(UTF_8));
 * String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
 * boolean fresh = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts)) <= 300;
 * boolean valid = fresh && MessageDigest.isEqual(
 *     expected.getBytes(UTF_8), request.header("X-Lakestream-Signature").getBytes(UTF_8));
 * }</pre>
 *
 * <p>In Python: {@code hmac.compare_digest("sha256=" + hmac.new(secret.encode(), ts.encode() + b"."
 * + body, hashlib.sha256).hexdigest(), signature)}.
 *
 * <h2>Delivery</h2>
 *
 * <p>Attempts, retries and their classification are described in {@link Notifier}; the target is
 * checked by {@link TargetGuard} when the channel is created and before every attempt.
 */
public final class WebhookChannel extends NotificationChannel {

  /** Prefix of the signature header's value. */
  public static final String SIGNATURE_PREFIX = "sha256=";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookChannel.class);

  private final WebhookConfig config;
  private final HttpSender sender;
  private final RetryPolicy retryPolicy;
  private final Clock clock;

  /**
   * Creates the channel and checks its URL.
   *
   * @throws IllegalArgumentException naming the channel when the URL is refused by the SSRF guard
   *     or its host does not resolve
   */
  public WebhookChannel(WebhookConfig config) {
    this(config, new TargetGuard(config.allowHosts(), config.allowCidrs()), Clock.systemUTC());
  }

  WebhookChannel(WebhookConfig config, TargetGuard guard, Clock clock) {
    if (config.secret() != null && config.secret().length() < ConfigChecks.MIN_SECRET_LENGTH) {
      LOG.warn(
          "webhook channel '{}': the secret has only {} characters, which is easy to guess;"
              + " use at least {} (e.g. `openssl rand -hex 24`)",
          config.name(),
          config.secret().length(),
          ConfigChecks.MIN_SECRET_LENGTH);
    }
    this.config = config;
    this.clock = clock;
    this.sender =
        new HttpSender(
            ConfigChecks.label("webhook", config.name()), config.uri(), config.timeout(), guard);
    this.retryPolicy =
        new RetryPolicy(
            config.maxAttempts(),
            config.initialBackoff(),
            config.maxBackoff(),
            RetryPolicy.DEFAULT_MULTIPLIER);
  }

  @Override
  public WebhookConfig config() {
    return config;
  }

  @Override
  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  @Override
  AttemptResult attempt(Delivery delivery, int attempt) {
    byte[] body = delivery.body(AlertJson::toBytes);
    long timestamp = clock.instant().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", Version.USER_AGENT);
    headers.put("X-Lakestream-Alert-Id", headerValue(delivery.alert.alertId()));
    headers.put("X-Lakestream-Delivery", delivery.id);
    headers.put("X-Lakestream-Attempt", Integer.toString(attempt));
    headers.put("X-Lakestream-Timestamp", Long.toString(timestamp));
    if (config.secret() != null) {
      headers.put("X-Lakestream-Signature", sign(config.secret(), timestamp, body));
    }
    return sender.post(body, headers);
  }

  /**
   * The signature header's value for a body sent at a timestamp: {@code sha256=} and the hex
   * HMAC-SHA256 of {@code "<timestamp>.<body>"} keyed with the secret. Receivers written in Java
   * can use it to verify (compare with {@link java.security.MessageDigest#isEqual}).
   */
  public static String sign(String secret, long epochSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return SIGNATURE_PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** Header values must be visible ASCII; anything else (e.g. CR/LF) becomes '?'. */
  static String headerValue(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
