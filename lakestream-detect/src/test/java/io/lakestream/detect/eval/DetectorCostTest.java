package io.lakestream.detect.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.detect.Robust;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smoke test only: timings depend on the machine, so nothing asserts on them. */
class DetectorCostTest {

  @Test
  void measuresAndPrints() {
    DetectorCost.Cost c = DetectorCost.measure("robust", Robust.defaults(), 0, Duration.ZERO);
    assertThat(c.microsPerUpdate()).isPositive();
    assertThat(c.stateBytes()).isPositive();
    assertThat(c.approximateBytes()).isPositive();
    assertThat(c.heapBytes()).isEqualTo(-1);
    assertThat(DetectorCost.table(List.of(c))).contains("µs/update", "robust");
    assertThat(DetectorCost.candidates())
        .extracting(Evaluation.Candidate::name)
        .contains("threshold", "rate_of_change", "robust", "robust daily", "rcf");
  }
}
