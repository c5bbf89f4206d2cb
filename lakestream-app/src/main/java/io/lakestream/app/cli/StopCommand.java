package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.cluster.FlinkCluster;
import io.lakestream.jobs.PipelineJob;
import java.net.URI;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream stop}: the pipeline's job on a Flink cluster, with a savepoint. */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the pipeline's job on a Flink cluster with a savepoint: the job drains, commits its"
          + " last files to the lake and stops; the savepoint's path is printed. Resume with"
          + " 'lakestream submit --from-savepoint PATH', also after changing the pipeline file."
    },
    footer = {
      "",
      "Example:",
      "  lakestream stop -p pipeline.yaml --flink-rest http://jobmanager:8081 \\",
      "      --savepoint-dir s3://lake/savepoints"
    })
final class StopCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = "--flink-rest",
      required = true,
      paramLabel = "URL",
      description = "REST endpoint of the Flink JobManager.")
  URI flinkRest;

  @Option(
      names = "--savepoint-dir",
      required = true,
      paramLabel = "DIR",
      description = "Where the savepoint is written (a path every Flink process reaches).")
  String savepointDir;

  @Override
  public Integer call() {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    String name = PipelineJob.jobName(cfg);
    try (FlinkCluster cluster = new FlinkCluster(flinkRest)) {
      var job = cluster.activeJob(name);
      if (job.isEmpty()) {
        System.err.println("error: no running job '" + name + "' on " + flinkRest);
        return 1;
      }
      JobID id = job.get();
      System.out.println("Stopping job " + id + " with a savepoint...");
      String path = cluster.stopWithSavepoint(id, savepointDir);
      System.out.println("Stopped. Savepoint: " + path);
      System.out.println(
          "Resume with: lakestream submit -p "
              + pipeline.pipelineFile()
              + " --flink-rest "
              + flinkRest
              + " --from-savepoint "
              + path);
      return 0;
    } catch (Exception e) {
      System.err.println("error: cannot stop the job on " + flinkRest + ": " + e.getMessage());
      return 1;
    }
  }
}
