package io.lakestream.export.internal;

import io.lakestream.export.ExportException;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;

/** Turns PostgreSQL driver errors into messages that say what is wrong and what to do. */
public final class PgErrors {

  private PgErrors() {}

  /** {@code host:port/database} of a PostgreSQL JDBC URL, for messages (never credentials). */
  public static String where(String jdbcUrl) {
    Properties p = Driver.parseURL(jdbcUrl, null);
    if (p == null) {
      return "(unparsable URL)";
    }
    return p.getProperty("PGHOST", "localhost")
        + ":"
        + p.getProperty("PGPORT", "5432")
        + "/"
        + p.getProperty("PGDBNAME", "");
  }

  /** The error for a failed connection attempt. */
  public static ExportException connect(SQLException e, String jdbcUrl, String user) {
    String where = where(jdbcUrl);
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String who = user == null ? "(the URL's user)" : "'" + user + "'";
    String message;
    if (state.equals("28P01") || state.equals("28000")) {
      message =
          "PostgreSQL at "
              + where
              + " rejected user "
              + who
              + ": authentication failed; check the user and password (and pg_hba.conf)";
    } else if (state.equals("3D000")) {
      message =
          "PostgreSQL at "
              + where
              + " has no such database; create it first (CREATE DATABASE) or fix the JDBC URL";
    } else if (state.startsWith("08")) {
      message =
          "cannot reach PostgreSQL at "
              + where
              + ": "
              + e.getMessage()
              + "; is the server running, and are the host and port right?";
    } else {
      message = "cannot connect to PostgreSQL at " + where + ": " + e.getMessage();
    }
    return new ExportException(message, e);
  }

  /** The error for a failure while exporting a table. */
  public static ExportException during(SQLException e, String jdbcUrl, String what) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    // 08: connection exceptions; 57P01..57P03: the server ended the session (shutdown, a
    // terminated backend, a crash)
    if (state.startsWith("08") || state.startsWith("57P")) {
      return new ExportException(
          "lost the connection to PostgreSQL at "
              + where(jdbcUrl)
              + " while "
              + what
              + ": "
              + e.getMessage()
              + "; the batch in progress was not committed, run the export again to resume",
          e);
    }
    return new ExportException("PostgreSQL failed while " + what + ": " + e.getMessage(), e);
  }
}
