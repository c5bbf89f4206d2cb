package io.lakestream.detect;

import java.io.DataInput;
import java.io.IOException;
import java.time.Duration;

/**
 * A robust statistical baseline, type {@code robust}: the median and the median absolute deviation
 * (MAD) of the key's last {@code window} points. A point is anomalous when its robust z-score
 * {@code |value - median| / scale} is above {@code threshold}, where {@code scale = 1.4826 × MAD}
 * (the standard deviation for normal noise). Median and MAD ignore a few outliers, so a spike does
 * not mask the next one, while a lasting level shift becomes the new normal after about half a
 * window (one incident, resolved once the baseline has moved).
 *
 * <p>When the MAD is 0 (more than half of the values are equal) the scale falls back to 1.2533 ×
 * the mean absolute deviation from the median, and when that is 0 too (a constant series) to {@code
 * 0.001 × |median|} (1e-9 around 0): any real move away from a constant is flagged.
 *
 * <p>Warm-up: until the baseline holds {@code minPoints} points the detector only learns.
 *
 * <p>Seasonality: with {@link Seasonality#DAILY} or {@link Seasonality#WEEKLY} the season (the UTC
 * day, or the week from Monday 00:00 UTC) is cut into buckets of {@code bucket} length (by default
 * hour of day, hour of week), and the expected value is the bucket's usual shape plus the current
 * level:
 *
 * <ul>
 *   <li>Shape: each pass through a bucket (an occurrence, e.g. "Tuesday 10:00–11:00") is summarised
 *       when it ends by the median of its last {@code window} points, minus the level at that time,
 *       and their scale. A bucket remembers its last {@code seasons} summaries; its shape is the
 *       median of their medians, its scale the median of their scales. The current occurrence never
 *       feeds its own baseline.
 *   <li>Level: the median of the last {@code window} deseasonalised values (value minus shape).
 * </ul>
 *
 * So a daily or weekly cycle, even a sharp one such as business hours, is normal; a cycle that does
 * not come, or comes at the wrong time, is anomalous; one odd season is outvoted by the others
 * (with 3 or more {@code seasons}); and a lasting level shift or a slow drift is absorbed by the
 * level within about half a window, as without seasonality, without disturbing the remembered
 * shape. A bucket judges once its remembered occurrences hold {@code minPoints} points: with one
 * point a minute and one-hour buckets, from the second day (daily) or week (weekly).
 *
 * <p>Memory per key is bounded by fixed-size arrays: {@code 264 + 8 × window} heap bytes without
 * seasonality (744 bytes with the default window of 60), {@code 264 + 16 × window + buckets × (8 +
 * 20 × seasons)} with it (24 hourly buckets, 3 seasons: 2.8 KB; 168 weekly buckets: 12.6 KB). The
 * saved state is at most {@code 20 + 16 × window + buckets × (1 + 20 × seasons)} bytes (2.4 KB with
 * the defaults and daily seasonality, 490 bytes without).
 *
 * @param window points per baseline without seasonality, points summarised per bucket occurrence
 *     with it; 5 to 10,000
 * @param threshold robust z-score above which a point is anomalous, positive
 * @param minPoints points a baseline needs before it judges, 3 to {@code window} (with seasonality:
 *     points over the bucket's remembered occurrences, 3 to {@code window × seasons})
 * @param seasonality none, daily or weekly
 * @param bucket seasonal bucket length: a whole number of seconds that divides the season into at
 *     most 10,080 buckets; null means the default (one hour); ignored without seasonality
 * @param seasons past occurrences each bucket remembers, 1..52; ignored without seasonality
 */
