package io.lakestream.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.jdbc.JdbcCatalog;

/** A real Iceberg JDBC catalog on a SQLite file with a local warehouse, for tests. */
final class TestLake implements AutoCloseable {

  final Catalog catalog;

  TestLake(Path dir) {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    catalog =
        CatalogUtil.loadCatalog(
            JdbcCatalog.class.getName(),
            "lakestream",
            Map.of(
                "uri",
                "jdbc:sqlite:" + dir.resolve("catalog.db"),
                "warehouse",
                dir.resolve("warehouse").toUri().toString(),
                "jdbc.schema-version",
                "V1"),
            conf);
  }

  Table create(String name, Schema schema) {
    TableIdentifier id = TableIdentifier.parse(name);
    Namespace ns = id.namespace();
    SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
    if (!namespaces.namespaceExists(ns)) {
      namespaces.createNamespace(ns);
    }
    return catalog.createTable(id, schema, PartitionSpec.unpartitioned());
  }

  Table load(String name) {
    return catalog.loadTable(TableIdentifier.parse(name));
  }

  /** Writes the records as one Parquet data file, with the table's current schema. */
  static DataFile write(Table table, List<Record> records) {
    String path = table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet");
    OutputFile out = table.io().newOutputFile(path);
    FileAppender<Record> appender =
        new GenericAppenderFactory(table.schema(), table.spec())
            .newAppender(out, FileFormat.PARQUET);
    try (appender) {
      appender.addAll(records);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return DataFiles.builder(table.spec())
        .withPath(path)
        .withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(appender.length())
        .withMetrics(appender.metrics())
        .build();
  }

  /** Appends each list of records as its own data file, all in one snapshot. */
  @SafeVarargs
  static void append(Table table, List<Record>... files) {
    var append = table.newAppend();
    for (List<Record> records : files) {
      append.appendFile(write(table, records));
    }
    append.commit();
  }

  @Override
  public void close() throws Exception {
    if (catalog instanceof AutoCloseable c) {
      c.close();
    }
  }
}
