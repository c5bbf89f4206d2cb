package io.lakestream.lake;

/**
 * A SQL query that could not run: refused (not a read-only query), invalid, or failed in DuckDB.
 * The message is meant for the person who wrote the query.
 */
public class SqlException extends RuntimeException {

  public SqlException(String message) {
    super(message);
  }

  public SqlException(String message, Throwable cause) {
    super(message, cause);
  }
}
