package io.lakestream.source.cdc.internal;

import io.lakestream.api.config.CdcSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The check run before the Debezium engine starts: whether a PostgreSQL server can feed a {@code
 * postgres_cdc} source, and, when it cannot, what to change, in plain words.
 *
 * <p>The engine reports these conditions too, but late (after retries) and in connector terms;
 * checking them first turns them into one readable error at {@code up}.
 */
public final class ServerCheck {

  /**
   * What the check found: problems stop the start, warnings are logged.
   *
   * @param slotExists whether the replication slot is already there (false also when the server
   *     could not be asked)
   */
  public record Result(List<String> problems, List<String> warnings, boolean slotExists) {}

  private final String source;
  private final CdcSettings s;

  public ServerCheck(String source, CdcSettings settings) {
    this.source = source;
    this.s = settings;
  }

  /** Connects and checks; never throws for a problem of the server, only reports it. */
  public Result run() {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    problems.addAll(settingsProblems());
    if (!problems.isEmpty()) {
      return new Result(problems, warnings, false);
    }
    boolean slotExists = false;
    try (Connection c = connect()) {
      String walLevel = single(c, "SHOW wal_level");
      if (!"logical".equals(walLevel)) {
        problems.add(walLevelMessage(walLevel));
      }
      int slots = Integer.parseInt(single(c, "SHOW max_replication_slots"));
      int senders = Integer.parseInt(single(c, "SHOW max_wal_senders"));
      if (slots < 1 || senders < 1) {
        problems.add(
            where()
                + " allows "
                + slots
                + " replication slots and "
                + senders
                + " WAL senders; CDC needs at least one of each. Set max_replication_slots and"
                + " max_wal_senders (e.g. 10) in postgresql.conf and restart PostgreSQL.");
      }
      if (!canReplicate(c)) {
        problems.add(replicationMessage(s.user()));
      }
      slotExists = checkSlot(c, problems, warnings);
      for (String table : s.tables()) {
        checkTable(c, table, problems, warnings);
      }
    } catch (SQLException e) {
      problems.add(connectionMessage(e));
    }
    return new Result(problems, warnings, slotExists);
  }

