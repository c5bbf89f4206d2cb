package io.lakestream.app.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.ReferenceConfig;
import io.lakestream.app.embedded.EmbeddedKafka;
import io.lakestream.jobs.enrich.ReferenceData;
import io.lakestream.jobs.enrich.ReferenceDataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.StringData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reference table kept in a compacted topic of a real (embedded) broker: loaded whole when
 * opened, then following updates and tombstones.
 */
class KafkaReferenceIT {

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static ReferenceConfig plans(String topic) {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    columns.put("plan", ColumnType.STRING);
    columns.put("seats", ColumnType.LONG);
    return new ReferenceConfig(
        "plans",
        ReferenceConfig.Type.KAFKA,
        null,
        null,
        null,
        null,
        topic,
        Map.of(),
        null,
        columns,
        Duration.ofSeconds(30));
  }

  private static void createCompactedTopic(String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, String value)
      throws Exception {
    p.send(
            new ProducerRecord<>(
                topic,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)))
        .get();
  }

  @Test
  void loadsTheTopicThenFollowsUpdatesAndTombstones() throws Exception {
    String topic = "crm.plans";
    createCompactedTopic(topic);
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      send(p, topic, "acct-1", "{\"plan\": \"pro\", \"seats\": 5}");
      send(p, topic, "acct-2", "{\"plan\": \"free\", \"seats\": 1}");
      send(p, topic, "acct-3", "{\"plan\": \"team\", \"seats\": \"many\"}");
      send(p, topic, "acct-4", "not json");
      // a compacted topic refuses records without a key, but an empty key gets through
      send(p, topic, "", "{\"plan\": \"orphan\"}");
      send(p, topic, "acct-5", "{\"plan\": \"old\"}");
      send(p, topic, "acct-5", ""); // an empty value deletes, as a tombstone does

      try (ReferenceData d = ReferenceData.open(plans(topic), kafka.bootstrapServers(), Map.of())) {
        // the initial load reads up to the end offsets of the open: everything sent so far
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.lookup("acct-1")).containsExactly(StringData.fromString("pro"), 5L);
        assertThat(d.lookup("acct-2")).containsExactly(StringData.fromString("free"), 1L);
        assertThat(d.lookup("acct-3")).containsExactly(StringData.fromString("team"), null);
        assertThat(d.lookup("acct-4")).isNull();
        assertThat(d.lookup("acct-5")).isNull();
        assertThat(
                Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("lakestream-reference-plans")))
            .singleElement()
            .satisfies(t -> assertThat(t.isDaemon()).isTrue());
        long v0 = d.version();

        send(p, topic, "acct-1", "{\"plan\": \"enterprise\", \"seats\": 500}");
        send(p, topic, "acct-2", null);
        send(p, topic, "acct-6", "{\"plan\": \"new\", \"seats\": 2}");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(d.lookup("acct-1"))
                      .containsExactly(StringData.fromString("enterprise"), 500L);
                  assertThat(d.lookup("acct-2")).isNull();
                  assertThat(d.lookup("acct-6")).containsExactly(StringData.fromString("new"), 2L);
                });
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.version()).isGreaterThan(v0);
      }
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("lakestream-reference-plans")));
  }

  @Test
  void aTopicThatDoesNotExistIsAnErrorThatSaysToCreateItCompacted() {
    assertThatThrownBy(
            () -> ReferenceData.open(plans("no.such.topic"), kafka.bootstrapServers(), Map.of()))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("reference plans")
        .hasMessageContaining("no.such.topic")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("cleanup.policy=compact");
  }
}
