package io.lakestream.app.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Rates of growing totals over a sliding window. */
class RatesTest {

  private static final long S = 1_000_000_000L;

  @Test
  void rateOverTheWindow() {
    Rates r = new Rates();
    assertThat(r.update("a", 0, 0, 5 * S)).isZero();
    assertThat(r.update("a", 100, S, 5 * S)).isCloseTo(100, within(1e-9));
    assertThat(r.update("a", 300, 2 * S, 5 * S)).isCloseTo(150, within(1e-9));
    // Points older than the window are dropped: 8 s in, the rate covers 3..8 s.
    r.update("a", 300, 3 * S, 5 * S);
    assertThat(r.update("a", 800, 8 * S, 5 * S)).isCloseTo(100, within(1e-9));
  }

  @Test
  void stepsOfALakeTableAreSmoothedAndAQuietSeriesFallsToZero() {
    Rates r = new Rates();
    long w = 30 * S;
    r.update("t", 0, 0, w);
    // One commit of 1,000 rows every 10 s reads as 100 rows/s, not as bursts.
    assertThat(r.update("t", 1000, 10 * S, w)).isCloseTo(100, within(1e-9));
    assertThat(r.update("t", 2000, 20 * S, w)).isCloseTo(100, within(1e-9));
    assertThat(r.update("t", 3000, 30 * S, w)).isCloseTo(100, within(1e-9));
    // Then nothing for a whole window.
    r.update("t", 3000, 45 * S, w);
    assertThat(r.update("t", 3000, 70 * S, w)).isZero();
  }

  @Test
  void aTotalThatGoesDownRestartsTheSeries() {
    Rates r = new Rates();
    r.update("x", 500, 0, 5 * S);
    r.update("x", 600, S, 5 * S);
    assertThat(r.update("x", 10, 2 * S, 5 * S)).isZero();
    assertThat(r.update("x", 60, 3 * S, 5 * S)).isCloseTo(50, within(1e-9));
    // Keys are independent.
    assertThat(r.update("y", 7, 3 * S, 5 * S)).isZero();
  }
}
