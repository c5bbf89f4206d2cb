package io.lakestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeTables;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlCommandTest {

  private static final String PIPELINE = "../examples/iot/pipeline.yaml";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void withoutALakeItSaysWhatToDoAndCreatesNothing(@TempDir Path dir) {
    Path data = dir.resolve("data");
    int code = Main.run("sql", "-p", PIPELINE, "-d", data.toString(), "SELECT 1");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no lake at " + data)
        .contains("./lakestream up");
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
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("n\r\n0\r\n");

    int write =
        Main.run("sql", "-p", PIPELINE, "-d", data.toString(), "COPY (SELECT 1) TO 'x.csv'");
    assertThat(write).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("only read-only SELECT queries are allowed");
  }
}
