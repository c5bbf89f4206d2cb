package io.lakestream.detect;

import com.amazon.randomcutforest.config.ForestMode;
import com.amazon.randomcutforest.config.Precision;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/** One thresholded random cut forest with internal shingling over a one-value input. */
final class RcfDetector implements Detector {

  static final int VERSION = 1;

  /** Saved states hold only the library's state objects, their lists and primitive arrays. */
  private static final ObjectInputFilter STATE_CLASSES =
      ObjectInputFilter.Config.createFilter(
          "maxdepth=64;maxrefs=1000000;maxbytes=1000000000;"
              + "com.amazon.randomcutforest.**;java.util.ArrayList;java.lang.Object;!*");

  /**
   * Share of tree nodes whose bounding boxes are cached. The library's default (all) costs about
   * 790 KB of heap per default forest; a tenth keeps about 240 KB for about a third more CPU. The
   * cache only memoises: scores are identical whatever its size.
   */
  static final double BOUNDING_BOX_CACHE_FRACTION = 0.1;

  /** Largest saved forest accepted (a default forest is about 120 KB). */
  private static final int MAX_STATE_BYTES = 256 << 20;

  private final ThresholdedRandomCutForest forest;
  private final long seed;
  private long cachedBytes = -1;
  private long updatesSinceCache;
  private final int cacheRefresh;

  RcfDetector(Rcf p) {
    this.seed = p.randomSeed();
    this.cacheRefresh = p.sampleSize();
    this.forest =
        ThresholdedRandomCutForest.builder()
            .dimensions(p.shingleSize())
            .shingleSize(p.shingleSize())
            .internalShinglingEnabled(true)
            .sampleSize(p.sampleSize())
            .numberOfTrees(p.numberOfTrees())
            .anomalyRate(p.anomalyRate())
            .zFactor(p.zFactor())
            .randomSeed(p.randomSeed())
            .precision(Precision.FLOAT_32)
            .forestMode(ForestMode.STANDARD)
            .transformMethod(TransformMethod.NORMALIZE)
            .parallelExecutionEnabled(false)
            .boundingBoxCacheFraction(BOUNDING_BOX_CACHE_FRACTION)
            .build();
    this.forest.setLowerThreshold(p.minScore());
  }

  RcfDetector(Rcf p, DataInput in) throws IOException {
    this.seed = p.randomSeed();
    this.cacheRefresh = p.sampleSize();
    int length = in.readInt();
    if (length <= 0 || length > MAX_STATE_BYTES) {
      throw new IOException("rcf state is corrupt: forest length " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    ThresholdedRandomCutForestState state;
    try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      ois.setObjectInputFilter(STATE_CLASSES);
      state = (ThresholdedRandomCutForestState) ois.readObject();
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new IOException("rcf state is not a saved random cut forest: " + e.getMessage(), e);
    }
    this.forest = new ThresholdedRandomCutForestMapper().toModel(state, seed);
  }

  @Override
  public Score update(long eventTimeMillis, double value) {
    AnomalyDescriptor d = forest.process(new double[] {value}, eventTimeMillis);
    updatesSinceCache++;
    double score = d.getRCFScore();
    if (score <= 0) {
      return Score.warmingUp(value);
    }
    boolean anomalous = d.getAnomalyGrade() > 0;
    double expected = Double.NaN;
    if (anomalous && d.getRelativeIndex() == 0 && d.isExpectedValuesPresent()) {
      double[][] list = d.getExpectedValuesList();
      if (list != null && list.length > 0 && list[0] != null && list[0].length > 0) {
        expected = list[0][0];
      }
    }
    return new Score(value, score, expected, Double.NaN, Double.NaN, anomalous);
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    byte[] bytes = serialize();
    StateFormat.writeHeader(out, StateFormat.RCF, VERSION);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private byte[] serialize() throws IOException {
    ThresholdedRandomCutForestState state = new ThresholdedRandomCutForestMapper().toState(forest);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
      oos.writeObject(state);
    }
    cachedBytes = bytes.size();
    updatesSinceCache = 0;
    return bytes.toByteArray();
  }

  /**
   * Twice the size of the saved forest: measured with {@code DetectorCost}, a default forest holds
   * about 2.0 heap bytes per saved byte (245 KB for 124 KB). The size comes from serializing, at
   * most once per {@code sampleSize} updates (the forest stops growing once its samples are full).
   */
  @Override
  public long approximateBytes() {
    if (cachedBytes < 0 || updatesSinceCache >= cacheRefresh) {
      try {
        serialize();
      } catch (IOException e) {
        throw new IllegalStateException("cannot measure the forest", e);
      }
    }
    return 2 * cachedBytes;
  }
}
