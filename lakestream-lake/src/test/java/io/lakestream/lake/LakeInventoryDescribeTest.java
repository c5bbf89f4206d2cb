package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeInventoryDescribeTest {

  @TempDir Path dir;

  private LakeCatalog lake;
  private Catalog catalog;

  @BeforeEach
  void setUp() {
    LakeConfig config = TestLake.lakeConfig(dir);
    lake = LakeCatalog.open(config);
    catalog = lake.catalog();
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors", "clicks"));
  }

  @AfterEach
  void tearDown() {
    lake.close();
  }

  private static Record raw(String id, String eventTime) {
    return TestLake.raw(id, "sensors", "d1", eventTime, "2026-01-04T00:00:00Z", "{}");
  }

  @Test
  void describesSchemaSpecsAndHistoryNewestFirst() {
    TableIdentifier id = LakeSchemas.rawTable("sensors");
    Table table = catalog.loadTable(id);
    // 3 rows in 2 days (2 files), then 1 row, then the first day's file deleted.
    List<DataFile> first =
        TestLake.append(
            table,
            List.of(
                raw("a1", "2026-01-01T10:00:00Z"),
                raw("a2", "2026-01-01T11:00:00Z"),
                raw("a3", "2026-01-02T10:00:00Z")));
    TestLake.append(table, List.of(raw("b1", "2026-01-03T10:00:00Z")));
    DataFile day1 = first.stream().filter(f -> f.recordCount() == 2).findFirst().orElseThrow();
    table.newDelete().deleteFile(day1).commit();
    table.updateSpec().addField("source").commit();
    table.refresh();

    LakeInventory.TableDescription d = LakeInventory.describe(catalog, id);

    assertThat(d.name()).isEqualTo("raw.sensors");
    assertThat(d.columns())
        .extracting(LakeInventory.ColumnInfo::name)
        .containsExactly(
            "id", "source", "key", "event_time", "ingest_time", "schema_version", "payload");
    assertThat(d.columns().get(3).type()).isEqualTo("timestamptz");
    assertThat(d.columns().get(2).doc()).isEqualTo("partition key value");
    assertThat(d.specs())
        .containsExactly(
            new LakeInventory.SpecInfo(0, "day(event_time)", false),
            new LakeInventory.SpecInfo(1, "day(event_time), source", true));
    assertThat(d.currentSnapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(d.rows()).isEqualTo(2); // a3 and b1
    assertThat(d.dataFiles()).isEqualTo(2);

    assertThat(d.snapshots()).hasSize(3);
    LakeInventory.SnapshotInfo delete = d.snapshots().get(0);
    LakeInventory.SnapshotInfo second = d.snapshots().get(1);
    LakeInventory.SnapshotInfo firstInfo = d.snapshots().get(2);
    assertThat(delete.operation()).isEqualTo("delete");
    assertThat(delete.removedRows()).isEqualTo(2L);
    assertThat(delete.removedFiles()).isEqualTo(1L);
    assertThat(delete.parentId()).isEqualTo(second.snapshotId());
    assertThat(second.operation()).isEqualTo("append");
    assertThat(second.addedRows()).isEqualTo(1L);
    assertThat(second.addedFiles()).isEqualTo(1L);
    assertThat(second.parentId()).isEqualTo(firstInfo.snapshotId());
    assertThat(firstInfo.addedRows()).isEqualTo(3L);
    assertThat(firstInfo.addedFiles()).isEqualTo(2L);
    assertThat(firstInfo.parentId()).isNull();
    assertThat(firstInfo.removedRows()).isNull();
    for (Snapshot s : table.snapshots()) {
      assertThat(d.snapshots())
          .anySatisfy(
              i -> {
                assertThat(i.snapshotId()).isEqualTo(s.snapshotId());
                assertThat(i.committedAt()).isEqualTo(Instant.ofEpochMilli(s.timestampMillis()));
              });
    }
    assertThat(d.snapshots())
        .extracting(LakeInventory.SnapshotInfo::committedAt)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void describesATableWithoutSnapshots() {
    LakeInventory.TableDescription d =
        LakeInventory.describe(catalog, LakeSchemas.rawTable("clicks"));
    assertThat(d.currentSnapshotId()).isNull();
    assertThat(d.rows()).isZero();
    assertThat(d.dataFiles()).isZero();
    assertThat(d.snapshots()).isEmpty();
    assertThat(d.columns()).hasSize(7);
    assertThat(d.specs()).containsExactly(new LakeInventory.SpecInfo(0, "day(event_time)", true));
  }

  @Test
  void unknownTableFails() {
    assertThatThrownBy(() -> LakeInventory.describe(catalog, LakeSchemas.rawTable("nope")))
        .isInstanceOf(NoSuchTableException.class);
  }
}
