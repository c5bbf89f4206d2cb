package io.lakestream.gateway.http.internal;

import io.lakestream.api.config.GatewayConfig.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Matches bearer tokens against the configured API keys without leaking timing information.
 *
 * <p>Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, and every key is
 * checked on every call, so neither the position of a matching key nor the length of a token shows
 * in the response time.
 */
public final class ApiKeyAuthenticator {

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(ApiKeyAuthenticator::newDigest);

  private final List<ApiKey> keys;
  private final byte[][] digests;

  public ApiKeyAuthenticator(List<ApiKey> keys) {
    this.keys = List.copyOf(keys);
    this.digests = new byte[this.keys.size()][];
    for (int i = 0; i < digests.length; i++) {
      digests[i] = digest(this.keys.get(i).token());
    }
  }

  /** Whether any key is configured, i.e. whether requests must authenticate. */
  public boolean enabled() {
    return !keys.isEmpty();
  }

  /**
   * The key whose token equals {@code token}, or {@code null} when none does.
   *
   * @param token the presented token, may be null
   */
  public ApiKey match(String token) {
    if (token == null) {
      return null;
    }
    byte[] presented = digest(token);
    ApiKey found = null;
    for (int i = 0; i < digests.length; i++) {
      // No early exit: the loop takes the same time whichever key matches.
      if (MessageDigest.isEqual(digests[i], presented)) {
        found = keys.get(i);
      }
    }
    return found;
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header value, or {@code null} when the
   * header is absent or uses another scheme.
   */
  public static String bearerToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = value.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /**
   * The token of an {@code Authorization} header: a bearer token, or the password of HTTP Basic
   * credentials (user = the key's name, password = its token; what Kafka and schema-registry
   * clients send). {@code null} when there is none.
   */
  public static String token(String authorization) {
    String bearer = bearerToken(authorization);
    if (bearer != null || authorization == null) {
      return bearer;
    }
    String value = authorization.trim();
    if (value.length() < 7 || !value.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              java.util.Base64.getDecoder().decode(value.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    String token = colon < 0 ? "" : decoded.substring(colon + 1);
    return token.isEmpty() ? null : token;
  }

  private static byte[] digest(String token) {
    MessageDigest md = SHA256.get();
    md.reset();
    return md.digest(token.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
