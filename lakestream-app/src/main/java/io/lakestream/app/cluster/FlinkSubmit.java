package io.lakestream.app.cluster;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.jobs.schema.SchemaPlan;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.RemoteStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits the pipeline's job to a running Flink cluster through its REST endpoint: the same job
 * graph {@code up} runs on its embedded mini cluster.
 */
public final class FlinkSubmit {

  private FlinkSubmit() {}

  /**
   * Plans the job here and submits it.
   *
   * @param conf settings of the submission (parallelism, savepoint path, ...)
   * @param jars the job's code when the cluster does not have it on its class path
   * @return the client of the submitted job
   */
  public static JobClient submit(
      PipelineConfig cfg,
      SchemaPlan plan,
      String host,
      int restPort,
      Configuration conf,
      String... jars)
      throws Exception {
    // The restore settings must be given as such: without them the remote environment resets
    // the savepoint options of the configuration to "none" (all but the path).
    StreamExecutionEnvironment env =
        new RemoteStreamEnvironment(
            host, restPort, conf, jars, null, SavepointRestoreSettings.fromConfiguration(conf));
    PipelineJob.of(cfg).withSchemas(plan).attachTo(env);
    return env.executeAsync(PipelineJob.jobName(cfg));
  }
}
