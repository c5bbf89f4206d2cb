package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.LakeConfig;
import io.lakestream.lake.LakeInventory.ColumnInfo;
import io.lakestream.lake.LakeInventory.TableInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotParser;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeInventoryTest {

  private static final Schema CURATED_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "user_id", Types.LongType.get(), "who"),
          Types.NestedField.optional(2, "country", Types.StringType.get()),
          Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
          Types.NestedField.optional(
              4, "tags", Types.ListType.ofOptional(5, Types.StringType.get())),
          Types.NestedField.optional(
              6,
              "location",
              Types.StructType.of(
                  Types.NestedField.required(7, "lat", Types.DoubleType.get()),
                  Types.NestedField.required(8, "lon", Types.DoubleType.get()))),
          Types.NestedField.optional(
              9,
              "counts",
              Types.MapType.ofRequired(
                  10,
                  11,
                  Types.StringType.get(),
                  Types.ListType.ofRequired(12, Types.IntegerType.get()))));

  @TempDir Path dir;

  private LakeConfig config;
  private LakeCatalog lake;
  private Catalog catalog;

  @BeforeEach
  void open() {
    config = TestLake.lakeConfig(dir);
    lake = LakeCatalog.open(config);
    catalog = lake.catalog();
  }

  @AfterEach
  void close() {
    lake.close();
  }

  @Test
  void anEmptyCatalogHasNoZonesAndNoTables() {
    assertThat(LakeInventory.zones(catalog)).isEmpty();
    assertThat(LakeInventory.tables(catalog)).isEmpty();
    assertThat(LakeInventory.tables(catalog, "raw")).isEmpty();
  }

  @Test
  void listsEveryTableWithItsCurrentSnapshot() {
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors", "clicks"));
    Table sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
    Instant before = Instant.now().minusSeconds(1);
    List<DataFile> files = new ArrayList<>();
    // Two commits over two days: three data files.
    files.addAll(
        TestLake.append(
            sensors,
            List.of(
                raw("e1", "2026-01-01T10:00:00Z"),
                raw("e2", "2026-01-01T11:00:00Z"),
                raw("e3", "2026-01-02T00:00:00Z"))));
    files.addAll(
        TestLake.append(
            sensors, List.of(raw("e4", "2026-01-02T08:00:00Z"), raw("e5", "2026-01-02T09:00Z"))));
    Instant after = Instant.now().plusSeconds(1);
    TestLake.append(
        catalog.loadTable(LakeSchemas.ERRORS_TABLE),
        List.of(TestLake.error("x1", "parse", "not JSON", "2026-01-01T10:00:00Z", new byte[] {1})));

    List<TableInfo> tables = LakeInventory.tables(catalog);

    assertThat(tables)
        .extracting(TableInfo::name)
        .containsExactly("raw.clicks", "raw.sensors", "errors.records");
    sensors.refresh();
    TableInfo s = tables.get(1);
    assertThat(s.zone()).isEqualTo("raw");
    assertThat(s.table()).isEqualTo("sensors");
    assertThat(s.rows()).isEqualTo(5);
    assertThat(s.dataFiles()).isEqualTo(3).isEqualTo(files.size());
    assertThat(s.sizeBytes())
        .isPositive()
        .isEqualTo(files.stream().mapToLong(DataFile::fileSizeInBytes).sum());
    assertThat(s.snapshots()).isEqualTo(2);
    assertThat(s.lastCommit())
        .isEqualTo(Instant.ofEpochMilli(sensors.currentSnapshot().timestampMillis()))
        .isBetween(before, after);
    assertThat(s.partitioning()).isEqualTo("day(event_time)");
    assertThat(s.problem()).isNull();
    assertThat(s.columns())
        .extracting(ColumnInfo::name)
        .containsExactly(
            "id", "source", "key", "event_time", "ingest_time", "schema_version", "payload");
    assertThat(s.columns().get(0)).isEqualTo(new ColumnInfo("id", "string", true, "event id"));
    assertThat(s.columns().get(2).required()).isFalse();
    assertThat(s.columns().get(3).type()).isEqualTo("timestamptz");
    assertThat(s.columns().get(5).type()).isEqualTo("int");

    TableInfo clicks = tables.get(0);
    assertThat(clicks.rows()).isZero();
    assertThat(clicks.dataFiles()).isZero();
    assertThat(clicks.sizeBytes()).isZero();
    assertThat(clicks.snapshots()).isZero();
    assertThat(clicks.lastCommit()).isNull();
    assertThat(clicks.partitioning()).isEqualTo("day(event_time)");

    TableInfo errors = tables.get(2);
    assertThat(errors.rows()).isEqualTo(1);
    assertThat(errors.snapshots()).isEqualTo(1);
    assertThat(errors.partitioning()).isEqualTo("day(ingest_time)");
    assertThat(errors.columns()).hasSize(12);
    assertThat(errors.columns().get(7).type()).isEqualTo("binary");
  }

  @Test
  void ordersZonesAsDataFlowsThenAlphabetically() {
    SupportsNamespaces ns = (SupportsNamespaces) catalog;
    for (String zone : List.of("zz", "errors", "alerts", "analytics", "aggregates", "raw")) {
      ns.createNamespace(Namespace.of(zone));
    }
    ns.createNamespace(Namespace.of("curated"));
    ns.createNamespace(Namespace.of("curated", "eu"));
    for (String name :
        List.of(
            "zz.t",
            "analytics.t",
            "alerts.t",
            "errors.t",
            "aggregates.t",
            "curated.eu.t",
            "curated.b",
            "curated.a",
            "raw.t")) {
      catalog.createTable(TableIdentifier.parse(name), CURATED_SCHEMA);
    }

    assertThat(LakeInventory.tables(catalog))
        .extracting(TableInfo::name)
        .containsExactly(
            "raw.t",
            "curated.a",
            "curated.b",
            "curated.eu.t",
            "aggregates.t",
            "errors.t",
            "alerts.t",
            "analytics.t",
            "zz.t");
    assertThat(LakeInventory.zones(catalog))
        .containsExactly(
            "raw", "curated", "curated.eu", "aggregates", "errors", "alerts", "analytics", "zz");
    assertThat(LakeInventory.tables(catalog, "curated"))
        .extracting(TableInfo::name)
        .containsExactly("curated.a", "curated.b");
    assertThat(LakeInventory.tables(catalog, "curated.eu"))
        .extracting(TableInfo::zone, TableInfo::table)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("curated.eu", "t"));
    assertThat(LakeInventory.tables(catalog, "nope")).isEmpty();
  }

  @Test
  void listsEmptyZones() {
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("aggregates"));
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors"));

    assertThat(LakeInventory.zones(catalog)).containsExactly("raw", "aggregates", "errors");
    assertThat(LakeInventory.tables(catalog, "aggregates")).isEmpty();
  }

  @Test
  void spellsOutNestedTypesAndPartitionTransforms() {
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("curated"));
    PartitionSpec spec =
        PartitionSpec.builderFor(CURATED_SCHEMA)
            .identity("country")
            .bucket("user_id", 16)
            .truncate("amount", 100)
            .build();
    catalog.createTable(TableIdentifier.of("curated", "orders"), CURATED_SCHEMA, spec);

    TableInfo t = LakeInventory.tables(catalog).get(0);

    assertThat(t.partitioning()).isEqualTo("country, bucket(16, user_id), truncate(100, amount)");
    assertThat(t.columns())
        .containsExactly(
            new ColumnInfo("user_id", "long", true, "who"),
            new ColumnInfo("country", "string", false, null),
            new ColumnInfo("amount", "decimal(10, 2)", false, null),
            new ColumnInfo("tags", "list<string>", false, null),
            new ColumnInfo("location", "struct<lat: double, lon: double>", false, null),
            new ColumnInfo("counts", "map<string, list<int>>", false, null));
  }

  @Test
  void describesTimeTransformsAndUnpartitionedTables() {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "ts", Types.TimestampType.withoutZone()),
            Types.NestedField.required(2, "d", Types.DateType.get()));
    assertThat(LakeInventory.partitioning(PartitionSpec.unpartitioned())).isEmpty();
    assertThat(
            LakeInventory.partitioning(
                PartitionSpec.builderFor(schema).hour("ts").month("d").build()))
        .isEqualTo("hour(ts), month(d)");
    assertThat(LakeInventory.partitioning(PartitionSpec.builderFor(schema).year("ts").build()))
        .isEqualTo("year(ts)");
  }

  @Test
  void aTableThatCannotBeReadIsListedWithItsProblem() throws Exception {
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors", "clicks"));
    Table clicks = catalog.loadTable(LakeSchemas.rawTable("clicks"));
    String metadata = ((HasTableOperations) clicks).operations().current().metadataFileLocation();
    Files.delete(Path.of(java.net.URI.create(metadata)));

    List<TableInfo> tables = LakeInventory.tables(catalog);

    assertThat(tables)
        .extracting(TableInfo::name)
        .containsExactly("raw.clicks", "raw.sensors", "errors.records");
    assertThat(tables.get(0).problem()).isNotBlank();
    assertThat(tables.get(0).columns()).isEmpty();
    assertThat(tables.get(1).problem()).isNull();
  }

  @Test
  void countsTheFilesWhenTheSummaryHasNoTotals() {
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors"));
    Table sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
    List<DataFile> files =
        TestLake.append(
            sensors, List.of(raw("e1", "2026-01-01T10:00:00Z"), raw("e2", "2026-01-03T10:00Z")));
    commitCopyWithoutTotals(sensors);

    TableInfo t = LakeInventory.tables(catalog, "raw").get(0);

    sensors.refresh();
    assertThat(sensors.currentSnapshot().summary()).doesNotContainKey("total-records");
    assertThat(t.rows()).isEqualTo(2);
    assertThat(t.dataFiles()).isEqualTo(2);
    assertThat(t.sizeBytes()).isEqualTo(files.stream().mapToLong(DataFile::fileSizeInBytes).sum());
    assertThat(t.snapshots()).isEqualTo(2);
  }

  /**
   * Commits a second snapshot with the current one's files but a summary without totals, as an
   * engine that does not keep them would.
   */
  private static void commitCopyWithoutTotals(Table table) {
    TableOperations ops = ((HasTableOperations) table).operations();
    TableMetadata base = ops.current();
    Snapshot current = base.currentSnapshot();
    long id = current.snapshotId() + 1;
    String json =
        SnapshotParser.toJson(current)
            .replaceAll(",\\s*\"total-[a-z-]+\"\\s*:\\s*\"[^\"]*\"", "")
            .replaceFirst(
                "\"snapshot-id\"\\s*:\\s*\\d+",
                "\"snapshot-id\":" + id + ",\"parent-snapshot-id\":" + current.snapshotId())
            .replaceFirst(
                "\"sequence-number\"\\s*:\\s*\\d+",
                "\"sequence-number\":" + (base.lastSequenceNumber() + 1))
            .replaceFirst(
                "\"timestamp-ms\"\\s*:\\s*\\d+",
                "\"timestamp-ms\":" + (current.timestampMillis() + 1));
    Snapshot copy = SnapshotParser.fromJson(json);
    ops.commit(
        base,
        TableMetadata.buildFrom(base).addSnapshot(copy).setBranchSnapshot(id, "main").build());
  }

  private static Record raw(String id, String eventTime) {
    return TestLake.raw(id, "sensors", "d1", eventTime, "2026-01-04T00:00:00Z", "{}");
  }
}
