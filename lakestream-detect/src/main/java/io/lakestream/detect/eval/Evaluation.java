package io.lakestream.detect.eval;

import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.Detector;
import io.lakestream.detect.DetectorKind;
import io.lakestream.detect.RateOfChange;
import io.lakestream.detect.Rcf;
import io.lakestream.detect.Robust;
import io.lakestream.detect.Score;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs detectors, each with an {@link AlertLifecycle}, over labelled {@link SyntheticSeries} and
 * measures what matters to the people who get the alerts. An alert is an incident opening.
 *
 * <ul>
 *   <li><b>precision</b>: alerts that start inside an injected anomaly or within {@code tolerance}
 *       after its end, over all alerts (clean series included).
 *   <li><b>recall</b>: injected anomalies that got such an alert, over all injected anomalies.
 *   <li><b>delay</b>: mean time from an anomaly's first point to its first alert, over detected
 *       anomalies (in minutes; the series have one point a minute, so also in points).
 *   <li><b>false alerts per day</b> on the clean series (no anomaly at all, warm-up included).
 *   <li><b>alerts per anomaly</b>: true-positive alerts over detected anomalies; above 1 when a
 *       long anomaly (a ramp, two hours of extra noise) opens and resolves several incidents.
 * </ul>
 */
public final class Evaluation {

  /** Default {@code tolerance}: an alert up to 15 minutes after an anomaly still counts. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(15);

  private Evaluation() {}

  /**
   * A detector to evaluate.
   *
   * @param name its name in the report
   * @param kind the detector
   */
  public record Candidate(String name, DetectorKind kind) {}

  /**
   * The measurements of one candidate.
   *
   * @param name the candidate's name
   * @param anomalies injected anomalies
   * @param detected those that got an alert in time
   * @param alerts all alerts
   * @param truePositiveAlerts alerts inside (or just after) an injected anomaly
   * @param totalDelayMinutes sum of the detected anomalies' delays
   * @param cleanAlerts alerts on the clean series
   * @param cleanDays days of clean series
   * @param byCategory per series category: {anomalies, detected, alerts, series}
   */
  public record Result(
      String name,
      int anomalies,
      int detected,
      int alerts,
      int truePositiveAlerts,
      double totalDelayMinutes,
      int cleanAlerts,
      double cleanDays,
      Map<String, int[]> byCategory) {

    /** True-positive alerts over all alerts; NaN without alerts. */
    public double precision() {
      return alerts == 0 ? Double.NaN : (double) truePositiveAlerts / alerts;
    }

    /** Detected anomalies over injected anomalies. */
    public double recall() {
      return anomalies == 0 ? Double.NaN : (double) detected / anomalies;
    }

    /** Mean detection delay in minutes; NaN when nothing was detected. */
    public double meanDelayMinutes() {
      return detected == 0 ? Double.NaN : totalDelayMinutes / detected;
    }

    /** True-positive alerts per detected anomaly (1 = one alert per incident). */
    public double alertsPerAnomaly() {
      return detected == 0 ? Double.NaN : (double) truePositiveAlerts / detected;
    }

    /** Alerts per day on series without anomalies. */
    public double falseAlertsPerDay() {
      return cleanDays == 0 ? Double.NaN : cleanAlerts / cleanDays;
    }
  }

  /** The shipped defaults: rate of change, robust (plain and daily), rcf. */
  public static List<Candidate> defaultCandidates() {
    return List.of(
        new Candidate("rate_of_change", RateOfChange.defaults()),
        new Candidate("robust", Robust.defaults()),
        new Candidate("robust daily", Robust.defaults().withSeasonality(Robust.Seasonality.DAILY)),
        new Candidate("rcf", Rcf.defaults()));
  }

