package io.lakestream.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.config.DetectorConfig;
import io.lakestream.api.config.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.junit.jupiter.api.Test;

class DetectorFunctionTest {

  private static final long T0 = 1_790_000_000_000L;

  private static DetectorConfig detector(String type, Map<String, Object> params) {
    return new DetectorConfig(
        "d1",
        "sensors",
        false,
        "temperature",
        List.of("device_id"),
        type,
        params,
        Severity.CRITICAL,
        Duration.ofMinutes(5),
        3,
        Duration.ZERO,
        "detectors.d1",
        20);
  }

  private static RowData point(String key, double value, long time, String id) {
    return GenericRowData.of(
        StringData.fromString(key),
        value,
        TimestampData.fromEpochMillis(time),
        id == null ? null : StringData.fromString(id));
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RowData, RowData> harness(
      DetectorConfig d) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new DetectorFunction("plant", d)),
            DetectorFunction::keyOf,
            Types.STRING);
    h.open();
    return h;
  }

  private static List<AlertEvent> alerts(
      KeyedOneInputStreamOperatorTestHarness<String, RowData, RowData> h) {
    return h.extractOutputValues().stream().map(AlertRows::toEvent).toList();
  }

  @Test
  void oneAlertPerIncidentThenOneResolvedWithTheSameId() throws Exception {
    try (var h = harness(detector("threshold", Map.of("above", 80.0)))) {
      double[] values = {20, 21, 85, 90, 95, 22, 21, 20, 19};
      for (int i = 0; i < values.length; i++) {
        h.processElement(new StreamRecord<>(point("dev-1", values[i], T0 + i * 1000L, "e" + i)));
      }
      List<AlertEvent> a = alerts(h);
      assertThat(a)
          .extracting(AlertEvent::status)
          .containsExactly(AlertEvent.Status.OPEN, AlertEvent.Status.RESOLVED);
      AlertEvent open = a.get(0);
      assertThat(open.alertId()).isEqualTo(a.get(1).alertId());
      assertThat(open.pipeline()).isEqualTo("plant");
      assertThat(open.detector()).isEqualTo("d1");
      assertThat(open.detectorType()).isEqualTo("threshold");
      assertThat(open.input()).isEqualTo("sensors");
      assertThat(open.field()).isEqualTo("temperature");
      assertThat(open.key()).isEqualTo("dev-1");
      assertThat(open.value()).isEqualTo(85.0);
      assertThat(open.high()).isEqualTo(80.0);
      assertThat(open.low()).isNull();
      assertThat(open.eventTimeMillis()).isEqualTo(T0 + 2000);
      assertThat(open.severity()).isEqualTo("critical");
      assertThat(open.eventIds()).containsExactly("e2");
      assertThat(open.message())
          .isEqualTo(
              "sensors.temperature for dev-1 = 85 is above the normal range … to 80 [detector d1,"
                  + " threshold, score "
                  + open.message().replaceAll(".*score ([^\\]]+)\\]", "$1")
                  + "]");
      AlertEvent resolved = a.get(1);
      assertThat(resolved.value()).isEqualTo(22.0);
      assertThat(resolved.eventIds()).containsExactly("e2", "e3", "e4");
      assertThat(resolved.message()).startsWith("resolved: sensors.temperature for dev-1 is back");
    }
  }

  @Test
  void keysHaveTheirOwnModels() throws Exception {
    try (var h = harness(detector("threshold", Map.of("above", 80.0)))) {
      h.processElement(new StreamRecord<>(point("dev-1", 90, T0, "a")));
      h.processElement(new StreamRecord<>(point("dev-2", 91, T0, "b")));
      h.processElement(new StreamRecord<>(point("dev-1", 92, T0 + 1, "c")));
      assertThat(alerts(h)).extracting(AlertEvent::key).containsExactly("dev-1", "dev-2");
      assertThat(alerts(h).get(0).alertId()).isNotEqualTo(alerts(h).get(1).alertId());
    }
  }

  @Test
  void pointsWithoutANumberAreSkippedNotScored() throws Exception {
    try (var h = harness(detector("threshold", Map.of("above", 80.0)))) {
      h.processElement(new StreamRecord<>(point("dev-1", Double.NaN, T0, "a")));
      h.processElement(new StreamRecord<>(point("dev-1", Double.POSITIVE_INFINITY, T0, "b")));
      assertThat(alerts(h)).isEmpty();
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }

  /**
   * The restart promise: a job restored from a checkpoint neither re-sends an open incident's alert
   * nor forgets what its models learned - the restored operator's alerts and scores equal those of
   * an operator that never stopped.
   */
  @Test
  void aRestoredModelContinuesExactlyWhereItStopped() throws Exception {
    DetectorConfig d = detector("robust", Map.of("window", 30, "min_points", 10));
    Random rnd = new Random(7);
    List<RowData> before = new ArrayList<>();
    List<RowData> after = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      double v = 50 + rnd.nextGaussian() + (i >= 150 && i < 160 ? 30 : 0);
      (i < 155 ? before : after).add(point("dev-" + (i % 3), v, T0 + i * 60_000L, "e" + i));
    }

    List<AlertEvent> uninterrupted;
    try (var h = harness(d)) {
      for (RowData r : before) {
        h.processElement(new StreamRecord<>(r));
      }
      for (RowData r : after) {
        h.processElement(new StreamRecord<>(r));
      }
      uninterrupted = alerts(h);
    }
    assertThat(uninterrupted).as("the test needs an incident across the restart").isNotEmpty();

    OperatorSubtaskState snapshot;
    List<AlertEvent> beforeRestart;
    try (var h = harness(d)) {
      for (RowData r : before) {
        h.processElement(new StreamRecord<>(r));
      }
      beforeRestart = alerts(h);
      snapshot = h.snapshot(1L, 1L);
    }
    List<AlertEvent> afterRestart;
    try (var restored =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new DetectorFunction("plant", d)),
            DetectorFunction::keyOf,
            Types.STRING)) {
      restored.initializeState(snapshot);
      restored.open();
      for (RowData r : after) {
        restored.processElement(new StreamRecord<>(r));
      }
      afterRestart = alerts(restored);
    }
    List<AlertEvent> combined = new ArrayList<>(beforeRestart);
    combined.addAll(afterRestart);
    assertThat(combined)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("detectionTimeMillis")
        .containsExactlyElementsOf(uninterrupted);
  }

  @Test
  void changedSettingsOrInputStartFreshModelsUnderAnotherStateName() {
    DetectorConfig a = detector("robust", Map.of("window", 30));
    DetectorConfig b = detector("robust", Map.of("window", 40));
    DetectorConfig otherField =
        new DetectorConfig(
            a.name(),
            a.on(),
            false,
            "humidity",
            a.key(),
            a.type(),
            a.params(),
            a.severity(),
            a.cooldown(),
            a.resolveAfter(),
            a.resolveQuiet(),
            a.path(),
            a.line());
    var life = Detectors.lifecycleOf(a);
    String name = DetectorFunction.stateName(a, Detectors.kindOf(a), life);
    assertThat(name)
        .isEqualTo(DetectorFunction.stateName(a, Detectors.kindOf(a), life))
        .isNotEqualTo(DetectorFunction.stateName(b, Detectors.kindOf(b), life))
        .isNotEqualTo(DetectorFunction.stateName(otherField, Detectors.kindOf(a), life))
        .startsWith("model-robust-");
  }

  @Test
  void anOutOfOrderPointIsScoredInOrderButReportedAtItsOwnTime() throws Exception {
    try (var h = harness(detector("threshold", Map.of("above", 80.0)))) {
      h.processElement(new StreamRecord<>(point("dev-1", 20, T0 + 60_000, "a")));
      h.processElement(new StreamRecord<>(point("dev-1", 90, T0, "late")));
      assertThat(alerts(h))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.eventTimeMillis()).isEqualTo(T0);
                assertThat(a.eventIds()).containsExactly("late");
              });
    }
  }

  @Test
  void rateOfChangeWithoutMaxChangeTakesTheLibrarysRelativeDefault() {
    assertThat(Detectors.kindOf(detector("rate_of_change", Map.of())))
        .isEqualTo(io.lakestream.detect.RateOfChange.defaults());
    assertThat(Detectors.kindOf(detector("rate_of_change", Map.of("max_change", 5.0))))
        .isEqualTo(
            new io.lakestream.detect.RateOfChange(
                5.0, io.lakestream.detect.RateOfChange.defaults().per(), false));
  }

  @Test
  void outOfRangeSettingsAreReportedAtTheDetectorWithTheFilesNames() {
    var e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.lakestream.api.config.PipelineConfigException.class,
            () -> Detectors.kindOf(detector("rcf", Map.of("shingle_size", 100))));
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).path()).isEqualTo("detectors.d1");
    assertThat(e.problems().get(0).line()).isEqualTo(20);
    assertThat(e.problems().get(0).message())
        .contains("'shingle_size'")
        .doesNotContain("shingleSize");
  }
}
