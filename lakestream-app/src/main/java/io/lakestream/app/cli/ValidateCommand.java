package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.jobs.PipelineJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakestream validate FILE}: checks a pipeline file without running anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a pipeline file without running it: its settings, schemas and references, the Java",
      "transform plugins it names, and every Flink SQL statement (transforms, windows, joins),",
      "planned as 'up' would plan them (no Kafka or lake needed).",
      "Every problem is listed with its file, line, column and YAML path; exit code 1 if any."
    })
final class ValidateCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "Pipeline file to check.")
  Path file;

  @Option(
      names = {"-d", "--data-dir"},
      paramLabel = "DIR",
      description = "Value of ${data_dir} in the file (default: ./data).")
  Path dataDir = Path.of("data");

  @Override
  public Integer call() {
    try {
      PipelineConfig cfg =
          PipelineLoader.load(
              file, Map.of("data_dir", dataDir.toAbsolutePath().normalize().toString()));
      List<TableIdentifier> outputs;
      try {
        outputs = PipelineJob.check(cfg);
      } catch (PipelineConfigException e) {
        throw new PipelineConfigException(file.toString(), e.problems());
      }
      System.out.printf(
          "%s: OK — pipeline '%s', %d source(s), %d processed table(s)%n",
          file, cfg.name(), cfg.sources().size(), outputs.size());
      for (SourceConfig s : cfg.sources().values()) {
        System.out.printf(
            "  %-14s type=%s key=%s event_time=%s (%s)%n",
            s.name(),
            s.type(),
            s.keyField(),
            s.eventTime().field(),
            s.eventTime().format().yamlName());
      }
      for (TableIdentifier t : outputs) {
        System.out.printf("  -> %s%n", t);
      }
      return 0;
    } catch (PipelineConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
