package io.lakestream.source.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.CdcSettings;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCheckTest {

  @Test
  void settingsThatCannotWorkAreReportedWithTheirPath() {
    ServerCheck check =
        new ServerCheck("shop", settings(0, List.of("orders", "public."), "always"));
    assertThat(check.settingsProblems())
        .containsExactly(
            "sources.shop.postgres_cdc.tables: 'orders' is not schema.table (e.g. public.orders)",
            "sources.shop.postgres_cdc.tables: 'public.' is not schema.table (e.g. public.orders)",
            "sources.shop.postgres_cdc.snapshot: 'always' is not one of initial, never",
            "sources.shop.postgres_cdc.port: 0 is not a TCP port");
    assertThat(new ServerCheck("shop", settings(5432, List.of(), "initial")).settingsProblems())
        .containsExactly(
            "sources.shop.postgres_cdc.tables is empty: name at least one table as schema.table");
  }

  @Test
  void connectionFailuresAreExplainedBySqlState() {
    ServerCheck check = new ServerCheck("shop", settings(5432, List.of("public.o"), "initial"));
    assertThat(check.connectionMessage(new SQLException("password authentication failed", "28P01")))
        .startsWith(
            "PostgreSQL at db.internal:5432 refused user cdc (password authentication failed)")
        .contains("sources.shop.postgres_cdc.password")
        .contains("pg_hba.conf");
    assertThat(check.connectionMessage(new SQLException("no such database", "3D000")))
        .isEqualTo(
            "sources.shop.postgres_cdc.database: database shop does not exist on db.internal:5432");
    assertThat(check.connectionMessage(new SQLException("Connection refused", "08001")))
        .isEqualTo(
            "cannot connect to PostgreSQL at db.internal:5432 (Connection refused). Is it running"
                + " and listening there? Check sources.shop.postgres_cdc.host and"
                + " sources.shop.postgres_cdc.port.");
  }

  @Test
  void fixesAreSpelledOut() {
    ServerCheck check = new ServerCheck("shop", settings(5432, List.of("public.o"), "initial"));
    assertThat(check.walLevelMessage("minimal"))
        .contains("wal_level=minimal")
        .contains("ALTER SYSTEM SET wal_level = logical;")
        .contains("restart PostgreSQL");
    assertThat(check.replicationMessage("Cdc User"))
        .contains("ALTER ROLE \"Cdc User\" WITH REPLICATION;");
    assertThat(check.noPrimaryKeyMessage("public.o"))
        .contains("ALTER TABLE public.o ADD PRIMARY KEY (...);");
    assertThat(check.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/shop");
  }

  private static CdcSettings settings(int port, List<String> tables, String snapshot) {
    return new CdcSettings(
        "db.internal", port, "shop", "cdc", "secret", tables, "s", "p", snapshot);
  }
}
