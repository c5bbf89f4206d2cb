package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import io.lakestream.api.config.PipelineConfigException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code detectors:} and {@code notify:} sections of a pipeline file. */
class AlertingConfigTest {

  @TempDir Path dir;

  /** Lines 1-13: a source 'sensors' keyed by device_id and an aggregation 'stats_5m'. */
  private static final String HEAD =
      """
      pipeline: p
      sources:
        sensors:
          type: http
          schema: s.json
          key: device_id
          event_time: {field: ts}
      aggregations:
        stats_5m:
          from: sensors
          window: {type: tumble, size: 5m}
          group_by: [device_id, site]
          measures: {avg_temperature: AVG(temperature)}
      """;

  @BeforeEach
  void schema() throws IOException {
    Files.writeString(
        dir.resolve("s.json"),
        "{\"properties\": {\"device_id\": {}, \"ts\": {}, \"temperature\": {}, \"site\": {}}}");
  }

  private PipelineConfig parse(String yaml) {
    return PipelineLoader.parse(
        yaml, "pipeline.yaml", dir, Map.of("data_dir", dir.resolve("data").toString()), Map.of());
  }

  private List<Problem> problems(String yaml) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(yaml));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  @Test
  void detectorsTakeTheirTypesSettingsAndSensibleDefaults() {
    PipelineConfig cfg =
        parse(
            HEAD
                + """
                detectors:
                  hot:
                    on: sensors
                    field: temperature
                    type: threshold
                    above: 80
                    below: -20.5
                    severity: critical
                  odd:
                    on: stats_5m
                    field: avg_temperature
                    shingle_size: 4
                  jumpy:
                    on: sensors
                    field: temperature
                    key: [site, device_id]
                    type: rate_of_change
                    max_change: 5
                    per: 10s
                    cooldown: 0s
                    resolve_after: 10
                    resolve_quiet: 0s
                  seasonal:
                    on: sensors
                    field: temperature
                    key: []
                    type: robust
                    seasonality: daily
                    window: 120
                """);

    Map<String, DetectorConfig> d = cfg.alerting().detectors();
    assertThat(d).containsOnlyKeys("hot", "odd", "jumpy", "seasonal");
    DetectorConfig hot = d.get("hot");
    assertThat(hot.type()).isEqualTo("threshold");
    assertThat(hot.onAggregation()).isFalse();
    assertThat(hot.key()).containsExactly("device_id"); // the source's key by default
    assertThat(hot.params()).containsExactly(Map.entry("above", 80.0), Map.entry("below", -20.5));
    assertThat(hot.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(hot.cooldown()).isEqualTo(Duration.ofMinutes(30));
    assertThat(hot.resolveAfter()).isEqualTo(5);
    assertThat(hot.resolveQuiet()).isEqualTo(Duration.ofMinutes(10));
    assertThat(hot.path()).isEqualTo("detectors.hot");
    assertThat(hot.line()).isEqualTo(15);

    DetectorConfig odd = d.get("odd");
    assertThat(odd.type()).isEqualTo("rcf"); // the learned detector is the default
    assertThat(odd.onAggregation()).isTrue();
    assertThat(odd.key()).containsExactly("device_id", "site"); // the aggregation's group_by
    assertThat(odd.params()).containsExactly(Map.entry("shingle_size", 4));
    assertThat(odd.severity()).isEqualTo(Severity.WARNING);

    DetectorConfig jumpy = d.get("jumpy");
    assertThat(jumpy.key()).containsExactly("site", "device_id");
    assertThat(jumpy.params())
        .containsEntry("max_change", 5.0)
        .containsEntry("per", Duration.ofSeconds(10));
    assertThat(jumpy.cooldown()).isZero();
    assertThat(jumpy.resolveAfter()).isEqualTo(10);
    assertThat(jumpy.resolveQuiet()).isZero();

    DetectorConfig seasonal = d.get("seasonal");
    assertThat(seasonal.key()).isEmpty();
    assertThat(seasonal.params())
        .containsEntry("seasonality", "daily")
        .containsEntry("window", 120);
    assertThat(cfg.alerting().enabled()).isTrue();
    assertThat(cfg.alertsTopic()).isEqualTo("lakestream.p.alerts");
  }

  @Test
  void withoutDetectorsAlertingIsOff() {
    PipelineConfig cfg = parse(HEAD);
    assertThat(cfg.alerting()).isEqualTo(AlertingConfig.NONE);
    assertThat(cfg.alerting().enabled()).isFalse();
  }

  @Test
  void eachDetectorMistakeIsReportedWhereItIs() {
    List<Problem> all =
        problems(
            HEAD
                + """
                detectors:
                  a:
                    on: sensor
                    field: temperature
                  b:
                    on: sensors
                    field: temperature
                    type: treshold
                  c:
                    on: sensors
                    field: temperature
                    type: threshold
                  d:
                    on: sensors
                    field: temperature
                    type: threshold
                    above: hot
                    shingle_size: 4
                  e:
                    on: sensors
                    field: temperature
                    type: threshold
                    above: 10
                    below: 20
                  f:
                    on: sensors
                    field: temperature
                    type: robust
                    seasonality: hourly
                    window: 0
                  g:
                    on: sensors
                    field: 2nd
                    type: rate_of_change
                    severity: urgent
                """);

    assertThat(all)
        .extracting(Problem::path, Problem::line)
        .containsExactly(
            tuple("detectors.a.on", 16),
            tuple("detectors.b.type", 21),
            tuple("detectors.c", 22),
            tuple("detectors.d.above", 30),
            tuple("detectors.d.shingle_size", 31),
            tuple("detectors.e.below", 37),
            tuple("detectors.f.seasonality", 42),
            tuple("detectors.f.window", 43),
            tuple("detectors.g", 44),
            tuple("detectors.g.field", 46),
            tuple("detectors.g.severity", 48));
    assertThat(all.get(0).message())
        .isEqualTo(
            "'on' names 'sensor', which is neither a source nor an aggregation; did you mean"
                + " 'sensors'? Sources and aggregations: sensors, stats_5m");
    assertThat(all.get(1).message())
        .isEqualTo(
            "unknown detector type 'treshold'; did you mean 'threshold'? Detector types:"
                + " threshold, rate_of_change, robust, rcf");
    assertThat(all.get(2).message())
        .isEqualTo("a threshold detector needs 'above', 'below' or both; e.g. 'above: 80'");
    assertThat(all.get(3).message()).isEqualTo("expected a number, got 'hot'");
    assertThat(all.get(4).message()).contains("unknown key 'shingle_size'");
    assertThat(all.get(5).message())
        .isEqualTo(
            "below (20.0) must be less than above (10.0): values between them are the normal"
                + " range");
    assertThat(all.get(6).message())
        .isEqualTo("unknown seasonality 'hourly'. Seasonalities: none, daily, weekly");
    assertThat(all.get(7).message()).isEqualTo("must be a whole number above 0, got 0");
    assertThat(all.get(8).message()).startsWith("a rate_of_change detector needs 'max_change'");
    assertThat(all.get(9).message()).startsWith("invalid field name '2nd'");
    assertThat(all.get(10).message())
        .isEqualTo("unknown severity 'urgent'. Severities: info, warning, critical");
  }

  @Test
  void channelsTakeTheirSettingsAndDefaults() {
    PipelineConfig cfg =
        parse(
            HEAD
                + """
                detectors:
                  hot: {on: sensors, field: temperature, type: threshold, above: 80}
                notify:
                  ops:
                    type: webhook
                    url: http://localhost:9000/hook
                    secret: s3cret
                    allow_hosts: [localhost]
                    allow_cidrs: [10.1.0.0/16, "fd00::/8"]
                    min_severity: critical
                    detectors: [hot]
                    max_attempts: 3
                  chat:
                    type: slack
                    url: https://hooks.example.com/services/T/B/X
                  log:
                    type: log
                """);

    Map<String, NotifyChannelConfig> ch = cfg.alerting().channels();
    assertThat(ch).containsOnlyKeys("ops", "chat", "log");
    NotifyChannelConfig ops = ch.get("ops");
    assertThat(ops.type()).isEqualTo(NotifyChannelConfig.Type.WEBHOOK);
    assertThat(ops.url()).isEqualTo("http://localhost:9000/hook");
    assertThat(ops.secret()).isEqualTo("s3cret");
    assertThat(ops.toString()).doesNotContain("s3cret");
    assertThat(ops.allowHosts()).containsExactly("localhost");
    assertThat(ops.allowCidrs()).containsExactly("10.1.0.0/16", "fd00::/8");
    assertThat(ops.minSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(ops.detectors()).containsExactly("hot");
    assertThat(ops.maxAttempts()).isEqualTo(3);
    NotifyChannelConfig chat = ch.get("chat");
    assertThat(chat.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(chat.maxAttempts()).isEqualTo(5);
    assertThat(chat.initialBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(chat.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(chat.minSeverity()).isEqualTo(Severity.INFO);
    assertThat(ch.get("log").url()).isNull();
  }

  @Test
  void eachChannelMistakeIsReportedWhereItIs() {
    List<Problem> all =
        problems(
            HEAD
                + """
                detectors:
                  hot: {on: sensors, field: temperature, type: threshold, above: 80}
                notify:
                  a:
                    type: webhook
                    url: ftp://example.com/x
                  b:
                    type: slack
                    url: https://hooks.example.com/x
                    secret: x
                  c:
                    type: log
                    url: http://example.com
                  d:
                    type: pager
                  e:
                    type: webhook
                    url: https://example.com/x
                    allow_cidrs: [10.1.0.0]
                    detectors: [hott]
                    initial_backoff: 10s
                    max_backoff: 1s
                """);

    assertThat(all)
        .extracting(Problem::path, Problem::line)
        .containsExactly(
            tuple("notify.a.url", 19),
            tuple("notify.b.secret", 23),
            tuple("notify.c.url", 26),
            tuple("notify.d.type", 28),
            tuple("notify.e.allow_cidrs[0]", 32),
            tuple("notify.e.detectors[0]", 33),
            tuple("notify.e.max_backoff", 35));
    assertThat(all.get(0).message())
        .isEqualTo("expected an http:// or https:// URL with a host, got 'ftp://example.com/x'");
    assertThat(all.get(1).message())
        .isEqualTo(
            "only webhook channels sign their requests; remove 'secret' from this slack"
                + " channel");
    assertThat(all.get(2).message()).contains("unknown key 'url'");
    assertThat(all.get(3).message())
        .isEqualTo("unknown channel type 'pager'. Channel types: webhook, slack, log");
    assertThat(all.get(4).message())
        .isEqualTo("expected an address range like 10.1.0.0/16 or fd00::/8, got '10.1.0.0'");
    assertThat(all.get(5).message())
        .isEqualTo("no detector 'hott' is declared under 'detectors'; did you mean 'hot'?");
    assertThat(all.get(6).message())
        .isEqualTo("max_backoff (1s) must not be shorter than initial_backoff (10s)");
  }
}
