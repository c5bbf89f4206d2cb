package io.lakestream.source.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.ingest.SourceCounters;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicRoutesTest {

  @ParameterizedTest
  @CsvSource({
    "sensors/+/telemetry, sensors/dev-7/telemetry, true",
    "sensors/+/telemetry, sensors//telemetry, true",
    "sensors/+/telemetry, sensors/dev-7/telemetry/x, false",
    "sensors/+/telemetry, sensors/dev-7, false",
    "sensors/#, sensors, true",
    "sensors/#, sensors/a/b/c, true",
    "sensors/#, sensorsx/a, false",
    "#, a/b, true",
    "#, $SYS/broker, false",
    "+/x, $SYS/x, false",
    "$SYS/#, $SYS/broker, true",
    "a/b, a/b, true",
    "a/b, a/b/, false",
    "+, '', true",
  })
  void matchesLikeMqtt(String filter, String topic, boolean matches) {
    assertThat(TopicFilter.parse(filter).matches(Arrays.asList(topic.split("/", -1))))
        .isEqualTo(matches);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/#/b", "a/b#", "a/+b", "a+/b"})
  void malformedFiltersAreRefused(String filter) {
    assertThatThrownBy(() -> TopicFilter.parse(filter))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theMostSpecificFilterWinsLevelByLevel() {
    TopicRoutes routes =
        TopicRoutes.builder()
            .add(List.of("#"), route("all"))
            .add(List.of("sensors/#"), route("sensors-any"))
            .add(List.of("sensors/+/telemetry"), route("telemetry"))
            .add(List.of("sensors/dev-1/+"), route("dev-1"))
            .add(List.of("+/dev-1/telemetry"), route("any-dev-1"))
            .add(List.of("sensors"), route("exact"))
            .build();
    assertThat(routes.route("sensors/dev-2/telemetry").source()).isEqualTo("telemetry");
    assertThat(routes.route("sensors/dev-1/telemetry").source()).isEqualTo("dev-1");
    assertThat(routes.route("sensors/dev-2/status").source()).isEqualTo("sensors-any");
    assertThat(routes.route("other").source()).isEqualTo("all");
    assertThat(routes.route("other/dev-1/telemetry").source()).isEqualTo("any-dev-1");
    assertThat(routes.route("sensors").source()).isEqualTo("exact");
    assertThat(routes.route("$SYS/x")).isNull();
  }

  @Test
  void aFilterUsedByTwoSourcesIsRefusedNamingBoth() {
    TopicRoutes.Builder b = TopicRoutes.builder().add(List.of("a/#"), route("one"));
    assertThatThrownBy(() -> b.add(List.of("a/#"), route("two")))
        .hasMessageContaining("'one'")
        .hasMessageContaining("'two'");
  }

  @Test
  void levelsAreCountedFromZero() {
    assertThat(TopicRoutes.level("sensors/dev-7/telemetry", 0)).isEqualTo("sensors");
    assertThat(TopicRoutes.level("sensors/dev-7/telemetry", 1)).isEqualTo("dev-7");
    assertThat(TopicRoutes.level("sensors/dev-7/telemetry", 2)).isEqualTo("telemetry");
    assertThat(TopicRoutes.level("sensors/dev-7/telemetry", 3)).isNull();
    assertThat(TopicRoutes.level("a//b", 1)).isEmpty();
  }

  private static Route route(String name) {
    return new Route(name, "id", null, "device_id", new SourceCounters(name));
  }
}
