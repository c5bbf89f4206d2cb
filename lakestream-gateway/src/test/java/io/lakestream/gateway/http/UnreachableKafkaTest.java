package io.lakestream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.PipelineConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** A real producer pointed at a port nobody listens on: the gateway must answer 503 quickly. */
class UnreachableKafkaTest {

  @Test
  void unreachableBrokerIs503WithRetryAfterWithoutWaitingPerEvent() throws Exception {
    int unusedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      unusedPort = s.getLocalPort();
    }
    PipelineConfig cfg =
        Fixtures.pipeline(
            Fixtures.gateway("127.0.0.1", 1_000_000, Duration.ofSeconds(5), List.of()));
    Properties props = HttpGateway.producerProperties(cfg, "127.0.0.1:" + unusedPort);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      body.append("{\"id\":\"e").append(i).append("\",\"device_id\":\"d\"}\n");
    }

    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        HttpGateway gw = HttpGateway.builder().pipeline(cfg).producer(producer).build().start()) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/sources/sensors/events"))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
              .build();

      long t0 = System.nanoTime();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
      JsonNode json = new ObjectMapper().readTree(response.body());
      assertThat(json.get("error").asText()).isEqualTo("kafka_unavailable");
      assertThat(json.get("message").asText()).contains("TimeoutException");
      // One max.block.ms wait, not one per event (100 x 500 ms).
      assertThat(took).isLessThan(Duration.ofMillis(3_000));
      assertThat(gw.stats().source("sensors").accepted()).isZero();
      assertThat(gw.stats().source("sensors").rejected()).isEqualTo(1);
    }
  }
}
