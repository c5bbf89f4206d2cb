package io.lakestream.detect;

import java.io.DataOutput;
import java.io.IOException;

/**
 * One key's model of one numeric series: it scores each new point and learns from it.
 *
 * <p>Points arrive in event-time order per key (the job keys the stream and the offline scorer
 * sorts the file). A detector is not thread-safe; each key has its own.
 */
public interface Detector {

  /**
   * Scores the next point of the series, then learns from it.
   *
   * @param eventTimeMillis the point's event time (epoch milliseconds), never before the last one's
   * @param value the point's value; NaN and infinities are never passed in
   * @return the verdict on this point
   */
  Score update(long eventTimeMillis, double value);

  /**
   * Writes everything this detector has learned, so that {@link DetectorKind#restore} builds a
   * detector that gives exactly the same scores from here on.
   */
  void writeState(DataOutput out) throws IOException;

  /** Approximate heap bytes this detector holds, for the per-key memory figures. */
  long approximateBytes();
}
