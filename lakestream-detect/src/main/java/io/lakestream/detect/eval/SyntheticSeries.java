package io.lakestream.detect.eval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A labelled synthetic series for evaluating detectors: one point a minute for three days from
 * Monday 2026-01-05 00:00 UTC, with a label per point (true = part of an injected anomaly). Every
 * generator is seeded, so a seed always gives the same series.
 *
 * <p>The noise is realistic rather than textbook: AR(1) (consecutive points are correlated, as in
 * real metrics) with a level between 50 and 500 and a standard deviation of 1–3% of it. Anomalies
 * are only injected after the first 30 hours, so detectors that learn a daily pattern have seen one
 * day. Categories:
 *
 * <ul>
 *   <li>{@code spikes}: 5 isolated spikes of 1–2 points, 8–15 σ up or down, hours apart.
 *   <li>{@code level_shift}: two lasting shifts of 6–10 σ; the first 30 minutes after each are
 *       labelled (after that the new level is normal).
 *   <li>{@code trend_change}: a ramp of 15–25 σ over 2 hours (a leak, a filling disk), then a
 *       plateau; the ramp is labelled.
 *   <li>{@code variance_change}: 2 hours with 4–6 times the noise; labelled.
 *   <li>{@code broken_seasonality}: a business-hours bump (8:00–18:00 UTC, 10–15 σ, 90-minute
 *       ramps) on days 1 and 2 that does not come on day 3; labelled where the missing bump is
 *       above 4 σ.
 *   <li>clean: {@code clean_noise} (noise only), {@code clean_daily} (a 24-hour sine of 10 σ plus
 *       noise), {@code clean_business_hours} (the bump every day), {@code clean_drift} (a slow
 *       random walk plus measurement noise).
 * </ul>
 */
public final class SyntheticSeries {

  /** First point: Monday 2026-01-05T00:00:00Z. */
  public static final long START_MILLIS = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

  /** Sampling step: one minute. */
  public static final long STEP_MILLIS = 60_000L;

  /** Points per day. */
  public static final int POINTS_PER_DAY = 1440;

  /** Days per series. */
  public static final int DAYS = 3;

  /** No anomaly starts before this index (30 hours). */
  public static final int FIRST_ANOMALY_INDEX = 30 * 60;

  /** The anomalous categories, in report order. */
  public static final List<String> ANOMALOUS =
      List.of("spikes", "level_shift", "trend_change", "variance_change", "broken_seasonality");

  /** The clean categories, in report order. */
  public static final List<String> CLEAN =
      List.of("clean_noise", "clean_daily", "clean_business_hours", "clean_drift");

  private final String category;
  private final long seed;
  private final long[] times;
  private final double[] values;
  private final boolean[] labels;

