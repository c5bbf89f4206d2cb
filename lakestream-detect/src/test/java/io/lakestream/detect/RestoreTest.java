package io.lakestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.detect.Robust.Seasonality;
import io.lakestream.detect.eval.SyntheticSeries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind: a restored detector gives exactly the scores the original would have given. */
class RestoreTest {

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of(Threshold.between(150, 400)),
        Arguments.of(RateOfChange.defaults()),
        Arguments.of(new RateOfChange(5, Duration.ofMinutes(5), false)),
        Arguments.of(Robust.defaults()),
        Arguments.of(Robust.defaults().withSeasonality(Seasonality.DAILY)),
        Arguments.of(new Robust(30, 5, 10, Seasonality.WEEKLY, Duration.ofMinutes(30), 2)),
        Arguments.of(Rcf.defaults()));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void restoredDetectorScoresExactlyLikeTheOriginal(DetectorKind kind) throws IOException {
    // three days with a daily pattern that breaks on the last day, plus spikes
    SyntheticSeries s = SyntheticSeries.brokenSeasonality(3);
    SyntheticSeries spikes = SyntheticSeries.spikes(3);
    int n = kind.type().equals(Rcf.TYPE) ? 3000 : s.size();
    int[] cuts = {0, 7, 700, 1500, n - 50};
    Detector original = kind.create();
    List<Score> expected = new ArrayList<>();
    List<byte[]> states = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < n; i++) {
      if (next < cuts.length && i == cuts[next]) {
        states.add(TestSeries.save(original));
        next++;
      }
      expected.add(original.update(s.time(i), value(s, spikes, i)));
    }
    for (int c = 0; c < cuts.length; c++) {
      Detector restored = TestSeries.restore(kind, states.get(c));
      for (int i = cuts[c]; i < n; i++) {
        assertThat(restored.update(s.time(i), value(s, spikes, i)))
            .as("%s restored at point %d, point %d", kind.type(), cuts[c], i)
            .isEqualTo(expected.get(i));
      }
      if (!kind.type().equals(Rcf.TYPE)) {
        assertThat(TestSeries.save(restored)).isEqualTo(TestSeries.save(original));
      }
    }
  }

  private static double value(SyntheticSeries s, SyntheticSeries spikes, int i) {
    return s.value(i) + (spikes.label(i) ? 100 : 0);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void kindsSurviveJavaSerializationAsTheJobShipsThem(DetectorKind kind) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(kind);
      out.writeObject(AlertLifecycle.Params.defaults());
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(kind);
      assertThat(in.readObject()).isEqualTo(AlertLifecycle.Params.defaults());
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void refusesAnotherKindsState(DetectorKind kind) throws IOException {
    DetectorKind other =
        kind.type().equals(Threshold.TYPE) ? Robust.defaults() : Threshold.above(1);
    byte[] state = TestSeries.save(other.create());
    assertThatThrownBy(() -> TestSeries.restore(kind, state))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("written by " + other.type())
        .hasMessageContaining("not by " + kind.type());
  }

  @org.junit.jupiter.api.Test
  void robustStateWithAnotherBucketLayoutIsRefused() throws IOException {
    byte[] state = TestSeries.save(Robust.defaults().withSeasonality(Seasonality.DAILY).create());
    assertThatThrownBy(
            () -> TestSeries.restore(Robust.defaults().withSeasonality(Seasonality.WEEKLY), state))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("24 seasonal buckets, this detector has 168");
  }

  @org.junit.jupiter.api.Test
  void robustRestoredWithASmallerWindowKeepsTheNewestValues() throws IOException {
    Detector d = Robust.defaults().create();
    double[] v = TestSeries.noise(21, 200, 10, 1);
    TestSeries.run(d, v);
    Robust smaller = new Robust(40, 6, 30, Seasonality.NONE, null, 3);
    Detector r = TestSeries.restore(smaller, TestSeries.save(d));
    Detector fresh = smaller.create();
    for (int i = 160; i < 200; i++) {
      fresh.update(i, v[i]);
    }
    assertThat(r.update(500, 12)).isEqualTo(fresh.update(500, 12));
  }
}
