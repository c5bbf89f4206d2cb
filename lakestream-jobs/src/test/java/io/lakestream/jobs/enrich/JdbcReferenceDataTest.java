package io.lakestream.jobs.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.ReferenceConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcReferenceDataTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private String url;

  @BeforeEach
  void createDatabase() throws SQLException {
    url = "jdbc:sqlite:" + dir.resolve("crm.db");
    sql(
        "CREATE TABLE users (user_id TEXT, segment TEXT, score INTEGER, vip INTEGER,"
            + " since TEXT, \"odd name\" TEXT)",
        "INSERT INTO users VALUES ('u-1', 'gold', 90, 1, '2024-01-02T03:04:05Z', 'x')",
        "INSERT INTO users VALUES ('u-2', 'silver', 'lots', 0, NULL, NULL)",
        "INSERT INTO users VALUES (NULL, 'nobody', 1, 0, NULL, NULL)",
        "CREATE TABLE plans (id INTEGER, label TEXT)",
        "INSERT INTO plans VALUES (7, 'pro'), (8, 'free')");
  }

  private void sql(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.executeUpdate(s);
      }
    }
  }

  private ReferenceConfig ref(
      String name, String table, String query, String key, Map<String, ColumnType> columns) {
    return new ReferenceConfig(
        name,
        ReferenceConfig.Type.JDBC,
        null,
        url,
        table,
        query,
        null,
        Map.of(),
        key,
        columns,
        Duration.ofMillis(200));
  }

  private static Map<String, ColumnType> userColumns() {
    Map<String, ColumnType> c = new LinkedHashMap<>();
    c.put("segment", ColumnType.STRING);
    c.put("score", ColumnType.LONG);
    c.put("vip", ColumnType.BOOLEAN);
    c.put("since", ColumnType.TIMESTAMP);
    c.put("odd name", ColumnType.STRING);
    return c;
  }

  @Test
  void aTableIsReadWholeWithQuotedIdentifiers() {
    try (LogCapture log = new LogCapture();
        ReferenceData d =
            ReferenceData.open(ref("users", "users", null, "user_id", userColumns()), null, null)) {
      assertThat(d.size()).isEqualTo(2);
      assertThat(d.lookup("u-1"))
          .containsExactly(
              StringData.fromString("gold"),
              90L,
              true,
              TimestampData.fromInstant(Instant.parse("2024-01-02T03:04:05Z")),
              StringData.fromString("x"));
      assertThat(d.lookup("u-2"))
          .containsExactly(StringData.fromString("silver"), null, false, null, null);
      assertThat(log.warnings())
          .anySatisfy(w -> assertThat(w).contains("key 'u-2'", "score", "'lots'", "long"))
          .anySatisfy(w -> assertThat(w).contains("row 3", "key column user_id", "skipped"));
    }
  }

  @Test
  void aQueryIsReadByColumnLabelAndNumericKeysAreText() {
    Map<String, ColumnType> cols = Map.of("plan", ColumnType.STRING);
    String query = "SELECT label AS plan, id AS plan_id FROM plans WHERE label <> 'free'";
    try (ReferenceData d =
        ReferenceData.open(ref("plans", null, query, "plan_id", cols), null, null)) {
      assertThat(d.size()).isEqualTo(1);
      assertThat(d.lookup("7")).containsExactly(StringData.fromString("pro"));
      assertThat(d.lookup("8")).isNull();
    }
  }

  @Test
  void anUpdateIsPickedUpAtTheNextRefreshAndAnUnchangedTableMakesNoNewVersion()
      throws SQLException {
    try (LogCapture log = new LogCapture();
        ReferenceData d =
            ReferenceData.open(ref("users", "users", null, "user_id", userColumns()), null, null)) {
      await()
          .atMost(WAIT)
          .until(() -> log.messages(Level.DEBUG).stream().anyMatch(m -> m.contains("unchanged")));
      assertThat(d.version()).isEqualTo(1);
      // the bad row was reported with the first load, not again with each equal re-read
      assertThat(log.warnings()).filteredOn(w -> w.contains("'lots'")).hasSize(1);

      sql("UPDATE users SET segment = 'platinum' WHERE user_id = 'u-1'");
      await().atMost(WAIT).until(() -> d.version() == 2);
      assertThat(d.lookup("u-1")[0]).isEqualTo(StringData.fromString("platinum"));

      sql("DELETE FROM users WHERE user_id = 'u-2'");
      await().atMost(WAIT).until(() -> d.lookup("u-2") == null);
      assertThat(d.size()).isEqualTo(1);
    }
  }

  @Test
  void aFailingRefreshKeepsThePreviousRows() throws SQLException {
    try (LogCapture log = new LogCapture();
        ReferenceData d =
            ReferenceData.open(ref("users", "users", null, "user_id", userColumns()), null, null)) {
      sql("ALTER TABLE users RENAME TO users_old");
      await()
          .atMost(WAIT)
          .until(() -> log.warnings().stream().anyMatch(w -> w.contains("refresh failed")));
      assertThat(d.size()).isEqualTo(2);
      assertThat(d.lookup("u-1")).isNotNull();
      assertThat(d.version()).isEqualTo(1);
    }
  }

  @Test
  void errorsNameTheReferenceAndWhatToCheck() {
    assertThatThrownBy(
            () ->
                ReferenceData.open(
                    ref("users", "no_such_table", null, "user_id", userColumns()), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("reference users")
        .hasMessageContaining(url)
        .hasMessageContaining("no_such_table");

    String query = "SELECT user_id, segment FROM users";
    assertThatThrownBy(
            () ->
                ReferenceData.open(ref("users", null, query, "user_id", userColumns()), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("lacks the column(s) score, vip, since, odd name")
        .hasMessageContaining("it has user_id, segment");

    ReferenceConfig noDriver =
        new ReferenceConfig(
            "users",
            ReferenceConfig.Type.JDBC,
            null,
            "jdbc:nosuchdb://host/db?user=a&password=secret",
            "users",
            null,
            null,
            Map.of(),
            "user_id",
            userColumns(),
            Duration.ofSeconds(30));
    assertThatThrownBy(() -> ReferenceData.open(noDriver, null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("No JDBC driver")
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("secret");
  }
}
