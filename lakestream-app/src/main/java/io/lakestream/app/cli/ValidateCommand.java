package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.api.config.SourceConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakestream validate FILE}: checks a pipeline file without running anything. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a pipeline file without running it.",
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
      System.out.printf(
          "%s: OK — pipeline '%s', %d source(s)%n", file, cfg.name(), cfg.sources().size());
      for (SourceConfig s : cfg.sources().values()) {
        System.out.printf(
            "  %-14s type=%s key=%s event_time=%s (%s)%n",
            s.name(),
            s.type(),
            s.keyField(),
            s.eventTime().field(),
            s.eventTime().format().yamlName());
      }
      return 0;
    } catch (PipelineConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
