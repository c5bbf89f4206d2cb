package io.lakestream.jobs;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.sink.LakeRows;
import io.lakestream.lake.LakeSchemas;
import io.lakestream.lake.LakeTables;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * The cheapest job that still does what every pipeline must: read the raw topic with exactly-once
 * checkpoints and write each event to an Iceberg table. No parsing, validation, dedup or
 * processing.
 *
 * <p>{@code bench --full --floor} runs it instead of the pipeline's job to show what the engines
 * themselves cost on a machine: no pipeline, however simple, replays faster than this.
 */
public final class FloorJob {

  /** The table the floor job writes: raw-zone columns, partitioned by day. */
  public static final TableIdentifier TABLE = TableIdentifier.of(Namespace.of("bench"), "floor");

  private FloorJob() {}

  /** Adds the floor job for the pipeline's raw topic to the environment. */
  public static void attachTo(StreamExecutionEnvironment env, PipelineConfig cfg) {
    env.setParallelism(cfg.parallelism());
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    var loader = PipelineJob.catalogLoader(cfg);
    Catalog catalog = loader.loadCatalog();
    try {
      LakeTables.ensureEvolving(catalog, TABLE, LakeSchemas.RAW_SCHEMA, LakeSchemas.RAW_SPEC);
    } finally {
      if (catalog instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // Only a connection pool to let go of.
        }
      }
    }
    DataStream<RowData> rows =
        env.fromSource(
                PipelineJob.rawTopicSource(cfg),
                WatermarkStrategy.noWatermarks(),
                "kafka: " + cfg.rawTopic())
            .uid("floor-source")
            .map(new AsRawRow(), LakeRows.rawTypeInfo())
            .uid("floor-row")
            .name("as raw row (no parsing)");
    IcebergSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(loader, TABLE))
        .distributionMode(DistributionMode.NONE)
        .writeParallelism(cfg.parallelism())
        .uidSuffix("floor")
        .append();
  }

  /** The raw-zone row with the ingest time standing in for the event time: nothing is parsed. */
  private static final class AsRawRow implements MapFunction<RawEvent, RowData> {
    @Override
    public RowData map(RawEvent e) {
      TimestampData ingest = TimestampData.fromEpochMillis(e.ingestTime);
      return GenericRowData.of(
          StringData.fromString(e.id),
          StringData.fromString(e.source),
          e.key == null ? null : StringData.fromString(e.key),
          ingest,
          ingest,
          LakeRows.SCHEMA_VERSION,
          StringData.fromBytes(e.value));
    }
  }
}
