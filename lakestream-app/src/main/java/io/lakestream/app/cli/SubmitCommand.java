package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.cluster.FlinkCluster;
import io.lakestream.app.cluster.FlinkSubmit;
import io.lakestream.app.embedded.PipelineSchemas;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeTables;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream submit}: the pipeline's job on a Flink cluster. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submit the pipeline's Flink job to a running Flink cluster over its REST API. The pipeline"
          + " must use an external Kafka cluster (kafka.bootstrap_servers) and a lake every"
          + " TaskManager reaches (shared warehouse, JDBC catalog).",
      "Registers the schema files, creates missing topics and lake tables, plans the job here"
          + " and submits it; prints the job id. Ingestion runs in 'lakestream gateway' nodes.",
      "The cluster needs the job's code: put the jars of lakestream-app/target/lib and"
          + " lakestream.jar into Flink's lib/ folder, or send them with --ship-jars."
    },
    footer = {
      "",
      "Example:",
      "  lakestream submit -p pipeline.yaml --flink-rest http://jobmanager:8081 -P 4"
    })
final class SubmitCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = "--flink-rest",
      required = true,
      paramLabel = "URL",
      description = "REST endpoint of the Flink JobManager, e.g. http://jobmanager:8081.")
  URI flinkRest;

  @Option(
      names = {"-P", "--parallelism"},
      paramLabel = "N",
      description = "Parallelism of the job (default: the pipeline file's 'parallelism').")
  Integer parallelism;

  @Option(
      names = "--from-savepoint",
      paramLabel = "PATH",
      description = "Start from this savepoint (or retained checkpoint).")
  String savepoint;

  @Option(
      names = "--allow-non-restored-state",
      description =
          "With --from-savepoint: drop the saved state of parts the changed pipeline no longer"
              + " has (removed detectors, aggregations, joins, sources) instead of refusing.")
  boolean allowNonRestored;

  @Option(
      names = "--ship-jars",
      paramLabel = "DIR",
      description = "Send every jar of DIR with the job (for a cluster without them in lib/).")
  Path shipJars;

  @Override
  public Integer call() {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (cfg.kafka().embedded()) {
      System.err.println(
          "error: a job on a Flink cluster reads an external Kafka cluster: set"
              + " kafka.bootstrap_servers in the pipeline file");
      return 2;
    }
    if (parallelism != null && parallelism < 1) {
      System.err.println("error: --parallelism must be at least 1");
      return 2;
    }
    try (PipelineSchemas schemas = PipelineSchemas.open(cfg)) {
      PipelineConfig resolved = schemas.resolve(cfg);
      io.lakestream.app.embedded.EmbeddedLakestream.ensureTopics(resolved);
      try (LakeCatalog lake = LakeCatalog.open(resolved.lake())) {
        LakeTables.ensure(lake.catalog(), resolved);
      }
      Configuration conf = new Configuration();
      if (parallelism != null) {
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
      }
      if (savepoint != null) {
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestored);
      }
      String[] jars = shipJars == null ? new String[0] : jars(shipJars);
      JobClient job =
          FlinkSubmit.submit(
              parallelism == null ? resolved : resolved.withParallelism(parallelism),
              schemas.plan(),
              flinkRest.getHost(),
              flinkRest.getPort() < 0 ? 8081 : flinkRest.getPort(),
              conf,
              jars);
      System.out.println("Submitted job " + job.getJobID() + " to " + flinkRest + "; starting...");
      try (FlinkCluster cluster = new FlinkCluster(flinkRest)) {
        cluster.awaitRunning(job.getJobID(), java.time.Duration.ofMinutes(5));
      } catch (IllegalStateException e) {
        System.err.println(
            "error: "
                + e.getMessage()
                + (savepoint == null
                    ? ""
                    : "\nThe savepoint's state does not fit the changed pipeline. Submit without"
                        + " --from-savepoint to start afresh (Kafka keeps the events), or with"
                        + " --allow-non-restored-state to drop the state of removed parts."));
        return 1;
      }
      System.out.println("Job " + job.getJobID() + " is running.");
      return 0;
    } catch (Exception e) {
      String why = rootMessage(e);
      System.err.println("error: cannot submit the job to " + flinkRest + ": " + why);
      if (savepoint != null && why.contains("Cannot map checkpoint/savepoint state")) {
        System.err.println(
            "The savepoint holds state of parts the changed pipeline no longer has (a removed"
                + " source, detector, aggregation or join). Nothing was changed. Submit again with"
                + " --allow-non-restored-state to drop that state, or without --from-savepoint to"
                + " start afresh (Kafka keeps the events).");
      }
      return 1;
    }
  }

  private static String[] jars(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out =
          s.filter(p -> p.getFileName().toString().endsWith(".jar"))
              .map(p -> p.toAbsolutePath().toString())
              .sorted()
              .toList();
      if (out.isEmpty()) {
        throw new IOException("no jar in " + dir);
      }
      return out.toArray(new String[0]);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
}
