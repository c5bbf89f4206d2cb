package io.lakestream.jobs.maintain;

import io.lakestream.lake.LakeCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;

/**
 * A real lake for the maintenance tests: a JDBC catalog on SQLite in a temporary folder, tables
 * partitioned by day, and small Parquet files written with Iceberg's generic writers.
 */
final class TestLake implements AutoCloseable {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.required(2, "event_time", Types.TimestampType.withZone()),
          Types.NestedField.optional(3, "name", Types.StringType.get()),
          Types.NestedField.optional(4, "amount", Types.DoubleType.get()));
  static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("event_time").build();
  static final LocalDate DAY0 = LocalDate.of(2026, 3, 1);

  final Path dir;
  final Map<String, String> props;
  final Catalog catalog;

  TestLake(Path dir) {
    this.dir = dir;
    this.props =
        Map.of(
            "uri", "jdbc:sqlite:" + dir.resolve("catalog.db"),
            "warehouse", dir.resolve("warehouse").toString(),
            "jdbc.schema-version", "V1",
            "jdbc.journal_mode", "WAL",
            "jdbc.busy_timeout", "30000");
    this.catalog =
        CatalogUtil.loadCatalog(
            JdbcCatalog.class.getName(), "lakestream", props, LakeCatalog.hadoopConf());
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("lake"));
  }

  CatalogLoader catalogLoader() {
    return CatalogLoader.custom(
        "lakestream", props, LakeCatalog.hadoopConf(), JdbcCatalog.class.getName());
  }

  Table create(String name) {
    return catalog.createTable(TableIdentifier.of("lake", name), SCHEMA, SPEC);
  }

  static Record row(long id, int day) {
    GenericRecord r = GenericRecord.create(SCHEMA);
    r.setField("id", id);
    r.setField(
        "event_time",
        OffsetDateTime.of(DAY0.plusDays(day).atTime(1, 0), ZoneOffset.UTC).plusSeconds(id % 3600));
    r.setField("name", "n-" + id);
    r.setField("amount", id * 1.5);
    return r;
  }

  /** Writes one Parquet data file (rows of one day) without committing it. */
  static DataFile writeFile(Table table, List<Record> rows) {
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    key.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(rows.get(0)));
    String location =
        table
            .locationProvider()
            .newDataLocation(table.spec(), key, "part-" + UUID.randomUUID() + ".parquet");
    OutputFile out = table.io().newOutputFile(location);
    DataWriter<Record> writer =
        new GenericAppenderFactory(table.schema(), table.spec())
            .newDataWriter(EncryptedFiles.plainAsEncryptedOutput(out), FileFormat.PARQUET, key);
    try (writer) {
      rows.forEach(writer::write);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }

  /** Rows {@code firstId ..} of one day, as one file appended in its own snapshot. */
  static DataFile append(Table table, long firstId, int rows, int day) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      records.add(row(firstId + i, day));
    }
    DataFile file = writeFile(table, records);
    table.newAppend().appendFile(file).commit();
    return file;
  }

  /** Every row of the table as "id|time|name|amount", duplicates kept. */
  static List<String> rows(Table table) {
    table.refresh();
    List<String> out = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        out.add(
            r.getField("id")
                + "|"
                + r.getField("event_time")
                + "|"
                + r.getField("name")
                + "|"
                + r.getField("amount"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String metadataLocation(Table table) {
    return ((HasTableOperations) table).operations().current().metadataFileLocation();
  }

  /** Local path of an Iceberg location (with or without the file: scheme). */
  static Path local(String location) {
    return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
  }

  /** All regular files under the table folder (no Hadoop .crc side files). */
  static Set<Path> filesOnDisk(Table table) {
    try (Stream<Path> s = Files.walk(local(table.location()))) {
      Set<Path> out = new HashSet<>();
      s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(".crc"))
          .forEach(p -> out.add(p.toAbsolutePath().normalize()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Data files, manifests and manifest lists referenced by one snapshot. */
  static Set<Path> referencedBy(Table table, Snapshot snapshot) {
    Set<Path> out = new HashSet<>();
    out.add(local(snapshot.manifestListLocation()).toAbsolutePath().normalize());
    for (ManifestFile m : snapshot.allManifests(table.io())) {
      out.add(local(m.path()).toAbsolutePath().normalize());
    }
    try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      tasks.forEach(t -> out.add(local(t.file().location()).toAbsolutePath().normalize()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    if (catalog instanceof AutoCloseable c) {
      c.close();
    }
  }
}
