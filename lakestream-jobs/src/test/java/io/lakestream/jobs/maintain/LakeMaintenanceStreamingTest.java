package io.lakestream.jobs.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Iceberg's Flink table maintenance attached to a small streaming job that appends. */
class LakeMaintenanceStreamingTest {
  private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenanceStreamingTest.class);

  @TempDir Path dir;
  private TestLake lake;

  @BeforeEach
  void setUp() {
    lake = new TestLake(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  /** Turns a sequence number into a row of one of two days, slowly. */
  static final class SlowRows implements MapFunction<Long, RowData> {
    @Override
    public RowData map(Long id) throws Exception {
      Thread.sleep(2);
      LocalDate day = TestLake.DAY0.plusDays(id % 2);
      long millis = day.atTime(1, 0).toInstant(ZoneOffset.UTC).toEpochMilli() + id;
      return GenericRowData.of(
          id, TimestampData.fromEpochMillis(millis), StringData.fromString("n-" + id), id * 1.5);
    }
  }

  private static long totalDataFiles(Snapshot s) {
    return Long.parseLong(s.summary().get(SnapshotSummary.TOTAL_DATA_FILES_PROP));
  }

  @Test
  void attachedMaintenanceCompactsWhileTheJobAppends() throws Exception {
    Table table = lake.create("stream");
    TableIdentifier id = TableIdentifier.of("lake", "stream");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(300);
    DataStream<RowData> rows =
        env.fromSequence(0, Long.MAX_VALUE / 2)
            .map(new SlowRows())
            .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(TestLake.SCHEMA)));
    FlinkSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(lake.catalogLoader(), id))
        .uidPrefix("sink")
        .append();
    MaintenanceConfig cfg =
        MaintenanceConfig.defaults().withSchedule(5, Duration.ofHours(1), Duration.ofSeconds(1));
    LakeMaintenance.attach(
        env,
        lake.catalogLoader(),
        List.of(id),
        cfg,
        LockSettings.sqlite(dir.resolve("locks.db"), "streaming-test"));

    JobClient job = env.executeAsync("maintenance attached");
    long started = System.nanoTime();
    Snapshot replace;
    try {
      replace =
          await()
              .atMost(Duration.ofMinutes(3))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> findReplace(table), Optional::isPresent)
              .orElseThrow();
      long compactedAfterMs = (System.nanoTime() - started) / 1_000_000;
      Snapshot parent = table.snapshot(replace.parentId());
      LOG.info(
          "first rewrite after {} ms: live data files {} -> {} (summary {})",
          compactedAfterMs,
          totalDataFiles(parent),
          totalDataFiles(replace),
          replace.summary());
      assertThat(totalDataFiles(replace)).isLessThan(totalDataFiles(parent));
      // the job's own commits go on after the rewrite
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                table.refresh();
                return table.currentSnapshot().sequenceNumber() > replace.sequenceNumber() + 2;
              });
    } finally {
      job.cancel().get(1, TimeUnit.MINUTES);
    }

    table.refresh();
    List<String> all = TestLake.rows(table);
    List<Long> ids = new ArrayList<>();
    all.forEach(r -> ids.add(Long.parseLong(r.substring(0, r.indexOf('|')))));
    LOG.info(
        "after the job: {} rows, {} snapshots, {} live data files",
        all.size(),
        StreamSupport.stream(table.snapshots().spliterator(), false).count(),
        totalDataFiles(table.currentSnapshot()));
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    assertThat(ids).isNotEmpty();
  }

  private static Optional<Snapshot> findReplace(Table table) {
    table.refresh();
    for (Snapshot s : table.snapshots()) {
      if (DataOperations.REPLACE.equals(s.operation())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
