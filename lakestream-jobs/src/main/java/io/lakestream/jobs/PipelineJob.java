package io.lakestream.jobs;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.jobs.dedup.DedupFunction;
import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.ingest.RawEventDeserializer;
import io.lakestream.jobs.sink.EnrichedRecordSerializer;
import io.lakestream.jobs.validate.ValidateFunction;
import io.lakestream.jobs.validate.ValidatedEvent;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeSchemas;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Flink job of a pipeline: raw Kafka topic → dedup → validate → raw zone, error zone and the
 * enriched topic.
 *
 * <p>It takes every connection setting from the {@link PipelineConfig} (never from objects living
 * in the same JVM), so the same job runs in the embedded mini cluster and on a Flink cluster.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
 * PipelineJob.of(cfg).attachTo(env);
 * JobClient job = env.executeAsync(PipelineJob.jobName(cfg));
 * }</pre>
 */
public final class PipelineJob {

  private final PipelineConfig cfg;

  private PipelineJob(PipelineConfig cfg) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    if (cfg.kafka().bootstrapServers() == null) {
      throw new IllegalArgumentException(
          "kafka.bootstrap_servers is not set: start the embedded broker first or configure a cluster");
    }
  }

  /** A job for the given pipeline; its Kafka bootstrap servers must be resolved. */
  public static PipelineJob of(PipelineConfig cfg) {
    return new PipelineJob(cfg);
  }

  /** Flink job name of a pipeline. */
  public static String jobName(PipelineConfig cfg) {
    return "lakestream-" + cfg.name();
  }

  /** Adds the pipeline's operators to the environment (and sets checkpointing and parallelism). */
  public void attachTo(StreamExecutionEnvironment env) {
    env.setParallelism(cfg.parallelism());
    // No operator of this job keeps a reference to a record after emitting it, so records can be
    // handed along a chain without a defensive copy per operator.
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

    KafkaSource<RawEvent> source =
        KafkaSource.<RawEvent>builder()
            .setBootstrapServers(cfg.kafka().bootstrapServers())
            .setTopics(cfg.rawTopic())
            .setGroupId("lakestream-" + cfg.name())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawEventDeserializer())
            .setProperties(kafkaProperties())
            .build();

    DataStream<RawEvent> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + cfg.rawTopic())
            .uid("raw-topic-source");

    SingleOutputStreamOperator<ValidatedEvent> valid =
        raw.keyBy(RawEvent::flinkKey)
            .process(new DedupFunction(cfg.dedupWindow()))
            .uid("dedup")
            .name("dedup by event id")
            .process(new ValidateFunction(cfg.sources()))
            .uid("validate")
            .name("validate (JSON Schema, event time)");

    CatalogLoader catalog =
        CatalogLoader.custom(
            "lakestream",
            LakeCatalog.catalogProperties(cfg.lake()),
            LakeCatalog.hadoopConf(),
            JdbcCatalog.class.getName());

    for (SourceConfig s : cfg.sources().values()) {
      DataStream<RowData> rows = valid.getSideOutput(ValidateFunction.rawTag(s.name()));
      icebergSink(rows, catalog, LakeSchemas.rawTable(s.name()), "raw-" + s.name());
    }
    icebergSink(
        valid.getSideOutput(ValidateFunction.ERRORS), catalog, LakeSchemas.ERRORS_TABLE, "errors");

    KafkaSink<ValidatedEvent> enriched =
        KafkaSink.<ValidatedEvent>builder()
            .setBootstrapServers(cfg.kafka().bootstrapServers())
            .setKafkaProducerConfig(enrichedProducerProperties())
            .setRecordSerializer(new EnrichedRecordSerializer(cfg.enrichedTopic()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
    valid.sinkTo(enriched).uid("enriched-topic-sink").name("kafka: " + cfg.enrichedTopic());
  }

  private void icebergSink(
      DataStream<RowData> rows, CatalogLoader catalog, TableIdentifier table, String uid) {
    IcebergSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(catalog, table))
        .distributionMode(DistributionMode.NONE)
        .writeParallelism(cfg.parallelism())
        .uidSuffix(uid)
        .append();
  }

  /** Batches like the gateway does: fewer, larger produce requests cost the broker less. */
  private Properties enrichedProducerProperties() {
    Properties p = new Properties();
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    p.putAll(cfg.kafka().properties());
    return p;
  }

  private Properties kafkaProperties() {
    Properties p = new Properties();
    p.putAll(cfg.kafka().properties());
    return p;
  }
}
