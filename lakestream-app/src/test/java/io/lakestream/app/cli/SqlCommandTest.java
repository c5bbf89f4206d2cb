package io.lakestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SqlCommandTest {

  private static final String PIPELINE = "../examples/iot/pipeline.yaml";

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void withoutALakeItSaysWhatToDoAndCreatesNothing(@TempDir Path dir) {
    Path data = dir.resolve("data");
    int code = Main.run("sql", "-p", PIPELINE, "-d", data.toString(), "SELECT 1");
    assertThat(code).isEqualTo(1);
    assertThat(console.err()).contains("no lake at " + data).contains("./lakestream up");
    assertThat(Files.exists(data)).isFalse();
  }

  @Test
  void queriesTheLakeInTheChosenFormatAndRefusesWrites(@TempDir Path dir) {
    Path data = dir.resolve("data");
    PipelineConfig cfg =
        PipelineLoader.load(Path.of(PIPELINE), Map.of("data_dir", data.toString()));
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      LakeTables.ensure(lake.catalog(), cfg);
    }

    int code =
        Main.run(
            "sql",
            "-p",
            PIPELINE,
            "-d",
            data.toString(),
            "--format",
            "csv",
            "SELECT count(*) AS n FROM raw.sensors");
    assertThat(code).isZero();
    assertThat(console.out()).isEqualTo("n\r\n0\r\n");

    int write =
        Main.run("sql", "-p", PIPELINE, "-d", data.toString(), "COPY (SELECT 1) TO 'x.csv'");
    assertThat(write).isEqualTo(1);
    assertThat(console.err()).contains("only read-only SELECT queries are allowed");
  }
}
