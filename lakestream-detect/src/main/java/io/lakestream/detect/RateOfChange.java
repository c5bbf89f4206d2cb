package io.lakestream.detect;

import java.io.DataInput;
import java.io.IOException;
import java.time.Duration;

/**
 * Sudden jumps, type {@code rate_of_change}: compares each point with the key's previous point and
 * flags it when the value moved by more than {@code maxChange} per {@code per} of event time.
 *
 * <p>The change is {@code |value - previous|}, or with {@code relative} that divided by {@code
 * |previous|} (a move away from a previous 0 counts as a relative change of 1, i.e. 100%). The
 * allowed change is {@code maxChange × max(1, gap / per)}, where {@code gap} is the event time
 * since the previous point: points closer together than {@code per} (including equal times) are
 * compared by their raw change, points further apart may drift proportionally more.
 *
 * <p>Score: change / allowed change (anomalous when above 1). The verdict's {@code expected} is the
 * previous value and {@code low}/{@code high} the allowed range around it. The first point of a key
 * is a warm-up point. State: previous time and value (about 60 heap bytes, 19 bytes saved).
 *
 * @param maxChange largest normal change per {@code per}: in the series' unit, or a fraction of the
 *     previous value when {@code relative} (0.5 = 50%); positive
 * @param per the time unit of {@code maxChange}; positive
 * @param relative whether {@code maxChange} is a fraction of the previous value
 */
public record RateOfChange(double maxChange, Duration per, boolean relative)
    implements DetectorKind {

  private static final long serialVersionUID = 1L;

  /** The {@link #type()} name. */
  public static final String TYPE = "rate_of_change";

  /**
   * @throws IllegalArgumentException when {@code maxChange} is not a positive finite number or
   *     {@code per} is not a positive duration
   */
  public RateOfChange {
    if (!(maxChange > 0) || !Double.isFinite(maxChange)) {
      throw new IllegalArgumentException(
          "rate_of_change: 'maxChange' must be a positive finite number, got " + maxChange);
    }
    if (per == null || per.isNegative() || per.isZero() || per.toMillis() == 0) {
      throw new IllegalArgumentException(
          "rate_of_change: 'per' must be a positive duration of at least 1 ms, got " + per);
    }
  }

  /**
   * A relative change of more than 20% per minute: conservative, as it knows nothing of the series'
   * noise (set {@code maxChange} from what the series can physically do). On the synthetic
   * evaluation it raised no false alert and caught the larger spikes and bursts of noise.
   */
  public static RateOfChange defaults() {
    return new RateOfChange(0.2, Duration.ofMinutes(1), true);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Detector create() {
    return new RateOfChangeDetector(this);
  }

  @Override
  public Detector restore(DataInput in) throws IOException {
    StateFormat.readHeader(in, StateFormat.RATE_OF_CHANGE, RateOfChangeDetector.VERSION);
    RateOfChangeDetector d = new RateOfChangeDetector(this);
    d.readState(in);
    return d;
  }
}
