package io.lakestream.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakestreamJobTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs the main class's logic; an environment is never reached in these cases. */
  private int run(String... args) {
    return LakestreamJob.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        () -> {
          throw new AssertionError("no job should be planned");
        });
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsTheUsageAndStartsNothing() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Usage: flink run")
        .contains("--pipeline FILE")
        .contains("--data-dir DIR");
    assertThat(err()).isEmpty();
  }

  @Test
  void aMissingPipelineIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("error: missing --pipeline FILE").contains("Usage:");
    assertThat(run("--data-dir", "x")).isEqualTo(2);
  }

  @Test
  void unknownArgumentsAndMissingValuesAreUsageErrors() {
    assertThat(run("--pipeline", "p.yaml", "--nope")).isEqualTo(2);
    assertThat(err()).contains("unknown argument '--nope'");
    assertThat(run("--pipeline")).isEqualTo(2);
    assertThat(err()).contains("--pipeline needs a value");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("missing.yaml");
    assertThat(run("--pipeline", missing.toString())).isEqualTo(2);
    assertThat(err()).contains(missing.toString()).contains("pipeline file not found");
  }

  @Test
  void problemsOfThePipelineFileComeWithLineAndYamlPath() throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(
        file,
        """
        pipeline: bad
        kafka: {bootstrap_servers: "127.0.0.1:1"}
        checkpoint_interval: often
        sources: {}
        """);
    assertThat(run("--pipeline", file.toString(), "--data-dir", dir.toString())).isEqualTo(2);
    assertThat(err()).contains(file + ":3").contains("checkpoint_interval");
  }

  @Test
  void anEmbeddedKafkaCannotServeAClusterJob() throws Exception {
    Files.writeString(
        dir.resolve("s.schema.json"),
        """
        {"type": "object", "required": ["id", "device_id", "ts"],
         "properties": {"id": {"type": "string"}, "device_id": {"type": "string"},
          "ts": {"type": "string", "format": "date-time"}}}
        """);
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(
        file,
        """
        pipeline: embedded
        sources:
          s:
            type: http
            schema: s.schema.json
            key: device_id
            event_time: {field: ts}
        """);
    int code = run("--pipeline", file.toString());
    assertThat(err()).contains("kafka.bootstrap_servers");
    assertThat(code).isEqualTo(2);
  }

  @Test
  void mainFailsWithTheMessageInsteadOfExiting() {
    try {
      LakestreamJob.main(new String[] {"--pipeline", dir.resolve("none.yaml").toString()});
      throw new AssertionError("expected a failure");
    } catch (Exception e) {
      assertThat(e).hasMessageContaining("pipeline file not found");
    }
  }

  @Test
  void parallelismIsFlinksOnlyWhenGiven() {
    assertThat(LakestreamJob.flinkParallelism(new Configuration())).isNull();
    Configuration withP = new Configuration();
    withP.set(CoreOptions.DEFAULT_PARALLELISM, 4);
    assertThat(LakestreamJob.flinkParallelism(withP)).isEqualTo(4);
  }
}
