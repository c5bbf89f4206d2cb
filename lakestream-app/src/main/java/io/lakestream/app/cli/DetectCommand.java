package io.lakestream.app.cli;

import io.lakestream.api.config.DetectorConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.api.config.Severity;
import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.DetectorKind;
import io.lakestream.detect.OfflineScorer;
import io.lakestream.detect.eval.Evaluation;
import io.lakestream.jobs.detect.Detectors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakestream detect}: runs a detector over a CSV file with exactly the code the pipeline
 * runs on a stream, or evaluates the detectors on the shipped synthetic labelled series.
 */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Score a time series in a CSV file with a detector, exactly as a pipeline scores a stream,",
      "and write timestamp,value,anomaly_score,alert (alert = 1 where an incident opens, after the",
      "alert lifecycle's de-duplication). Use it to try settings on recorded data before putting",
      "them in a pipeline file.",
      "",
      "Examples:",
      "  lakestream detect --input temps.csv --time-column ts --value-column temperature",
      "  lakestream detect --input temps.csv --time-column ts --value-column temperature \\",
      "      --type robust --set seasonality=daily --set threshold=5 --output scored.csv",
      "  lakestream detect --input temps.csv --time-column ts --value-column temperature \\",
      "      -p pipeline.yaml --detector odd_temperature",
      "  lakestream detect --evaluate       # precision, recall and delay on synthetic series",
      "  lakestream detect --cost           # µs per point and bytes per key of each type",
      ""
    })
final class DetectCommand implements Callable<Integer> {

  @Option(names = "--input", paramLabel = "CSV", description = "CSV file with a header row.")
  Path input;

  @Option(
      names = "--time-column",
      paramLabel = "NAME",
      description =
          "Column with the event time: ISO-8601 instants or local date-times, or epoch"
              + " seconds/milliseconds (default: ${DEFAULT-VALUE}).")
  String timeColumn = "timestamp";

  @Option(
      names = "--value-column",
      paramLabel = "NAME",
      description = "Column with the numeric value (default: ${DEFAULT-VALUE}).")
  String valueColumn = "value";

