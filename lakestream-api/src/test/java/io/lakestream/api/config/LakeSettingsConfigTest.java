package io.lakestream.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakestream.api.config.PipelineConfigException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lake.export} (tables mirrored into PostgreSQL) and {@code lake.maintenance}. */
class LakeSettingsConfigTest {

  @TempDir Path dir;

  @BeforeEach
  void schema() throws IOException {
    Files.writeString(dir.resolve("s.json"), "{\"properties\": {\"d\": {}, \"ts\": {}}}");
  }

  private PipelineConfig parse(String lake) {
    return PipelineLoader.parse(
        "pipeline: p\nlake:\n"
            + lake
            + "sources:\n  s:\n    type: http\n    schema: s.json\n    key: d\n"
            + "    event_time: {field: ts}\n",
        "pipeline.yaml",
        dir,
        Map.of("data_dir", dir.resolve("data").toString()),
        Map.of("PGPASSWORD", "secret"));
  }

  private List<Problem> problems(String lake) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(lake));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  @Test
  void tablesWithDefaultAndExplicitKeys() {
    ExportSettings e =
        parse(
                """
                  export:
                    postgres:
                      url: jdbc:postgresql://db:5432/dw
                      user: loader
                      password: ${PGPASSWORD}
                      tables:
                        curated.s: {}
                        aggregates.s_5m: {key: [window_start, d]}
                """)
            .lake()
            .export();
    assertThat(e.url()).isEqualTo("jdbc:postgresql://db:5432/dw");
    assertThat(e.password()).isEqualTo("secret");
    assertThat(e.schema()).isEqualTo("lakestream");
    assertThat(e.every()).isEqualTo(Duration.ofMinutes(1));
    assertThat(e.tables())
        .containsExactly(
            new ExportSettings.Table("curated.s", List.of("event_id")),
            new ExportSettings.Table("aggregates.s_5m", List.of("window_start", "d")));
    assertThat(e.toString()).doesNotContain("secret");
  }

  @Test
  void everyOffMeansByHandOnly() {
    ExportSettings e =
        parse(
                """
                  export:
                    postgres: {url: "jdbc:postgresql://db/dw", user: u, every: off, schema: mirror,
                               tables: {curated.s: }}
                """)
            .lake()
            .export();
    assertThat(e.every()).isNull();
    assertThat(e.schema()).isEqualTo("mirror");
    assertThat(parse("  warehouse: ${data_dir}/w\n").lake().export()).isNull();
  }

  @Test
  void mistakesAreReportedWithTheirPath() {
    assertThat(
            problems(
                "  export: {postgres: {url: jdbc:mysql://x/y, user: u, tables: {curated.s: {}}}}\n"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("PostgreSQL JDBC URL"));
    assertThat(
            problems(
                "  export: {postgres: {url: jdbc:postgresql://x/y, tables: {curated.s: {}}}}\n"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("user"));
    assertThat(
            problems(
                "  export: {postgres: {url: jdbc:postgresql://x/y, user: u, tables: {sensors: {}}}}\n"))
        .singleElement()
        .satisfies(p -> assertThat(p.message()).contains("zone.table"));
    assertThat(problems("  export: {mysql: {}}\n"))
        .isNotEmpty()
        .anySatisfy(p -> assertThat(p.message()).contains("mysql"));
  }

  @Test
  void maintenanceHasDefaultsAndCanBeTunedOrRunByHandOnly() {
    assertThat(parse("  warehouse: ${data_dir}/w\n").lake().maintenance())
        .isEqualTo(MaintenanceSettings.defaults());
    MaintenanceSettings m =
        parse(
                "  maintenance: {every: off, target_file_size: 64MB, min_input_files: 8,"
                    + " keep_snapshots: 2d, retain_last: 3, orphan_min_age: 1d}\n")
            .lake()
            .maintenance();
    assertThat(m)
        .isEqualTo(
            new MaintenanceSettings(
                null, 64L * 1024 * 1024, 8, Duration.ofDays(2), 3, Duration.ofDays(1)));
    assertThat(problems("  maintenance: {every: 1h, min_input_files: 1}\n"))
        .singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("lake.maintenance.min_input_files"));
  }
}
