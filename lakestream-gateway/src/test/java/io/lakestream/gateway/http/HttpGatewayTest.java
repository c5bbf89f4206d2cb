package io.lakestream.gateway.http;

import static io.lakestream.gateway.http.Fixtures.RAW_TOPIC;
import static io.lakestream.gateway.http.Fixtures.header;
import static io.lakestream.gateway.http.Fixtures.key;
import static io.lakestream.gateway.http.Fixtures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.GatewayConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.event.EventHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HttpGatewayTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String UUID_V7 =
      "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private HttpGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private HttpGateway start(PipelineConfig cfg, MockProducer<byte[], byte[]> producer) {
    gateway = HttpGateway.builder().pipeline(cfg).producer(producer).build().start();
    return gateway;
  }

  private HttpResponse<String> post(String source, String contentType, String body)
      throws Exception {
    return http.send(
        postRequest(source, contentType, body, null), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest postRequest(String source, String contentType, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/sources/" + source + "/events"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    return MAPPER.readTree(response.body());
  }

  @Nested
  class Accepting {

    @Test
    void singleObjectIsForwardedByteForByteWithEnvelope() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);
      String event =
          "{\"id\": \"e-1\", \"device_id\": \"d-7\",  \"temp\": 21.50, \"tags\": {\"id\": \"x\"}}";
      long before = System.currentTimeMillis();

      HttpResponse<String> response = post("sensors", "application/json", "\n  " + event + " \n");

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body())
          .isEqualTo(
              "{\"accepted\":1,\"quarantined\":0,\"ids\":[\"e-1\"],\"quarantined_lines\":[]}");
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      List<ProducerRecord<byte[], byte[]>> sent = producer.history();
      assertThat(sent).hasSize(1);
      ProducerRecord<byte[], byte[]> r = sent.get(0);
      assertThat(r.topic()).isEqualTo(RAW_TOPIC);
      assertThat(value(r)).isEqualTo(event);
      assertThat(key(r)).isEqualTo("d-7");
      assertThat(header(r, EventHeaders.ID)).isEqualTo("e-1");
      assertThat(header(r, EventHeaders.SOURCE)).isEqualTo("sensors");
      assertThat(Long.parseLong(header(r, EventHeaders.INGEST_TIME)))
          .isBetween(before, System.currentTimeMillis());
      assertThat(header(r, EventHeaders.ORIGIN))
          .matches("http 127\\.0\\.0\\.1:\\d+ req=[0-9a-f]{8}");
      assertThat(response.headers().firstValue("X-Request-Id"))
          .hasValueSatisfying(
              id -> assertThat(header(r, EventHeaders.ORIGIN)).endsWith("req=" + id));
      assertThat(header(r, EventHeaders.ERROR)).isNull();
    }

    @Test
    void arrayElementsKeepTheirExactTextAndIdsAndKeys() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);
      String e0 = "{\"id\":7,\"device_id\":42,\"nested\":[1,{\"device_id\":\"no\"}]}";
      String e1 = "{ \"device_id\" : true,\n  \"v\": \"caf\u00e9 \u2603\" }";
      String e2 = "{\"id\":\"\",\"other\":null}";
      String body = "[ " + e0 + " ,\n\t" + e1 + ",\r\n" + e2 + "]\n";

      HttpResponse<String> response = post("sensors", null, body);

      assertThat(response.statusCode()).isEqualTo(202);
      JsonNode json = json(response);
      assertThat(json.get("accepted").asInt()).isEqualTo(3);
      assertThat(json.get("ids")).hasSize(3);
      assertThat(json.get("ids").get(0).asText()).isEqualTo("7");
      List<ProducerRecord<byte[], byte[]>> sent = producer.history();
      assertThat(sent).extracting(Fixtures::value).containsExactly(e0, e1, e2);
      assertThat(sent).extracting(Fixtures::key).startsWith("42", "true");
      assertThat(header(sent.get(0), EventHeaders.ID)).isEqualTo("7");
      String id1 = header(sent.get(1), EventHeaders.ID);
      String id2 = header(sent.get(2), EventHeaders.ID);
      assertThat(id1).matches(UUID_V7);
      assertThat(id2).matches(UUID_V7).isNotEqualTo(id1);
      assertThat(key(sent.get(2))).as("no key field: the id is the key").isEqualTo(id2);
      assertThat(json.get("ids").get(1).asText()).isEqualTo(id1);
      assertThat(header(sent.get(2), EventHeaders.ORIGIN)).endsWith(" element 2");
      // only ids the gateway made up are marked: they need no dedup state downstream
      assertThat(header(sent.get(0), EventHeaders.ID_GENERATED)).isNull();
      assertThat(header(sent.get(1), EventHeaders.ID_GENERATED)).isEqualTo("true");
      assertThat(header(sent.get(2), EventHeaders.ID_GENERATED)).isEqualTo("true");
    }

    @Test
    void ndjsonLinesAreEventsWithLineNumbers() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);
      String body =
          "{\"id\":\"a\",\"user\":\"u1\"}\r\n"
              + "\n"
              + "   \n"
              + "{\"user\":12.0,\"id\":3}\n"
              + "{\"page\":\"/\"}";

      HttpResponse<String> response = post("clicks", "application/x-ndjson", body);

      assertThat(response.statusCode()).isEqualTo(202);
      JsonNode json = json(response);
      assertThat(json.get("accepted").asInt()).isEqualTo(3);
      assertThat(json.get("quarantined").asInt()).isZero();
      List<ProducerRecord<byte[], byte[]>> sent = producer.history();
      assertThat(sent)
          .extracting(Fixtures::value)
          .containsExactly(
              "{\"id\":\"a\",\"user\":\"u1\"}", "{\"user\":12.0,\"id\":3}", "{\"page\":\"/\"}");
      assertThat(sent).extracting(r -> header(r, EventHeaders.ID)).startsWith("a", "3");
      assertThat(header(sent.get(2), EventHeaders.ID)).matches(UUID_V7);
      assertThat(sent).extracting(Fixtures::key).startsWith("u1", "12.0");
      assertThat(key(sent.get(2))).isEqualTo(header(sent.get(2), EventHeaders.ID));
      assertThat(sent)
          .extracting(r -> header(r, EventHeaders.ORIGIN).replaceAll(".* req=\\w+ ", ""))
          .containsExactly("line 1", "line 4", "line 5");
      assertThat(sent).extracting(r -> header(r, EventHeaders.SOURCE)).containsOnly("clicks");
    }

    @Test
    void ndjsonIsDetectedWithoutItsContentType() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> response =
          post("sensors", "application/json; charset=utf-8", "{\"a\":1}\n{\"a\":2}\n");

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
      assertThat(producer.history())
          .extracting(Fixtures::value)
          .containsExactly("{\"a\":1}", "{\"a\":2}");
    }

    @Test
    void malformedNdjsonLinesAreQuarantinedNotRejected() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);
      String body =
          "{\"id\":\"ok-1\",\"device_id\":\"d\"}\n"
              + "{\"id\":\"ok-2\"}\n"
              + "{\"id\":\"bad\", }\n"
              + "[1,2]\n"
              + "{\"id\":\"ok-3\"} trailing\n";

      HttpResponse<String> response = post("sensors", "application/x-ndjson", body);

      assertThat(response.statusCode()).isEqualTo(202);
      JsonNode json = json(response);
      assertThat(json.get("accepted").asInt()).isEqualTo(2);
      assertThat(json.get("quarantined").asInt()).isEqualTo(3);
      assertThat(json.get("ids")).extracting(JsonNode::asText).containsExactly("ok-1", "ok-2");
      JsonNode q = json.get("quarantined_lines");
      assertThat(q).hasSize(3);
      assertThat(q.get(0).get("line").asInt()).isEqualTo(3);
      assertThat(q.get(0).get("column").asInt()).isEqualTo(14);
      assertThat(q.get(0).get("message").asText())
          .isEqualTo(
              "Unexpected character ('}' (code 125)): was expecting double-quote to start field"
                  + " name");
      assertThat(q.get(1).get("line").asInt()).isEqualTo(4);
      assertThat(q.get(1).get("column").asInt()).isEqualTo(1);
      assertThat(q.get(1).get("message").asText())
          .isEqualTo("expected a JSON object, found an array");
      assertThat(q.get(2).get("line").asInt()).isEqualTo(5);
      assertThat(q.get(2).get("column").asInt()).isEqualTo(15);

      List<ProducerRecord<byte[], byte[]>> sent = producer.history();
      assertThat(sent).hasSize(5);
      ProducerRecord<byte[], byte[]> bad = sent.get(2);
      assertThat(value(bad)).isEqualTo("{\"id\":\"bad\", }");
      String badId = header(bad, EventHeaders.ID);
      assertThat(badId).matches(UUID_V7).isEqualTo(q.get(0).get("id").asText());
      assertThat(key(bad)).isEqualTo(badId);
      assertThat(header(bad, EventHeaders.ID_GENERATED)).isEqualTo("true");
      assertThat(header(bad, EventHeaders.ERROR))
          .isEqualTo(
              "line 3, column 14: Unexpected character ('}' (code 125)): was expecting"
                  + " double-quote to start field name");
      assertThat(header(sent.get(3), EventHeaders.ERROR))
          .isEqualTo("line 4, column 1: expected a JSON object, found an array");
      assertThat(value(sent.get(3))).isEqualTo("[1,2]");
      assertThat(header(sent.get(0), EventHeaders.ERROR)).isNull();

      GatewayStats.SourceStats stats = gateway.stats().source("sensors");
      assertThat(stats.accepted()).isEqualTo(2);
      assertThat(stats.quarantined()).isEqualTo(3);
      assertThat(stats.rejected()).isZero();
      assertThat(stats.bytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void emptyArrayIsAcceptedAsNothing() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> response = post("sensors", "application/json", "[]");

      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(json(response).get("accepted").asInt()).isZero();
      assertThat(producer.history()).isEmpty();
    }
  }

  @Nested
  class Refusing {

    @Test
    void malformedObjectIs400WithLineAndColumnAndSendsNothing() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> response =
          post("sensors", "application/json", "{\n  \"a\": 1,\n  \"b\": }\n");

      assertThat(response.statusCode()).isEqualTo(400);
      JsonNode json = json(response);
      assertThat(json.get("error").asText()).isEqualTo("malformed_json");
      assertThat(json.get("line").asInt()).isEqualTo(3);
      assertThat(json.get("column").asInt()).isEqualTo(8);
      assertThat(json.get("message").asText()).contains("Unexpected character ('}'");
      assertThat(producer.history()).isEmpty();
      assertThat(gateway.stats().source("sensors").rejected()).isEqualTo(1);
    }

    @Test
    void malformedArrayIs400AndNothingIsSent() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> response =
          post("sensors", "application/json", "[{\"a\":1},\n {\"b\":2,}]");

      assertThat(response.statusCode()).isEqualTo(400);
      JsonNode json = json(response);
      assertThat(json.get("error").asText()).isEqualTo("malformed_json");
      assertThat(json.get("line").asInt()).isEqualTo(2);
      assertThat(json.get("column").asInt()).isEqualTo(9);
      assertThat(producer.history()).isEmpty();
    }

    @Test
    void arrayElementThatIsNotAnObjectIs400NamingItsIndex() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> response = post("sensors", "application/json", "[{\"a\":1}, \"x\"]");

      assertThat(response.statusCode()).isEqualTo(400);
      JsonNode json = json(response);
      assertThat(json.get("error").asText()).isEqualTo("not_an_object");
      assertThat(json.get("index").asInt()).isEqualTo(1);
      assertThat(json.get("message").asText()).contains("element 1").contains("a string");
      assertThat(producer.history()).isEmpty();
    }

    @Test
    void emptyBodyIs400() throws Exception {
      start(Fixtures.pipeline(Fixtures.gateway()), Fixtures.mockProducer(true));

      for (String body : List.of("", " \n\t ")) {
        HttpResponse<String> response = post("sensors", "application/json", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).isEqualTo("empty_body");
      }
    }

    @Test
    void unknownSourceIs404ListingTheKnownOnes() throws Exception {
      start(Fixtures.pipeline(Fixtures.gateway()), Fixtures.mockProducer(true));

      HttpResponse<String> response = post("nope", "application/json", "{}");

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body())
          .isEqualTo(
              "{\"error\":\"unknown_source\",\"message\":\"no source 'nope' in pipeline 'demo';"
                  + " known sources: sensors, clicks\"}");
    }

    @Test
    void unknownPathIs404JsonAndWrongMethodIs405() throws Exception {
      start(Fixtures.pipeline(Fixtures.gateway()), Fixtures.mockProducer(true));

      HttpResponse<String> notFound = get("/v2/whatever", null);
      assertThat(notFound.statusCode()).isEqualTo(404);
      assertThat(json(notFound).get("error").asText()).isEqualTo("not_found");

      HttpResponse<String> wrongMethod = get("/v1/sources/sensors/events", null);
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
      assertThat(json(wrongMethod).get("error").asText()).isEqualTo("method_not_allowed");

      HttpResponse<String> postHealth =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/health"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(postHealth.statusCode()).isEqualTo(405);
      assertThat(postHealth.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void unsupportedContentTypeIs415() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> csv = post("sensors", "text/csv", "a,b\n1,2\n");
      assertThat(csv.statusCode()).isEqualTo(415);
      assertThat(json(csv).get("error").asText()).isEqualTo("unsupported_media_type");

      HttpResponse<String> latin1 = post("sensors", "application/json; charset=ISO-8859-1", "{}");
      assertThat(latin1.statusCode()).isEqualTo(415);

      HttpResponse<String> plain = post("sensors", "text/plain", "{\"a\":1}");
      assertThat(plain.statusCode()).isEqualTo(202);
      assertThat(producer.history()).hasSize(1);
    }

    @Test
    void bodyOverTheLimitIs413FromContentLength() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      PipelineConfig cfg =
          Fixtures.pipeline(Fixtures.gateway("127.0.0.1", 1_000, Duration.ofSeconds(5), List.of()));
      start(cfg, producer);
      String body = "{\"pad\":\"" + "x".repeat(2_000) + "\"}";

      HttpResponse<String> response = post("sensors", "application/json", body);

      assertThat(response.statusCode()).isEqualTo(413);
      JsonNode json = json(response);
      assertThat(json.get("error").asText()).isEqualTo("payload_too_large");
      assertThat(json.get("max_bytes").asLong()).isEqualTo(1_000);
      assertThat(json.get("message").asText()).contains("2010 bytes");
      assertThat(producer.history()).isEmpty();
      assertThat(gateway.stats().bytes()).as("nothing read").isZero();

      HttpResponse<String> fits = post("sensors", "application/json", "{\"pad\":\"x\"}");
      assertThat(fits.statusCode()).isEqualTo(202);
    }

    @Test
    void chunkedBodyOverTheLimitIs413WhileTheClientIsStillSending() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      PipelineConfig cfg =
          Fixtures.pipeline(
              Fixtures.gateway("127.0.0.1", 64 * 1024, Duration.ofSeconds(5), List.of()));
      start(cfg, producer);
      byte[] line =
          "{\"device_id\":\"d\",\"pad\":\"0123456789abcdef\"}\n".getBytes(StandardCharsets.UTF_8);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong written = new AtomicLong();

      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /v1/sources/sensors/events HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\n"
                    + "Content-Type: application/x-ndjson\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        // An endless body: the answer can only come if the gateway stops reading at the limit.
        Thread writer =
            new Thread(
                () -> {
                  try {
                    while (!stop.get()) {
                      out.write(
                          (Integer.toHexString(line.length) + "\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                      out.write(line);
                      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                      written.addAndGet(line.length);
                    }
                  } catch (IOException expected) {
                    // the gateway closed the connection after answering
                  }
                });
        writer.setDaemon(true);
        writer.start();

        String status = readLine(socket.getInputStream());
        stop.set(true);
        assertThat(status).startsWith("HTTP/1.1 413");
        socket.close();
        writer.join(5_000);
      }
      assertThat(producer.history()).isEmpty();
      assertThat(gateway.stats().source("sensors").rejected()).isEqualTo(1);
    }

    @Test
    void chunkedBodyFromHttpClientOverTheLimitIs413() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      PipelineConfig cfg =
          Fixtures.pipeline(Fixtures.gateway("127.0.0.1", 1_000, Duration.ofSeconds(5), List.of()));
      start(cfg, producer);
      byte[] body = ("{\"a\":\"" + "y".repeat(3_000) + "\"}").getBytes(StandardCharsets.UTF_8);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/sources/sensors/events"))
              .header("Content-Type", "application/json")
              // An InputStream publisher has no length, so the client sends it chunked.
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> new java.io.ByteArrayInputStream(body)))
              .build();

      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(json(response).get("error").asText()).isEqualTo("payload_too_large");
      assertThat(producer.history()).isEmpty();
    }

    private String readLine(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        sb.append((char) c);
      }
      return sb.toString().trim();
    }
  }

  @Nested
  class Authenticating {

    private final List<GatewayConfig.ApiKey> keys =
        List.of(
            new GatewayConfig.ApiKey("ops", "s3cret-ops-token", java.util.Set.of()),
            new GatewayConfig.ApiKey("clicks-only", "clicks-token", java.util.Set.of("clicks")));

    private MockProducer<byte[], byte[]> producer;

    private void startWithKeys() {
      producer = Fixtures.mockProducer(true);
      start(
          Fixtures.pipeline(Fixtures.gateway("127.0.0.1", 1_000_000, Duration.ofSeconds(5), keys)),
          producer);
    }

    @Test
    void missingOrUnknownTokenIs401WithChallenge() throws Exception {
      startWithKeys();

      HttpResponse<String> missing =
          http.send(
              postRequest("sensors", "application/json", "{}", null),
              HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(json(missing).get("error").asText()).isEqualTo("unauthorized");

      HttpResponse<String> wrong =
          http.send(
              postRequest("sensors", "application/json", "{}", "s3cret-ops-tokeN"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");

      assertThat(get("/v1/health", null).statusCode()).isEqualTo(401);
      assertThat(get("/v1/sources", "nope").statusCode()).isEqualTo(401);
      // A browser opening a page is asked for the key with a Basic challenge.
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/"))
                  .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(401);
      assertThat(page.headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"Lakestream\", charset=\"UTF-8\"");
      assertThat(get("/v1/unknown", null).statusCode()).isEqualTo(401);
      assertThat(producer.history()).isEmpty();
    }

    @Test
    void extraRoutesSitBehindTheSameKeysAndTheRegistryPathAnswersInItsOwnErrorShape()
        throws Exception {
      producer = Fixtures.mockProducer(true);
      gateway =
          HttpGateway.builder()
              .pipeline(
                  Fixtures.pipeline(
                      Fixtures.gateway("127.0.0.1", 1_000_000, Duration.ofSeconds(5), keys)))
              .producer(producer)
              .schemaIds(source -> 7)
              .routes(r -> r.get("/registry/subjects", ctx -> ctx.result("[\"sensors\"]")))
              .build()
              .start();

      HttpResponse<String> anonymous = get("/registry/subjects", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      JsonNode err = json(anonymous);
      assertThat(err.get("error_code").asInt()).isEqualTo(401);
      assertThat(err.get("message").asText()).contains("Authorization");

      assertThat(get("/registry/subjects", "s3cret-ops-token").body()).isEqualTo("[\"sensors\"]");
      String basic =
          java.util.Base64.getEncoder()
              .encodeToString(
                  "ops:s3cret-ops-token".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      HttpResponse<String> withBasic =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/registry/subjects"))
                  .header("Authorization", "Basic " + basic)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(withBasic.statusCode()).isEqualTo(200);

      // Events are stamped with the schema id the gateway was given.
      HttpResponse<String> posted =
          http.send(
              postRequest("sensors", "application/json", "{\"id\":\"x\"}", "s3cret-ops-token"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(202);
      assertThat(header(producer.history().get(0), EventHeaders.SCHEMA_ID)).isEqualTo("7");
    }

    @Test
    void keyLimitedToOtherSourcesIs403() throws Exception {
      startWithKeys();

      HttpResponse<String> forbidden =
          http.send(
              postRequest("sensors", "application/json", "{}", "clicks-token"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(forbidden.statusCode()).isEqualTo(403);
      JsonNode json = json(forbidden);
      assertThat(json.get("error").asText()).isEqualTo("forbidden");
      assertThat(json.get("message").asText())
          .contains("clicks-only")
          .doesNotContain("clicks-token");

      HttpResponse<String> allowed =
          http.send(
              postRequest("clicks", "application/json", "{}", "clicks-token"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(allowed.statusCode()).isEqualTo(202);
      HttpResponse<String> all =
          http.send(
              postRequest("sensors", "application/json", "{}", "s3cret-ops-token"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(all.statusCode()).isEqualTo(202);
      assertThat(get("/v1/health", "clicks-token").statusCode()).isEqualTo(200);
      assertThat(producer.history()).hasSize(2);
    }
  }

  @Nested
  class Binding {

    @Test
    void refusesNonLoopbackHostWithoutKeys() {
      PipelineConfig cfg =
          Fixtures.pipeline(
              Fixtures.gateway("0.0.0.0", 1_000_000, Duration.ofSeconds(5), List.of()));
      HttpGateway gw =
          HttpGateway.builder().pipeline(cfg).producer(Fixtures.mockProducer(true)).build();

      assertThatThrownBy(gw::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("0.0.0.0")
          .hasMessageContaining("not a loopback address")
          .hasMessageContaining("API keys")
          .hasMessageContaining("allow_insecure_bind");
      gw.close();
    }

    @Test
    void startsOnNonLoopbackHostWhenAllowedOrWithKeys() throws Exception {
      GatewayConfig insecure =
          new GatewayConfig("0.0.0.0", 0, 1_000_000, Duration.ofSeconds(5), List.of(), true);
      try (HttpGateway gw =
          HttpGateway.builder()
              .pipeline(Fixtures.pipeline(insecure))
              .producer(Fixtures.mockProducer(true))
              .build()
              .start()) {
        assertThat(gw.port()).isPositive();
      }
      GatewayConfig withKeys =
          Fixtures.gateway(
              "0.0.0.0",
              1_000_000,
              Duration.ofSeconds(5),
              List.of(new GatewayConfig.ApiKey("k", "t", java.util.Set.of())));
      try (HttpGateway gw =
          HttpGateway.builder()
              .pipeline(Fixtures.pipeline(withKeys))
              .producer(Fixtures.mockProducer(true))
              .build()
              .start()) {
        assertThat(gw.port()).isPositive();
      }
    }

    @Test
    void buildChecksItsInputs() {
      assertThatThrownBy(
              () -> HttpGateway.builder().pipeline(Fixtures.pipeline(Fixtures.gateway())).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("producer");
      assertThatThrownBy(() -> HttpGateway.builder().producer(Fixtures.mockProducer(true)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("pipeline");
      GatewayConfig strangerKey =
          Fixtures.gateway(
              "127.0.0.1",
              1_000,
              Duration.ofSeconds(1),
              List.of(new GatewayConfig.ApiKey("k", "t", java.util.Set.of("ghost"))));
      assertThatThrownBy(
              () ->
                  HttpGateway.builder()
                      .pipeline(Fixtures.pipeline(strangerKey))
                      .producer(Fixtures.mockProducer(true))
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ghost");
    }
  }

  @Nested
  class Durability {

    @Test
    void answersOnlyAfterKafkaAcknowledgedEveryRecord() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(false);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      CompletableFuture<HttpResponse<String>> response =
          http.sendAsync(
              postRequest(
                  "sensors", "application/x-ndjson", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n", null),
              HttpResponse.BodyHandlers.ofString());

      awaitSent(producer, 3);
      // All three records were handed to the producer before any acknowledgement.
      producer.completeNext();
      producer.completeNext();
      Thread.sleep(300);
      assertThat(response).isNotDone();
      producer.completeNext();
      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
    }

    @Test
    void failedSendIs503WithRetryAfter() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(false);
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      CompletableFuture<HttpResponse<String>> response =
          http.sendAsync(
              postRequest("sensors", "application/json", "[{\"a\":1},{\"a\":2}]", null),
              HttpResponse.BodyHandlers.ofString());
      awaitSent(producer, 2);
      producer.completeNext();
      producer.errorNext(new KafkaException("NOT_ENOUGH_REPLICAS"));

      HttpResponse<String> r = response.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
      JsonNode json = json(r);
      assertThat(json.get("error").asText()).isEqualTo("kafka_unavailable");
      assertThat(json.get("message").asText()).contains("NOT_ENOUGH_REPLICAS");
      GatewayStats.SourceStats stats = gateway.stats().source("sensors");
      assertThat(stats.accepted()).isZero();
      assertThat(stats.rejected()).isEqualTo(1);
    }

    @Test
    void unacknowledgedSendIs503AfterTheKafkaTimeout() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(false);
      start(
          Fixtures.pipeline(
              Fixtures.gateway("127.0.0.1", 1_000_000, Duration.ofMillis(300), List.of())),
          producer);

      long t0 = System.nanoTime();
      HttpResponse<String> r = post("sensors", "application/json", "{\"a\":1}");

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(json(r).get("message").asText()).contains("within 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void throwingSendIs503() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);
      producer.sendException = new KafkaException("producer closed");
      start(Fixtures.pipeline(Fixtures.gateway()), producer);

      HttpResponse<String> r = post("sensors", "application/json", "{\"a\":1}");

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      assertThat(json(r).get("message").asText()).contains("producer closed");
    }

    @Test
    void closeWaitsForInFlightRequests() throws Exception {
      MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(false);
      HttpGateway gw = start(Fixtures.pipeline(Fixtures.gateway()), producer);
      String url = gw.baseUrl();

      CompletableFuture<HttpResponse<String>> response =
          http.sendAsync(
              postRequest("sensors", "application/json", "{\"a\":1}", null),
              HttpResponse.BodyHandlers.ofString());
      awaitSent(producer, 1);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
      Thread.sleep(300);
      assertThat(closing).isNotDone();

      producer.completeNext();
      assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
      closing.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  http.send(
                      HttpRequest.newBuilder(URI.create(url + "/v1/health")).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }

    private void awaitSent(MockProducer<byte[], byte[]> producer, int n) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> producer.history().size() == n);
    }
  }

  @Nested
  class Describing {

    @Test
    void healthAndSources() throws Exception {
      start(Fixtures.pipeline(Fixtures.gateway()), Fixtures.mockProducer(true));

      HttpResponse<String> health = get("/v1/health", null);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\",\"pipeline\":\"demo\"}");

      HttpResponse<String> sources = get("/v1/sources", null);
      assertThat(sources.statusCode()).isEqualTo(200);
      JsonNode json = json(sources);
      assertThat(json.get("pipeline").asText()).isEqualTo("demo");
      assertThat(json.get("sources")).hasSize(2);
      JsonNode sensors = json.get("sources").get(0);
      assertThat(sensors.get("name").asText()).isEqualTo("sensors");
      assertThat(sensors.get("key_field").asText()).isEqualTo("device_id");
      assertThat(sensors.get("event_time_field").asText()).isEqualTo("ts");
      assertThat(sensors.get("event_time_format").asText()).isEqualTo("iso8601");
      assertThat(sensors.get("events_path").asText()).isEqualTo("/v1/sources/sensors/events");
    }

    @Test
    void statsCountRequestsBytesAndRejections() throws Exception {
      start(Fixtures.pipeline(Fixtures.gateway()), Fixtures.mockProducer(true));

      post("sensors", "application/json", "{\"a\":1}");
      post("sensors", "application/json", "{oops");
      post("nope", "application/json", "{}");
      get("/v1/health", null);

      GatewayStats stats = gateway.stats();
      assertThat(stats.requests()).isEqualTo(4);
      assertThat(stats.rejected()).isEqualTo(2);
      assertThat(stats.bytes()).isEqualTo(7 + 5);
      assertThat(stats.sources().keySet()).containsExactly("sensors", "clicks");
      assertThat(stats.source("sensors")).isEqualTo(new GatewayStats.SourceStats(2, 12, 1, 0, 1));
      assertThat(stats.source("clicks")).isEqualTo(new GatewayStats.SourceStats(0, 0, 0, 0, 0));
    }

    @Test
    void portBeforeStartIsAnError() {
      HttpGateway gw =
          HttpGateway.builder()
              .pipeline(Fixtures.pipeline(Fixtures.gateway()))
              .producer(Fixtures.mockProducer(true))
              .build();
      assertThatThrownBy(gw::port).isInstanceOf(IllegalStateException.class);
      gw.close();
    }
  }

  @Test
  void producerPropertiesAreTunedForDurabilityAndThroughput() {
    PipelineConfig cfg =
        Fixtures.pipeline(
            Fixtures.gateway("127.0.0.1", 1_000, Duration.ofSeconds(10), List.of()),
            Map.of(
                "security.protocol", "SSL",
                "linger.ms", "20",
                "key.serializer", "nope",
                "acks", "1",
                "enable.idempotence", "false"));

    var p = HttpGateway.producerProperties(cfg, "broker:9092");

    assertThat(p.getProperty("bootstrap.servers")).isEqualTo("broker:9092");
    assertThat(p.getProperty("acks")).isEqualTo("all");
    assertThat(p.getProperty("enable.idempotence")).isEqualTo("true");
    assertThat(p.getProperty("compression.type")).isEqualTo("lz4");
    assertThat(p.getProperty("batch.size")).isEqualTo("262144");
    assertThat(p.getProperty("security.protocol")).isEqualTo("SSL");
    assertThat(p.getProperty("linger.ms")).isEqualTo("20");
    assertThat(p.getProperty("key.serializer"))
        .isEqualTo("org.apache.kafka.common.serialization.ByteArraySerializer");
    assertThat(p.getProperty("value.serializer"))
        .isEqualTo("org.apache.kafka.common.serialization.ByteArraySerializer");
    assertThat(p.getProperty("max.block.ms")).isEqualTo("10000");
    assertThat(p.getProperty("request.timeout.ms")).isEqualTo("5000");
    long delivery = Long.parseLong(p.getProperty("delivery.timeout.ms"));
    assertThat(delivery).isGreaterThanOrEqualTo(20 + 5000).isEqualTo(10_000);

    var tight =
        HttpGateway.producerProperties(
            Fixtures.pipeline(
                Fixtures.gateway("127.0.0.1", 1_000, Duration.ofMillis(500), List.of())),
            "b:1");
    assertThat(Long.parseLong(tight.getProperty("delivery.timeout.ms")))
        .isGreaterThanOrEqualTo(
            Long.parseLong(tight.getProperty("linger.ms"))
                + Long.parseLong(tight.getProperty("request.timeout.ms")));
  }
}