public record Robust(
    int window,
    double threshold,
    int minPoints,
    Seasonality seasonality,
    Duration bucket,
    int seasons)
    implements DetectorKind {

  private static final long serialVersionUID = 1L;

  /** The {@link #type()} name. */
  public static final String TYPE = "robust";

  /** The default {@link #window}: an hour of one-minute points. */
  public static final int DEFAULT_WINDOW = 60;

  /** The default {@link #threshold}, chosen with the synthetic evaluation (see package docs). */
  public static final double DEFAULT_THRESHOLD = 6.0;

  /** The default {@link #minPoints}. */
  public static final int DEFAULT_MIN_POINTS = 30;

  /** The default {@link #bucket}. */
  public static final Duration DEFAULT_BUCKET = Duration.ofHours(1);

  /** The default {@link #seasons}. */
  public static final int DEFAULT_SEASONS = 3;

  /** Which cycle the baseline follows. */
  public enum Seasonality {
    /** One baseline over the last points. */
    NONE(0),
    /** One baseline per bucket of the UTC day (hour of day by default). */
    DAILY(86_400_000L),
    /** One baseline per bucket of the week starting Monday 00:00 UTC (hour of week by default). */
    WEEKLY(7 * 86_400_000L);

    private final long periodMillis;

    Seasonality(long periodMillis) {
      this.periodMillis = periodMillis;
    }

    /** Length of the season in milliseconds; 0 for {@link #NONE}. */
    public long periodMillis() {
      return periodMillis;
    }
  }

  /**
   * @throws IllegalArgumentException when a parameter is out of range; the message names it
   */
  public Robust {
    if (window < 5 || window > 10_000) {
      throw new IllegalArgumentException("robust: 'window' must be 5..10000 points, got " + window);
    }
    if (!(threshold > 0) || !Double.isFinite(threshold)) {
      throw new IllegalArgumentException(
          "robust: 'threshold' must be a positive finite number, got " + threshold);
    }
    if (seasonality == null) {
      throw new IllegalArgumentException(
          "robust: 'seasonality' must be one of none, daily, weekly; got null");
    }
    if (seasons < 1 || seasons > 52) {
      throw new IllegalArgumentException("robust: 'seasons' must be 1..52, got " + seasons);
    }
    int maxPoints = seasonality == Seasonality.NONE ? window : window * seasons;
    if (minPoints < 3 || minPoints > maxPoints) {
      throw new IllegalArgumentException(
          "robust: 'minPoints' must be 3.."
              + maxPoints
              + (seasonality == Seasonality.NONE ? " (the window)" : " (window × seasons)")
              + ", got "
              + minPoints);
    }
    if (bucket == null) {
      bucket = DEFAULT_BUCKET;
    }
    if (seasonality != Seasonality.NONE) {
      long period = seasonality.periodMillis();
      long b = bucket.toMillis();
      if (bucket.isNegative()
          || b < 1000
          || b % 1000 != 0
          || period % b != 0
          || period / b > 10_080) {
        throw new IllegalArgumentException(
            "robust: 'bucket' must be a whole number of seconds that divides a "
                + (seasonality == Seasonality.DAILY ? "day" : "week")
                + " into at most 10080 buckets (e.g. 15m, 1h), got "
                + bucket);
      }
      if (period / b * seasons > 50_000) { // 1 MB of history per key
        throw new IllegalArgumentException(
            "robust: "
                + (period / b)
                + " buckets × 'seasons' "
                + seasons
                + " is more than 50000 remembered occurrences per key; use a longer 'bucket' or"
                + " fewer 'seasons'");
      }
    }
  }

  /** Window 60, threshold 6, 30 points of warm-up, no seasonality (1-hour buckets, 3 seasons). */
  public static Robust defaults() {
    return new Robust(
        DEFAULT_WINDOW,
        DEFAULT_THRESHOLD,
        DEFAULT_MIN_POINTS,
        Seasonality.NONE,
        DEFAULT_BUCKET,
        DEFAULT_SEASONS);
  }

  /** These parameters with another seasonality (bucket and seasons unchanged). */
  public Robust withSeasonality(Seasonality s) {
    return new Robust(window, threshold, minPoints, s, bucket, seasons);
  }

  /** These parameters with another threshold. */
  public Robust withThreshold(double t) {
    return new Robust(window, t, minPoints, seasonality, bucket, seasons);
  }

  /** Number of baselines per key: 1 without seasonality. */
  public int buckets() {
    return seasonality == Seasonality.NONE
        ? 1
        : (int) (seasonality.periodMillis() / bucket.toMillis());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Detector create() {
    return new RobustDetector(this);
  }

  @Override
  public Detector restore(DataInput in) throws IOException {
    StateFormat.readHeader(in, StateFormat.ROBUST, RobustDetector.VERSION);
    RobustDetector d = new RobustDetector(this);
    d.readState(in);
    return d;
  }
}
