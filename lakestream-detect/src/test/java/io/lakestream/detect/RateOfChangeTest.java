package io.lakestream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateOfChangeTest {

  private static final long MIN = 60_000;

  @Test
  void firstPointWarmsUpThenRelativeJumpsAreFlagged() {
    Detector d = new RateOfChange(0.5, Duration.ofMinutes(1), true).create();
    assertThat(d.update(0, 100)).isEqualTo(Score.warmingUp(100));
    Score small = d.update(MIN, 120);
    assertThat(small.anomalous()).isFalse();
    assertThat(small.score()).isCloseTo(0.4, within());
    assertThat(small.expected()).isEqualTo(100);
    assertThat(small.low()).isEqualTo(50);
    assertThat(small.high()).isEqualTo(150);
    Score jump = d.update(2 * MIN, 240); // +100% of 120
    assertThat(jump.anomalous()).isTrue();
    assertThat(jump.score()).isCloseTo(2.0, within());
  }

  @Test
  void defaultsAllowTwentyPercentPerMinute() {
    RateOfChange d = RateOfChange.defaults();
    assertThat(d).isEqualTo(new RateOfChange(0.2, Duration.ofMinutes(1), true));
    Detector det = d.create();
    det.update(0, 100);
    assertThat(det.update(MIN, 119).anomalous()).isFalse();
    assertThat(det.update(2 * MIN, 143).anomalous()).isTrue();
  }

  @Test
  void allowedChangeGrowsWithTheGapButNotBelowOnePer() {
    Detector d = new RateOfChange(10, Duration.ofMinutes(1), false).create();
    d.update(0, 0);
    assertThat(d.update(10 * MIN, 90).anomalous()).isFalse(); // 90 in 10 min: 9/min
    assertThat(d.update(10 * MIN + 1000, 102).anomalous()).isTrue(); // 12 within a second
    assertThat(d.update(10 * MIN + 1000, 95).anomalous()).isFalse(); // same time, 7
  }

  @Test
  void relativeChangeFromZeroCountsAsOneHundredPercent() {
    Detector d = new RateOfChange(0.5, Duration.ofMinutes(1), true).create();
    d.update(0, 0);
    assertThat(d.update(MIN, 0).score()).isZero();
    assertThat(d.update(2 * MIN, 5).score()).isEqualTo(2.0);
  }

  @Test
  void rejectsBadParametersNamingThem() {
    assertThatThrownBy(() -> new RateOfChange(0, Duration.ofMinutes(1), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'maxChange'");
    assertThatThrownBy(() -> new RateOfChange(1, Duration.ZERO, true))
        .hasMessageContaining("'per'");
    assertThatThrownBy(() -> new RateOfChange(1, null, true)).hasMessageContaining("'per'");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
