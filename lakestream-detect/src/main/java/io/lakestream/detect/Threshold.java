package io.lakestream.detect;

import java.io.DataInput;
import java.io.IOException;

/**
 * Fixed bounds, type {@code threshold}: a point is anomalous when its value is strictly above
 * {@code above} or strictly below {@code below}. Nothing is learned, so every point is judged from
 * the first one on and the saved state is two header bytes.
 *
 * <p>Score: 0 inside the bounds; outside, how far the value is beyond the violated bound, in units
 * of the band width {@code above - below} when both bounds are set, or of {@code |bound|} when only
 * one is (1 when that bound is 0). So with {@code above = 80}, a value of 100 scores 0.25. The
 * verdict's {@code expected} is NaN, {@code low} is {@code below} and {@code high} is {@code above}
 * (NaN for an unset bound).
 *
 * <p>There are no defaults: use {@link #above}, {@link #below} or {@link #between}.
 *
 * @param above upper bound, or null for none
 * @param below lower bound, or null for none; less than {@code above} when both are set
 */
public record Threshold(Double above, Double below) implements DetectorKind {

  private static final long serialVersionUID = 1L;

  /** The {@link #type()} name. */
  public static final String TYPE = "threshold";

  /**
   * @throws IllegalArgumentException when neither bound is set, a bound is not finite, or {@code
   *     below >= above}
   */
  public Threshold {
    if (above == null && below == null) {
      throw new IllegalArgumentException("threshold: set 'above', 'below' or both");
    }
    if (above != null && !Double.isFinite(above)) {
      throw new IllegalArgumentException(
          "threshold: 'above' must be a finite number, got " + above);
    }
    if (below != null && !Double.isFinite(below)) {
      throw new IllegalArgumentException(
          "threshold: 'below' must be a finite number, got " + below);
    }
    if (above != null && below != null && !(below < above)) {
      throw new IllegalArgumentException(
          "threshold: 'below' (" + below + ") must be less than 'above' (" + above + ")");
    }
  }

  /** Anomalous above {@code bound}. */
  public static Threshold above(double bound) {
    return new Threshold(bound, null);
  }

  /** Anomalous below {@code bound}. */
  public static Threshold below(double bound) {
    return new Threshold(null, bound);
  }

  /** Anomalous outside {@code [below, above]}. */
  public static Threshold between(double below, double above) {
    return new Threshold(above, below);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Detector create() {
    return new ThresholdDetector(this);
  }

  @Override
  public Detector restore(DataInput in) throws IOException {
    StateFormat.readHeader(in, StateFormat.THRESHOLD, ThresholdDetector.VERSION);
    return new ThresholdDetector(this);
  }
}
