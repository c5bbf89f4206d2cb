package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries meant to escape the read-only sandbox: each is refused before it runs, fails on the
 * lockdown, or is cut off by the timeout; none leaves a file behind, and the engine answers a
 * normal query afterwards.
 */
class SqlEngineHostileTest {

  private static final List<Path> TMP_TARGETS =
      List.of(
          Path.of("/tmp/x.csv"), Path.of("/tmp/x"), Path.of("/tmp/x.db"), Path.of("/tmp/y.csv"));

  @TempDir Path dir;

  private LakeCatalog lake;
  private SqlEngine sql;
  private Map<Path, Boolean> existedBefore;

  @BeforeEach
  void setUp() {
    LakeConfig config = TestLake.lakeConfig(dir);
    lake = LakeCatalog.open(config);
    Catalog catalog = lake.catalog();
    LakeTables.ensure(catalog, TestLake.pipeline(config, "sensors"));
    TestLake.append(
        catalog.loadTable(LakeSchemas.rawTable("sensors")),
        List.of(
            TestLake.raw(
                "e1", "sensors", "d1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "{}")));
    sql = SqlEngine.open(catalog);
    existedBefore = new java.util.HashMap<>();
    TMP_TARGETS.forEach(p -> existedBefore.put(p, Files.exists(p)));
  }

  @AfterEach
  void tearDown() {
    sql.close();
    lake.close();
  }

  /** Each query, and a fragment the refusal's message must contain. */
  static Stream<Arguments> hostile() {
    String readOnly = "only read-only SELECT queries are allowed";
    String permission = "Permission Error";
    String cancelled = "query cancelled after 2 s";
    return Stream.of(
        Arguments.of("SELECT * FROM read_csv('/etc/passwd')", permission),
        Arguments.of("SELECT * FROM read_text('/etc/passwd')", permission),
        Arguments.of("SELECT * FROM read_blob('/etc/passwd')", permission),
        Arguments.of("SELECT * FROM read_parquet('/etc/passwd')", permission),
        Arguments.of("SELECT * FROM read_json('/etc/os-release')", permission),
        Arguments.of("SELECT * FROM parquet_metadata('/etc/passwd')", permission),
        Arguments.of("SELECT * FROM glob('/*')", permission),
        Arguments.of("SELECT * FROM glob('/etc/*')", permission),
        Arguments.of("SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')", permission),
        Arguments.of("SELECT * FROM query_table('/etc/passwd')", "/etc/passwd"),
        Arguments.of("SELECT * FROM '/etc/passwd'", "does not exist"),
        Arguments.of("COPY (SELECT 1) TO '/tmp/x.csv'", readOnly),
        Arguments.of("COPY raw.sensors TO '/tmp/y.csv'", readOnly),
        Arguments.of("EXPORT DATABASE '/tmp/x'", readOnly),
        Arguments.of("ATTACH '/tmp/x.db'", readOnly),
        Arguments.of("ATTACH ':memory:' AS m", readOnly),
        Arguments.of("INSTALL httpfs", readOnly),
        Arguments.of("LOAD httpfs", readOnly),
        Arguments.of("FORCE INSTALL httpfs", readOnly),
        Arguments.of("SET enable_external_access=true", readOnly),
        Arguments.of("SET lock_configuration=false", readOnly),
        Arguments.of("RESET allowed_paths", readOnly),
        Arguments.of("PRAGMA enable_profiling", readOnly),
        Arguments.of("PRAGMA show_tables", readOnly),
        Arguments.of("CALL pragma_version()", readOnly),
        Arguments.of("CALL enable_logging()", readOnly),
        Arguments.of("SELECT 1; DROP VIEW raw.sensors", readOnly),
        Arguments.of("SELECT 1 /* ; */ ; COPY (SELECT 1) TO '/tmp/x.csv'", readOnly),
        Arguments.of("SELECT 1 -- harmless\n; COPY (SELECT 1) TO '/tmp/x.csv'", readOnly),
        Arguments.of("SELECT 1 --\n; ATTACH '/tmp/x.db'", readOnly),
        Arguments.of("/* COPY */ SELECT 1; /* x */ INSTALL httpfs", readOnly),
        Arguments.of("CREATE TABLE t AS SELECT 1", readOnly),
        Arguments.of("CREATE MACRO m() AS 1", readOnly),
        Arguments.of("CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", readOnly),
        Arguments.of("INSERT INTO raw.sensors SELECT * FROM raw.sensors", readOnly),
        Arguments.of("DELETE FROM raw.sensors", readOnly),
        Arguments.of("UPDATE raw.sensors SET id = 'x'", readOnly),
        Arguments.of("DROP VIEW raw.sensors", readOnly),
        Arguments.of("CHECKPOINT", readOnly),
        Arguments.of("USE raw", readOnly),
        Arguments.of("SELECT getenv('HOME')", "getenv"),
        Arguments.of("SELECT * FROM duckdb_extensions()", "Permission Error"),
        Arguments.of("SELECT count(*) FROM range(100000000) a, range(100000000) b", cancelled),
        Arguments.of(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"
                + " SELECT count(*) FROM r",
            cancelled),
        Arguments.of(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r)" + " SELECT max(n) FROM r",
            cancelled));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void isRefusedOrCutOffAndTheEngineStaysUsable(String query, String message) {
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> sql.query(query, QueryOptions.defaults().withTimeout(Duration.ofSeconds(2))))
        .as(query)
        .isInstanceOf(SqlException.class)
        .hasMessageContaining(message);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

    assertThat(sql.query("SELECT count(*) FROM raw.sensors").rows()).containsExactly(List.of(1L));
    TMP_TARGETS.forEach(
        p -> {
          if (!existedBefore.get(p)) {
            assertThat(p).as("left behind by " + query).doesNotExist();
          }
        });
    assertThat(dir).isDirectoryNotContaining("glob:**/x*");
  }

  @Test
  void settingsDoNotLeakTheHomeOrWorkingFolder() {
    // The lake's own file paths are visible (allowed_paths, view definitions), but reading them
    // directly is refused; where the user's home and working folder are is not exposed.
    QueryResult r = sql.query("SELECT name, value FROM duckdb_settings()");
    String home = Path.of(System.getProperty("user.home")).toAbsolutePath().toString();
    String cwd = Path.of("").toAbsolutePath().toString();
    for (List<Object> row : r.rows()) {
      String value = String.valueOf(row.get(1));
      if (!home.equals("/")) {
        assertThat(value).as(String.valueOf(row.get(0))).doesNotContain(home);
      }
      if (!cwd.equals("/") && !dir.toAbsolutePath().startsWith(cwd)) {
        assertThat(value).as(String.valueOf(row.get(0))).doesNotContain(cwd);
      }
    }
    assertThat(sql.query("SELECT count(*) FROM duckdb_secrets()").rows())
        .containsExactly(List.of(0L));
  }
}
