package io.lakestream.app.cluster;

import io.lakestream.jobs.PipelineJob;
import io.lakestream.jobs.deploy.PreparedPipeline;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.RemoteStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits the pipeline's job to a running Flink cluster through its REST endpoint: the same job
 * graph {@code up} runs on its embedded mini cluster, planned here, with the job jar (and any extra
 * jars) sent along for the cluster's class loader.
 */
public final class FlinkSubmit {

  private FlinkSubmit() {}

  /**
   * Plans the job here and submits it.
   *
   * @param parallelism the job's parallelism, or null for the pipeline file's
   * @param conf settings of the submission (parallelism, savepoint path, ...)
   * @param jars the job's code: the job jar (lakestream-job.jar) and any extra jars
   * @return the client of the submitted job
   */
  public static JobClient submit(
      PreparedPipeline pipeline,
      Integer parallelism,
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
    pipeline.attachTo(env, parallelism);
    return env.executeAsync(PipelineJob.jobName(pipeline.config()));
  }
}
