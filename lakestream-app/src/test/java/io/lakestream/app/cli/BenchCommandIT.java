package io.lakestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shipped processing benchmark at a small size, once per stage: every stage must account
 * for every event it was given, or the figures it prints would mean nothing.
 */
class BenchCommandIT {

  private static final String PIPELINE = "../examples/iot/pipeline.yaml";

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void theWholePipelineCuratesEveryEvent(@TempDir Path dir) {
    int code = bench(dir, "all");

    assertThat(code).as(console.out() + console.err()).isZero();
    assertThat(console.out())
        .contains("bench results (--full: raw topic → curated, aggregate and join tables)")
        .contains("events               20,000 (sensors 16,000, clicks 2,000, payments 2,000)")
        .containsPattern("lake rows +curated 20,000, error zone 0 \\(late or unenriched\\)")
        .containsPattern("replay rate +[0-9,]+ events/s");
  }

  @Test
  void theIngestStageLandsEveryEventInTheRawZone(@TempDir Path dir) {
    int code = bench(dir, "ingest");

    assertThat(code).as(console.out() + console.err()).isZero();
    assertThat(console.out())
        .contains(
            "bench results (--full --stage ingest: raw topic → dedup, validation → raw and error"
                + " zones)")
        .containsPattern("replay rate +[0-9,]+ events/s from the raw topic until every event was");
  }

  @Test
  void theFloorStageWritesEveryEventToItsTable(@TempDir Path dir) {
    int code = bench(dir, "floor");

    assertThat(code).as(console.out() + console.err()).isZero();
    assertThat(console.out())
        .contains("bench results (--full --stage floor: raw topic → one Iceberg table")
        .containsPattern("CPU per event +[0-9.,]+ µs");
  }

  @Test
  void theAlertBenchGetsEveryProbesAlertUnderLoad(@TempDir Path dir) {
    int code =
        Main.run(
            "bench",
            "-p",
            PIPELINE,
            "-d",
            dir.resolve("data").toString(),
            "--alerts",
            "--rate",
            "1000",
            "--duration",
            "5",
            "--checkpoint-interval",
            "1");

    assertThat(code).as(console.out() + console.err()).isZero();
    assertThat(console.out())
        .contains("bench results (--alerts: HTTP ack of an anomalous event → webhook request)")
        .containsPattern("probes +([1-9][0-9]*) sent, \\1 alerts arrived")
        .containsPattern("ack → webhook +p50 [0-9]+ ms, p90 [0-9]+ ms, p99 [0-9]+ ms");
  }

  @Test
  void anUnknownStageOrAStageWithoutFullIsRefused(@TempDir Path dir) {
    assertThat(Main.run("bench", "-p", PIPELINE, "-d", dir.toString(), "--full", "--stage", "x"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--stage must be all, ingest or floor, not 'x'");

    assertThat(Main.run("bench", "-p", PIPELINE, "-d", dir.toString(), "--stage", "floor"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--stage goes with --full");
  }

  private static int bench(Path dir, String stage) {
    return Main.run(
        "bench",
        "-p",
        PIPELINE,
        "-d",
        dir.resolve("data").toString(),
        "--full",
        "--stage",
        stage,
        "--events",
        "20000",
        "--checkpoint-interval",
        "1");
  }
}
