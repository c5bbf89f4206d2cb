package io.lakestream.jobs;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.DetectorConfig;
import io.lakestream.api.config.EnrichConfig;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.KafkaSourceSettings;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.ReferenceConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.jobs.curated.CurateFunction;
import io.lakestream.jobs.curated.CuratedSchema;
import io.lakestream.jobs.curated.InFlightRows;
import io.lakestream.jobs.curated.PartitionWatermarks;
import io.lakestream.jobs.dedup.DedupFunction;
import io.lakestream.jobs.detect.AlertRecordSerializer;
import io.lakestream.jobs.detect.AlertRows;
import io.lakestream.jobs.detect.DetectorFunction;
import io.lakestream.jobs.detect.Detectors;
import io.lakestream.jobs.enrich.Enricher;
import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.ingest.RawEventDeserializer;
import io.lakestream.jobs.ingest.TopicEventDeserializer;
import io.lakestream.jobs.schema.SchemaPlan;
import io.lakestream.jobs.sink.CuratedRecords;
import io.lakestream.jobs.sink.EnrichedJson;
import io.lakestream.jobs.sink.EnrichedRecord;
import io.lakestream.jobs.sink.EnrichedRecordSerializer;
import io.lakestream.jobs.sql.PipelineSql;
import io.lakestream.jobs.transform.JavaTransforms;
import io.lakestream.jobs.validate.ValidateFunction;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeSchemas;
import io.lakestream.lake.LakeTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.iceberg.flink.sink.dynamic.DynamicIcebergSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Flink job of a pipeline: raw Kafka topic → dedup → validate → raw zone; then per source Java
 * transforms → typed rows → watermarks and lateness → enrichment → enriched topic and Flink SQL
 * (transform, window aggregations, interval joins) → curated and aggregate zones; everything
 * rejected on the way → error zone.
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

  /** Network buffer timeout when the pipeline has detectors, see {@link #attachTo}. */
  static final long ALERTING_BUFFER_TIMEOUT_MS = 10;

  /** Watermark interval with detectors: window results (and their alerts) come this much sooner. */
  static final long ALERTING_WATERMARK_INTERVAL_MS = 50;

  /** Longest wait of a raw-topic fetch at the broker when the pipeline has detectors. */
  public static final int ALERTING_FETCH_WAIT_MS = 20;

  private final PipelineConfig cfg;
  private final boolean ingestOnly;
  private final SchemaPlan schemaPlan;

  private PipelineJob(PipelineConfig cfg) {
    this(cfg, false, false, null);
  }

  private PipelineJob(
      PipelineConfig cfg, boolean planOnly, boolean ingestOnly, SchemaPlan schemaPlan) {
    this.cfg = Objects.requireNonNull(cfg, "cfg");
    this.ingestOnly = ingestOnly;
    this.schemaPlan = schemaPlan;
    if (!planOnly && cfg.kafka().bootstrapServers() == null) {
      throw new IllegalArgumentException(
          "kafka.bootstrap_servers is not set: start the embedded broker first or configure a cluster");
    }
  }

  /** A job for the given pipeline; its Kafka bootstrap servers must be resolved. */
  public static PipelineJob of(PipelineConfig cfg) {
    return new PipelineJob(cfg);
  }

  /**
   * The same job cut after the raw zone: dedup, validation, raw and error zones, and nothing of the
   * processing. {@code bench --full --stage ingest} measures it to show what processing adds.
   */
  public PipelineJob ingestOnly() {
    return new PipelineJob(cfg, false, true, schemaPlan);
  }

  /**
   * The same job validating against schema-registry versions: each event against the version its
   * gateway stamped it with, recorded in its raw and curated rows. A source without a transform
   * writes its curated table through Iceberg's dynamic sink, which adds the columns a newer version
   * brings while the job runs. The pipeline's schema texts must be the plan's versions.
   */
  public PipelineJob withSchemas(SchemaPlan plan) {
    return new PipelineJob(cfg, false, ingestOnly, Objects.requireNonNull(plan, "plan"));
  }

  /** Kafka consumer group the job reads the raw topic with (offsets committed on checkpoints). */
  public static String consumerGroup(PipelineConfig cfg) {
    return "lakestream-" + cfg.name();
  }

  /** Flink job name of a pipeline. */
  public static String jobName(PipelineConfig cfg) {
    return "lakestream-" + cfg.name();
  }

  /**
   * Adds the pipeline's operators to the environment (and sets checkpointing and parallelism), and
   * creates or updates the lake tables its processing writes.
   *
   * @throws PipelineConfigException when the pipeline's SQL (transforms, aggregations, joins) does
   *     not plan, or a Java transform plugin cannot be loaded; each problem names its YAML path
   */
  public void attachTo(StreamExecutionEnvironment env) {
    env.setParallelism(cfg.parallelism());
    // No operator of this job keeps a reference to a record after emitting it, so records can be
    // handed along a chain without a defensive copy per operator.
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    if (cfg.alerting().enabled()) {
      // Flink ships a partly filled network buffer after this long; its default of 100 ms per hop
      // would add up to most of the sub-second alert budget over the job's four hops.
      env.setBufferTimeout(ALERTING_BUFFER_TIMEOUT_MS);
      // A window detector's alert waits for the watermark to pass the window's end; Flink's
      // default of one watermark every 200 ms adds up to that much to every such alert.
      env.getConfig().setAutoWatermarkInterval(ALERTING_WATERMARK_INTERVAL_MS);
    }

    DataStream<RawEvent> raw =
        env.fromSource(
                rawTopicSource(cfg), WatermarkStrategy.noWatermarks(), "kafka: " + cfg.rawTopic())
            .uid("raw-topic-source");
    for (SourceConfig s : cfg.sources().values()) {
      if (s.settings() instanceof KafkaSourceSettings k) {
        raw =
            raw.union(
                env.fromSource(
                        topicSource(cfg, s, k),
                        WatermarkStrategy.noWatermarks(),
                        "kafka: " + k.topic() + " (source " + s.name() + ")")
                    .uid("kafka-source-" + s.name()));
      }
    }

    Map<String, CuratedSchema> schemas = ingestOnly ? Map.of() : curatedSchemas();
    SingleOutputStreamOperator<Void> validated =
        raw.keyBy(RawEvent::flinkKey)
            .process(new DedupFunction(cfg.dedupWindow()))
            .uid("dedup")
            .name("dedup by event id")
            .process(
                new ValidateFunction(cfg.sources(), schemas, cfg.plugins(), schemaPlan), Types.VOID)
            .uid("validate")
            .name("validate (JSON Schema, event time)");

    CatalogLoader catalog = catalogLoader(cfg);

    DataStream<RowData> errors = validated.getSideOutput(ValidateFunction.ERRORS);
    DataStream<EnrichedRecord> enriched = null;
    PipelineSql sql = new PipelineSql(env, cfg);
    Map<TableIdentifier, SourceConfig> evolving = new LinkedHashMap<>();
    Map<String, DataStream<RowData>> inFlight = new LinkedHashMap<>();
    for (SourceConfig s : cfg.sources().values()) {
      DataStream<RowData> rows = validated.getSideOutput(ValidateFunction.rawTag(s.name()));
      icebergSink(rows, catalog, LakeSchemas.rawTable(s.name()), "raw-" + s.name(), null);
      if (ingestOnly) {
        continue;
      }

      CuratedSchema schema = schemas.get(s.name());
      SingleOutputStreamOperator<RowData> curated =
          validated
              .getSideOutput(ValidateFunction.curatedTag(s.name(), schema))
              .assignTimestampsAndWatermarks(watermarks(s.eventTime(), schema))
              // One task per source: its watermark is then exactly the one the source's windows
              // and joins see, so what passes the lateness check is never dropped by them.
              .setParallelism(1)
              .uid("watermarks-" + s.name())
              .name("watermarks: " + s.name())
              .process(
                  new CurateFunction(
                      s.name(),
                      InFlightRows.rowType(schema),
                      schema.rowType().getFieldCount(),
                      s.eventTime().allowedLateness(),
                      enricher(s, schema)),
                  InFlightRows.typeInfo(schema))
              .setParallelism(1)
              .uid("curate-" + s.name())
              .name((s.enrich().isEmpty() ? "lateness: " : "lateness, enrich: ") + s.name());
      errors = errors.union(curated.getSideOutput(ValidateFunction.ERRORS));

      DataStream<EnrichedRecord> json =
          curated
              .map(new EnrichedJson(s.name(), schema, s.keyField()))
              .uid("enriched-json-" + s.name())
              .name("to JSON: " + s.name());
      enriched = enriched == null ? json : enriched.union(json);
      sql.addSource(s, curated, schema);
      if (schemaPlan != null
          && s.transform() == null
          && schemaPlan.sources().containsKey(s.name())) {
        evolving.put(LakeSchemas.curatedTable(s.name()), s);
        inFlight.put(s.name(), curated);
      }
    }
    icebergSink(errors, catalog, LakeSchemas.ERRORS_TABLE, "errors", null);
    if (ingestOnly) {
      return;
    }

    List<PipelineSql.Output> outputs = sql.outputs();
    Map<TableIdentifier, RowType> tables = ensureTables(catalog, outputs);
    for (PipelineSql.Output planned : outputs) {
      SourceConfig source = evolving.get(planned.table());
      if (source != null) {
        evolvingSink(inFlight.get(source.name()), catalog, planned.table(), source, schemas);
        continue;
      }
      PipelineSql.Output o = sql.reshape(planned, tables.get(planned.table()));
      icebergSink(
          o.rows(),
          catalog,
          o.table(),
          o.table().namespace() + "-" + o.table().name(),
          o.rowType());
    }

    if (cfg.alerting().enabled()) {
      attachDetectors(sql, catalog);
    }

    KafkaSink<EnrichedRecord> sink =
        KafkaSink.<EnrichedRecord>builder()
            .setBootstrapServers(cfg.kafka().bootstrapServers())
            .setKafkaProducerConfig(enrichedProducerProperties())
            .setRecordSerializer(new EnrichedRecordSerializer(cfg.enrichedTopic()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
    enriched.sinkTo(sink).uid("enriched-topic-sink").name("kafka: " + cfg.enrichedTopic());
  }

  /** The raw topic, read from the pipeline's committed offsets (earliest on a first start). */
  static KafkaSource<RawEvent> rawTopicSource(PipelineConfig cfg) {
    Properties props = new Properties();
    if (cfg.alerting().enabled()) {
      // With several partitions per fetch, a fetch can sit at the broker for fetch.max.wait.ms
      // (500 ms by default) although one of them has data: that was the alert latency's p99.
      props.put("fetch.max.wait.ms", String.valueOf(ALERTING_FETCH_WAIT_MS));
    }
    props.putAll(cfg.kafka().properties());
    return KafkaSource.<RawEvent>builder()
        .setBootstrapServers(cfg.kafka().bootstrapServers())
        .setTopics(cfg.rawTopic())
        .setGroupId(consumerGroup(cfg))
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new RawEventDeserializer())
        .setProperties(props)
        .build();
  }

  /**
   * A {@code kafka} source's own topic, read with its own consumer group whose offsets are
   * committed when a checkpoint completes (so a restart resumes exactly where the lake is).
   */
  static KafkaSource<RawEvent> topicSource(
      PipelineConfig cfg, SourceConfig source, KafkaSourceSettings k) {
    Properties props = new Properties();
    if (k.bootstrapServers() == null) {
      // The pipeline's own cluster: its TLS/SASL settings apply too.
      props.putAll(cfg.kafka().properties());
    }
    props.putAll(k.properties());
    props.put("commit.offsets.on.checkpoint", "true");
    OffsetResetStrategy reset =
        k.startingOffsets().equals("latest")
            ? OffsetResetStrategy.LATEST
            : OffsetResetStrategy.EARLIEST;
    return KafkaSource.<RawEvent>builder()
        .setBootstrapServers(
            k.bootstrapServers() == null ? cfg.kafka().bootstrapServers() : k.bootstrapServers())
        .setTopics(k.topic())
        .setGroupId(topicConsumerGroup(cfg, source))
        .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
        .setDeserializer(new TopicEventDeserializer(source.name(), source.keyField()))
        .setProperties(props)
        .build();
  }

  /** The consumer group of a {@code kafka} source: its own setting, else one per source. */
  public static String topicConsumerGroup(PipelineConfig cfg, SourceConfig source) {
    String group = source.settings(KafkaSourceSettings.class).groupId();
    return group != null ? group : "lakestream-" + cfg.name() + "-" + source.name();
  }

  /** The lake catalog as the job's tasks load it (from settings, on whichever machine). */
  static CatalogLoader catalogLoader(PipelineConfig cfg) {
    return CatalogLoader.custom(
        "lakestream",
        LakeCatalog.catalogProperties(cfg.lake()),
        LakeCatalog.hadoopConf(cfg.lake()),
        LakeCatalog.CATALOG_IMPL);
  }

  /**
   * One keyed operator per detector over its input; their alerts go to the alerts table and topic.
   */
  private void attachDetectors(PipelineSql sql, CatalogLoader catalog) {
    Map<String, DataStream<RowData>> inputs = sql.detectorInputs();
    DataStream<RowData> alerts = null;
    for (DetectorConfig d : cfg.alerting().detectors().values()) {
      DataStream<RowData> in = inputs.get(d.name());
      if (in == null) {
        continue;
      }
      DataStream<RowData> a =
          in.keyBy(DetectorFunction::keyOf)
              .process(new DetectorFunction(cfg.name(), d), AlertRows.typeInfo())
              .uid("detector-" + d.name())
              .name("detect: " + d.name() + " (" + d.type() + ")");
      alerts = alerts == null ? a : alerts.union(a);
    }
    if (alerts == null) {
      return;
    }
    icebergSink(alerts, catalog, LakeSchemas.ALERTS_TABLE, "alerts", null);
    Properties p = new Properties();
    p.putAll(cfg.kafka().properties());
    // Alerts are few and late ones are worth less: send each at once.
    p.put("linger.ms", "0");
    KafkaSink<RowData> sink =
        KafkaSink.<RowData>builder()
            .setBootstrapServers(cfg.kafka().bootstrapServers())
            .setKafkaProducerConfig(p)
            .setRecordSerializer(new AlertRecordSerializer(cfg.alertsTopic()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
    alerts.sinkTo(sink).uid("alerts-topic-sink").name("kafka: " + cfg.alertsTopic());
  }

  /**
   * Plans the pipeline's processing without running it or touching Kafka or the lake: loads the
   * Java transform plugins and plans every SQL statement (transforms, aggregations, joins).
   *
   * <pre>{@code
   * PipelineJob.check(PipelineLoader.load(file, vars)); // throws with every SQL problem
   * }</pre>
   *
   * @return the lake tables the processing writes besides the raw and error zones
   * @throws PipelineConfigException listing each problem with its YAML path and line
   */
  public static List<TableIdentifier> check(PipelineConfig cfg) {
    PipelineJob job = new PipelineJob(cfg, true, false, null);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    Map<String, CuratedSchema> schemas = job.curatedSchemas();
    PipelineSql sql = new PipelineSql(env, cfg);
    Map<TableIdentifier, SourceConfig> evolving = new LinkedHashMap<>();
    Map<String, DataStream<RowData>> inFlight = new LinkedHashMap<>();
    for (SourceConfig s : cfg.sources().values()) {
      CuratedSchema schema = schemas.get(s.name());
      DataStream<RowData> none =
          env.fromData(new ArrayList<RowData>(), InFlightRows.typeInfo(schema))
              .assignTimestampsAndWatermarks(job.watermarks(s.eventTime(), schema));
      sql.addSource(s, none, schema);
    }
    List<TableIdentifier> tables =
        new ArrayList<>(sql.outputs().stream().map(PipelineSql.Output::table).toList());
    if (cfg.alerting().enabled()) {
      sql.detectorInputs();
      for (DetectorConfig d : cfg.alerting().detectors().values()) {
        Detectors.kindOf(d);
      }
      tables.add(LakeSchemas.ALERTS_TABLE);
    }
    return tables;
  }

  /** Each source's curated row layout: schema columns, Java-transform fields, enrichment. */
  private Map<String, CuratedSchema> curatedSchemas() {
    Map<String, CuratedSchema> out = new LinkedHashMap<>();
    List<PipelineConfigException.Problem> problems = new ArrayList<>();
    for (SourceConfig s : cfg.sources().values()) {
      if (s.schemaJson() == null) {
        problems.add(
            new PipelineConfigException.Problem(
                "sources." + s.name() + ".schema",
                0,
                0,
                "the schema is registry subject '"
                    + s.schemaBinding().subject()
                    + "', which only 'up' reads: give the source a schema file too (schema:"
                    + " {file: ..., subject: ...}) to check its SQL without the registry"));
        continue;
      }
      try {
        Map<String, ColumnType> added =
            s.javaTransforms().isEmpty()
                ? Map.of()
                : JavaTransforms.addedFields(cfg.plugins(), s.javaTransforms());
        out.put(s.name(), CuratedSchema.of(s.schemaJson(), added, enrichmentColumns(s)));
      } catch (RuntimeException e) {
        problems.add(
            new PipelineConfigException.Problem(
                "sources." + s.name(), 0, 0, String.valueOf(e.getMessage())));
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineConfigException("pipeline '" + cfg.name() + "'", problems);
    }
    return out;
  }

  private Map<String, ColumnType> enrichmentColumns(SourceConfig s) {
    Map<String, ColumnType> out = new LinkedHashMap<>();
    for (EnrichConfig e : s.enrich()) {
      ReferenceConfig ref = cfg.references().get(e.reference());
      for (String c : columnsOf(e, ref)) {
        out.put(e.outputName(c), ref.columns().get(c));
      }
    }
    return out;
  }

  private static List<String> columnsOf(EnrichConfig e, ReferenceConfig ref) {
    return e.columns().isEmpty() ? List.copyOf(ref.columns().keySet()) : e.columns();
  }

  private Enricher enricher(SourceConfig s, CuratedSchema schema) {
    if (s.enrich().isEmpty()) {
      return null;
    }
    List<Enricher.Step> steps = new ArrayList<>();
    for (EnrichConfig e : s.enrich()) {
      ReferenceConfig ref = cfg.references().get(e.reference());
      List<String> refColumns = List.copyOf(ref.columns().keySet());
      List<String> columns = columnsOf(e, ref);
      int[] out = new int[columns.size()];
      int[] in = new int[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        out[i] = schema.index(e.outputName(columns.get(i)));
        in[i] = refColumns.indexOf(columns.get(i));
      }
      steps.add(new Enricher.Step(e, ref, schema.index(e.on()), out, in));
    }
    return new Enricher(steps, cfg.kafka().bootstrapServers(), cfg.kafka().properties());
  }

  private WatermarkStrategy<RowData> watermarks(EventTimeConfig et, CuratedSchema schema) {
    // The watermark trails by out-of-orderness plus allowed lateness, so windows wait for late
    // events and emit one final result; CurateFunction rejects what falls behind it. It is taken
    // per raw-topic partition so that a backlog read unevenly does not make events late.
    int laneIndex = schema.rowType().getFieldCount() + InFlightRows.LANE;
    int lanes = cfg.kafka().partitions() * cfg.parallelism();
    long bound = et.outOfOrderness().plus(et.allowedLateness()).toMillis();
    long idle = et.idleTimeout().toMillis();
    return WatermarkStrategy.<RowData>forGenerator(
            ctx -> new PartitionWatermarks(laneIndex, lanes, bound, idle))
        .withTimestampAssigner((row, ts) -> row.getTimestamp(1, 3).getMillisecond())
        .withIdleness(et.idleTimeout());
  }

  /** Creates or evolves the output tables; their columns as Flink types, by table. */
  private Map<TableIdentifier, RowType> ensureTables(
      CatalogLoader loader, List<PipelineSql.Output> outputs) {
    Catalog catalog = loader.loadCatalog();
    Map<TableIdentifier, RowType> out = new LinkedHashMap<>();
    try {
      for (PipelineSql.Output o : outputs) {
        org.apache.iceberg.Schema schema =
            FlinkSchemaUtil.convert(FlinkSchemaUtil.toResolvedSchema(o.rowType()));
        PartitionSpec spec = PartitionSpec.builderFor(schema).day(o.partitionColumn()).build();
        org.apache.iceberg.Schema actual;
        try {
          actual = LakeTables.ensureEvolving(catalog, o.table(), schema, spec);
        } catch (IllegalStateException e) {
          throw withSchemaVersion(o.table(), e);
        }
        out.put(o.table(), withProducedTypes(FlinkSchemaUtil.convert(actual), o.rowType()));
      }
      return out;
    } finally {
      if (catalog instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // Only a connection pool to let go of.
        }
      }
    }
  }

  /**
   * A curated table that cannot follow its source's planned registry version: says which version it
   * is and what to do, since renaming the output (the generic advice) is not the way out.
   */
  private IllegalStateException withSchemaVersion(TableIdentifier table, IllegalStateException e) {
    if (schemaPlan == null) {
      return e;
    }
    for (Map.Entry<String, SchemaPlan.Source> s : schemaPlan.sources().entrySet()) {
      if (table.equals(LakeSchemas.curatedTable(s.getKey()))) {
        SchemaPlan.Source p = s.getValue();
        return new IllegalStateException(
            e.getMessage()
                + " Source '"
                + s.getKey()
                + "' is planned with version "
                + p.version()
                + " of registry subject '"
                + p.subject()
                + "', which changes a column's type. Pin the source to the version the table"
                + " was written with (schema: {subject: "
                + p.subject()
                + ", version: N}), or drop "
                + table
                + " to rebuild it from the raw zone.",
            e);
      }
    }
    return e;
  }

  /**
   * The table's columns, with the SQL's own Flink types where a column is produced unchanged: the
   * Iceberg round trip would turn TIMESTAMP_LTZ(3) into (6) and make every column look changed.
   */
  private static RowType withProducedTypes(RowType table, RowType produced) {
    List<RowType.RowField> fields = new ArrayList<>();
    for (RowType.RowField f : table.getFields()) {
      int i = produced.getFieldNames().indexOf(f.getName());
      LogicalType p = i < 0 ? null : produced.getTypeAt(i);
      boolean same =
          p != null
              && FlinkSchemaUtil.convert(p).equals(FlinkSchemaUtil.convert(f.getType()))
              && (f.getType().isNullable() || !p.isNullable());
      fields.add(new RowType.RowField(f.getName(), same ? p : f.getType()));
    }
    return new RowType(false, fields);
  }

  /** A source's curated table, written so that newer schema versions add their columns live. */
  private void evolvingSink(
      DataStream<RowData> rows,
      CatalogLoader loader,
      TableIdentifier id,
      SourceConfig source,
      Map<String, CuratedSchema> schemas) {
    Catalog catalog = loader.loadCatalog();
    Table table;
    try {
      table = catalog.loadTable(id);
    } finally {
      if (catalog instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // Only a connection pool to let go of.
        }
      }
    }
    DynamicIcebergSink.forInput(rows)
        .generator(
            new CuratedRecords(
                id,
                table.schema(),
                table.spec(),
                schemas.get(source.name()),
                schemaPlan.sources().get(source.name()).subject(),
                schemaPlan.access(),
                cfg.parallelism()))
        .catalogLoader(loader)
        .writeParallelism(cfg.parallelism())
        .immediateTableUpdate(true)
        .uidPrefix("curated-" + source.name())
        .append();
  }

  private void icebergSink(
      DataStream<RowData> rows,
      CatalogLoader catalog,
      TableIdentifier table,
      String uid,
      RowType rowType) {
    IcebergSink.Builder b =
        IcebergSink.forRowData(rows)
            .tableLoader(TableLoader.fromCatalog(catalog, table))
            .distributionMode(DistributionMode.NONE)
            .writeParallelism(cfg.parallelism())
            .uidSuffix(uid);
    if (rowType != null) {
      // The rows come from SQL with their own timestamp precisions; the writer must read them
      // with exactly these types, not the ones it would derive from the Iceberg schema.
      b.resolvedSchema(FlinkSchemaUtil.toResolvedSchema(rowType));
    }
    b.append();
  }

  /** Batches like the gateway does: fewer, larger produce requests cost the broker less. */
  private Properties enrichedProducerProperties() {
    Properties p = new Properties();
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    p.putAll(cfg.kafka().properties());
    return p;
  }
}
