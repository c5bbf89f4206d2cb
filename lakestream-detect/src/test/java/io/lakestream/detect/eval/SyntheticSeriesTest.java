package io.lakestream.detect.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyntheticSeriesTest {

  @Test
  void seededAndLabelledAsDocumented() {
    for (String c : SyntheticSeries.ANOMALOUS) {
      SyntheticSeries a = SyntheticSeries.of(c, 4);
      SyntheticSeries b = SyntheticSeries.of(c, 4);
      assertThat(a.size()).isEqualTo(3 * 1440);
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.value(i)).isEqualTo(b.value(i));
      }
      assertThat(a.clean()).isFalse();
      assertThat(a.anomalies()).isNotEmpty();
      assertThat(a.anomalies())
          .allMatch(
              an -> an.start() >= SyntheticSeries.FIRST_ANOMALY_INDEX && an.end() >= an.start());
    }
    assertThat(SyntheticSeries.spikes(1).anomalies()).hasSize(5);
    assertThat(SyntheticSeries.levelShift(1).anomalies()).hasSize(2);
    for (String c : SyntheticSeries.CLEAN) {
      SyntheticSeries s = SyntheticSeries.of(c, 4);
      assertThat(s.clean()).isTrue();
      assertThat(s.anomalies()).isEmpty();
    }
    assertThat(SyntheticSeries.of("spikes", 1).value(100))
        .isNotEqualTo(SyntheticSeries.of("spikes", 2).value(100));
    assertThat(SyntheticSeries.standardSet(2)).hasSize(18);
    assertThat(SyntheticSeries.spikes(1).time(1) - SyntheticSeries.spikes(1).time(0))
        .isEqualTo(60_000);
  }

  @Test
  void unknownCategoryListsTheKnownOnes() {
    assertThatThrownBy(() -> SyntheticSeries.of("sawtooth", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sawtooth")
        .hasMessageContaining("level_shift");
  }
}
