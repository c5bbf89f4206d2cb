package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.LakeInventory;
import io.lakestream.lake.QueryResult;
import io.lakestream.source.cdc.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake with its Iceberg catalog in PostgreSQL (Debian's server), read back three ways that must
 * agree: the answers computed from the events sent, Lakestream's SQL, and Iceberg's own generic
 * Java reader, which knows nothing of Lakestream.
 */
class LakeInteropIT {

  @TempDir Path dir;

  private static final int EVENTS = 3_000;
  private static final int DEVICES = 7;

  private static String device(int i) {
    return "dev-" + (i % DEVICES);
  }

  private static double temperature(int i) {
    return Math.round((15 + (i * 37 % 200) / 10.0) * 10) / 10.0;
  }

  private static String ts(int i) {
    // Three days, so that the table has several partitions.
    return Instant.parse("2026-12-01T00:00:00Z").plusSeconds(i * 80L).toString();
  }

  @Test
  void aPostgresCatalogHoldsTheLakeAndIcebergsOwnReaderAgreesWithSql() throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      pg.createDatabase("lake");
      Files.writeString(
          dir.resolve("sensors.schema.json"),
          """
          {"type": "object", "properties": {"id": {"type": "string"},
           "device_id": {"type": "string"}, "ts": {"type": "string", "format": "date-time"},
           "temperature": {"type": "number"}}}
          """);
      Files.writeString(
          dir.resolve("pipeline.yaml"),
          """
          pipeline: interop
          checkpoint_interval: 1s
          parallelism: 1
          kafka: {partitions: 1}
          gateway: {port: 0}
          lake:
            warehouse: ${data_dir}/warehouse
            catalog_uri: jdbc:postgresql://127.0.0.1:PORT/lake
            catalog_properties: {jdbc.user: postgres, jdbc.password: ""}
          sources:
            sensors:
              type: http
              schema: sensors.schema.json
              key: device_id
              event_time: {field: ts, allowed_lateness: 7d}
          """
              .replace("PORT", String.valueOf(pg.port())));
      PipelineConfig cfg =
          PipelineLoader.load(
              dir.resolve("pipeline.yaml"), Map.of("data_dir", dir.resolve("data").toString()));

      // What the lake must say, computed from the events themselves.
      Map<String, Long> expectedCount = new TreeMap<>();
      Map<String, Double> expectedSum = new TreeMap<>();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        lines.add(
            "{\"id\":\"e-"
                + i
                + "\",\"device_id\":\""
                + device(i)
                + "\",\"ts\":\""
                + ts(i)
                + "\",\"temperature\":"
                + temperature(i)
                + "}");
        expectedCount.merge(device(i), 1L, Long::sum);
        expectedSum.merge(device(i), temperature(i), Double::sum);
      }

      try (TestStack stack = TestStack.start(cfg, dir.resolve("data"))) {
        for (int from = 0; from < EVENTS; from += 500) {
          assertThat(stack.postNdjson("sensors", lines.subList(from, from + 500)).status())
              .isEqualTo(202);
        }
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> stack.count("SELECT count(*) FROM curated.sensors") == EVENTS);

        // Lakestream's SQL.
        QueryResult bySql =
            stack.sql(
                "SELECT device_id, count(*), round(sum(temperature), 6) FROM curated.sensors"
                    + " GROUP BY device_id ORDER BY device_id");
        assertThat(bySql.rows()).hasSize(DEVICES);
        for (List<Object> row : bySql.rows()) {
          String d = (String) row.get(0);
          assertThat(((Number) row.get(1)).longValue()).isEqualTo(expectedCount.get(d));
          assertThat(((Number) row.get(2)).doubleValue())
              .isCloseTo(expectedSum.get(d), org.assertj.core.data.Offset.offset(1e-6));
        }

        // Iceberg's generic reader through the same (PostgreSQL) catalog.
        Table table = stack.ls.lake().catalog().loadTable(TableIdentifier.of("curated", "sensors"));
        Map<String, Long> count = new TreeMap<>();
        Map<String, Double> sum = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
          for (Record r : records) {
            String d = (String) r.getField("device_id");
            count.merge(d, 1L, Long::sum);
            sum.merge(d, (Double) r.getField("temperature"), Double::sum);
            ids.add((String) r.getField("event_id"));
          }
        }
        assertThat(count).isEqualTo(expectedCount);
        for (String d : expectedSum.keySet()) {
          assertThat(sum.get(d))
              .isCloseTo(expectedSum.get(d), org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(EVENTS);
        assertThat(table.spec().fields())
            .singleElement()
            .satisfies(f -> assertThat(f.name()).isEqualTo("event_time_day"));

        // The catalog really is PostgreSQL: Iceberg's own catalog table lists the lake's tables.
        try (Connection c = pg.connect("lake");
            Statement st = c.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT table_namespace || '.' || table_name FROM iceberg_tables ORDER BY 1")) {
          List<String> tables = new ArrayList<>();
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
          assertThat(tables).contains("curated.sensors", "raw.sensors", "errors.records");
        }
        assertThat(LakeInventory.tables(stack.ls.lake().catalog(), "curated"))
            .singleElement()
            .satisfies(t -> assertThat(t.rows()).isEqualTo(EVENTS));
      }
    }
  }
}
