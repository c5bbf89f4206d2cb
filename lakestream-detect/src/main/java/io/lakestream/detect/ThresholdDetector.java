package io.lakestream.detect;

import java.io.DataOutput;
import java.io.IOException;

/** Stateless: judges each point against the bounds. */
final class ThresholdDetector implements Detector {

  static final int VERSION = 1;

  private final double above;
  private final double below;
  private final double low;
  private final double high;
  private final double scaleAbove;
  private final double scaleBelow;

  ThresholdDetector(Threshold p) {
    above = p.above() == null ? Double.POSITIVE_INFINITY : p.above();
    below = p.below() == null ? Double.NEGATIVE_INFINITY : p.below();
    low = p.below() == null ? Double.NaN : p.below();
    high = p.above() == null ? Double.NaN : p.above();
    if (p.above() != null && p.below() != null) {
      scaleAbove = scaleBelow = above - below;
    } else {
      scaleAbove = unitScale(above);
      scaleBelow = unitScale(below);
    }
  }

  private static double unitScale(double bound) {
    return Double.isInfinite(bound) || bound == 0 ? 1 : Math.abs(bound);
  }

  @Override
  public Score update(long eventTimeMillis, double value) {
    double score = 0;
    if (value > above) {
      score = (value - above) / scaleAbove;
    } else if (value < below) {
      score = (below - value) / scaleBelow;
    }
    boolean anomalous = value > above || value < below;
    return new Score(value, score, Double.NaN, low, high, anomalous);
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateFormat.writeHeader(out, StateFormat.THRESHOLD, VERSION);
  }

  @Override
  public long approximateBytes() {
    return 64;
  }
}