  /** Evaluates one detector with the given lifecycle over {@code series}. */
  public static Result evaluate(
      Candidate candidate,
      AlertLifecycle.Params lifecycle,
      List<SyntheticSeries> series,
      Duration tolerance) {
    long toleranceMillis = tolerance.toMillis();
    int anomalies = 0;
    int detected = 0;
    int alerts = 0;
    int truePositives = 0;
    double delay = 0;
    int cleanAlerts = 0;
    double cleanDays = 0;
    Map<String, int[]> byCategory = new LinkedHashMap<>();
    for (SyntheticSeries s : series) {
      List<Integer> opened = alerts(candidate.kind(), lifecycle, s);
      List<SyntheticSeries.Anomaly> injected = s.anomalies();
      int[] cat = byCategory.computeIfAbsent(s.category(), c -> new int[4]);
      cat[0] += injected.size();
      cat[2] += opened.size();
      cat[3]++;
      alerts += opened.size();
      anomalies += injected.size();
      if (s.clean()) {
        cleanAlerts += opened.size();
        cleanDays += s.days();
      }
      for (int a : opened) {
        for (SyntheticSeries.Anomaly an : injected) {
          if (a >= an.start() && s.time(a) <= s.time(an.end()) + toleranceMillis) {
            truePositives++;
            break;
          }
        }
      }
      for (SyntheticSeries.Anomaly an : injected) {
        for (int a : opened) {
          if (a >= an.start() && s.time(a) <= s.time(an.end()) + toleranceMillis) {
            detected++;
            cat[1]++;
            delay += (s.time(a) - s.time(an.start())) / 60_000.0;
            break;
          }
        }
      }
    }
    return new Result(
        candidate.name(),
        anomalies,
        detected,
        alerts,
        truePositives,
        delay,
        cleanAlerts,
        cleanDays,
        byCategory);
  }

  /** Indexes of the points where an incident opened. */
  static List<Integer> alerts(
      DetectorKind kind, AlertLifecycle.Params lifecycle, SyntheticSeries s) {
    Detector d = kind.create();
    AlertLifecycle l = new AlertLifecycle(lifecycle);
    List<Integer> opened = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      Score score = d.update(s.time(i), s.value(i));
      AlertLifecycle.Transition t = l.observe(s.time(i), null, score);
      if (t != null && t.kind() == AlertLifecycle.Transition.Kind.OPENED) {
        opened.add(i);
      }
    }
    return opened;
  }

  /** Evaluates every candidate with the same lifecycle, series and tolerance. */
  public static List<Result> evaluateAll(
      List<Candidate> candidates,
      AlertLifecycle.Params lifecycle,
      List<SyntheticSeries> series,
      Duration tolerance) {
    List<Result> out = new ArrayList<>();
    for (Candidate c : candidates) {
      out.add(evaluate(c, lifecycle, series, tolerance));
    }
    return out;
  }

  /**
   * The default detectors with the default lifecycle over {@code seedsPerCategory} series of each
   * category, as a printable table.
   */
  public static String report(int seedsPerCategory) {
    List<SyntheticSeries> set = SyntheticSeries.standardSet(seedsPerCategory);
    List<Result> results =
        evaluateAll(defaultCandidates(), AlertLifecycle.Params.defaults(), set, DEFAULT_TOLERANCE);
    return "Synthetic evaluation: "
        + set.size()
        + " series of 3 days at 1 point/min ("
        + seedsPerCategory
        + " per category), default lifecycle, tolerance "
        + DEFAULT_TOLERANCE.toMinutes()
        + " min\n"
        + table(results);
  }

  /**
   * The results as a text table, then recall (anomalous) and alerts per day (clean) by category.
   */
  public static String table(List<Result> results) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-16s %9s %7s %10s %10s %10s %7s%n",
            "detector",
            "precision",
            "recall",
            "delay min",
            "false/day",
            "alerts/anom",
            "alerts"));
    for (Result r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-16s %9s %7s %10s %10s %10s %7d%n",
              r.name(),
              fmt(r.precision(), 2),
              fmt(r.recall(), 2),
              fmt(r.meanDelayMinutes(), 1),
              fmt(r.falseAlertsPerDay(), 2),
              fmt(r.alertsPerAnomaly(), 1),
              r.alerts()));
    }
    if (!results.isEmpty()) {
      List<String> categories = new ArrayList<>(results.get(0).byCategory().keySet());
      b.append(
          String.format(
              Locale.ROOT,
              "%nrecall by category (detected/injected), alerts/day on clean series%n"));
      b.append(String.format(Locale.ROOT, "%-22s", "category"));
      for (Result r : results) {
        b.append(String.format(Locale.ROOT, " %16s", r.name()));
      }
      b.append('\n');
      for (String c : categories) {
        b.append(String.format(Locale.ROOT, "%-22s", c));
        for (Result r : results) {
          int[] v = r.byCategory().get(c);
          String cell =
              c.startsWith("clean")
                  ? fmt(v[2] / (v[3] * (double) SyntheticSeries.DAYS), 2)
                  : v[1] + "/" + v[0];
          b.append(String.format(Locale.ROOT, " %16s", cell));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  private static String fmt(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** Prints {@link #report} for 3 seeds per category (or the number given as first argument). */
  public static void main(String[] args) {
    System.out.print(report(args.length > 0 ? Integer.parseInt(args[0]) : 3));
  }
}
