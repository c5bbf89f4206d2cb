package io.lakestream.detect;

/**
 * A detector's verdict on one point.
 *
 * @param value the point's value
 * @param score how unusual the point is: 0 for ordinary, growing with strangeness; comparable
 *     within one detector kind only
 * @param expected the value the detector expected, or NaN while it has not learned enough
 * @param low lower end of the range the detector considers normal, or NaN when unknown
 * @param high upper end of that range, or NaN when unknown
 * @param anomalous whether this point is an anomaly
 */
public record Score(
    double value, double score, double expected, double low, double high, boolean anomalous) {

  /** A point the detector could not judge yet (still learning): never anomalous. */
  public static Score warmingUp(double value) {
    return new Score(value, 0, Double.NaN, Double.NaN, Double.NaN, false);
  }
}
