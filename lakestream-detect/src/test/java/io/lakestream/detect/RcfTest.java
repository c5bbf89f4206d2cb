package io.lakestream.detect;

import static io.lakestream.detect.TestSeries.anomalous;
import static io.lakestream.detect.TestSeries.noise;
import static io.lakestream.detect.TestSeries.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RcfTest {

  @Test
  void findsSpikesWithAnExpectedValueAndStaysQuietOnNoise() {
    double[] v = noise(11, 3000, 100, 2);
    int[] spikes = {1200, 1900, 2600};
    for (int i : spikes) {
      v[i] += 30;
    }
    List<Score> s = run(Rcf.defaults().create(), v);
    List<Integer> a = anomalous(s);
    for (int i : spikes) {
      assertThat(a).as("spike at %d", i).anyMatch(x -> x >= i && x <= i + 8);
    }
    assertThat(a).as("anomalous points away from the spikes").hasSizeLessThanOrEqualTo(6);
    Score spike = s.get(1200);
    assertThat(spike.anomalous()).isTrue();
    assertThat(spike.score()).isGreaterThan(Rcf.DEFAULT_MIN_SCORE);
    assertThat(spike.expected()).isBetween(90.0, 110.0);
    assertThat(spike.low()).isNaN();
  }

  @Test
  void warmsUpFirst() {
    List<Score> s = run(Rcf.defaults().create(), noise(12, 100, 5, 1));
    assertThat(s.get(0)).isEqualTo(Score.warmingUp(s.get(0).value()));
    assertThat(s).noneMatch(Score::anomalous);
  }

  @Test
  void sameSeedSameScores() {
    double[] v = noise(13, 800, 10, 1);
    assertThat(run(Rcf.defaults().create(), v)).isEqualTo(run(Rcf.defaults().create(), v));
  }

  @Test
  void reportsItsSizeAsTwiceTheSavedForest() throws Exception {
    Detector d = Rcf.defaults().create();
    run(d, noise(14, 600, 10, 1));
    assertThat(d.approximateBytes()).isEqualTo(2L * (TestSeries.save(d).length - 6));
  }

  @Test
  void rejectsBadParametersNamingThem() {
    Rcf r = Rcf.defaults();
    assertThatThrownBy(() -> new Rcf(0, 256, 30, 0.005, 3, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'shingleSize'");
    assertThatThrownBy(() -> new Rcf(8, 1, 30, 0.005, 3, 2, 1))
        .hasMessageContaining("'sampleSize'");
    assertThatThrownBy(() -> new Rcf(8, 256, 1, 0.005, 3, 2, 1))
        .hasMessageContaining("'numberOfTrees'");
    assertThatThrownBy(() -> new Rcf(8, 256, 30, 0, 3, 2, 1)).hasMessageContaining("'anomalyRate'");
    assertThatThrownBy(() -> new Rcf(8, 256, 30, 0.005, 0, 2, 1)).hasMessageContaining("'zFactor'");
    assertThatThrownBy(() -> r.withMinScore(-1)).hasMessageContaining("'minScore'");
  }
}
