package io.lakestream.jobs.curated;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.table.data.GenericRowData;
import org.junit.jupiter.api.Test;

class PartitionWatermarksTest {

  /** Rows with only the lane column (position 0) filled. */
  private static GenericRowData lane(int lane) {
    return GenericRowData.of(lane);
  }

  private static final class Collect implements WatermarkOutput {
    final List<Long> emitted = new ArrayList<>();

    @Override
    public void emitWatermark(Watermark watermark) {
      emitted.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}

    Long last() {
      return emitted.isEmpty() ? null : emitted.get(emitted.size() - 1);
    }
  }

  @Test
  void followsTheSlowestLaneMinusTheBound() {
    PartitionWatermarks w = new PartitionWatermarks(0, 2, 1000, 60_000);
    Collect out = new Collect();
    w.onEvent(lane(0), 50_000, out);
    w.onEvent(lane(1), 10_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(10_000 - 1000 - 1);

    // Lane 0 running far ahead does not move it; lane 1 catching up does.
    w.onEvent(lane(0), 90_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.emitted).hasSize(1);
    w.onEvent(lane(1), 40_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(40_000 - 1000 - 1);
  }

  @Test
  void waitsForEveryExpectedLaneUntilItIsIdle() throws InterruptedException {
    PartitionWatermarks w = new PartitionWatermarks(0, 2, 0, 50);
    Collect out = new Collect();
    w.onEvent(lane(0), 5000, out);
    w.onPeriodicEmit(out);
    assertThat(out.emitted).as("lane 1 may still bring older events").isEmpty();

    // Once lane 1 has been silent for the idle timeout it stops holding the watermark back.
    long until = System.nanoTime() + 200_000_000L;
    while (out.emitted.isEmpty() && System.nanoTime() < until) {
      w.onEvent(lane(0), 5000, out);
      w.onPeriodicEmit(out);
      Thread.onSpinWait();
    }
    assertThat(out.last()).isEqualTo(4999);
  }

  @Test
  void neverGoesBackAndTakesLanesBeyondTheExpectedOnes() {
    PartitionWatermarks w = new PartitionWatermarks(0, 1, 0, 60_000);
    Collect out = new Collect();
    w.onEvent(lane(0), 20_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(19_999);

    // A lane the topic did not have at start (partitions added later) joins the minimum, but the
    // watermark already emitted is never taken back.
    w.onEvent(lane(3), 15_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.emitted).containsExactly(19_999L);
    w.onEvent(lane(3), 30_000, out);
    w.onEvent(lane(0), 30_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(29_999);
  }

  @Test
  void whenEveryLaneIsQuietItFollowsTheNewestEvent() {
    PartitionWatermarks w = new PartitionWatermarks(0, 2, 0, 30);
    Collect out = new Collect();
    w.onEvent(lane(0), 10_000, out);
    w.onEvent(lane(1), 70_000, out);
    w.onPeriodicEmit(out);
    assertThat(out.last()).isEqualTo(9_999);

    long until = System.nanoTime() + 500_000_000L;
    while (!Long.valueOf(69_999).equals(out.last()) && System.nanoTime() < until) {
      w.onPeriodicEmit(out);
      Thread.onSpinWait();
    }
    assertThat(out.last())
        .as("both lanes idle: the newest event closes its windows")
        .isEqualTo(69_999);
  }
}
