package io.lakestream.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Without seasonality: a ring of the last {@code window} values, judged by their median and MAD.
 *
 * <p>With it: the current bucket occurrence's values in a ring; per bucket the summaries (median
 * relative to the level at the time, scale, points) of its last {@code seasons} occurrences; and a
 * ring of the last {@code window} deseasonalised values, whose median is the level correction.
 */
final class RobustDetector implements Detector {

  static final int VERSION = 1;

  /** Monday 1970-01-05 00:00 UTC minus the epoch: weeks start on Monday. */
  private static final long WEEK_OFFSET_MILLIS = 4 * 86_400_000L;

  private final double threshold;
  private final int minPoints;
  private final boolean seasonal;
  private final int buckets;
  private final int seasons;
  private final long bucketMillis;
  private final long offsetMillis;

  /** The last {@code window} values (no seasonality) or the current occurrence's values. */
  private final Ring recent;

  // seasonal only: deseasonalised values, the current occurrence (absolute bucket number) and
  // the per-bucket history as flat arrays (bucket b, season j at b * seasons + j)
  private final Ring deseasonalised;
  private long slot = Long.MIN_VALUE;
  private final int[] filled;
  private final int[] next;
  private final double[] medians;
  private final double[] scales;
  private final int[] counts;

  RobustDetector(Robust p) {
    threshold = p.threshold();
    minPoints = p.minPoints();
    seasonal = p.seasonality() != Robust.Seasonality.NONE;
    buckets = p.buckets();
    seasons = p.seasons();
    bucketMillis = p.bucket().toMillis();
    offsetMillis = p.seasonality() == Robust.Seasonality.WEEKLY ? -WEEK_OFFSET_MILLIS : 0;
    recent = new Ring(p.window());
    deseasonalised = new Ring(seasonal ? p.window() : 1);
    int n = seasonal ? buckets : 0;
    filled = new int[n];
    next = new int[n];
    medians = new double[n * seasons];
    scales = new double[n * seasons];
    counts = new int[n * seasons];
  }

  @Override
  public Score update(long eventTimeMillis, double value) {
    Score s;
    if (!seasonal) {
      if (recent.size < minPoints) {
        s = Score.warmingUp(value);
      } else {
        double[] stats = stats(recent);
        s = verdict(value, stats[0], stats[1]);
      }
    } else {
      long now = Math.floorDiv(eventTimeMillis + offsetMillis, bucketMillis);
      if (now != slot) {
        closeOccurrence();
        slot = now;
      }
      s = judgeSeasonal((int) Math.floorMod(now, (long) buckets), value);
    }
    recent.add(value);
    return s;
  }

  /** Summarises the finished occurrence, relative to the current level, into its bucket. */
  private void closeOccurrence() {
    if (recent.size == 0) {
      return;
    }
    double[] stats = stats(recent);
    push((int) Math.floorMod(slot, (long) buckets), stats[0] - level(), stats[1], recent.size);
    recent.clear();
  }

  private void push(int b, double median, double scale, int count) {
    int i = b * seasons + next[b];
    medians[i] = median;
    scales[i] = scale;
    counts[i] = count;
    next[b] = (next[b] + 1) % seasons;
    if (filled[b] < seasons) {
      filled[b]++;
    }
  }

  private Score judgeSeasonal(int b, double value) {
    int k = filled[b];
    int points = 0;
    for (int j = 0; j < k; j++) {
      points += counts[b * seasons + j];
    }
    if (k == 0 || points < minPoints) {
      return Score.warmingUp(value);
    }
    double[] m = Arrays.copyOfRange(medians, b * seasons, b * seasons + k);
    double[] s = Arrays.copyOfRange(scales, b * seasons, b * seasons + k);
    Arrays.sort(m);
    Arrays.sort(s);
    double shape = median(m, k);
    Score verdict = verdict(value, shape + level(), median(s, k));
    deseasonalised.add(value - shape);
    return verdict;
  }