  /** Settings that are wrong whatever the server says. */
  List<String> settingsProblems() {
    List<String> problems = new ArrayList<>();
    if (s.tables().isEmpty()) {
      problems.add(path("tables") + " is empty: name at least one table as schema.table");
    }
    for (String t : s.tables()) {
      if (t.indexOf('.') <= 0 || t.indexOf('.') == t.length() - 1) {
        problems.add(path("tables") + ": '" + t + "' is not schema.table (e.g. public.orders)");
      }
    }
    if (!s.snapshot().equals("initial") && !s.snapshot().equals("never")) {
      problems.add(path("snapshot") + ": '" + s.snapshot() + "' is not one of initial, never");
    }
    if (s.port() < 1 || s.port() > 65535) {
      problems.add(path("port") + ": " + s.port() + " is not a TCP port");
    }
    return problems;
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", s.user());
    if (s.password() != null) {
      p.setProperty("password", s.password());
    }
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "30");
    p.setProperty("ApplicationName", "lakestream postgres_cdc check");
    Connection c = new org.postgresql.Driver().connect(jdbcUrl(), p);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not accept " + jdbcUrl());
    }
    return c;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl() + ":" + s.port() + "/" + s.database();
  }

  private String hostForUrl() {
    return s.host().contains(":") && !s.host().startsWith("[") ? "[" + s.host() + "]" : s.host();
  }

  private boolean canReplicate(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private boolean checkSlot(Connection c, List<String> problems, List<String> warnings)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT plugin, slot_type, database, active FROM pg_replication_slots"
                + " WHERE slot_name = ?")) {
      ps.setString(1, s.slot());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        String plugin = rs.getString(1);
        String type = rs.getString(2);
        String database = rs.getString(3);
        if (!"logical".equals(type) || !"pgoutput".equals(plugin)) {
          problems.add(
              path("slot")
                  + ": replication slot '"
                  + s.slot()
                  + "' exists but is a "
                  + type
                  + " slot with plugin "
                  + plugin
                  + "; postgres_cdc needs a logical pgoutput slot. Choose another slot name, or"
                  + " drop it: SELECT pg_drop_replication_slot('"
                  + s.slot()
                  + "');");
        } else if (!s.database().equals(database)) {
          problems.add(
              path("slot")
                  + ": replication slot '"
                  + s.slot()
                  + "' belongs to database '"
                  + database
                  + "', not '"
                  + s.database()
                  + "'; choose another slot name");
        } else if (rs.getBoolean(4)) {
          warnings.add(
              "replication slot '"
                  + s.slot()
                  + "' is in use by another connection; if no other reader uses it, it is the"
                  + " previous run's connection and PostgreSQL releases it shortly");
        }
        return true;
      }
    }
  }

  private void checkTable(Connection c, String table, List<String> problems, List<String> warnings)
      throws SQLException {
    int dot = table.indexOf('.');
    String schema = table.substring(0, dot);
    String name = table.substring(dot + 1);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT c.relreplident,"
                + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),"
                + " has_table_privilege(c.oid, 'SELECT')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          problems.add(
              path("tables")
                  + ": table "
                  + table
                  + " does not exist in database "
                  + s.database()
                  + " (names are case-sensitive as stored; unquoted names are lower case)");
          return;
        }
        String identity = rs.getString(1);
        if (!rs.getBoolean(2)) {
          problems.add(noPrimaryKeyMessage(table));
        }
        if (!rs.getBoolean(3)) {
          problems.add(
              "user "
                  + s.user()
                  + " may not read table "
                  + table
                  + " (needed for the snapshot); run: GRANT SELECT ON "
                  + table
                  + " TO "
                  + quoteIdent(s.user())
                  + ";");
        }
        if (!"f".equals(identity)) {
          warnings.add(
              "table "
                  + table
                  + " has REPLICA IDENTITY "
                  + identityName(identity)
                  + ": its updates arrive with before = null and its deletes with only the key"
                  + " columns in before. For the full old row run: ALTER TABLE "
                  + table
                  + " REPLICA IDENTITY FULL;");
        }
      }
    }
  }

  /** The message for a server whose {@code wal_level} is not {@code logical}. */
  String walLevelMessage(String walLevel) {
    return where()
        + " has wal_level="
        + walLevel
        + "; change data capture needs logical decoding. Run as a superuser: ALTER SYSTEM SET"
        + " wal_level = logical; then restart PostgreSQL (e.g. systemctl restart postgresql)";
  }

  /** The message for a user without the REPLICATION attribute. */
  String replicationMessage(String user) {
    return "user "
        + user
        + " may not stream changes from "
        + where()
        + ": it lacks the REPLICATION attribute. Run as a superuser: ALTER ROLE "
        + quoteIdent(user)
        + " WITH REPLICATION;";
  }

  /** The message for a table without a primary key. */
  String noPrimaryKeyMessage(String table) {
    return path("tables")
        + ": table "
        + table
        + " has no primary key. postgres_cdc keys its events and removes duplicates by primary"
        + " key; add one (ALTER TABLE "
        + table
        + " ADD PRIMARY KEY (...);) or leave the table out";
  }

  /** The message for a failed connection, by the server's or driver's SQLSTATE. */
  String connectionMessage(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    return switch (state) {
      case "28P01", "28000" ->
          "PostgreSQL at "
              + s.host()
              + ":"
              + s.port()
              + " refused user "
              + s.user()
              + " ("
              + reason
              + "). Check "
              + path("user")
              + " and "
              + path("password")
              + ", and that pg_hba.conf admits this user from this host to database "
              + s.database()
              + ".";
      case "3D000" ->
          path("database")
              + ": database "
              + s.database()
              + " does not exist on "
              + s.host()
              + ":"
              + s.port();
      default ->
          "cannot connect to PostgreSQL at "
              + s.host()
              + ":"
              + s.port()
              + " ("
              + reason
              + "). Is it running and listening there? Check "
              + path("host")
              + " and "
              + path("port")
              + ".";
    };
  }

  private String where() {
    return "PostgreSQL at " + s.host() + ":" + s.port();
  }

  private String path(String key) {
    return "sources." + source + ".postgres_cdc." + key;
  }

  private static String identityName(String code) {
    return switch (code == null ? "" : code) {
      case "d" -> "DEFAULT";
      case "n" -> "NOTHING";
      case "i" -> "USING INDEX";
      default -> code;
    };
  }

  private static String quoteIdent(String name) {
    return name.matches("[a-z_][a-z0-9_]*") ? name : '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
