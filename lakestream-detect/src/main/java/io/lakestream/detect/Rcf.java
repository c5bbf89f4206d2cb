package io.lakestream.detect;

import java.io.DataInput;
import java.io.IOException;

/**
 * Random Cut Forest, type {@code rcf}: Amazon's {@code ThresholdedRandomCutForest} (library
 * randomcutforest-parkservices 4.4.0) over shingles of the last {@code shingleSize} values, so it
 * judges the recent shape of the series, not a lone value. It needs no tuning per series: the
 * forest keeps a time-decayed sample of {@code sampleSize} shingles per tree, values are
 * normalised, and the forest's own thresholder turns scores into a grade. A fixed {@code
 * randomSeed} makes its results reproducible run to run.
 *
 * <p>Score: the forest's anomaly score (RCF score; about 1 or less for ordinary points, grows with
 * strangeness). A point is anomalous when the forest's anomaly grade is above 0: its score passed
 * both the thresholder's adaptive threshold ({@code zFactor} deviations above the recent scores)
 * and the fixed floor {@code minScore}. The floor is what keeps the forest quiet on plain noise:
 * without it (0) the adaptive threshold alone flags a few noise points a day on every key (see the
 * evaluation in the package documentation). The verdict's {@code expected} is the forest's expected
 * value for the point when it reports an anomaly on this very point, NaN otherwise; {@code low} and
 * {@code high} are NaN. The first points (about {@code sampleSize / 4 + shingleSize}) are warm-up.
 *
 * <p>State: the forest, written with the library's {@code ThresholdedRandomCutForestMapper} (trees
 * included, so the restored forest gives exactly the same scores) and Java serialization of its
 * state object, length-prefixed. Restoring reads only the library's state classes. A restored
 * forest keeps the shape (trees, shingle and sample size) it was saved with.
 *
 * <p>Cost with the defaults (measured by {@code DetectorCost}): about 75 µs per point, 245 KB of
 * heap and 124 KB of saved state per key, reached once the samples are full (after about {@code
 * sampleSize} points). Only a tenth of the trees' bounding boxes are cached: the library's default
 * (all) makes the forest about three times larger (790 KB) for about a quarter less CPU, with
 * identical scores.
 *
 * @param shingleSize consecutive values per forest point, 1..64
 * @param sampleSize points each tree keeps, 16..4096
 * @param numberOfTrees trees in the forest, 5..200
 * @param anomalyRate the expected share of anomalous points the thresholder aims at, in (0, 0.2]
 * @param zFactor how many deviations above the usual scores a score must be to count, 1..10
 * @param minScore the lowest score that can be anomalous, 0..10 (the library's lower threshold)
 * @param randomSeed the seed of the forest's randomness
 */
public record Rcf(
    int shingleSize,
    int sampleSize,
    int numberOfTrees,
    double anomalyRate,
    double zFactor,
    double minScore,
    long randomSeed)
    implements DetectorKind {

  private static final long serialVersionUID = 1L;

  /** The {@link #type()} name. */
  public static final String TYPE = "rcf";

  /**
   * @throws IllegalArgumentException when a parameter is out of range; the message names it
   */
  public Rcf {
    if (shingleSize < 1 || shingleSize > 64) {
      throw new IllegalArgumentException("rcf: 'shingleSize' must be 1..64, got " + shingleSize);
    }
    if (sampleSize < 16 || sampleSize > 4096) {
      throw new IllegalArgumentException("rcf: 'sampleSize' must be 16..4096, got " + sampleSize);
    }
    if (numberOfTrees < 5 || numberOfTrees > 200) {
      throw new IllegalArgumentException(
          "rcf: 'numberOfTrees' must be 5..200, got " + numberOfTrees);
    }
    if (!(anomalyRate > 0 && anomalyRate <= 0.2)) {
      throw new IllegalArgumentException(
          "rcf: 'anomalyRate' must be in (0, 0.2], e.g. 0.005, got " + anomalyRate);
    }
    if (!(zFactor >= 1 && zFactor <= 10)) {
      throw new IllegalArgumentException("rcf: 'zFactor' must be 1..10, got " + zFactor);
    }
    if (!(minScore >= 0 && minScore <= 10)) {
      throw new IllegalArgumentException("rcf: 'minScore' must be 0..10, got " + minScore);
    }
  }

  /** The default {@link #minScore}, chosen with the synthetic evaluation. */
  public static final double DEFAULT_MIN_SCORE = 2.0;

  /** Shingles of 8, 256 samples, 30 trees, anomaly rate 0.005, zFactor 3, minScore 2, seed 42. */
  public static Rcf defaults() {
    return new Rcf(8, 256, 30, 0.005, 3.0, DEFAULT_MIN_SCORE, 42L);
  }

  /** These parameters with another {@link #minScore}. */
  public Rcf withMinScore(double score) {
    return new Rcf(shingleSize, sampleSize, numberOfTrees, anomalyRate, zFactor, score, randomSeed);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Detector create() {
    return new RcfDetector(this);
  }

  @Override
  public Detector restore(DataInput in) throws IOException {
    StateFormat.readHeader(in, StateFormat.RCF, RcfDetector.VERSION);
    return new RcfDetector(this, in);
  }
}
