/**
 * Offline evaluation of the detectors: labelled {@link io.lakestream.detect.eval.SyntheticSeries},
 * the precision / recall / delay / false-alert {@link io.lakestream.detect.eval.Evaluation} and the
 * per-key {@link io.lakestream.detect.eval.DetectorCost}. Both print text tables, from {@code
 * report(...)} or {@code main}; the measured tables are in the {@link io.lakestream.detect} package
 * documentation.
 */
package io.lakestream.detect.eval;
