package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import io.lakestream.api.config.PipelineConfigException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source's {@code schema:}: a file, a registry subject, or both, optionally pinned. */
class SchemaBindingConfigTest {

  @TempDir Path dir;

  @BeforeEach
  void schema() throws IOException {
    Files.writeString(
        dir.resolve("s.json"), "{\"properties\": {\"device_id\": {}, \"ts\": {}, \"t\": {}}}");
  }

  private PipelineConfig parse(String schemaLine) {
    return PipelineLoader.parse(
        "pipeline: p\nsources:\n  sensors:\n    type: http\n"
            + schemaLine
            + "\n    key: device_id\n    event_time: {field: ts}\n",
        "pipeline.yaml",
        dir,
        Map.of("data_dir", dir.resolve("data").toString()),
        Map.of());
  }

  private List<Problem> problems(String schemaLine) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(schemaLine));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  @Test
  void aSchemaFileIsRegisteredUnderTheSourcesNameAndFollowsTheLatestVersion() {
    SourceConfig s = parse("    schema: s.json").sources().get("sensors");
    assertThat(s.schemaBinding()).isEqualTo(new SchemaBinding("sensors", null, true));
    assertThat(s.schemaBinding().followsLatest()).isTrue();
    assertThat(s.schemaJson()).contains("device_id");
  }

  @Test
  void aFileCanBeRegisteredUnderAnotherSubjectAndPinned() {
    SourceConfig s =
        parse("    schema: {file: s.json, subject: iot-readings, version: 3}")
            .sources()
            .get("sensors");
    assertThat(s.schemaBinding()).isEqualTo(new SchemaBinding("iot-readings", 3, true));
    assertThat(s.schemaBinding().followsLatest()).isFalse();
    assertThat(s.schemaPath()).endsWith("s.json");
  }

  @Test
  void aSubjectAloneTakesItsSchemaFromTheRegistryAtStart() {
    SourceConfig s = parse("    schema: {subject: iot-readings}").sources().get("sensors");
    assertThat(s.schemaBinding()).isEqualTo(new SchemaBinding("iot-readings", null, false));
    assertThat(s.schemaJson()).as("resolved by 'up' from the registry").isNull();
    assertThat(s.schemaPath()).isNull();
    assertThat(
            parse("    schema: {subject: x, version: latest}")
                .sources()
                .get("sensors")
                .schemaBinding()
                .version())
        .isNull();
  }

  @Test
  void badBlocksAreReportedAtTheirLine() {
    assertThat(problems("    schema: {version: 2}"))
        .extracting(Problem::path, Problem::line)
        .containsExactly(tuple("sources.sensors.schema", 5));
    assertThat(problems("    schema: {subject: x, version: 0}"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("'latest' or a version number"));
    assertThat(problems("    schema: {subject: x, version: two}"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("got 'two'"));
    assertThat(problems("    schema: {subject: x, owner: me}"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("owner"));
    assertThat(problems("    schema: {file: missing.json, subject: x}"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("schema file not found"));
  }
}
