package io.lakestream.lake;

import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.GatewayConfig;
import io.lakestream.api.config.KafkaConfig;
import io.lakestream.api.config.LakeConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

/** Test fixtures: configs built directly, and rows written as the Flink job would write them. */
final class TestLake {

  private TestLake() {}

  static LakeConfig lakeConfig(Path dir) {
    return new LakeConfig(
        dir.resolve("lake").toString(),
        "jdbc:sqlite:" + dir.resolve("catalog").resolve("catalog.db"),
        Map.of());
  }

  static PipelineConfig pipeline(LakeConfig lake, String... sources) {
    Map<String, SourceConfig> map = new LinkedHashMap<>();
    for (String s : sources) {
      map.put(
          s,
          new SourceConfig(
              s,
              "http",
              "schemas/" + s + ".json",
              "{\"type\":\"object\"}",
              "device_id",
              new EventTimeConfig("ts", EventTimeConfig.TimeFormat.ISO8601)));
    }
    return new PipelineConfig(
        "test",
        Duration.ofSeconds(10),
        1,
        Duration.ofMinutes(10),
        new KafkaConfig(null, 1, (short) 1, "lakestream.", Map.of()),
        new GatewayConfig("127.0.0.1", 0, 1 << 20, Duration.ofSeconds(5), List.of(), false),
        lake,
        map);
  }

  static Record raw(
      String id, String source, String key, String eventTime, String ingestTime, String payload) {
    Record r = GenericRecord.create(LakeSchemas.RAW_SCHEMA);
    r.setField("id", id);
    r.setField("source", source);
    r.setField("key", key);
    r.setField("event_time", OffsetDateTime.parse(eventTime));
    r.setField("ingest_time", OffsetDateTime.parse(ingestTime));
    r.setField("schema_version", 1);
    r.setField("payload", payload);
    return r;
  }

  static Record error(String id, String stage, String reason, String ingestTime, byte[] bytes) {
    Record r = GenericRecord.create(LakeSchemas.ERRORS_SCHEMA);
    r.setField("id", id);
    r.setField("source", "sensors");
    r.setField("stage", stage);
    r.setField("reason", reason);
    r.setField("ingest_time", OffsetDateTime.parse(ingestTime));
    r.setField("error_time", OffsetDateTime.parse(ingestTime).plusSeconds(1));
    r.setField("original_text", bytes == null ? null : new String(bytes, StandardCharsets.UTF_8));
    r.setField("original_bytes", bytes == null ? null : ByteBuffer.wrap(bytes));
    r.setField("origin", "http 127.0.0.1");
    r.setField("kafka_topic", "lakestream.test.raw");
    r.setField("kafka_partition", 0);
    r.setField("kafka_offset", 42L);
    return r;
  }

  /** Writes and commits the records as one append (one file per partition). */
  static List<DataFile> append(Table table, List<Record> records) {
    List<DataFile> files = writeFiles(table, records);
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    return files;
  }

  /** Writes Parquet files into the table's data folder without committing them. */
  static List<DataFile> writeFiles(Table table, List<Record> records) {
    // Partition transforms work on Iceberg's internal values (micros), hence the wrapper.
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    Map<PartitionKey, List<Record>> byPartition = new LinkedHashMap<>();
    for (Record r : records) {
      key.partition(internal.wrap(r));
      byPartition.computeIfAbsent(key.copy(), k -> new ArrayList<>()).add(r);
    }
    List<DataFile> files = new ArrayList<>();
    for (Map.Entry<PartitionKey, List<Record>> e : byPartition.entrySet()) {
      String location =
          table
              .locationProvider()
              .newDataLocation(table.spec(), e.getKey(), "test-" + UUID.randomUUID() + ".parquet");
      OutputFile out = table.io().newOutputFile(location);
      try {
        DataWriter<Record> writer =
            Parquet.writeData(out)
                .schema(table.schema())
                .setAll(table.properties())
                .createWriterFunc(GenericParquetWriter::create)
                .withSpec(table.spec())
                .withPartition(e.getKey())
                .overwrite()
                .build();
        try (writer) {
          e.getValue().forEach(writer::write);
        }
        files.add(writer.toDataFile());
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return files;
  }
}
