package io.lakestream.app.cluster;

import io.lakestream.app.Failures;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobmaster.JobResult;

/** A Flink cluster's REST API: find the pipeline's job, wait for it, stop it with a savepoint. */
public final class FlinkCluster implements AutoCloseable {

  private final RestClusterClient<String> client;
  private final URI rest;

  /** A client of the cluster whose REST endpoint is {@code rest}. */
  public FlinkCluster(URI rest) throws Exception {
    Configuration c = new Configuration();
    c.set(RestOptions.ADDRESS, rest.getHost());
    c.set(RestOptions.PORT, rest.getPort() < 0 ? 8081 : rest.getPort());
    this.client = new RestClusterClient<>(c, "lakestream");
    this.rest = rest;
  }

  /** The newest job of this name that is not finished, if any. */
  public Optional<JobID> activeJob(String name) throws Exception {
    List<JobStatusMessage> jobs =
        client.listJobs().get(30, TimeUnit.SECONDS).stream()
            .filter(j -> j.getJobName().equals(name) && !j.getJobState().isGloballyTerminalState())
            .sorted((a, b) -> Long.compare(b.getStartTime(), a.getStartTime()))
            .toList();
    return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0).getJobId());
  }

  /**
   * Waits until the job's tasks run, or fails with the reason Flink gives when the job ends instead
   * (e.g. state that does not fit the changed pipeline).
   */
  public void awaitRunning(JobID id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JobStatus s = client.getJobStatus(id).get(30, TimeUnit.SECONDS);
      if (s == JobStatus.RUNNING) {
        return;
      }
      if (s.isGloballyTerminalState()) {
        JobResult r = client.requestJobResult(id).get(30, TimeUnit.SECONDS);
        String cause =
            r.getSerializedThrowable()
                .map(
                    t ->
                        Failures.rootMessage(
                            t.deserializeError(FlinkCluster.class.getClassLoader())))
                .orElse("no cause given");
        throw new IllegalStateException("the job ended " + s + " while starting: " + cause);
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the job did not start running within " + timeout);
  }

  /** Stops the job with a savepoint under {@code dir}; answers the savepoint's path. */
  public String stopWithSavepoint(JobID id, String dir) throws Exception {
    return client
        .stopWithSavepoint(id, false, dir, SavepointFormatType.CANONICAL)
        .get(10, TimeUnit.MINUTES);
  }

  /** The REST endpoint. */
  public URI rest() {
    return rest;
  }

  @Override
  public void close() {
    client.close();
  }
}
