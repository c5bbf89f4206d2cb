package io.lakestream.notify;

import static io.lakestream.notify.Fixtures.alert;
import static io.lakestream.notify.Fixtures.webhook;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.alert.AlertJson;
import io.lakestream.notify.DeliveryOutcome.Status;
import io.lakestream.notify.Fixtures.Recorder;
import io.lakestream.notify.TestReceiver.Reply;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {

  private static final String SECRET = "test-secret-0123456789";

  @Test
  void sendsTheAlertJsonWithHeadersAndAVerifiableSignature() throws Exception {
    Recorder recorder = new Recorder();
    AlertEvent alert = alert("a-1");
    try (TestReceiver receiver = TestReceiver.replying(Reply.ok());
        Notifier notifier =
            Notifier.create(
                List.of(
                    webhook(
                        "ops",
                        receiver.url(),
                        SECRET,
                        Duration.ofSeconds(2),
                        5,
                        Duration.ofMillis(20),
                        null,
                        null)),
                recorder)) {
      notifier.submit(alert);
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.DELIVERED);
      assertThat(outcome.attempts()).isEqualTo(1);
      assertThat(outcome.httpStatus()).isEqualTo(200);
      assertThat(outcome.error()).isNull();
      TestReceiver.Request request = receiver.requests().get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/hook");
      assertThat(request.header("Content-Type")).isEqualTo("application/json");
      assertThat(request.header("User-Agent")).startsWith("lakestream/");
      assertThat(request.header("X-Lakestream-Alert-Id")).isEqualTo("a-1");
      assertThat(request.header("X-Lakestream-Delivery")).isEqualTo(outcome.deliveryId());
      assertThat(request.header("X-Lakestream-Attempt")).isEqualTo("1");
      assertThat(request.body()).isEqualTo(AlertJson.toBytes(alert));
      assertThat(AlertJson.fromBytes(request.body())).isEqualTo(alert);

      String timestamp = request.header("X-Lakestream-Timestamp");
      assertThat(Long.parseLong(timestamp))
          .isBetween(Instant.now().getEpochSecond() - 30, Instant.now().getEpochSecond() + 1);
      // recomputed here independently of WebhookChannel.sign
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signed = (timestamp + "." + request.bodyText()).getBytes(StandardCharsets.UTF_8);
      String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed));
      assertThat(request.header("X-Lakestream-Signature")).isEqualTo(expected);
      assertThat(WebhookChannel.sign(SECRET, Long.parseLong(timestamp), request.body()))
          .isEqualTo(expected);
    }
  }

  @Test
  void withoutASecretRequestsAreUnsigned() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver = TestReceiver.replying(Reply.ok());
        Notifier notifier = Notifier.create(List.of(webhook("ops", receiver.url())), recorder)) {
      notifier.submit(alert("a-1"));
      assertThat(recorder.awaitFinal().status()).isEqualTo(Status.DELIVERED);
      assertThat(receiver.requests().get(0).header("X-Lakestream-Signature")).isNull();
    }
  }

  @Test
  void aReceiverFailingThreeTimesGetsTheAlertDeliveredExactlyOnce() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver =
            TestReceiver.replying(
                Reply.status(500).withBody("boom"),
                Reply.status(500),
                Reply.status(502),
                Reply.ok(),
                Reply.ok());
        Notifier notifier = Notifier.create(List.of(webhook("ops", receiver.url())), recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();
      Thread.sleep(200); // room for a (wrong) extra request to show up

      assertThat(outcome.status()).isEqualTo(Status.DELIVERED);
      assertThat(outcome.attempts()).isEqualTo(4);
      assertThat(recorder.finals()).hasSize(1);
      assertThat(receiver.requests()).hasSize(4);
      assertThat(receiver.requests())
          .extracting(r -> r.header("X-Lakestream-Delivery"))
          .containsOnly(outcome.deliveryId());
      assertThat(receiver.requests())
          .extracting(r -> r.header("X-Lakestream-Attempt"))
          .containsExactly("1", "2", "3", "4");
      assertThat(receiver.requests())
          .extracting(TestReceiver.Request::bodyText)
          .containsOnly(receiver.requests().get(0).bodyText());

      List<DeliveryOutcome> retries = recorder.with(Status.RETRYING);
      assertThat(retries).extracting(DeliveryOutcome::attempts).containsExactly(1, 2, 3);
      assertThat(retries).extracting(DeliveryOutcome::httpStatus).containsExactly(500, 500, 502);
      assertThat(retries.get(0).error()).contains("HTTP 500", "boom", "attempt 1 of 5");
      assertThat(notifier.stats().get("ops")).isEqualTo(new ChannelStats(1, 0, 3, 0));
    }
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver =
            TestReceiver.replying(Reply.status(429).withHeader("Retry-After", "1"), Reply.ok());
        Notifier notifier =
            Notifier.create(
                List.of(
                    webhook(
                        "ops",
                        receiver.url(),
                        null,
                        Duration.ofSeconds(2),
                        5,
                        Duration.ofSeconds(5),
                        null,
                        null)),
                recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.DELIVERED);
      assertThat(outcome.attempts()).isEqualTo(2);
      List<TestReceiver.Request> requests = receiver.requests();
      long gapMillis =
          TimeUnit.NANOSECONDS.toMillis(requests.get(1).atNanos() - requests.get(0).atNanos());
      assertThat(gapMillis).isBetween(950L, 4000L);
      assertThat(recorder.with(Status.RETRYING).get(0).httpStatus()).isEqualTo(429);
    }
  }

  @Test
  void retryAfterIsCappedAtTheMaximumBackoff() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver =
            TestReceiver.replying(Reply.status(429).withHeader("Retry-After", "3600"), Reply.ok());
        Notifier notifier =
            Notifier.create(
                List.of(
                    webhook(
                        "ops",
                        receiver.url(),
                        null,
                        Duration.ofSeconds(2),
                        5,
                        Duration.ofMillis(200),
                        null,
                        null)),
                recorder)) {
      notifier.submit(alert("a-1"));
      assertThat(recorder.awaitFinal().status()).isEqualTo(Status.DELIVERED);
      List<TestReceiver.Request> requests = receiver.requests();
      long gapMillis =
          TimeUnit.NANOSECONDS.toMillis(requests.get(1).atNanos() - requests.get(0).atNanos());
      assertThat(gapMillis).isBetween(190L, 3000L);
    }
  }

  @Test
  void aBadRequestIsNotRetriedAndKeepsTheStartOfTheBody() throws Exception {
    Recorder recorder = new Recorder();
    String body = "x".repeat(200) + "TAIL" + "y".repeat(300);
    try (TestReceiver receiver = TestReceiver.replying(Reply.status(400).withBody(body));
        Notifier notifier = Notifier.create(List.of(webhook("ops", receiver.url())), recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();
      Thread.sleep(100);

      assertThat(outcome.status()).isEqualTo(Status.FAILED);
      assertThat(outcome.attempts()).isEqualTo(1);
      assertThat(outcome.httpStatus()).isEqualTo(400);
      assertThat(outcome.error()).startsWith("HTTP 400 from http://127.0.0.1:");
      assertThat(outcome.error()).endsWith(": " + "x".repeat(200)).doesNotContain("TAIL");
      assertThat(receiver.requests()).hasSize(1);
      assertThat(recorder.with(Status.RETRYING)).isEmpty();
      assertThat(notifier.stats().get("ops")).isEqualTo(new ChannelStats(0, 1, 0, 0));
    }
  }

  @Test
  void aTimeoutIsRetried() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver = TestReceiver.replying(Reply.ok().after(1500), Reply.ok());
        Notifier notifier =
            Notifier.create(
                List.of(
                    webhook(
                        "ops",
                        receiver.url(),
                        null,
                        Duration.ofMillis(300),
                        3,
                        Duration.ofMillis(20),
                        null,
                        null)),
                recorder)) {
      long start = System.nanoTime();
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.DELIVERED);
      assertThat(outcome.attempts()).isEqualTo(2);
      assertThat(recorder.with(Status.RETRYING).get(0).error())
          .contains("no complete response", "within 300 ms");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1400);
      assertThat(receiver.requests())
          .extracting(r -> r.header("X-Lakestream-Delivery"))
          .containsOnly(outcome.deliveryId());
    }
  }

  @Test
  void givesUpAfterMaxAttempts() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver = TestReceiver.replying(Reply.status(503).withBody("down"));
        Notifier notifier =
            Notifier.create(
                List.of(
                    webhook(
                        "ops",
                        receiver.url(),
                        null,
                        Duration.ofSeconds(2),
                        3,
                        Duration.ofMillis(20),
                        null,
                        null)),
                recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.FAILED);
      assertThat(outcome.attempts()).isEqualTo(3);
      assertThat(outcome.httpStatus()).isEqualTo(503);
      assertThat(outcome.error()).contains("HTTP 503", "down", "gave up after 3 attempts");
      assertThat(receiver.requests()).hasSize(3);
      assertThat(notifier.stats().get("ops")).isEqualTo(new ChannelStats(0, 1, 2, 0));
    }
  }

  @Test
  void connectionErrorsAreRetried() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Recorder recorder = new Recorder();
    try (Notifier notifier =
        Notifier.create(
            List.of(
                webhook(
                    "ops",
                    "http://127.0.0.1:" + port + "/hook",
                    null,
                    Duration.ofSeconds(2),
                    2,
                    Duration.ofMillis(20),
                    null,
                    null)),
            recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.FAILED);
      assertThat(outcome.attempts()).isEqualTo(2);
      assertThat(outcome.httpStatus()).isZero();
      assertThat(outcome.error()).contains("cannot connect to http://127.0.0.1:" + port);
      assertThat(recorder.with(Status.RETRYING)).hasSize(1);
    }
  }

  @Test
  void redirectsAreNotFollowed() throws Exception {
    Recorder recorder = new Recorder();
    try (TestReceiver receiver =
            TestReceiver.replying(
                Reply.status(302).withHeader("Location", "http://169.254.169.254/latest"),
                Reply.ok());
        Notifier notifier = Notifier.create(List.of(webhook("ops", receiver.url())), recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();
      Thread.sleep(100);

      assertThat(outcome.status()).isEqualTo(Status.FAILED);
      assertThat(outcome.httpStatus()).isEqualTo(302);
      assertThat(outcome.error()).contains("redirect", "not followed", "169.254.169.254");
      assertThat(receiver.requests()).hasSize(1);
    }
  }

  @Test
  void theTargetIsCheckedAgainBeforeEveryRequest() throws Exception {
    AtomicReference<byte[]> answer = new AtomicReference<>(new byte[] {93, (byte) 184, 34, 10});
    TargetGuard guard =
        new TargetGuard(
            List.of(),
            List.of(),
            host -> new InetAddress[] {InetAddress.getByAddress(host, answer.get())});
    WebhookChannel channel =
        new WebhookChannel(
            WebhookConfig.of("ops", "https://hooks.example.net/lakestream"),
            guard,
            Clock.systemUTC());
    answer.set(new byte[] {10, 0, 0, 7}); // DNS now points inside
    Recorder recorder = new Recorder();
    try (Notifier notifier = Notifier.of(List.of(channel), recorder)) {
      notifier.submit(alert("a-1"));
      DeliveryOutcome outcome = recorder.awaitFinal();

      assertThat(outcome.status()).isEqualTo(Status.FAILED);
      assertThat(outcome.attempts()).isEqualTo(1);
      assertThat(outcome.error())
          .contains(
              "https://hooks.example.net/…",
              "hooks.example.net resolves to 10.0.0.7",
              "10.0.0.0/8 (private network",
              "allow_hosts",
              "allow_cidrs");
    }
  }

  @Test
  void creatingAChannelToAnInternalAddressFailsWithAClearMessage() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Notifier.create(
                    List.of(WebhookConfig.of("ops", "http://169.254.169.254/latest/meta-data")),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("webhook channel 'ops'")
        .hasMessageContaining("http://169.254.169.254/…")
        .hasMessageContaining("169.254.169.254 is in 169.254.0.0/16 (link-local")
        .hasMessageContaining("allow_hosts: [\"169.254.169.254\"]")
        .hasMessageContaining("allow_cidrs: [\"169.254.169.254/32\"]");
  }

  @Test
  void headerValuesStayPrintableAscii() {
    assertThat(WebhookChannel.headerValue("a\r\nX-Evil: 1")).isEqualTo("a??X-Evil: 1");
    assertThat(WebhookChannel.headerValue("ünï")).isEqualTo("?n?");
  }
}