  @Option(
      names = "--key-column",
      paramLabel = "NAME",
      description = "Column whose values get a model each (default: one model for the file).")
  String keyColumn;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "threshold, rate_of_change, robust or rcf (default: ${DEFAULT-VALUE}).")
  String type = "rcf";

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description =
          "A setting of the detector type, as in a pipeline file, e.g. above=80,"
              + " seasonality=daily, shingle_size=4. Repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = {"-p", "--pipeline"},
      paramLabel = "FILE",
      description = "Take the detector's settings from this pipeline file (with --detector).")
  Path pipeline;

  @Option(
      names = "--detector",
      paramLabel = "NAME",
      description = "Name of a detector in the --pipeline file.")
  String detector;

  @Option(
      names = "--cooldown",
      paramLabel = "DURATION",
      description = "After an incident resolves, no new alert for this long (default: 30m).")
  String cooldown;

  @Option(
      names = "--resolve-after",
      paramLabel = "N",
      description =
          "Normal points in a row that resolve an incident, after 10 minutes without an anomaly"
              + " (default: 5).")
  Integer resolveAfter;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "Time zone of local date-times in the time column (default: UTC).")
  String zone = "UTC";

  @Option(
      names = {"-o", "--output"},
      paramLabel = "CSV",
      description = "Where to write the scored rows (default: standard output).")
  Path output;

  @Option(
      names = "--evaluate",
      description =
          "Instead of scoring a file: run rate_of_change, robust (plain and with daily"
              + " seasonality) and rcf with their defaults over the shipped"
              + " synthetic labelled series (spikes, level shifts, trend and variance changes,"
              + " broken seasonality, clean series) and print precision, recall, mean detection"
              + " delay and false alerts per day.")
  boolean evaluate;

  @Option(
      names = "--cost",
      description =
          "Instead of scoring a file: measure each detector type's CPU time per point and its"
              + " memory per key (heap and saved state) on this machine.")
  boolean cost;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      description = "With --evaluate: series per category (default: ${DEFAULT-VALUE}).")
  int seeds = 3;

  @Override
  public Integer call() throws IOException {
    if (evaluate) {
      System.out.print(Evaluation.report(Math.max(1, seeds)));
      return 0;
    }
    if (cost) {
      System.out.println("Detector cost per key, after JIT warm-up:");
      System.out.print(io.lakestream.detect.eval.DetectorCost.report());
      return 0;
    }
    if (input == null) {
      System.err.println("error: give --input CSV (or --evaluate); see 'lakestream detect --help'");
      return 2;
    }
    DetectorConfig config;
    try {
      config = detectorConfig();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (PipelineConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    DetectorKind kind;
    try {
      kind = Detectors.kindOf(config);
    } catch (PipelineConfigException e) {
      e.problems().forEach(p -> System.err.println("error: " + p.message()));
      return 2;
    }
    AlertLifecycle.Params lifecycle = Detectors.lifecycleOf(config);
    OfflineScorer scorer;
    try {
      scorer =
          new OfflineScorer(kind, lifecycle, timeColumn, valueColumn, keyColumn, ZoneId.of(zone));
    } catch (java.time.DateTimeException e) {
      System.err.println("error: --zone: " + e.getMessage());
      return 2;
    }
    OfflineScorer.Result result;
    try (Reader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      result = scorer.score(in);
    } catch (NoSuchFileException e) {
      System.err.println("error: " + input + ": no such file");
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + input + ": " + e.getMessage());
      return 2;
    } catch (OfflineScorer.InvalidCsvException e) {
      System.err.println("error: " + input + ": " + e.getMessage());
      return 1;
    }
    if (output == null) {
      Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      result.writeCsv(w);
      w.flush();
    } else {
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        result.writeCsv(w);
      }
    }
    System.err.printf(
        "detect: %,d rows%s scored with %s; %,d alert(s)%s%n",
        result.rows().size(),
        result.keyed() ? " (" + result.keys() + " keys)" : "",
        config.type()
            + (config.params().isEmpty() ? "" : " " + config.params())
            + (detector == null ? "" : " (detector '" + detector + "')"),
        result.alerts(),
        output == null ? "" : "; wrote " + output);
    return 0;
  }

  /** The detector's settings: from the pipeline file, or from --type and --set. */
  private DetectorConfig detectorConfig() {
    Duration cool =
        cooldown == null
            ? null
            : io.lakestream.api.config.internal.Durations.parseNonNegative(cooldown);
    if (pipeline != null || detector != null) {
      if (pipeline == null || detector == null) {
        throw new IllegalArgumentException("--pipeline and --detector go together");
      }
      PipelineConfig cfg =
          PipelineLoader.load(
              pipeline, Map.of("data_dir", Path.of("data").toAbsolutePath().toString()));
      DetectorConfig d = cfg.alerting().detectors().get(detector);
      if (d == null) {
        throw new IllegalArgumentException(
            pipeline
                + " has no detector '"
                + detector
                + "'; its detectors: "
                + (cfg.alerting().detectors().isEmpty()
                    ? "none"
                    : String.join(", ", cfg.alerting().detectors().keySet())));
      }
      return new DetectorConfig(
          d.name(),
          d.on(),
          d.onAggregation(),
          d.field(),
          d.key(),
          d.type(),
          d.params(),
          d.severity(),
          cool == null ? d.cooldown() : cool,
          resolveAfter == null ? d.resolveAfter() : resolveAfter,
          d.resolveQuiet(),
          d.path(),
          d.line());
    }
    Map<String, Object> params = PipelineLoader.detectorSettings(type, settings);
    AlertLifecycle.Params lifecycleDefaults = AlertLifecycle.Params.defaults();
    if (resolveAfter != null && resolveAfter < 1) {
      throw new IllegalArgumentException("--resolve-after must be at least 1");
    }
    return new DetectorConfig(
        "cli",
        input.getFileName().toString(),
        false,
        valueColumn,
        keyColumn == null ? List.of() : List.of(keyColumn),
        type,
        params,
        Severity.WARNING,
        cool == null ? lifecycleDefaults.cooldown() : cool,
        resolveAfter == null ? lifecycleDefaults.resolveAfter() : resolveAfter,
        lifecycleDefaults.resolveQuiet(),
        "--set",
        0);
  }
}
