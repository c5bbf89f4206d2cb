package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.Failures;
import io.lakestream.app.cluster.FlinkCluster;
import io.lakestream.app.cluster.FlinkSubmit;
import io.lakestream.jobs.deploy.PreparedPipeline;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
          + " and submits it with the job jar (lakestream-job.jar: the job's code and everything"
          + " it needs that Flink does not provide); prints the job id. Ingestion runs in"
          + " 'lakestream gateway' nodes.",
      "The cluster needs nothing but a plain Flink 2.1 distribution. Build the job jar once"
          + " with"
          + " './mvnw -pl lakestream-flink-job -am package -DskipTests'."
    },
    footer = {
      "",
      "Example:",
      "  lakestream submit -p pipeline.yaml --flink-rest http://jobmanager:8081 -P 4",
      "",
      "The same jar runs without this command: flink run -d lakestream-job.jar --pipeline"
          + " pipeline.yaml (see docs/scale-out.md)."
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
      names = "--job-jar",
      paramLabel = "FILE",
      description =
          "The job jar sent with the job (default: the installation's,"
              + " $LAKESTREAM_HOME/lakestream-flink-job/target/lakestream-job.jar).")
  Path jobJar;

  @Option(
      names = "--ship-jars",
      paramLabel = "DIR",
      description =
          "Also send every jar of DIR with the job (e.g. the plugin jars of Java transforms).")
  Path shipJars;

  /** Where a source checkout builds the job jar, relative to the installation folder. */
  static final String JOB_JAR = "lakestream-flink-job/target/lakestream-job.jar";

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
    Path jar = jobJar != null ? jobJar : defaultJobJar();
    if (!Files.isRegularFile(jar)) {
      System.err.println(
          "error: no job jar at "
              + jar.toAbsolutePath()
              + (jobJar != null
                  ? ""
                  : ". Build it with './mvnw -pl lakestream-flink-job -am package -DskipTests'"
                      + " in the Lakestream folder, or pass --job-jar FILE."));
      return 2;
    }
    // Two jobs of one pipeline would write the same tables and share one consumer group.
    try (FlinkCluster cluster = new FlinkCluster(flinkRest)) {
      var running = cluster.activeJob(io.lakestream.jobs.PipelineJob.jobName(cfg));
      if (running.isPresent()) {
        System.err.println(
            "error: job "
                + running.get()
                + " of pipeline '"
                + cfg.name()
                + "' already runs on "
                + flinkRest
                + ". Stop it first ('lakestream stop' takes a savepoint to resume from), then"
                + " submit again.");
        return 1;
      }
    } catch (Exception e) {
      System.err.println(
          "error: cannot reach the Flink cluster at " + flinkRest + ": " + Failures.rootMessage(e));
      return 1;
    }
    try (PreparedPipeline prepared = PreparedPipeline.prepare(cfg)) {
      Configuration conf = new Configuration();
      if (parallelism != null) {
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
      }
      if (savepoint != null) {
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestored);
      }
      List<String> jars = new ArrayList<>();
      jars.add(jar.toAbsolutePath().toString());
      if (shipJars != null) {
        jars.addAll(jars(shipJars));
      }
      JobClient job =
          FlinkSubmit.submit(
              prepared,
              parallelism,
              flinkRest.getHost(),
              flinkRest.getPort() < 0 ? 8081 : flinkRest.getPort(),
              conf,
              jars.toArray(new String[0]));
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
      String why = Failures.rootMessage(e);
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

  /**
   * The installation's job jar: under {@code $LAKESTREAM_HOME} (set by the launcher), else beside
   * the running {@code lakestream-app/target/lakestream.jar} (or its classes); the first of these
   * that exists, else the first (for the error message).
   */
  static Path defaultJobJar() {
    List<Path> homes = new ArrayList<>();
    String home = System.getenv(PipelineOptions.HOME_ENV);
    if (home != null) {
      homes.add(Path.of(home));
    }
    try {
      // .../lakestream-app/target/lakestream.jar or .../lakestream-app/target/classes
      Path code =
          Path.of(SubmitCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path checkout = code.toAbsolutePath().getParent().getParent().getParent();
      if (checkout != null) {
        homes.add(checkout);
      }
    } catch (Exception | Error e) {
      // no code source to go by
    }
    homes.add(Path.of(""));
    List<Path> jars = homes.stream().map(h -> h.resolve(JOB_JAR)).toList();
    return jars.stream().filter(Files::isRegularFile).findFirst().orElse(jars.get(0));
  }

  private static List<String> jars(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out =
          s.filter(p -> p.getFileName().toString().endsWith(".jar"))
              .map(p -> p.toAbsolutePath().toString())
              .sorted()
              .toList();
      if (out.isEmpty()) {
        throw new IOException("no jar in " + dir);
      }
      return out;
    }
  }
}
