package io.lakestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThresholdTest {

  @Test
  void flagsValuesOutsideTheBoundsWithScoresInBandWidths() {
    Detector d = Threshold.between(10, 20).create();
    assertThat(d.update(0, 15)).isEqualTo(new Score(15, 0, Double.NaN, 10, 20, false));
    assertThat(d.update(1, 20)).extracting(Score::anomalous).isEqualTo(false);
    Score high = d.update(2, 25);
    assertThat(high.anomalous()).isTrue();
    assertThat(high.score()).isEqualTo(0.5); // 5 beyond, band of 10
    Score low = d.update(3, 9);
    assertThat(low.anomalous()).isTrue();
    assertThat(low.score()).isEqualTo(0.1);
  }

  @Test
  void oneBoundScalesByItsMagnitude() {
    Score s = Threshold.above(80).create().update(0, 100);
    assertThat(s).isEqualTo(new Score(100, 0.25, Double.NaN, Double.NaN, 80, true));
    Score z = Threshold.below(0).create().update(0, -3);
    assertThat(z.score()).isEqualTo(3);
    assertThat(z.anomalous()).isTrue();
  }

  @Test
  void rejectsUnusableBoundsNamingThem() {
    assertThatThrownBy(() -> new Threshold(null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'above', 'below'");
    assertThatThrownBy(() -> Threshold.between(5, 5)).hasMessageContaining("'below' (5.0)");
    assertThatThrownBy(() -> Threshold.above(Double.NaN)).hasMessageContaining("'above'");
    assertThatThrownBy(() -> Threshold.below(Double.POSITIVE_INFINITY))
        .hasMessageContaining("'below'");
  }
}
