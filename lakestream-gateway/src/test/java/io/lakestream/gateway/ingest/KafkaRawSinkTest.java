package io.lakestream.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.event.EventHeaders;
import io.lakestream.api.ingest.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaRawSinkTest {

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final KafkaRawSink sink = new KafkaRawSink(producer, "lakestream.p.raw");

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void writesTheGatewaysEnvelopeAndCompletesOnlyWhenKafkaAckedEveryRecord() {
    CompletableFuture<Void> done =
        sink.send(
            "logs",
            List.of(
                RawRecord.event(
                    "e-1",
                    false,
                    "web-1".getBytes(),
                    "{\"a\":1}".getBytes(),
                    "syslog tcp x line 1"),
                RawRecord.undecodable(
                    "e-2", new byte[] {1, 2, 3}, "syslog tcp x line 2", "RFC 5424: no PRI")));
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertThat(sent).hasSize(2);
    ProducerRecord<byte[], byte[]> ok = sent.get(0);
    assertThat(ok.topic()).isEqualTo("lakestream.p.raw");
    assertThat(new String(ok.key())).isEqualTo("web-1");
    assertThat(header(ok, EventHeaders.ID)).isEqualTo("e-1");
    assertThat(header(ok, EventHeaders.SOURCE)).isEqualTo("logs");
    assertThat(header(ok, EventHeaders.ORIGIN)).isEqualTo("syslog tcp x line 1");
    assertThat(header(ok, EventHeaders.INGEST_TIME)).matches("[0-9]{13}");
    assertThat(header(ok, EventHeaders.ID_GENERATED)).isNull();
    assertThat(header(ok, EventHeaders.ERROR)).isNull();
    ProducerRecord<byte[], byte[]> bad = sent.get(1);
    assertThat(new String(bad.key())).as("no key: the id is the key").isEqualTo("e-2");
    assertThat(bad.value()).containsExactly(1, 2, 3);
    assertThat(header(bad, EventHeaders.ERROR)).isEqualTo("RFC 5424: no PRI");
    assertThat(header(bad, EventHeaders.ID_GENERATED)).isEqualTo("true");

    assertThat(done).isNotDone();
    producer.completeNext();
    assertThat(done).isNotDone();
    producer.completeNext();
    assertThat(done).isCompleted();
  }

  @Test
  void stampsEachRecordWithTheSourcesCurrentSchemaIdAsItIsAtSendTime() {
    java.util.concurrent.atomic.AtomicInteger current =
        new java.util.concurrent.atomic.AtomicInteger();
    KafkaRawSink stamped =
        new KafkaRawSink(
            producer, "lakestream.p.raw", source -> source.equals("logs") ? current.get() : 9);
    RawRecord r = RawRecord.event("a", false, null, "{}".getBytes(), "o");
    stamped.send("logs", List.of(r));
    current.set(3);
    stamped.send("logs", List.of(r));
    current.set(12);
    stamped.send("logs", List.of(r));
    stamped.send("other", List.of(r));
    assertThat(producer.history())
        .extracting(rec -> header(rec, EventHeaders.SCHEMA_ID))
        .as("no id known yet: no header; then each send carries the id current at that moment")
        .containsExactly(null, "3", "12", "9");
  }

  @Test
  void oneFailedRecordFailsTheBatch() {
    CompletableFuture<Void> done =
        sink.send(
            "logs",
            List.of(
                RawRecord.event("a", false, null, "{}".getBytes(), "o"),
                RawRecord.event("b", false, null, "{}".getBytes(), "o")));
    producer.completeNext();
    producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("no broker"));
    assertThatThrownBy(done::get)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("no broker");
  }

  @Test
  void anEmptyBatchIsDoneAtOnce() {
    assertThat(sink.send("logs", List.of())).isCompleted();
  }
}