  private SyntheticSeries(String category, long seed, double[] values, boolean[] labels) {
    this.category = category;
    this.seed = seed;
    this.values = values;
    this.labels = labels;
    this.times = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      times[i] = START_MILLIS + i * STEP_MILLIS;
    }
  }

  /** The generator's category, e.g. {@code spikes} or {@code clean_noise}. */
  public String category() {
    return category;
  }

  /** The seed it was generated with. */
  public long seed() {
    return seed;
  }

  /** {@code category#seed}. */
  public String name() {
    return category + "#" + seed;
  }

  /** Whether no anomaly was injected. */
  public boolean clean() {
    return category.startsWith("clean");
  }

  /** Number of points. */
  public int size() {
    return values.length;
  }

  /** Event time of point {@code i} (epoch ms). */
  public long time(int i) {
    return times[i];
  }

  /** Value of point {@code i}. */
  public double value(int i) {
    return values[i];
  }

  /** Whether point {@code i} is part of an injected anomaly. */
  public boolean label(int i) {
    return labels[i];
  }

  /** Length of the series in days. */
  public double days() {
    return (double) values.length / POINTS_PER_DAY;
  }

  /**
   * One injected anomaly: a maximal run of labelled points.
   *
   * @param start index of its first point
   * @param end index of its last point
   */
  public record Anomaly(int start, int end) {}

  /** The injected anomalies, in time order. */
  public List<Anomaly> anomalies() {
    List<Anomaly> out = new ArrayList<>();
    int i = 0;
    while (i < labels.length) {
      if (labels[i]) {
        int j = i;
        while (j + 1 < labels.length && labels[j + 1]) {
          j++;
        }
        out.add(new Anomaly(i, j));
        i = j + 1;
      } else {
        i++;
      }
    }
    return out;
  }

  /**
   * The evaluation set: {@code seedsPerCategory} series of every category (anomalous categories
   * first), seeds 1, 2, ….
   */
  public static List<SyntheticSeries> standardSet(int seedsPerCategory) {
    List<SyntheticSeries> out = new ArrayList<>();
    for (String c : ANOMALOUS) {
      for (int s = 1; s <= seedsPerCategory; s++) {
        out.add(of(c, s));
      }
    }
    for (String c : CLEAN) {
      for (int s = 1; s <= seedsPerCategory; s++) {
        out.add(of(c, s));
      }
    }
    return out;
  }

  /**
   * The series of a category and seed.
   *
   * @throws IllegalArgumentException for an unknown category; the message lists the known ones
   */
  public static SyntheticSeries of(String category, long seed) {
    return switch (category) {
      case "spikes" -> spikes(seed);
      case "level_shift" -> levelShift(seed);
      case "trend_change" -> trendChange(seed);
      case "variance_change" -> varianceChange(seed);
      case "broken_seasonality" -> brokenSeasonality(seed);
      case "clean_noise" -> cleanNoise(seed);
      case "clean_daily" -> cleanDaily(seed);
      case "clean_business_hours" -> cleanBusinessHours(seed);
      case "clean_drift" -> cleanDrift(seed);
      default ->
          throw new IllegalArgumentException(
              "unknown series category '" + category + "'; known: " + ANOMALOUS + " " + CLEAN);
    };
  }

  /** Spikes of 8–15 σ, 1–2 points wide, at least 3 hours apart. */
  public static SyntheticSeries spikes(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    boolean[] l = new boolean[v.length];
    int at = FIRST_ANOMALY_INDEX + g.r.nextInt(60);
    for (int k = 0; k < 5; k++) {
      int width = 1 + g.r.nextInt(2);
      double size = g.sign() * g.uniform(8, 15) * g.sigma;
      for (int i = at; i < at + width; i++) {
        v[i] += size;
        l[i] = true;
      }
      at += 180 + g.r.nextInt(240);
    }
    return new SyntheticSeries("spikes", seed, v, l);
  }

  /** Two lasting level shifts of 6–10 σ; the first 30 minutes of each are labelled. */
  public static SyntheticSeries levelShift(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    boolean[] l = new boolean[v.length];
    int[] starts = {
      FIRST_ANOMALY_INDEX + g.r.nextInt(300), 2 * POINTS_PER_DAY + 300 + g.r.nextInt(600)
    };
    for (int start : starts) {
      double shift = g.sign() * g.uniform(6, 10) * g.sigma;
      for (int i = start; i < v.length; i++) {
        v[i] += shift;
      }
      for (int i = start; i < start + 30; i++) {
        l[i] = true;
      }
    }
    return new SyntheticSeries("level_shift", seed, v, l);
  }

  /** A 2-hour ramp of 15–25 σ, then a plateau; the ramp is labelled. */
  public static SyntheticSeries trendChange(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    boolean[] l = new boolean[v.length];
    int start = FIRST_ANOMALY_INDEX + g.r.nextInt(POINTS_PER_DAY);
    int length = 120;
    double rise = g.sign() * g.uniform(15, 25) * g.sigma;
    for (int i = start; i < v.length; i++) {
      v[i] += rise * Math.min(1.0, (i - start + 1) / (double) length);
      if (i < start + length) {
        l[i] = true;
      }
    }
    return new SyntheticSeries("trend_change", seed, v, l);
  }

  /** Two hours with 4–6 times the noise; labelled. */
  public static SyntheticSeries varianceChange(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    boolean[] l = new boolean[v.length];
    int start = FIRST_ANOMALY_INDEX + g.r.nextInt(POINTS_PER_DAY);
    double factor = g.uniform(4, 6);
    for (int i = start; i < start + 120; i++) {
      v[i] = g.level + (v[i] - g.level) * factor;
      l[i] = true;
    }
    return new SyntheticSeries("variance_change", seed, v, l);
  }

  /** The business-hours bump on days 1 and 2, missing on day 3 (labelled where it is > 4 σ). */
  public static SyntheticSeries brokenSeasonality(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    boolean[] l = new boolean[v.length];
    double height = g.uniform(10, 15) * g.sigma;
    for (int i = 0; i < v.length; i++) {
      double bump = height * businessHours(i % POINTS_PER_DAY);
      if (i < 2 * POINTS_PER_DAY) {
        v[i] += bump;
      } else {
        l[i] = bump > 4 * g.sigma;
      }
    }
    return new SyntheticSeries("broken_seasonality", seed, v, l);
  }

  /** Noise only. */
  public static SyntheticSeries cleanNoise(long seed) {
    Gen g = new Gen(seed);
    return new SyntheticSeries("clean_noise", seed, g.noise(), new boolean[g.n]);
  }

  /** A 24-hour sine of 10 σ amplitude plus noise. */
  public static SyntheticSeries cleanDaily(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    double phase = g.uniform(0, 2 * Math.PI);
    for (int i = 0; i < v.length; i++) {
      v[i] += 10 * g.sigma * Math.sin(2 * Math.PI * i / POINTS_PER_DAY + phase);
    }
    return new SyntheticSeries("clean_daily", seed, v, new boolean[g.n]);
  }

  /** The business-hours bump (10–15 σ) every day plus noise. */
  public static SyntheticSeries cleanBusinessHours(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    double height = g.uniform(10, 15) * g.sigma;
    for (int i = 0; i < v.length; i++) {
      v[i] += height * businessHours(i % POINTS_PER_DAY);
    }
    return new SyntheticSeries("clean_business_hours", seed, v, new boolean[g.n]);
  }

  /** A sensor drifting as a slow random walk (steps of 0.1 σ) plus measurement noise. */
  public static SyntheticSeries cleanDrift(long seed) {
    Gen g = new Gen(seed);
    double[] v = g.noise();
    double walk = 0;
    for (int i = 0; i < v.length; i++) {
      walk += 0.1 * g.sigma * g.r.nextGaussian();
      v[i] += walk;
    }
    return new SyntheticSeries("clean_drift", seed, v, new boolean[g.n]);
  }

  /** 0 at night, 1 from 9:30 to 16:30 UTC, raised-cosine ramps of 90 minutes on both sides. */
  static double businessHours(int minuteOfDay) {
    double up = 8 * 60;
    double down = 18 * 60;
    double ramp = 90;
    if (minuteOfDay < up || minuteOfDay >= down) {
      return 0;
    }
    if (minuteOfDay < up + ramp) {
      return 0.5 - 0.5 * Math.cos(Math.PI * (minuteOfDay - up) / ramp);
    }
    if (minuteOfDay >= down - ramp) {
      return 0.5 - 0.5 * Math.cos(Math.PI * (down - minuteOfDay) / ramp);
    }
    return 1;
  }

  /** Seeded randomness and the series' level and noise. */
  private static final class Gen {
    final Random r;
    final int n = DAYS * POINTS_PER_DAY;
    final double level;
    final double sigma;
    final double phi;

    Gen(long seed) {
      r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
      level = uniform(50, 500);
      sigma = level * uniform(0.01, 0.03);
      phi = uniform(0.3, 0.6);
    }

    double uniform(double lo, double hi) {
      return lo + (hi - lo) * r.nextDouble();
    }

    double sign() {
      return r.nextBoolean() ? 1 : -1;
    }

    /** AR(1) noise of standard deviation {@code sigma} around {@code level}. */
    double[] noise() {
      double[] v = new double[n];
      double innovation = sigma * Math.sqrt(1 - phi * phi);
      double e = sigma * r.nextGaussian();
      for (int i = 0; i < n; i++) {
        e = phi * e + innovation * r.nextGaussian();
        v[i] = level + e;
      }
      return v;
    }
  }
}
