package io.lakestream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.KafkaConfig;
import io.lakestream.api.config.LakeConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.SyslogSettings;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What log shippers send: {@code http_lines} sources read every body as NDJSON whatever its
 * Content-Type, and gzip bodies (Fluent Bit's and Vector's {@code compress gzip}) are inflated
 * within the body limit.
 */
class LogShipperTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpGateway gateway;
  private final MockProducer<byte[], byte[]> producer = Fixtures.mockProducer(true);

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private void start(long maxBody) {
    Map<String, SourceConfig> sources = new LinkedHashMap<>();
    EventTimeConfig et = new EventTimeConfig("date", EventTimeConfig.TimeFormat.EPOCH_SECONDS);
    sources.put(
        "logs",
        new SourceConfig(
            "logs", "http_lines", "s.json", "{}", "host", et, List.of(), List.of(), null, null));
    sources.put(
        "sys",
        new SourceConfig(
            "sys",
            "syslog",
            "s.json",
            "{}",
            "host",
            et,
            List.of(),
            List.of(),
            null,
            SyslogSettings.defaults()));
    PipelineConfig cfg =
        new PipelineConfig(
            "demo",
            Duration.ofSeconds(10),
            1,
            Duration.ofHours(1),
            new KafkaConfig("localhost:9092", 1, (short) 1, "lakestream.", Map.of()),
            Fixtures.gateway("127.0.0.1", maxBody, Duration.ofSeconds(5), List.of()),
            new LakeConfig("/tmp/lakestream-test-warehouse", "jdbc:sqlite::memory:", Map.of()),
            sources);
    gateway = HttpGateway.builder().pipeline(cfg).producer(producer).build().start();
  }

  private HttpResponse<String> post(String source, String contentType, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/sources/" + source + "/events"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] gzip(String s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void httpLinesReadsEveryBodyLineByLineWhateverItsContentType() throws Exception {
    start(1_000_000);
    // Fluent Bit's json_lines output labels the body application/json; a single line would be
    // read as one object by an http source too, so send two lines and an unlabelled third body.
    String two =
        "{\"date\":1.5,\"host\":\"a\",\"log\":\"x\"}\n{\"date\":2,\"host\":\"b\",\"log\":\"y\"}\n";
    assertThat(
            post("logs", "application/json", null, two.getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(202);
    assertThat(
            post("logs", "application/octet-stream", null, "{\"host\":\"c\"}".getBytes())
                .statusCode())
        .isEqualTo(202);
    assertThat(producer.history())
        .extracting(Fixtures::value)
        .containsExactly(
            "{\"date\":1.5,\"host\":\"a\",\"log\":\"x\"}",
            "{\"date\":2,\"host\":\"b\",\"log\":\"y\"}",
            "{\"host\":\"c\"}");
    assertThat(producer.history()).extracting(Fixtures::key).containsExactly("a", "b", "c");
  }

  @Test
  void gzipBodiesAreInflated() throws Exception {
    start(1_000_000);
    HttpResponse<String> r =
        post("logs", "application/x-ndjson", "gzip", gzip("{\"host\":\"a\"}\n{\"host\":\"b\"}\n"));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(MAPPER.readTree(r.body()).get("accepted").asInt()).isEqualTo(2);
    assertThat(producer.history())
        .extracting(Fixtures::value)
        .containsExactly("{\"host\":\"a\"}", "{\"host\":\"b\"}");
  }

  @Test
  void aGzipBombIsRefusedAtTheBodyLimitAndBrokenGzipIs400() throws Exception {
    start(10_000);
    StringBuilder big = new StringBuilder();
    while (big.length() < 200_000) {
      big.append("{\"host\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n");
    }
    byte[] bomb = gzip(big.toString());
    assertThat(bomb.length).isLessThan(10_000);
    HttpResponse<String> r = post("logs", null, "gzip", bomb);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body())
        .contains(
            "decompresses to than the limit of 10000 bytes".replace(" to than", " to more than"));

    HttpResponse<String> broken = post("logs", null, "gzip", "not gzip".getBytes());
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("not valid gzip");

    assertThat(post("logs", null, "br", "{}".getBytes()).statusCode()).isEqualTo(415);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aSourceOfAnotherTypeIsNotServedOverHttp() throws Exception {
    start(1_000_000);
    HttpResponse<String> r = post("sys", "application/json", null, "{\"host\":\"a\"}".getBytes());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(MAPPER.readTree(r.body()).get("error").asText()).isEqualTo("not_an_http_source");
    assertThat(r.body()).contains("source 'sys' is a syslog source");
    assertThat(producer.history()).isEmpty();

    HttpResponse<String> list =
        http.send(
            HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/sources")).build(),
            HttpResponse.BodyHandlers.ofString());
    var sources = MAPPER.readTree(list.body()).get("sources");
    assertThat(sources.get(0).get("events_path").asText()).isEqualTo("/v1/sources/logs/events");
    assertThat(sources.get(1).get("type").asText()).isEqualTo("syslog");
    assertThat(sources.get(1).has("events_path")).isFalse();
  }
}
