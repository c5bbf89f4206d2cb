package io.lakestream.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class TopicEventDeserializerTest {

  private final TopicEventDeserializer d = new TopicEventDeserializer("clicks", "user");

  private List<RawEvent> read(ConsumerRecord<byte[], byte[]> r) {
    List<RawEvent> out = new ArrayList<>();
    d.deserialize(
        r,
        new Collector<>() {
          @Override
          public void collect(RawEvent e) {
            out.add(e);
          }

          @Override
          public void close() {}
        });
    return out;
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
    return new ConsumerRecord<>(
        "web.clicks",
        2,
        offset,
        null,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anEventWithAnIdKeepsItAndItsKey() {
    RawEvent e = read(record(7, "{\"id\":\"c-1\",\"user\":\"u9\",\"page\":\"/\"}")).get(0);
    assertThat(e.source).isEqualTo("clicks");
    assertThat(e.id).isEqualTo("c-1");
    assertThat(e.idGenerated).isFalse();
    assertThat(e.key).isEqualTo("u9");
    assertThat(e.origin).isEqualTo("kafka web.clicks/2@7");
    assertThat(e.gatewayError).isNull();
  }

  @Test
  void withoutAnIdThePositionIsTheIdUnlessAGatewayHeaderNamesOne() {
    RawEvent e = read(record(8, "{\"user\":5}")).get(0);
    assertThat(e.id).isEqualTo("web.clicks-2-8");
    assertThat(e.idGenerated).isTrue();
    assertThat(e.key).isEqualTo("5");

    ConsumerRecord<byte[], byte[]> withHeader = record(9, "{\"user\":5}");
    withHeader.headers().add(new RecordHeader("ls.id", "h-1".getBytes(StandardCharsets.UTF_8)));
    RawEvent h = read(withHeader).get(0);
    assertThat(h.id).isEqualTo("h-1");
    assertThat(h.idGenerated).isFalse();
  }

  @Test
  void aValueThatIsNotOneJsonObjectGoesToTheErrorZoneAndATombstoneIsSkipped() {
    RawEvent e = read(record(10, "[1,2]")).get(0);
    assertThat(e.gatewayError).isEqualTo("expected a JSON object, got an array");
    assertThat(new String(e.value, StandardCharsets.UTF_8)).isEqualTo("[1,2]");
    RawEvent broken = read(record(11, "{\"user\": ")).get(0);
    assertThat(broken.gatewayError).startsWith("malformed JSON");
    assertThat(read(record(12, null))).isEmpty();
  }
}
