package io.lakestream.lake.internal;

import io.lakestream.lake.SqlException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Lets only a single read-only query through, judged by DuckDB's own parser.
 *
 * <p>{@code json_serialize_sql} parses the text and serializes it only when every statement is a
 * SELECT (which includes WITH, VALUES, FROM-first, DESCRIBE, SHOW and SUMMARIZE, all parsed as
 * selects); {@code EXPLAIN [ANALYZE]} is let through when what it explains is; anything else (COPY,
 * CREATE, INSTALL, SET, ATTACH, PRAGMA, ...) comes back as an error. Asking the real parser avoids
 * the holes of keyword matching (comments, CTE tricks, several statements). Function calls that
 * touch files are stopped separately by the engine's settings.
 */
public final class ReadOnlyGuard {

  /** The refusal, worded for the user. */
  public static final String READ_ONLY = "only read-only SELECT queries are allowed";

  private static final String CHECK =
      "SELECT j->>'error', j->>'error_type', j->>'error_message', json_array_length(j,"
          + " 'statements') FROM (SELECT json_serialize_sql(?::VARCHAR) AS j)";

  /** {@code EXPLAIN} or {@code EXPLAIN ANALYZE} at the very start, before the query it explains. */
  private static final java.util.regex.Pattern EXPLAIN =
      java.util.regex.Pattern.compile(
          "^\\s*EXPLAIN(\\s+ANALYZE)?\\s+", java.util.regex.Pattern.CASE_INSENSITIVE);

  private ReadOnlyGuard() {}

  /**
   * Throws unless {@code sql} is exactly one read-only statement.
   *
   * @param duck any DuckDB connection; nothing of {@code sql} is executed on it
   */
  public static void check(Connection duck, String sql) throws SQLException {
    if (sql == null || sql.isBlank()) {
      throw new SqlException("empty query");
    }
    // EXPLAIN (ANALYZE) of a query is as harmless as the query: check what it explains.
    java.util.regex.Matcher explain = EXPLAIN.matcher(sql);
    if (explain.find()) {
      String explained = sql.substring(explain.end());
      if (EXPLAIN.matcher(explained).find()) {
        throw new SqlException(READ_ONLY + "; EXPLAIN takes one query");
      }
      check(duck, explained);
      return;
    }
    try (PreparedStatement ps = duck.prepareStatement(CHECK)) {
      ps.setString(1, sql);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        boolean error = "true".equals(rs.getString(1));
        String errorType = rs.getString(2);
        String errorMessage = rs.getString(3);
        long statements = rs.getLong(4);
        if (error && "parser".equals(errorType)) {
          throw new SqlException("Parser Error: " + errorMessage);
        }
        if (error) {
          throw new SqlException(
              READ_ONLY + " (SELECT, WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN)");
        }
        if (statements == 0) {
          throw new SqlException("empty query");
        }
        if (statements > 1) {
          throw new SqlException(READ_ONLY + ", one at a time (got " + statements + " statements)");
        }
      }
    }
  }
}
