package io.lakestream.detect.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.detect.AlertLifecycle;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped defaults, evaluated on the synthetic set (2 series per category here; the table in
 * the package documentation uses 5): the floors below are what the defaults must keep meeting.
 */
class EvaluationTest {

  private static Map<String, Evaluation.Result> results;

  @BeforeAll
  static void evaluate() {
    List<Evaluation.Result> all =
        Evaluation.evaluateAll(
            Evaluation.defaultCandidates(),
            AlertLifecycle.Params.defaults(),
            SyntheticSeries.standardSet(2),
            Evaluation.DEFAULT_TOLERANCE);
    System.out.println(Evaluation.table(all));
    results = all.stream().collect(Collectors.toMap(Evaluation.Result::name, Function.identity()));
  }

  @Test
  void robustDefaultsFindPointAnomaliesWithoutFalseAlerts() {
    Evaluation.Result r = results.get("robust");
    assertThat(r.precision()).isGreaterThanOrEqualTo(0.9);
    assertThat(r.recall()).isGreaterThanOrEqualTo(0.75);
    assertThat(r.falseAlertsPerDay()).isLessThanOrEqualTo(0.2);
    assertThat(r.meanDelayMinutes()).isLessThanOrEqualTo(5);
    int[] spikes = r.byCategory().get("spikes");
    assertThat(spikes[1]).isEqualTo(spikes[0]);
  }

  @Test
  void robustDailyAlsoFindsBrokenSeasonality() {
    Evaluation.Result r = results.get("robust daily");
    assertThat(r.precision()).isGreaterThanOrEqualTo(0.75);
    assertThat(r.recall()).isGreaterThanOrEqualTo(0.9);
    assertThat(r.falseAlertsPerDay()).isLessThanOrEqualTo(0.3);
    int[] broken = r.byCategory().get("broken_seasonality");
    assertThat(broken[1]).isEqualTo(broken[0]);
  }

  @Test
  void rcfDefaultsFindMostAnomaliesWithFewFalseAlerts() {
    Evaluation.Result r = results.get("rcf");
    assertThat(r.precision()).isGreaterThanOrEqualTo(0.7);
    assertThat(r.recall()).isGreaterThanOrEqualTo(0.8);
    assertThat(r.falseAlertsPerDay()).isLessThanOrEqualTo(0.5);
    assertThat(r.meanDelayMinutes()).isLessThanOrEqualTo(10);
  }

  @Test
  void rateOfChangeDefaultsNeverCryWolf() {
    assertThat(results.get("rate_of_change").falseAlertsPerDay()).isZero();
  }

  @Test
  void reportIsATable() {
    String table = Evaluation.table(List.copyOf(results.values()));
    assertThat(table).contains("precision", "recall", "false/day", "robust daily", "clean_drift");
  }

  @Test
  void metricsFollowTheirDefinitions() {
    Evaluation.Result r = new Evaluation.Result("x", 10, 8, 12, 9, 40, 2, 4, Map.of());
    assertThat(r.precision()).isEqualTo(0.75);
    assertThat(r.recall()).isEqualTo(0.8);
    assertThat(r.meanDelayMinutes()).isEqualTo(5);
    assertThat(r.falseAlertsPerDay()).isEqualTo(0.5);
    assertThat(r.alertsPerAnomaly()).isEqualTo(9 / 8.0);
    assertThat(new Evaluation.Result("y", 0, 0, 0, 0, 0, 0, 0, Map.of()).precision()).isNaN();
  }
}
