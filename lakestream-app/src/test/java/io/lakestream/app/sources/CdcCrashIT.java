package io.lakestream.app.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.UpProcess;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.SqlEngine;
import io.lakestream.source.cdc.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up} killed with SIGKILL while rows change in PostgreSQL, then started again: every change
 * is in the raw zone exactly once. Changes made while {@code up} was down wait in the replication
 * slot; changes Kafka held but the lake had not committed are read again from Kafka; changes the
 * source sent again because its offset was not yet saved carry the same ids and are dropped by the
 * job's dedup.
 */
class CdcCrashIT {

  @TempDir Path dir;

  private static final String SCHEMA =
      """
      {"type": "object", "required": ["op", "commit_time"],
       "properties": {"id": {}, "op": {}, "table": {}, "key": {}, "before": {}, "after": {},
                      "lsn": {}, "tx_id": {}, "snapshot": {}, "commit_time": {"type": "string"}}}
      """;

  private static UpProcess up(Path pipeline, Path data) throws Exception {
    UpProcess up = UpProcess.start(pipeline, data);
    up.awaitLine("Press Ctrl-C to stop.", Duration.ofMinutes(2));
    return up;
  }

  @Test
  void everyChangeLandsOnceAcrossAKillOfUp() throws Exception {
    try (PostgresServer pg = PostgresServer.start()) {
      pg.createDatabase("shop");
      pg.psql("shop", "CREATE TABLE orders (order_id int PRIMARY KEY, qty int);");
      Files.writeString(dir.resolve("cdc.json"), SCHEMA);
      Path pipeline = dir.resolve("pipeline.yaml");
      Files.writeString(
          pipeline,
          """
          pipeline: cdc-crash
          checkpoint_interval: 1s
          lake:
            warehouse: ${data_dir}/warehouse
            catalog_uri: jdbc:sqlite:${data_dir}/catalog.db
          sources:
            shop:
              type: postgres_cdc
              schema: cdc.json
              key: key
              event_time: {field: commit_time}
              postgres_cdc:
                host: 127.0.0.1
                port: %d
                database: shop
                user: postgres
                tables: [public.orders]
          """
              .formatted(pg.port()));
      Path data = dir.resolve("data");

      UpProcess first = up(pipeline, data);
      int rows = 0;
      try {
        for (int b = 0; b < 20; b++, rows += 10) {
          insert(pg, rows, 10);
        }
        // let some of it reach the lake, then kill while more changes are coming in
        PipelineConfig cfg = PipelineLoader.load(pipeline, Map.of("data_dir", data.toString()));
        await().atMost(Duration.ofMinutes(1)).until(() -> count(cfg) > 0);
        for (int b = 0; b < 10; b++, rows += 10) {
          insert(pg, rows, 10);
        }
      } finally {
        first.process().destroyForcibly(); // SIGKILL: no savepoint, no offset flush
        first.process().waitFor(1, TimeUnit.MINUTES);
      }
      // changes while nothing reads the slot
      for (int b = 0; b < 10; b++, rows += 10) {
        insert(pg, rows, 10);
      }
      pg.psql("shop", "UPDATE orders SET qty = qty + 1 WHERE order_id < 5;");
      pg.psql("shop", "DELETE FROM orders WHERE order_id = 5;");

      UpProcess second = up(pipeline, data);
      try {
        for (int b = 0; b < 10; b++, rows += 10) {
          insert(pg, rows, 10);
        }
        int expected = rows + 5 + 1;
        PipelineConfig cfg = PipelineLoader.load(pipeline, Map.of("data_dir", data.toString()));
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> count(cfg) >= expected);
        // a little longer: anything doubled would show up by now
        Thread.sleep(3_000);
        List<String> ids = ids(cfg);
        assertThat(ids).hasSize(expected).doesNotHaveDuplicates();
        assertThat(ids.stream().filter(id -> id.contains(":public.orders:")).count())
            .isEqualTo(expected);
      } finally {
        second.process().toHandle().destroy();
        second.process().waitFor(2, TimeUnit.MINUTES);
        second.process().destroyForcibly();
      }
    }
  }

  private static void insert(PostgresServer pg, int from, int n) throws Exception {
    StringBuilder sql = new StringBuilder("INSERT INTO orders VALUES ");
    for (int i = from; i < from + n; i++) {
      sql.append(i == from ? "" : ", ").append("(").append(i).append(", 1)");
    }
    pg.psql("shop", sql + ";");
  }

  private static long count(PipelineConfig cfg) {
    return ids(cfg).size();
  }

  private static List<String> ids(PipelineConfig cfg) {
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake());
        SqlEngine sql = SqlEngine.open(lake.catalog())) {
      List<String> out = new ArrayList<>();
      for (List<Object> row : sql.query("SELECT id FROM raw.shop").rows()) {
        out.add(row.get(0).toString());
      }
      return out;
    } catch (RuntimeException notYet) {
      return List.of(); // the table or the catalog is not there yet
    }
  }
}
