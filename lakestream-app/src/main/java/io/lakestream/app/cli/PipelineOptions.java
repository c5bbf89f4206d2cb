package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by commands that read a pipeline file and a data directory. */
final class PipelineOptions {

  /** Environment variable naming the installation folder, set by the {@code lakestream} script. */
  static final String HOME_ENV = "LAKESTREAM_HOME";

  @Option(
      names = {"-p", "--pipeline"},
      paramLabel = "FILE",
      description = "Pipeline file (default: the bundled example, examples/iot/pipeline.yaml).")
  Path pipeline;

  @Option(
      names = {"-d", "--data-dir"},
      paramLabel = "DIR",
      description = "Where Kafka, Flink state, the catalog and the lake live (default: ./data).")
  Path dataDir = Path.of("data");

  Path pipelineFile() {
    if (pipeline != null) {
      return pipeline;
    }
    String home = System.getenv(HOME_ENV);
    Path base = home == null ? Path.of("") : Path.of(home);
    Path example = base.resolve("examples/iot/pipeline.yaml");
    if (!Files.exists(example)) {
      throw new IllegalArgumentException(
          "no pipeline file given and the bundled example "
              + example.toAbsolutePath()
              + " is missing; pass --pipeline FILE");
    }
    return example;
  }

  Path dataDirAbsolute() {
    return dataDir.toAbsolutePath().normalize();
  }

  /**
   * The pipeline, or empty after printing why it cannot be loaded (every problem with file, line
   * and YAML path), so commands can exit with code 2.
   */
  java.util.Optional<PipelineConfig> loadOrReport() {
    try {
      return java.util.Optional.of(load());
    } catch (io.lakestream.api.config.PipelineConfigException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return java.util.Optional.empty();
    }
  }

  PipelineConfig load() {
    return PipelineLoader.load(pipelineFile(), Map.of("data_dir", dataDirAbsolute().toString()));
  }

  /**
   * Whether the pipeline's lake exists; when its local catalog file is missing, says so on stderr
   * (with what to do) and answers false. Remote catalogs are assumed to exist.
   */
  boolean lakeExistsOrReport(io.lakestream.api.config.PipelineConfig cfg) {
    var catalogFile = io.lakestream.lake.LakeCatalog.localCatalogFile(cfg.lake());
    if (catalogFile.isPresent() && !java.nio.file.Files.exists(catalogFile.get())) {
      System.err.println(
          "error: no lake at "
              + dataDirAbsolute()
              + " (no catalog "
              + catalogFile.get()
              + "). Start it with './lakestream up' first, or point --data-dir at the folder"
              + " 'up' used.");
      return false;
    }
    return true;
  }

  /** The base URL of the running {@code up}'s gateway, from the pipeline file. */
  static String gatewayUrl(PipelineConfig cfg) {
    String host = cfg.gateway().host().equals("0.0.0.0") ? "127.0.0.1" : cfg.gateway().host();
    return "http://" + host + ":" + cfg.gateway().port();
  }

  /**
   * The API key commands send to the running {@code up}: {@code LAKESTREAM_API_KEY}, else the
   * pipeline file's first key, else none.
   */
  static String apiKey(PipelineConfig cfg) {
    String envKey = System.getenv("LAKESTREAM_API_KEY");
    return envKey != null || cfg.gateway().apiKeys().isEmpty()
        ? envKey
        : cfg.gateway().apiKeys().get(0).token();
  }
}
