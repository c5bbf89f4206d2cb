package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Path;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeTablesTest {

  @TempDir Path dir;

  private LakeConfig lake;
  private LakeCatalog lakeCatalog;
  private Catalog catalog;

  @BeforeEach
  void open() {
    lake = TestLake.lakeConfig(dir);
    lakeCatalog = LakeCatalog.open(lake);
    catalog = lakeCatalog.catalog();
  }

  @AfterEach
  void close() {
    lakeCatalog.close();
  }

  @Test
  void createsNamespacesAndTablesWithTheContractSchemas() {
    var created = LakeTables.ensure(catalog, TestLake.pipeline(lake, "sensors", "clicks"));

    assertThat(created)
        .containsExactly(
            LakeSchemas.rawTable("sensors"),
            LakeSchemas.rawTable("clicks"),
            LakeSchemas.ERRORS_TABLE);
    assertThat(((SupportsNamespaces) catalog).listNamespaces())
        .contains(Namespace.of("raw"), Namespace.of("errors"));
    assertThat(catalog.listTables(LakeSchemas.RAW))
        .containsExactlyInAnyOrder(LakeSchemas.rawTable("sensors"), LakeSchemas.rawTable("clicks"));

    Table sensors = catalog.loadTable(LakeSchemas.rawTable("sensors"));
    assertThat(sensors.schema().sameSchema(LakeSchemas.RAW_SCHEMA)).isTrue();
    assertThat(sensors.spec().fields()).hasSize(1);
    assertThat(sensors.spec().fields().get(0).transform().toString()).isEqualTo("day");
    // format-version is reserved: Iceberg keeps it in the metadata, not among the properties.
    assertThat(((HasTableOperations) sensors).operations().current().formatVersion()).isEqualTo(2);
    assertThat(sensors.properties())
        .containsEntry("write.parquet.compression-codec", "zstd")
        .containsEntry("write.parquet.dict-size-bytes", "262144")
        .containsEntry("write.parquet.compression-level", "1")
        .containsEntry("write.metadata.delete-after-commit.enabled", "true")
        .containsEntry("write.metadata.previous-versions-max", "50");
    assertThat(sensors.location()).startsWith("file://" + dir.resolve("lake"));

    Table errors = catalog.loadTable(LakeSchemas.ERRORS_TABLE);
    assertThat(errors.schema().sameSchema(LakeSchemas.ERRORS_SCHEMA)).isTrue();
    assertThat(errors.spec().fields().get(0).sourceId())
        .isEqualTo(LakeSchemas.ERRORS_SCHEMA.findField("ingest_time").fieldId());
  }

  @Test
  void isIdempotentAndAddsOnlyNewSources() {
    LakeTables.ensure(catalog, TestLake.pipeline(lake, "sensors"));
    String metadata =
        ((HasTableOperations) catalog.loadTable(LakeSchemas.rawTable("sensors")))
            .operations()
            .current()
            .metadataFileLocation();

    assertThat(LakeTables.ensure(catalog, TestLake.pipeline(lake, "sensors"))).isEmpty();
    assertThat(LakeTables.ensure(catalog, TestLake.pipeline(lake, "sensors", "clicks")))
        .containsExactly(LakeSchemas.rawTable("clicks"));

    // Nothing was rewritten on the existing table.
    assertThat(
            ((HasTableOperations) catalog.loadTable(LakeSchemas.rawTable("sensors")))
                .operations()
                .current()
                .metadataFileLocation())
        .isEqualTo(metadata);
  }

  @Test
  void failsClearlyOnAnIncompatibleExistingTable() {
    ((SupportsNamespaces) catalog).createNamespace(LakeSchemas.RAW);
    Schema old =
        new Schema(
            Types.NestedField.required(1, "id", Types.StringType.get()),
            Types.NestedField.required(2, "source", Types.StringType.get()),
            Types.NestedField.optional(3, "key", Types.StringType.get()),
            Types.NestedField.required(4, "event_time", Types.TimestampType.withoutZone()),
            Types.NestedField.required(5, "ingest_time", Types.TimestampType.withZone()),
            Types.NestedField.required(6, "schema_version", Types.IntegerType.get()));
    catalog.createTable(LakeSchemas.rawTable("sensors"), old, PartitionSpec.unpartitioned());

    assertThatThrownBy(() -> LakeTables.ensure(catalog, TestLake.pipeline(lake, "sensors")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lake table raw.sensors exists with an incompatible schema")
        .hasMessageContaining("column 4 'event_time' has type timestamp but should be timestamptz")
        .hasMessageContaining("column 7 'payload' string not null is missing");
  }

  @Test
  void describesEveryKindOfDifference() {
    Schema expected =
        new Schema(
            Types.NestedField.required(1, "a", Types.StringType.get()),
            Types.NestedField.optional(2, "b", Types.IntegerType.get()),
            Types.NestedField.optional(3, "c", Types.LongType.get()));
    Schema actual =
        new Schema(
            Types.NestedField.required(1, "a", Types.StringType.get()),
            Types.NestedField.required(2, "b", Types.IntegerType.get()),
            Types.NestedField.optional(3, "x", Types.LongType.get()),
            Types.NestedField.optional(4, "d", Types.LongType.get()));

    assertThat(LakeTables.schemaDifferences(actual, expected))
        .containsExactly(
            "column 2 'b' is required but must be optional (it may be null)",
            "column 3 is 'x' long but should be 'c' long",
            "column 4 'd' long is not expected");
    // An optional column where a required one is expected is fine: it accepts every value.
    assertThat(LakeTables.schemaDifferences(expected, actual.select("a", "b", "x"))).hasSize(1);
  }
}
