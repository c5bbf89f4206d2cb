package io.lakestream.gateway.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.GatewayConfig.ApiKey;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HelpersTest {

  @Test
  void eventIdsAreTimeOrderedVersion7AndUnique() {
    Set<String> seen = new HashSet<>();
    long before = System.currentTimeMillis();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(EventIds.next())).isTrue();
    }
    UUID id = UUID.fromString(EventIds.next());
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis());
  }

  @Test
  void bearerTokensAreParsedAndMatched() {
    ApiKeyAuthenticator auth =
        new ApiKeyAuthenticator(
            List.of(new ApiKey("a", "tok-a", Set.of()), new ApiKey("b", "tok-b", Set.of("x"))));

    assertThat(ApiKeyAuthenticator.bearerToken("Bearer tok-a")).isEqualTo("tok-a");
    assertThat(ApiKeyAuthenticator.bearerToken("bearer   tok-a ")).isEqualTo("tok-a");
    assertThat(ApiKeyAuthenticator.bearerToken("Basic dXNlcjpwdw==")).isNull();
    assertThat(ApiKeyAuthenticator.bearerToken("Bearer ")).isNull();
    assertThat(ApiKeyAuthenticator.bearerToken(null)).isNull();
    assertThat(auth.match("tok-b").name()).isEqualTo("b");
    assertThat(auth.match("tok-")).isNull();
    assertThat(auth.match(null)).isNull();
    assertThat(auth.enabled()).isTrue();
    assertThat(new ApiKeyAuthenticator(List.of()).enabled()).isFalse();
  }

  @Test
  void basicCredentialsCarryTheTokenAsPassword() {
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(
                    "a:tok-a:with-colon".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(ApiKeyAuthenticator.token(basic)).isEqualTo("tok-a:with-colon");
    assertThat(ApiKeyAuthenticator.token("Bearer tok-b")).isEqualTo("tok-b");
    assertThat(ApiKeyAuthenticator.token("Basic not-base64!")).isNull();
    assertThat(
            ApiKeyAuthenticator.token(
                "Basic " + java.util.Base64.getEncoder().encodeToString("user-only".getBytes())))
        .isNull();
    assertThat(
            ApiKeyAuthenticator.token(
                "Basic " + java.util.Base64.getEncoder().encodeToString("a:".getBytes())))
        .isNull();
    assertThat(ApiKeyAuthenticator.token("Digest x")).isNull();
    assertThat(ApiKeyAuthenticator.token(null)).isNull();
  }

  @Test
  void contentTypesMapToFormats() {
    assertThat(BodyFormat.of(null, null)).isEqualTo(BodyFormat.DETECT);
    assertThat(BodyFormat.of("application/json; charset=UTF-8", null)).isEqualTo(BodyFormat.DETECT);
    assertThat(BodyFormat.of("text/plain", "identity")).isEqualTo(BodyFormat.DETECT);
    assertThat(BodyFormat.of("application/vnd.acme+json", null)).isEqualTo(BodyFormat.DETECT);
    assertThat(BodyFormat.of("Application/X-NDJSON", null)).isEqualTo(BodyFormat.NDJSON);
    // curl -d sends this unless told otherwise
    assertThat(BodyFormat.of("application/x-www-form-urlencoded", null))
        .isEqualTo(BodyFormat.DETECT);
    assertThat(BodyFormat.of("application/jsonl", null)).isEqualTo(BodyFormat.NDJSON);
    for (String bad : List.of("text/csv", "application/xml", "multipart/form-data; boundary=x")) {
      assertThatThrownBy(() -> BodyFormat.of(bad, null))
          .isInstanceOfSatisfying(
              RequestRejected.class, r -> assertThat(r.status()).isEqualTo(415));
    }
    assertThatThrownBy(() -> BodyFormat.of("application/json; charset=utf-16", null))
        .isInstanceOf(RequestRejected.class);
    assertThatThrownBy(() -> BodyFormat.of("application/json", "deflate"))
        .isInstanceOf(RequestRejected.class)
        .hasMessageContaining("send the body uncompressed or with gzip");
    assertThat(BodyFormat.gzip("gzip")).isTrue();
    assertThat(BodyFormat.gzip(" identity ")).isFalse();
    assertThat(BodyFormat.gzip(null)).isFalse();
  }

  @Test
  void bodyReaderStopsOnePastTheLimit() {
    byte[] data = new byte[100_000];
    CountingStream in = new CountingStream(data);

    assertThatThrownBy(() -> BodyReader.read(in, -1, 40_000))
        .isInstanceOfSatisfying(RequestRejected.class, r -> assertThat(r.status()).isEqualTo(413));
    assertThat(in.consumed()).isLessThanOrEqualTo(40_001);

    BodyReader.Body body = BodyReader.read(new ByteArrayInputStream(data, 0, 40_000), -1, 40_000);
    assertThat(body.length()).isEqualTo(40_000);
    BodyReader.Body exact = BodyReader.read(new ByteArrayInputStream(data, 0, 10), 10, 40_000);
    assertThat(exact.length()).isEqualTo(10);
    assertThatThrownBy(() -> BodyReader.read(new ByteArrayInputStream(data, 0, 5), 10, 40_000))
        .isInstanceOfSatisfying(RequestRejected.class, r -> assertThat(r.status()).isEqualTo(400));
  }

  private static final class CountingStream extends ByteArrayInputStream {
    CountingStream(byte[] data) {
      super(data);
    }

    int consumed() {
      return pos;
    }
  }

  @Test
  void retryAfterIsTheKafkaTimeoutRoundedUpToWholeSecondsForEvery503() {
    assertThat(RawTopicWriter.retryAfterSeconds(java.time.Duration.ofSeconds(10))).isEqualTo(10);
    assertThat(RawTopicWriter.retryAfterSeconds(java.time.Duration.ofMillis(1500))).isEqualTo(2);
    assertThat(RawTopicWriter.retryAfterSeconds(java.time.Duration.ofMillis(500))).isEqualTo(1);
    assertThat(RawTopicWriter.retryAfterSeconds(java.time.Duration.ZERO)).isEqualTo(1);
  }
}
