/**
 * Online anomaly detectors and the alert lifecycle, free of Flink: the job keeps one {@link
 * io.lakestream.detect.Detector} and one {@link io.lakestream.detect.AlertLifecycle} per key in
 * keyed state, and the {@code detect} command runs the same code over a CSV file with {@link
 * io.lakestream.detect.OfflineScorer}.
 *
 * <h2>Detector kinds</h2>
 *
 * Each kind is a record of validated parameters ({@link io.lakestream.detect.DetectorKind}):
 *
 * <ul>
 *   <li>{@link io.lakestream.detect.Threshold} ({@code threshold}): fixed bounds, nothing learned.
 *   <li>{@link io.lakestream.detect.RateOfChange} ({@code rate_of_change}): jumps from the previous
 *       point, absolute or relative, per unit of event time.
 *   <li>{@link io.lakestream.detect.Robust} ({@code robust}): rolling median and MAD, optionally
 *       per hour of day or of week. The general-purpose choice: cheap, explainable, quiet.
 *   <li>{@link io.lakestream.detect.Rcf} ({@code rcf}): a thresholded random cut forest over
 *       shingles; sees changes of shape (ramps, bursts of noise), costs far more per key.
 * </ul>
 *
 * <p>A detector's {@code writeState} and its kind's {@code restore} round-trip it exactly: the
 * restored model gives the same scores as the original would have (tested for every kind). Saved
 * states start with a kind tag and a format version, so restoring another kind's bytes fails with a
 * readable {@link java.io.IOException}.
 *
 * <h2>Choosing the defaults</h2>
 *
 * The defaults were chosen with {@link io.lakestream.detect.eval.Evaluation} on {@link
 * io.lakestream.detect.eval.SyntheticSeries} (AR(1) noise, one point a minute, three days per
 * series; anomalies: spikes, level shifts, ramps, bursts of noise, a missing business-hours bump;
 * clean series: noise, a daily sine, business hours, a drifting sensor), favouring few false alerts
 * over recall, as alert fatigue is what users complain about. Measured with the default lifecycle
 * (resolve after 5 normal points and 10 quiet minutes, 30-minute cooldown), 3 series per category
 * (27 series), an alert counting if it opens within the anomaly or up to 15 minutes after it
 * ({@code lakestream detect --evaluate}):
 *
 * <pre>
 * detector         precision  recall  delay min  false/day alerts/anom  alerts
 * rate_of_change        0.86    0.53        6.0       0.00        1.1      21
 * robust                1.00    0.80        0.8       0.00        1.0      24
 * robust daily          0.83    1.00        8.6       0.06        1.1      40
 * rcf                   0.81    0.90        3.5       0.11        1.1      37
 *
 * recall by category (detected/injected), alerts/day on clean series
 * category                 rate_of_change           robust     robust daily              rcf
 * spikes                            11/15            15/15            15/15            15/15
 * level_shift                         2/6              6/6              6/6              6/6
 * trend_change                        0/3              0/3              3/3              3/3
 * variance_change                     3/3              3/3              3/3              3/3
 * broken_seasonality                  0/3              0/3              3/3              0/3
 * clean_noise                        0.00             0.00             0.11             0.00
 * clean_daily                        0.00             0.00             0.00             0.00
 * clean_business_hours               0.00             0.00             0.00             0.33
 * clean_drift                        0.00             0.00             0.11             0.11
 * </pre>
 *
 * What the evaluation decided (false alerts per day over the clean series, 5 per category unless
 * said otherwise):
 *
 * <ul>
 *   <li>robust: threshold 6. 5 keeps the recall but raises 0.20 false alerts a day and 4 raises
 *       1.5; 7 loses spikes and shifts (recall 0.74). Window 60: 30 points give 0.25 false alerts a
 *       day, 120 give 0.38 (slow business-hours ramps).
 *   <li>robust with seasonality: the level correction. Comparing with the same hour of past days
 *       alone (the plain per-bucket baseline) raised 2.8 false alerts a day (11 a day on the
 *       drifting sensor) and re-alerted every hour for a day after a level shift: precision 0.22 (3
 *       per category).
 *   <li>rcf: {@code minScore} 2. With the forest's adaptive threshold alone (any anomaly grade
 *       above 0, whether {@code zFactor} is 3 or 6 or the library's auto-adjust is on) it raised
 *       1.8 to 15 false alerts a day, mostly on plain noise; 1.5 still raises 1.2 a day, 2.5 misses
 *       a third of the spikes (2–3 per category).
 *   <li>rate_of_change: 20% per minute; 15% finds more (recall 0.72) at precision 0.75, 10% raises
 *       0.65 false alerts a day.
 * </ul>
 *
 * <p>With the earlier lifecycle (3 normal points, no quiet time, 5-minute cooldown) alerts per
 * anomaly were 2-3 for the learned detectors: long anomalies (two hours of noise, a ramp) resolved
 * and reopened after the cooldown. A longer cooldown or {@code resolveAfter} removes most of them
 * without changing recall (3 per category): with a 30-minute cooldown robust daily goes from 2.1 to
 * 1.3 alerts per anomaly and rcf from 3.0 to 1.4 (and rcf's false alerts from 0.28 to 0.14 a day);
 * with {@code resolveAfter} 5, {@code resolveQuiet} 10 minutes and a 30-minute cooldown, to 1.1 for
 * both.
 *
 * <h2>Cost per key</h2>
 *
 * Measured by {@link io.lakestream.detect.eval.DetectorCost} (one JVM, after JIT warm-up; µs vary
 * with the machine, rcf between 75 and 100):
 *
 * <pre>
 * detector            µs/update   approx bytes  state bytes   heap bytes
 * threshold                0.03             64            2           68
 * rate_of_change           0.03             64           19           52
 * robust                   2.08            744          490          740
 * robust daily             0.82           2848         2426         2849
 * rcf                     100.71         248112       124062       242604
 * </pre>
 */
package io.lakestream.detect;
