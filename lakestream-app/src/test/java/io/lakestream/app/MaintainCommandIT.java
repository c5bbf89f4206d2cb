package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeInventory;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.SqlEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakestream maintain} on a lake the streaming job filled with a small file per commit: far
 * fewer files afterwards, and exactly the same rows.
 */
class MaintainCommandIT {

  @TempDir Path dir;

  private static final String ROWS =
      "SELECT event_id, device_id, temperature FROM curated.sensors ORDER BY event_id";

  private PipelineConfig pipeline(String maintenance) throws Exception {
    Files.writeString(
        dir.resolve("s.schema.json"),
        """
        {"type": "object", "properties": {"id": {"type": "string"},
         "device_id": {"type": "string"}, "ts": {"type": "string", "format": "date-time"},
         "temperature": {"type": "number"}}}
        """);
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(
        file,
        """
        pipeline: upkeep
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 1}
        gateway: {port: 0}
        lake:
          maintenance: MAINTENANCE
        sources:
          sensors:
            type: http
            schema: s.schema.json
            key: device_id
            event_time: {field: ts}
        """
            .replace("MAINTENANCE", maintenance));
    return PipelineLoader.load(file, Map.of("data_dir", dir.resolve("data").toString()));
  }

  private static String reading(int i) {
    return "{\"id\":\"e-"
        + String.format("%04d", i)
        + "\",\"device_id\":\"d-"
        + (i % 3)
        + "\",\"ts\":\"2026-12-01T10:00:00Z\",\"temperature\":"
        + i
        + ".5}";
  }

  @Test
  void upCompactsWhileEventsKeepComingAndLosesNothing() throws Exception {
    PipelineConfig cfg = pipeline("{every: 3s, min_input_files: 3}");
    try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
      int sent = 0;
      long seenFewerFiles = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (System.nanoTime() < deadline) {
        int from = sent;
        assertThat(
                stack
                    .postNdjson(
                        "sensors",
                        java.util.stream.IntStream.range(from, from + 20)
                            .mapToObj(MaintainCommandIT::reading)
                            .toList())
                    .status())
            .isEqualTo(202);
        sent += 20;
        Thread.sleep(700);
        long files = LakeInventory.tables(stack.ls.lake().catalog(), "curated").get(0).dataFiles();
        long commits =
            LakeInventory.tables(stack.ls.lake().catalog(), "curated").get(0).snapshots();
        if (commits > 8 && files < commits / 2) {
          seenFewerFiles++;
        }
      }
      int total = sent;
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == total);
      assertThat(seenFewerFiles).as("compactions happened while events kept coming").isPositive();
      assertThat(stack.count("SELECT count(DISTINCT event_id) FROM curated.sensors"))
          .isEqualTo(total);
      assertThat(stack.count("SELECT count(*) FROM errors.records")).isZero();
    }
  }

  @Test
  void maintainCompactsTheStreamingJobsSmallFilesAndKeepsEveryRow() throws Exception {
    PipelineConfig cfg = pipeline("{every: off}");
    Path file = dir.resolve("pipeline.yaml");
    Path data = dir.resolve("data");
    try (TestStack stack = TestStack.start(cfg, data)) {
      // One small commit after another: each leaves a file per table.
      for (int c = 0; c < 8; c++) {
        int from = c * 50;
        List<String> lines =
            java.util.stream.IntStream.range(from, from + 50)
                .mapToObj(MaintainCommandIT::reading)
                .toList();
        assertThat(stack.postNdjson("sensors", lines).status()).isEqualTo(202);
        int expected = from + 50;
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == expected);
      }
    }

    QueryResult before;
    long filesBefore;
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake());
        SqlEngine sql = SqlEngine.open(lake.catalog())) {
      before = sql.query(ROWS);
      filesBefore = LakeInventory.tables(lake.catalog(), "curated").get(0).dataFiles();
    }
    assertThat(filesBefore).isGreaterThanOrEqualTo(8);

    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          io.lakestream.app.cli.Main.run(
              "maintain", "-p", file.toString(), "-d", data.toString(), "--quiet");
    } finally {
      System.setOut(stdout);
    }
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(report).isZero();
    assertThat(report).containsPattern("curated\\.sensors\\s+data files " + filesBefore + " -> 1 ");

    try (LakeCatalog lake = LakeCatalog.open(cfg.lake());
        SqlEngine sql = SqlEngine.open(lake.catalog())) {
      assertThat(LakeInventory.tables(lake.catalog(), "curated").get(0).dataFiles()).isEqualTo(1);
      QueryResult after = sql.query(ROWS);
      assertThat(after.rows()).hasSize(400).isEqualTo(before.rows());
    }
  }
}
