package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.source.cdc.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lake.export}: while {@code up} runs, new curated rows reach PostgreSQL on their own; the
 * {@code export} command run by hand afterwards finds nothing new and duplicates nothing.
 */
class WarehouseExportIT {

  @TempDir Path dir;

  private static long count(PostgresServer pg, String sql) throws Exception {
    try (Connection c = pg.connect("dw");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void upMirrorsTheCuratedTableIntoPostgresAndARerunAddsNothing() throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      pg.createDatabase("dw");
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
          pipeline: export
          checkpoint_interval: 1s
          parallelism: 1
          kafka: {partitions: 1}
          gateway: {port: 0}
          lake:
            export:
              postgres:
                url: jdbc:postgresql://127.0.0.1:PORT/dw
                user: postgres
                every: 1s
                tables:
                  curated.sensors: {}
          sources:
            sensors:
              type: http
              schema: s.schema.json
              key: device_id
              event_time: {field: ts}
          """
              .replace("PORT", String.valueOf(pg.port())));
      PipelineConfig cfg =
          PipelineLoader.load(file, Map.of("data_dir", dir.resolve("data").toString()));

      try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
        for (int batch = 0; batch < 3; batch++) {
          List<String> lines = new ArrayList<>();
          for (int i = 0; i < 400; i++) {
            int n = batch * 400 + i;
            lines.add(
                "{\"id\":\"e-"
                    + n
                    + "\",\"device_id\":\"d-"
                    + (n % 5)
                    + "\",\"ts\":\"2026-12-01T10:00:00Z\",\"temperature\":"
                    + n
                    + "}");
          }
          assertThat(stack.postNdjson("sensors", lines).status()).isEqualTo(202);
          int expected = (batch + 1) * 400;
          // Each batch reaches PostgreSQL through a later export than the one before.
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(250))
              .until(
                  () -> {
                    try {
                      return count(pg, "SELECT count(*) FROM lakestream.curated_sensors")
                          == expected;
                    } catch (java.sql.SQLException e) {
                      return false; // the table appears with the first export
                    }
                  });
        }
        assertThat(count(pg, "SELECT count(DISTINCT event_id) FROM lakestream.curated_sensors"))
            .isEqualTo(1200);
        assertThat(count(pg, "SELECT sum(temperature)::bigint FROM lakestream.curated_sensors"))
            .isEqualTo(1199L * 1200 / 2);
      }

      // By hand, after the stack stopped: nothing new, nothing doubled.
      int code =
          io.lakestream.app.cli.Main.run(
              "export", "-p", file.toString(), "-d", dir.resolve("data").toString(), "--quiet");
      assertThat(code).isZero();
      assertThat(count(pg, "SELECT count(*) FROM lakestream.curated_sensors")).isEqualTo(1200);
    }
  }
}
