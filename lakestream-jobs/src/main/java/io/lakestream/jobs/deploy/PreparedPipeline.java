package io.lakestream.jobs.deploy;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.jobs.schema.PipelineSchemas;
import io.lakestream.jobs.schema.SchemaPlan;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeTables;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What a job on a Flink cluster needs before it is planned, done once by whoever submits it ({@code
 * lakestream submit}, or {@link LakestreamJob} under {@code flink run} and the Kubernetes
 * operator): the schema files registered in the Kafka-backed registry, the missing topics and lake
 * tables created.
 *
 * <pre>{@code
 * try (PreparedPipeline p = PreparedPipeline.prepare(cfg)) {
 *   p.attachTo(env);
 * }
 * env.execute(PipelineJob.jobName(cfg));
 * }</pre>
 */
public final class PreparedPipeline implements AutoCloseable {

  private final PipelineSchemas schemas;
  private final PipelineConfig resolved;

  private PreparedPipeline(PipelineSchemas schemas, PipelineConfig resolved) {
    this.schemas = schemas;
    this.resolved = resolved;
  }

  /**
   * Registers the schema files, creates the missing topics and lake tables.
   *
   * @param cfg a pipeline with an external Kafka cluster ({@code kafka.bootstrap_servers})
   * @throws io.lakestream.api.config.PipelineConfigException when a schema cannot be registered or
   *     found (each problem with its YAML path)
   */
  public static PreparedPipeline prepare(PipelineConfig cfg) throws Exception {
    PipelineSchemas schemas = PipelineSchemas.open(cfg);
    try {
      PipelineConfig resolved = schemas.resolve(cfg);
      PipelineTopics.ensure(resolved);
      try (LakeCatalog lake = LakeCatalog.open(resolved.lake())) {
        LakeTables.ensure(lake.catalog(), resolved);
      }
      return new PreparedPipeline(schemas, resolved);
    } catch (Exception | Error e) {
      schemas.close();
      throw e;
    }
  }

  /** The pipeline with each source's schema text set to the version the job validates against. */
  public PipelineConfig config() {
    return resolved;
  }

  /** The schema versions the job is planned with. */
  public SchemaPlan plan() {
    return schemas.plan();
  }

  /**
   * Plans the job onto {@code env}, with {@code parallelism} (when not null) instead of the
   * pipeline file's.
   */
  public void attachTo(StreamExecutionEnvironment env, Integer parallelism) {
    PipelineConfig cfg = parallelism == null ? resolved : resolved.withParallelism(parallelism);
    PipelineJob.of(cfg).withSchemas(plan()).attachTo(env);
  }

  /** Stops following the registry (the job's tasks read it themselves). */
  @Override
  public void close() {
    schemas.close();
  }
}
