package io.lakestream.jobs.curated;

import java.util.Arrays;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.table.data.RowData;

/**
 * A source's watermark that follows each raw-topic partition separately: the newest event time seen
 * per Kafka partition, minus the bound, taking the slowest partition.
 *
 * <p>The raw topic mixes all sources, so watermarks cannot be made at the Kafka source, where Flink
 * would track partitions itself. After the key-by, every parallel task sees events from every
 * partition, each partition's in order; but a consumer reads partitions in chunks, so one partition
 * can run minutes of event time ahead of another during a backlog. A watermark over "newest event
 * seen" would then declare the other partition's events late. Taking the minimum over partitions
 * keeps a replay of old data as on time as live traffic.
 *
 * <p>A partition that has had no event of this source for the idle timeout (or none since the
 * start) stops holding the watermark back, as Flink's idleness does for whole inputs.
 */
public final class PartitionWatermarks implements WatermarkGenerator<RowData> {

  private final int partitionIndex;
  private final long boundMillis;
  private final long idleNanos;
  private final long startNanos = System.nanoTime();

  private long[] newest;
  private long[] lastSeenNanos;
  private long emitted = Long.MIN_VALUE;

  /**
   * @param partitionIndex position of the lane column in the in-flight row
   * @param expectedPartitions lanes (raw-topic partitions times validating tasks); each holds the
   *     watermark back until it has an event or has been idle for the idle timeout
   * @param boundMillis out-of-orderness plus allowed lateness
   * @param idleMillis idle timeout
   */
  public PartitionWatermarks(
      int partitionIndex, int expectedPartitions, long boundMillis, long idleMillis) {
    this.partitionIndex = partitionIndex;
    this.boundMillis = boundMillis;
    this.idleNanos = idleMillis * 1_000_000L;
    this.newest = new long[Math.max(1, expectedPartitions)];
    this.lastSeenNanos = new long[newest.length];
    Arrays.fill(newest, Long.MIN_VALUE);
    Arrays.fill(lastSeenNanos, startNanos);
  }

  @Override
  public void onEvent(RowData row, long eventTime, WatermarkOutput output) {
    int p = row.isNullAt(partitionIndex) ? 0 : row.getInt(partitionIndex);
    if (p >= newest.length) {
      int from = newest.length;
      newest = Arrays.copyOf(newest, p + 1);
      lastSeenNanos = Arrays.copyOf(lastSeenNanos, p + 1);
      Arrays.fill(newest, from, newest.length, Long.MIN_VALUE);
      // Lanes between the expected ones and this one may never carry events: count them as idle.
      Arrays.fill(lastSeenNanos, from, lastSeenNanos.length, System.nanoTime() - idleNanos - 1);
    }
    if (eventTime > newest[p]) {
      newest[p] = eventTime;
    }
    lastSeenNanos[p] = System.nanoTime();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = System.nanoTime();
    long slowest = Long.MAX_VALUE;
    long newestOfAll = Long.MIN_VALUE;
    for (int p = 0; p < newest.length; p++) {
      newestOfAll = Math.max(newestOfAll, newest[p]);
      boolean idle = now - lastSeenNanos[p] > idleNanos;
      if (idle) {
        continue;
      }
      if (newest[p] == Long.MIN_VALUE) {
        return; // a lane that may still deliver old events: wait for it (or its timeout)
      }
      slowest = Math.min(slowest, newest[p]);
    }
    if (slowest == Long.MAX_VALUE) {
      if (newestOfAll == Long.MIN_VALUE) {
        return; // nothing seen yet
      }
      // Every lane has gone quiet: none holds the others back any more, so the windows that the
      // newest event closes can be written instead of waiting for traffic that may never come.
      slowest = newestOfAll;
    }
    long wm = slowest - boundMillis - 1;
    if (wm > emitted) {
      emitted = wm;
      output.emitWatermark(new Watermark(wm));
    }
  }
}
