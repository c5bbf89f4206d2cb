package io.lakestream.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Remembers the previous point and judges the change to the next one. */
final class RateOfChangeDetector implements Detector {

  static final int VERSION = 1;

  private final double maxChange;
  private final long perMillis;
  private final boolean relative;
  private boolean seen;
  private long previousTime;
  private double previous;

  RateOfChangeDetector(RateOfChange p) {
    maxChange = p.maxChange();
    perMillis = p.per().toMillis();
    relative = p.relative();
  }

  @Override
  public Score update(long eventTimeMillis, double value) {
    if (!seen) {
      remember(eventTimeMillis, value);
      return Score.warmingUp(value);
    }
    double gap = Math.max(0, eventTimeMillis - previousTime);
    double allowed = maxChange * Math.max(1.0, gap / perMillis);
    double delta = Math.abs(value - previous);
    double change;
    double band;
    if (relative) {
      double base = Math.abs(previous);
      change = base == 0 ? (delta == 0 ? 0 : 1) : delta / base;
      band = allowed * base;
    } else {
      change = delta;
      band = allowed;
    }
    double score = change / allowed;
    Score s = new Score(value, score, previous, previous - band, previous + band, score > 1);
    remember(eventTimeMillis, value);
    return s;
  }

  private void remember(long time, double value) {
    seen = true;
    previousTime = time;
    previous = value;
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    StateFormat.writeHeader(out, StateFormat.RATE_OF_CHANGE, VERSION);
    out.writeBoolean(seen);
    out.writeLong(previousTime);
    out.writeDouble(previous);
  }

  void readState(DataInput in) throws IOException {
    seen = in.readBoolean();
    previousTime = in.readLong();
    previous = in.readDouble();
  }

  @Override
  public long approximateBytes() {
    return 64;
  }
}
