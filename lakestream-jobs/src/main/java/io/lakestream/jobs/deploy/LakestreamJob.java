package io.lakestream.jobs.deploy;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.jobs.PipelineJob;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The main class of the job jar ({@code lakestream-job.jar}): the pipeline's job as any Flink
 * client starts a jar — {@code flink run}, the web UI or REST API ({@code /jars/upload}, {@code
 * /jars/:id/run}), the Flink Kubernetes Operator.
 *
 * <pre>
 * flink run -d lakestream-job.jar --pipeline pipeline.yaml [--data-dir DIR]
 * </pre>
 *
 * <p>It prepares what the job needs ({@link PreparedPipeline}: schema files registered, missing
 * topics and lake tables created) and plans the job onto {@link
 * StreamExecutionEnvironment#getExecutionEnvironment()}, named {@link PipelineJob#jobName}.
 *
 * <p>Parallelism: the pipeline file's {@code parallelism}, unless the configuration Flink hands the
 * program sets {@code parallelism.default} — that is what {@code flink run -p N} sets, and what a
 * Flink configuration file read by the client ({@code flink run}) or the JobManager (application
 * mode, the Kubernetes operator's {@code job.parallelism}) may hold. A REST run ({@code
 * /jars/:id/run}) always sets it: the request's {@code parallelism}, else the JobManager's {@code
 * parallelism.default}, else 1. A stock Flink {@code config.yaml} sets {@code parallelism.default:
 * 1}: remove that line to let the pipeline file decide under {@code flink run}.
 *
 * <p>Errors (arguments, the pipeline file with file, line and YAML path) end the program with an
 * exception carrying the message rather than {@code System.exit}, which would end a JobManager that
 * runs it; Flink's command line then prints the message and exits non-zero.
 */
public final class LakestreamJob {

  /** Exit code of a usage or pipeline-file error. */
  static final int USAGE_ERROR = 2;

  /** Exit code of a failure to prepare or submit the job. */
  static final int FAILED = 1;

  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: flink run [-d] [-p N] lakestream-job.jar --pipeline FILE [--data-dir DIR]",
          "",
          "Runs a Lakestream pipeline's Flink job: registers the schema files in the schema"
              + " registry (kept in the pipeline's Kafka cluster), creates missing topics and lake"
              + " tables, then starts the job.",
          "",
          "  --pipeline FILE   the pipeline file; it must set kafka.bootstrap_servers and use a"
              + " lake every TaskManager reaches (shared warehouse, JDBC catalog)",
          "  --data-dir DIR    the value of ${data_dir} in the pipeline file (default: ./data)",
          "  --help            this text",
          "",
          "Parallelism: the pipeline file's 'parallelism', unless Flink is given one (flink run"
              + " -p N, or parallelism.default in the Flink configuration).");

  private LakestreamJob() {}

  /** A reason not to start the job, with the exit code it stands for. */
  static final class Failure extends Exception {
    final int code;

    Failure(int code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }
  }

  /** The arguments, parsed. */
  record Args(Path pipeline, Path dataDir, boolean help) {

    static Args parse(String[] args) throws Failure {
      Path pipeline = null;
      Path dataDir = Path.of("data");
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--help", "-h" -> {
            return new Args(null, dataDir, true);
          }
          case "--pipeline" -> pipeline = Path.of(value(args, ++i, a));
          case "--data-dir" -> dataDir = Path.of(value(args, ++i, a));
          default -> throw usage("unknown argument '" + a + "'");
        }
      }
      if (pipeline == null) {
        throw usage("missing --pipeline FILE");
      }
      return new Args(pipeline, dataDir.toAbsolutePath().normalize(), false);
    }

    private static String value(String[] args, int i, String option) throws Failure {
      if (i >= args.length || args[i].startsWith("--")) {
        throw usage(option + " needs a value");
      }
      return args[i];
    }
  }

  private static Failure usage(String what) {
    return new Failure(USAGE_ERROR, "error: " + what + System.lineSeparator() + USAGE, null);
  }

  public static void main(String[] args) throws Exception {
    start(args, System.out, StreamExecutionEnvironment::getExecutionEnvironment);
  }

  /** Like {@link #main}, but answers an exit code after printing what went wrong to {@code err}. */
  static int run(
      String[] args,
      PrintStream out,
      PrintStream err,
      Supplier<StreamExecutionEnvironment> environment) {
    try {
      start(args, out, environment);
      return 0;
    } catch (Failure f) {
      err.println(f.getMessage());
      return f.code;
    } catch (Exception e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    }
  }

  /** Parses, loads, prepares and executes; {@code --help} prints the usage and does nothing. */
  static void start(
      String[] args, PrintStream out, Supplier<StreamExecutionEnvironment> environment)
      throws Exception {
    Args a = Args.parse(args);
    if (a.help()) {
      out.println(USAGE);
      return;
    }
    PipelineConfig cfg;
    try {
      cfg = PipelineLoader.load(a.pipeline(), Map.of("data_dir", a.dataDir().toString()));
    } catch (PipelineConfigException e) {
      throw new Failure(USAGE_ERROR, e.getMessage(), e);
    }
    if (cfg.kafka().embedded()) {
      throw new Failure(
          USAGE_ERROR,
          a.pipeline()
              + ": kafka.bootstrap_servers: a job on a Flink cluster reads an external Kafka"
              + " cluster; set kafka.bootstrap_servers in the pipeline file",
          null);
    }
    StreamExecutionEnvironment env = environment.get();
    Integer parallelism = flinkParallelism(env.getConfiguration());
    try (PreparedPipeline prepared = PreparedPipeline.prepare(cfg)) {
      prepared.attachTo(env, parallelism);
    } catch (PipelineConfigException e) {
      throw new Failure(USAGE_ERROR, e.getMessage(), e);
    }
    // Not the resolved pipeline's name: the same, and the registry is closed by now.
    env.execute(PipelineJob.jobName(cfg));
  }

  /**
   * The parallelism Flink was given explicitly ({@code -p}, {@code parallelism.default} in the
   * submitted configuration), or null to take the pipeline file's.
   */
  static Integer flinkParallelism(ReadableConfig conf) {
    return conf.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(null);
  }
}
