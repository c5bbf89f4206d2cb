package io.lakestream.detect;

import static io.lakestream.detect.TestSeries.anomalous;
import static io.lakestream.detect.TestSeries.noise;
import static io.lakestream.detect.TestSeries.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.detect.Robust.Seasonality;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RobustTest {

  private static final int DAY = 1440;

  @Test
  void findsSpikesInNoiseAndNothingElse() {
    double[] v = noise(1, 3 * DAY, 100, 2);
    int[] spikes = {500, 1700, 2900, 3500};
    for (int i : spikes) {
      v[i] += (i % 2 == 0 ? 1 : -1) * 20; // 10 sigma
    }
    List<Score> s = run(Robust.defaults().create(), v);
    assertThat(anomalous(s)).containsExactly(500, 1700, 2900, 3500);
    Score spike = s.get(500);
    assertThat(spike.score()).isGreaterThan(6);
    assertThat(spike.expected()).isCloseTo(100, org.assertj.core.data.Offset.offset(1.0));
    assertThat(spike.low()).isLessThan(100).isGreaterThan(80);
    assertThat(spike.high()).isGreaterThan(100).isLessThan(120);
  }

  @Test
  void warmsUpForMinPoints() {
    List<Score> s = run(Robust.defaults().create(), noise(2, 40, 10, 1));
    assertThat(s.subList(0, 30)).allMatch(x -> Double.isNaN(x.expected()) && !x.anomalous());
    assertThat(s.get(30).expected()).isNotNaN();
  }

  @Test
  void aLevelShiftIsFlaggedThenBecomesNormal() {
    double[] v = noise(3, 600, 50, 1);
    for (int i = 300; i < v.length; i++) {
      v[i] += 15;
    }
    List<Integer> a = anomalous(run(Robust.defaults().create(), v));
    assertThat(a).isNotEmpty().allMatch(i -> i >= 300 && i < 340);
  }

  @Test
  void constantSeriesUsesTheFallbackScale() {
    double[] v = new double[100];
    java.util.Arrays.fill(v, 5.0);
    v[80] = 5.5; // 10% away from a constant
    List<Score> s = run(Robust.defaults().create(), v);
    assertThat(anomalous(s)).containsExactly(80);
    assertThat(s).allMatch(x -> !Double.isNaN(x.score()) && !Double.isInfinite(x.score()));
    assertThat(s.get(79).score()).isZero();

    double[] zeros = new double[100];
    zeros[90] = 1e-3;
    assertThat(anomalous(run(Robust.defaults().create(), zeros))).containsExactly(90);
  }

  @Test
  void mostlyConstantSeriesFallsBackToTheMeanAbsoluteDeviation() {
    double[] v = new double[200];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 4 == 0 ? 1 : 0; // MAD is 0, mean absolute deviation is not
    }
    v[150] = 10;
    List<Score> s = run(Robust.defaults().create(), v);
    assertThat(anomalous(s)).containsExactly(150);
  }

  /** Business hours: a sharp step from 100 to 200 between 9:00 and 17:00 UTC every day. */
  private static double[] businessHours(long seed, int days, int brokenDay) {
    double[] v = noise(seed, days * DAY, 100, 2);
    for (int i = 0; i < v.length; i++) {
      int minute = i % DAY;
      if (minute >= 9 * 60 && minute < 17 * 60 && i / DAY != brokenDay) {
        v[i] += 100;
      }
    }
    return v;
  }

  @Test
  void aDailyCycleIsFlaggedWithoutSeasonalityButNotWithIt() {
    double[] v = businessHours(4, 4, -1);
    List<Integer> plain = anomalous(run(Robust.defaults().create(), v));
    for (int day = 0; day < 4; day++) {
      int nine = day * DAY + 9 * 60;
      assertThat(plain).as("the step at 9:00 on day %d", day).contains(nine);
    }
    List<Score> seasonal = run(Robust.defaults().withSeasonality(Seasonality.DAILY).create(), v);
    assertThat(seasonal.subList(0, DAY)).noneMatch(Score::anomalous); // learning the first day
    assertThat(anomalous(seasonal)).isEmpty();
    assertThat(seasonal.get(3 * DAY + 10 * 60).expected())
        .isCloseTo(200, org.assertj.core.data.Offset.offset(3.0));
  }

  @Test
  void aDailyCycleThatDoesNotComeIsFlaggedWithSeasonality() {
    double[] v = businessHours(5, 4, 2); // no business hours on day 2
    List<Integer> a =
        anomalous(run(Robust.defaults().withSeasonality(Seasonality.DAILY).create(), v));
    assertThat(a).contains(2 * DAY + 9 * 60);
    assertThat(a).allMatch(i -> i >= 2 * DAY + 9 * 60 && i < 3 * DAY);
  }

  @Test
  void weeklySeasonalityBucketsByHourOfWeekFromMonday() {
    Robust weekly = Robust.defaults().withSeasonality(Seasonality.WEEKLY);
    assertThat(weekly.buckets()).isEqualTo(168);
    // Monday 00:00 UTC is bucket 0: the first point of a Monday starts warming up a fresh bucket
    Detector d = weekly.create();
    assertThat(d.update(TestSeries.T0, 1)).isEqualTo(Score.warmingUp(1));
  }

  @Test
  void memoryIsBoundedWhateverTheSeriesLength() {
    Detector plain = Robust.defaults().create();
    Detector daily = Robust.defaults().withSeasonality(Seasonality.DAILY).create();
    double[] v = noise(6, 2 * DAY, 10, 1);
    run(plain, v);
    run(daily, v);
    long plainBytes = plain.approximateBytes();
    long dailyBytes = daily.approximateBytes();
    double[] more = noise(7, 5 * DAY, 10, 1);
    run(plain, more);
    run(daily, more);
    assertThat(plain.approximateBytes()).isEqualTo(plainBytes).isLessThan(1_000);
    assertThat(daily.approximateBytes()).isEqualTo(dailyBytes).isLessThan(4_000);
  }

  @Test
  void rejectsBadParametersNamingThem() {
    Robust d = Robust.defaults();
    assertThatThrownBy(() -> new Robust(2, 6, 3, Seasonality.NONE, null, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'window'");
    assertThatThrownBy(() -> d.withThreshold(0)).hasMessageContaining("'threshold'");
    assertThatThrownBy(() -> new Robust(60, 6, 61, Seasonality.NONE, null, 3))
        .hasMessageContaining("'minPoints' must be 3..60");
    assertThatThrownBy(() -> new Robust(60, 6, 30, null, null, 3))
        .hasMessageContaining("none, daily, weekly");
    assertThatThrownBy(() -> new Robust(60, 6, 30, Seasonality.DAILY, Duration.ofMinutes(7), 3))
        .hasMessageContaining("'bucket'");
    assertThatThrownBy(() -> new Robust(60, 6, 30, Seasonality.DAILY, null, 0))
        .hasMessageContaining("'seasons'");
    assertThat(new Robust(60, 6, 30, Seasonality.DAILY, null, 3).bucket())
        .isEqualTo(Duration.ofHours(1));
  }
}
