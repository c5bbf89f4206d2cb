package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import io.lakestream.api.config.PipelineConfigException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source types beyond {@code http} and their type-specific blocks. */
class SourceTypesConfigTest {

  @TempDir Path dir;

  @BeforeEach
  void schema() throws IOException {
    Files.writeString(
        dir.resolve("s.json"),
        "{\"properties\": {\"host\": {}, \"timestamp\": {}, \"device_id\": {}, \"key\": {}}}");
  }

  private PipelineConfig parse(String sources) {
    return PipelineLoader.parse(
        "pipeline: p\nsources:\n" + sources,
        "pipeline.yaml",
        dir,
        Map.of("data_dir", dir.resolve("data").toString()),
        Map.of("PGPASSWORD", "secret"));
  }

  private List<Problem> problems(String sources) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(sources));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  private static String source(String name, String type, String block) {
    return "  "
        + name
        + ":\n    type: "
        + type
        + "\n    schema: s.json\n    key: host\n    event_time: {field: timestamp}\n"
        + block;
  }

  @Test
  void syslogAndFluentTakeDefaultsWhenTheirBlockIsLeftOut() {
    PipelineConfig cfg = parse(source("logs", "syslog", "") + source("app", "fluent", ""));
    assertThat(cfg.sources().get("logs").settings())
        .isEqualTo(new SyslogSettings("127.0.0.1", 5514, 5514, 64 * 1024));
    assertThat(cfg.sources().get("app").settings()).isEqualTo(FluentSettings.defaults());
    assertThat(cfg.sources().get("logs").viaHttp()).isFalse();
  }

  @Test
  void syslogPortsCanBeTurnedOffOneAtATime() {
    PipelineConfig cfg =
        parse(
            source(
                "logs",
                "syslog",
                "    syslog: {host: 0.0.0.0, tcp_port: 601, udp_port: off, max_message_size: 8KB}\n"));
    assertThat(cfg.sources().get("logs").settings())
        .isEqualTo(new SyslogSettings("0.0.0.0", 601, null, 8192));
    assertThat(problems(source("logs", "syslog", "    syslog: {tcp_port: off, udp_port: off}\n")))
        .extracting(Problem::path, Problem::line)
        .containsExactly(tuple("sources.logs.syslog", 8));
  }

  @Test
  void mqttNeedsTopicsAndChecksTheirSyntax() {
    PipelineConfig cfg =
        parse(
            source(
                "sensors",
                "mqtt",
                """
                    mqtt:
                      topics: ["sensors/+/telemetry", "plant/#"]
                      device_id_level: 1
                      users: [{username: fleet, password: "0123456789"}]
                """));
    MqttSettings m = cfg.sources().get("sensors").settings(MqttSettings.class);
    assertThat(m.topics()).containsExactly("sensors/+/telemetry", "plant/#");
    assertThat(m.deviceIdLevel()).isEqualTo(1);
    assertThat(m.deviceIdField()).isEqualTo("device_id");
    assertThat(m.port()).isEqualTo(1883);
    assertThat(m.clientMode()).isFalse();
    assertThat(m.users()).containsExactly(new MqttSettings.User("fleet", "0123456789"));
    assertThat(m.toString()).doesNotContain("0123456789");

    assertThat(problems(source("sensors", "mqtt", "    mqtt: {topics: [\"a/#/b\", \"x+/y\"]}\n")))
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("'#' must be a whole level and the last one"))
        .anySatisfy(msg -> assertThat(msg).contains("'+' must be a whole level"));
    assertThat(problems(source("sensors", "mqtt", "")))
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("missing required key 'mqtt'"));
  }

  @Test
  void mqttClientModeTakesABrokerAndRefusesEmbeddedOnlySettings() {
    PipelineConfig cfg =
        parse(
            source(
                "sensors",
                "mqtt",
                "    mqtt: {topics: [t/#], broker: \"tcp://10.0.0.5:1883\", username: u,"
                    + " password: p}\n"));
    MqttSettings m = cfg.sources().get("sensors").settings(MqttSettings.class);
    assertThat(m.clientMode()).isTrue();
    assertThat(m.clientId()).isEqualTo("lakestream-sensors");
    assertThat(
            problems(source("sensors", "mqtt", "    mqtt: {topics: [t], broker: \"10.0.0.5\"}\n")))
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("expected tcp://host:port"));
    assertThat(problems(source("sensors", "mqtt", "    mqtt: {topics: [t], client_id: c}\n")))
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("applies to client mode only"));
  }

  @Test
  void embeddedMqttSourcesShareOneBrokerAndNoFilter() {
    List<Problem> p =
        problems(
            source("a", "mqtt", "    mqtt: {topics: [x/+], port: 1883}\n")
                + source("b", "mqtt", "    mqtt: {topics: [x/+], port: 1884}\n"));
    assertThat(p)
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("different host, port or users"))
        .anySatisfy(msg -> assertThat(msg).contains("also claimed by source a"));
  }

  @Test
  void listenersOfDifferentSourcesMustNotShareAPort() {
    List<Problem> p =
        problems(
            source("logs", "syslog", "    syslog: {tcp_port: 24224}\n")
                + source("app", "fluent", ""));
    assertThat(p)
        .extracting(Problem::path, Problem::message)
        .containsExactly(
            tuple(
                "sources.app",
                "listens on tcp 127.0.0.1:24224, which source logs already uses; pick another"
                    + " port"));
  }

  @Test
  void postgresCdcNeedsConnectionAndTables() {
    PipelineConfig cfg =
        parse(
            source(
                "orders",
                "postgres_cdc",
                """
                    postgres_cdc:
                      host: 127.0.0.1
                      database: shop
                      user: lakestream
                      password: ${PGPASSWORD}
                      tables: [public.orders, sales.items]
                """));
    CdcSettings c = cfg.sources().get("orders").settings(CdcSettings.class);
    assertThat(c.tables()).containsExactly("public.orders", "sales.items");
    assertThat(c.slot()).isEqualTo("lakestream_orders");
    assertThat(c.publication()).isEqualTo("lakestream_orders");
    assertThat(c.snapshot()).isEqualTo("initial");
    assertThat(c.password()).isEqualTo("secret");
    assertThat(c.toString()).doesNotContain("secret");

    assertThat(
            problems(
                source(
                    "orders",
                    "postgres_cdc",
                    "    postgres_cdc: {host: h, database: d, user: u, tables: [orders], slot: Bad,"
                        + " snapshot: sometimes}\n")))
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("expected schema.table"))
        .anySatisfy(msg -> assertThat(msg).contains("lower-case letters"))
        .anySatisfy(msg -> assertThat(msg).contains("expected 'initial'"));
  }

  @Test
  void kafkaSourceNamesATopicAndKeepsOffsetsToItself() {
    PipelineConfig cfg =
        parse(
            source(
                "clicks",
                "kafka",
                "    kafka: {topic: web.clicks, starting_offsets: latest, properties:"
                    + " {security.protocol: SSL}}\n"));
    KafkaSourceSettings k = cfg.sources().get("clicks").settings(KafkaSourceSettings.class);
    assertThat(k.topic()).isEqualTo("web.clicks");
    assertThat(k.bootstrapServers()).isNull();
    assertThat(k.startingOffsets()).isEqualTo("latest");
    assertThat(k.properties()).containsEntry("security.protocol", "SSL");
    assertThat(
            problems(
                source(
                    "clicks",
                    "kafka",
                    "    kafka: {topic: \"bad topic\", properties: {group.id: x}}\n")))
        .extracting(Problem::message)
        .anySatisfy(msg -> assertThat(msg).contains("Kafka topic names are"))
        .anySatisfy(msg -> assertThat(msg).contains("'group.id' is set by Lakestream"));
  }

  @Test
  void aBlockOfAnotherTypeIsAMistake() {
    assertThat(problems(source("logs", "http", "    syslog: {tcp_port: 601}\n")))
        .extracting(Problem::path, Problem::line)
        .containsExactly(tuple("sources.logs.syslog", 8));
  }
}
