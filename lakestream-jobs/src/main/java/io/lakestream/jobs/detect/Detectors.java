package io.lakestream.jobs.detect;

import io.lakestream.api.config.DetectorConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.DetectorKind;
import io.lakestream.detect.RateOfChange;
import io.lakestream.detect.Rcf;
import io.lakestream.detect.Robust;
import io.lakestream.detect.Threshold;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the pipeline file's detector settings into detector kinds and alert lifecycles. */
public final class Detectors {

  /** Parameter names in the detector library's messages → the pipeline file's names. */
  private static final Map<String, String> YAML_NAMES =
      Map.of(
          "'maxChange'", "'max_change'",
          "'minPoints'", "'min_points'",
          "'shingleSize'", "'shingle_size'",
          "'sampleSize'", "'sample_size'",
          "'numberOfTrees'", "'trees'",
          "'anomalyRate'", "'anomaly_rate'");

  private Detectors() {}

  /**
   * The detector kind a detector's settings describe, with the library's defaults for what the file
   * leaves out.
   *
   * @throws PipelineConfigException when a setting is out of range, at the detector's YAML path
   */
  public static DetectorKind kindOf(DetectorConfig d) {
    Map<String, Object> p = d.params();
    try {
      return switch (d.type()) {
        case Threshold.TYPE -> new Threshold((Double) p.get("above"), (Double) p.get("below"));
        case RateOfChange.TYPE -> {
          RateOfChange def = RateOfChange.defaults();
          if (!p.containsKey("max_change")) {
            yield def; // the library's own default: a change of more than 20% within a minute
          }
          yield new RateOfChange(
              (Double) p.getOrDefault("max_change", def.maxChange()),
              (Duration) p.getOrDefault("per", def.per()),
              (Boolean) p.getOrDefault("relative", Boolean.FALSE));
        }
        case Robust.TYPE -> {
          Robust def = Robust.defaults();
          int window = (Integer) p.getOrDefault("window", def.window());
          yield new Robust(
              window,
              (Double) p.getOrDefault("threshold", def.threshold()),
              (Integer) p.getOrDefault("min_points", Math.min(def.minPoints(), window)),
              Robust.Seasonality.valueOf(
                  ((String) p.getOrDefault("seasonality", "none")).toUpperCase(Locale.ROOT)),
              (Duration) p.getOrDefault("bucket", def.bucket()),
              def.seasons());
        }
        case Rcf.TYPE -> {
          Rcf def = Rcf.defaults();
          yield new Rcf(
              (Integer) p.getOrDefault("shingle_size", def.shingleSize()),
              (Integer) p.getOrDefault("sample_size", def.sampleSize()),
              (Integer) p.getOrDefault("trees", def.numberOfTrees()),
              (Double) p.getOrDefault("anomaly_rate", def.anomalyRate()),
              def.zFactor(),
              def.minScore(),
              def.randomSeed());
        }
        default -> throw new IllegalArgumentException("unknown detector type '" + d.type() + "'");
      };
    } catch (IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      for (Map.Entry<String, String> n : YAML_NAMES.entrySet()) {
        m = m.replace(n.getKey(), n.getValue());
      }
      throw new PipelineConfigException(
          "pipeline detector '" + d.name() + "'",
          List.of(new PipelineConfigException.Problem(d.path(), d.line(), 0, m)));
    }
  }

  /** How the detector's incidents open, resolve and cool down. */
  public static AlertLifecycle.Params lifecycleOf(DetectorConfig d) {
    return new AlertLifecycle.Params(
        d.resolveAfter(),
        d.resolveQuiet(),
        d.cooldown(),
        AlertLifecycle.Params.defaults().maxEventIds());
  }
}
