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

/** The {@code search:} block. */
class SearchConfigTest {

  @TempDir Path dir;

  @BeforeEach
  void schemas() throws IOException {
    Files.writeString(
        dir.resolve("logs.json"),
        "{\"properties\": {\"ts\": {}, \"level\": {}, \"service\": {}, \"message\": {},"
            + " \"status\": {}, \"http\": {\"properties\": {\"path\": {}}}}}");
    Files.writeString(
        dir.resolve("sensors.json"), "{\"properties\": {\"d\": {}, \"ts\": {}, \"t\": {}}}");
  }

  private PipelineConfig parse(String search) {
    return PipelineLoader.parse(
        "pipeline: p\n"
            + "sources:\n"
            + "  logs:\n    type: http\n    schema: logs.json\n    key: service\n"
            + "    event_time: {field: ts}\n"
            + "  sensors:\n    type: http\n    schema: sensors.json\n    key: d\n"
            + "    event_time: {field: ts}\n"
            + search,
        "pipeline.yaml",
        dir,
        Map.of("data_dir", dir.resolve("data").toString()),
        Map.of("OS_PASSWORD", "secret"));
  }

  private List<Problem> problems(String search) {
    PipelineConfigException e =
        catchThrowableOfType(PipelineConfigException.class, () -> parse(search));
    assertThat(e).as("expected the pipeline to be rejected").isNotNull();
    return e.problems();
  }

  @Test
  void absentMeansNoIndex() {
    SearchConfig s = parse("").search();
    assertThat(s).isEqualTo(SearchConfig.NONE);
    assertThat(s.enabled()).isFalse();
  }

  @Test
  void fieldsPerSourceAndDefaults() {
    SearchConfig s =
        parse(
                """
                search:
                  sources:
                    logs:
                      text: [message]
                      keyword: [level, service, http.path]
                      long: [status]
                    sensors: {keyword: [d], double: [t]}
                  alerts: true
                """)
            .search();
    assertThat(s.enabled()).isTrue();
    assertThat(s.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(s.alerts()).isTrue();
    assertThat(s.errors()).isFalse();
    assertThat(s.opensearch()).isNull();
    assertThat(s.sources().keySet()).containsExactly("logs", "sensors");
    assertThat(s.sources().get("logs"))
        .isEqualTo(
            new SearchConfig.Fields(
                List.of("message"),
                List.of("level", "service", "http.path"),
                List.of("status"),
                List.of()));
    assertThat(s.sources().get("sensors").doubles()).containsExactly("t");
  }

  @Test
  void retentionAndOpenSearch() {
    SearchConfig s =
        parse(
                """
                search:
                  retention: 36h
                  errors: true
                  opensearch: {url: "http://127.0.0.1:9200", index: ls-events, user: admin,
                               password: "${OS_PASSWORD}"}
                """)
            .search();
    assertThat(s.retention()).isEqualTo(Duration.ofHours(36));
    assertThat(s.sources()).isEmpty();
    assertThat(s.errors()).isTrue();
    assertThat(s.opensearch())
        .isEqualTo(
            new SearchConfig.OpenSearch("http://127.0.0.1:9200", "ls-events", "admin", "secret"));
    assertThat(s.opensearch().toString()).doesNotContain("secret");
  }

  @Test
  void mistakesAreReportedWithTheirLines() {
    List<Problem> p =
        problems(
            """
            search:
              sources:
                nope: {text: [message]}
                logs:
                  text: [message, id]
                  keyword: [lvl, alert.x]
                sensors: {long: [t]}
            """);
    assertThat(p)
        .extracting(Problem::message)
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "'nope' is not a source of this pipeline; sources are logs, sensors"));
    assertThat(p)
        .filteredOn(x -> x.message().contains("'id' is indexed by Lakestream itself"))
        .singleElement()
        .extracting(Problem::line)
        .isEqualTo(17);
    assertThat(p)
        .extracting(Problem::message)
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("'lvl' is not a property of source logs's schema")
                    .contains("level, service"));
    assertThat(p)
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("'alert.x': names under 'alert.' and 'error.'"));
  }

  @Test
  void oneKindPerFieldAcrossSources() throws IOException {
    Files.writeString(
        dir.resolve("sensors.json"), "{\"properties\": {\"d\": {}, \"ts\": {}, \"status\": {}}}");
    List<Problem> p =
        problems(
            """
            search:
              sources:
                logs: {keyword: [status]}
                sensors: {long: [status]}
            """);
    assertThat(p)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.message())
                  .contains("'status' is declared as keyword at search.sources.logs.keyword[0]");
              assertThat(x.line()).isEqualTo(16);
            });
  }

  @Test
  void emptyBlockAndBadOpenSearch() {
    assertThat(problems("search:\n  retention: 1d\n"))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("indexes nothing"));
    assertThat(problems("search:\n  alerts: true\n  opensearch: {url: ftp://x, index: Caps}\n"))
        .extracting(Problem::message)
        .contains(
            "must be an http(s) URL like http://search:9200",
            "index names are lower case letters, digits, '_', '.' and '-' (OpenSearch rule)");
  }
}
