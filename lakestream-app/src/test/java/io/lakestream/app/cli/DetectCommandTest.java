package io.lakestream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DetectCommandTest {

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();
  @TempDir Path dir;
  private Path csv;

  /** A reading a minute, 20 degrees, with a three-minute heat spike at 01:40 (lines 102-104). */
  @BeforeEach
  void series() throws Exception {
    StringBuilder b = new StringBuilder("ts,device,temperature\n");
    for (int i = 0; i < 180; i++) {
      double v = 20 + (i % 7) * 0.1 + (i >= 100 && i < 103 ? 40 : 0);
      b.append(String.format("2026-11-01T%02d:%02d:00Z,d1,%.1f%n", i / 60, i % 60, v));
    }
    csv = dir.resolve("temps.csv");
    Files.writeString(csv, b.toString());
  }

  @Test
  void scoresTheFileAndMarksOnlyTheRowThatOpensTheIncident() throws Exception {
    Path out = dir.resolve("scored.csv");
    int code =
        Main.run(
            "detect",
            "--input",
            csv.toString(),
            "--time-column",
            "ts",
            "--value-column",
            "temperature",
            "--type",
            "threshold",
            "--set",
            "above=50",
            "-o",
            out.toString());

    assertThat(code).as(console.err()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,alert");
    assertThat(lines).hasSize(181);
    assertThat(lines.stream().filter(l -> l.endsWith(",1")))
        .containsExactly(lines.get(101))
        .allMatch(l -> l.startsWith("2026-11-01T01:40:00Z,60.2,"));
    assertThat(console.err()).contains("180 rows scored with threshold {above=50.0}; 1 alert(s)");
  }

  @Test
  void theLearnedDetectorFindsTheSpikeToo() {
    int code =
        Main.run(
            "detect",
            "--input",
            csv.toString(),
            "--time-column",
            "ts",
            "--value-column",
            "temperature",
            "--key-column",
            "device",
            "--type",
            "robust",
            "--set",
            "min_points=20");

    assertThat(code).as(console.err()).isZero();
    assertThat(console.out()).startsWith("timestamp,key,value,anomaly_score,alert\n");
    assertThat(console.out().lines().filter(l -> l.endsWith(",1")).toList())
        .singleElement()
        .asString()
        .startsWith("2026-11-01T01:40:00Z,d1,60.2,");
  }

  @Test
  void settingsComeFromAPipelineFileByName() {
    int code =
        Main.run(
            "detect",
            "--input",
            csv.toString(),
            "--time-column",
            "ts",
            "--value-column",
            "temperature",
            "-p",
            "../examples/iot/pipeline.yaml",
            "--detector",
            "overheating");

    assertThat(code).as(console.err()).isZero();
    assertThat(console.err())
        .contains("scored with threshold {above=70.0} (detector 'overheating'); 0 alert(s)");
  }

  @Test
  void mistakesAreNamed() throws Exception {
    assertThat(
            Main.run(
                "detect",
                "--input",
                csv.toString(),
                "--time-column",
                "ts",
                "--value-column",
                "temperature",
                "--type",
                "threshold",
                "--set",
                "abve=3"))
        .isEqualTo(2);
    assertThat(console.err()).contains("unknown threshold setting 'abve'; did you mean 'above'?");

    assertThat(
            Main.run(
                "detect", "--input", csv.toString(), "--time-column", "time", "--type", "robust"))
        .isEqualTo(2);
    assertThat(console.err()).contains("time").contains("ts, device, temperature");

    Files.writeString(csv, Files.readString(csv) + "2026-11-01T03:00:00Z,d1,hot\n");
    assertThat(
            Main.run(
                "detect",
                "--input",
                csv.toString(),
                "--time-column",
                "ts",
                "--value-column",
                "temperature",
                "--type",
                "robust"))
        .isEqualTo(1);
    assertThat(console.err()).contains("line 182, column 'temperature': 'hot'");
  }

  @Test
  void evaluateReportsEachDetectorOnTheSyntheticSeries() {
    int code = Main.run("detect", "--evaluate", "--seeds", "1");

    assertThat(code).isZero();
    assertThat(console.out())
        .contains("precision")
        .contains("recall")
        .contains("false/day")
        .contains("robust")
        .contains("rcf");
  }
}