  /** The level correction: median of the recent deseasonalised values, 0 before any. */
  private double level() {
    int n = deseasonalised.size;
    if (n == 0) {
      return 0;
    }
    double[] a = Arrays.copyOf(deseasonalised.values, n);
    Arrays.sort(a);
    return median(a, n);
  }

  private Score verdict(double value, double expected, double scale) {
    double z = Math.abs(value - expected) / scale;
    double band = threshold * scale;
    return new Score(value, z, expected, expected - band, expected + band, z > threshold);
  }

  /** {median, scale} of the ring's values, the scale guarded against 0 as documented. */
  private static double[] stats(Ring ring) {
    int n = ring.size;
    double[] a = Arrays.copyOf(ring.values, n);
    Arrays.sort(a);
    double median = median(a, n);
    double sumAbs = 0;
    for (int i = 0; i < n; i++) {
      a[i] = Math.abs(a[i] - median);
      sumAbs += a[i];
    }
    Arrays.sort(a);
    double scale = 1.4826 * median(a, n);
    if (scale == 0) {
      scale = 1.2533 * sumAbs / n;
    }
    if (scale == 0) {
      scale = Math.max(1e-3 * Math.abs(median), 1e-9);
    }
    return new double[] {median, scale};
  }

  private static double median(double[] sorted, int n) {
    return (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateFormat.writeHeader(out, StateFormat.ROBUST, VERSION);
    recent.write(out);
    out.writeInt(filled.length);
    if (filled.length == 0) {
      return;
    }
    deseasonalised.write(out);
    out.writeLong(slot);
    for (int b = 0; b < filled.length; b++) {
      int k = filled[b];
      out.writeByte(k);
      int start = k < seasons ? 0 : next[b];
      for (int j = 0; j < k; j++) {
        int i = b * seasons + (start + j) % seasons;
        out.writeDouble(medians[i]);
        out.writeDouble(scales[i]);
        out.writeInt(counts[i]);
      }
    }
  }

  void readState(DataInput in) throws IOException {
    recent.read(in);
    int count = in.readInt();
    if (count != filled.length) {
      throw new IOException(
          "robust state has "
              + count
              + " seasonal buckets, this detector has "
              + filled.length
              + " (seasonality or bucket changed); start a new model");
    }
    if (count == 0) {
      return;
    }
    deseasonalised.read(in);
    slot = in.readLong();
    for (int b = 0; b < count; b++) {
      int k = in.readUnsignedByte();
      for (int j = 0; j < k; j++) {
        push(b, in.readDouble(), in.readDouble(), in.readInt()); // fewer seasons keep the newest
      }
    }
  }

  @Override
  public long approximateBytes() {
    // object and fields, two rings with their arrays, five per-bucket arrays (empty without
    // seasonality)
    return 96
        + 2 * 40
        + 8L * (recent.values.length + deseasonalised.values.length)
        + 5 * 16
        + filled.length * (8L + 20L * seasons);
  }

  /** The last {@code values.length} values, oldest overwritten first. */
  private static final class Ring {
    final double[] values;
    int size;
    int next;

    Ring(int capacity) {
      values = new double[capacity];
    }

    void add(double v) {
      values[next] = v;
      next = (next + 1) % values.length;
      if (size < values.length) {
        size++;
      }
    }

    void clear() {
      size = 0;
      next = 0;
    }

    void write(DataOutput out) throws IOException {
      out.writeInt(size);
      int start = size < values.length ? 0 : next;
      for (int i = 0; i < size; i++) {
        out.writeDouble(values[(start + i) % values.length]);
      }
    }

    /** Reads what {@link #write} wrote; a smaller ring keeps the newest values. */
    void read(DataInput in) throws IOException {
      int n = in.readInt();
      if (n < 0 || n > 1_000_000) {
        throw new IOException("robust state is corrupt: a ring of " + n + " values");
      }
      for (int i = 0; i < n; i++) {
        add(in.readDouble());
      }
    }
  }
}
