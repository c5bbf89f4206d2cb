package io.lakestream.export;

import java.util.List;
import java.util.Objects;

/**
 * Where and what {@link PostgresExport} exports.
 *
 * @param jdbcUrl the PostgreSQL JDBC URL, e.g. {@code jdbc:postgresql://db:5432/analytics}
 * @param user the PostgreSQL user (may be null when the URL carries it)
 * @param password the password (may be null)
 * @param schema the PostgreSQL schema holding the mirrored tables and the export state; created if
 *     missing; {@value #DEFAULT_SCHEMA} by default
 * @param tables the lake tables to export, in order
 * @param filesPerTransaction how many data files one transaction covers; each transaction commits
 *     its rows and records its files as done, so a crash loses at most one batch of work
 */
public record ExportConfig(
    String jdbcUrl,
    String user,
    String password,
    String schema,
    List<TableSpec> tables,
    int filesPerTransaction) {

  /** The default PostgreSQL schema. */
  public static final String DEFAULT_SCHEMA = "lakestream";

  /** The default batch size in data files. */
  public static final int DEFAULT_FILES_PER_TRANSACTION = 16;

  /** Checks the arguments and fills the defaults. */
  public ExportConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): " + jdbcUrl);
    }
    if (schema == null || schema.isBlank()) {
      schema = DEFAULT_SCHEMA;
    }
    tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
    if (filesPerTransaction <= 0) {
      filesPerTransaction = DEFAULT_FILES_PER_TRANSACTION;
    }
  }

  /** A configuration with the default schema and batch size. */
  public static ExportConfig of(
      String jdbcUrl, String user, String password, List<TableSpec> tables) {
    return new ExportConfig(jdbcUrl, user, password, DEFAULT_SCHEMA, tables, 0);
  }

  /** The same configuration writing into another PostgreSQL schema. */
  public ExportConfig withSchema(String schema) {
    return new ExportConfig(jdbcUrl, user, password, schema, tables, filesPerTransaction);
  }

  /** The same configuration with another batch size. */
  public ExportConfig withFilesPerTransaction(int files) {
    return new ExportConfig(jdbcUrl, user, password, schema, tables, files);
  }

  @Override
  public String toString() {
    // keep the password out of logs
    return "ExportConfig[jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", schema="
        + schema
        + ", tables="
        + tables
        + ", filesPerTransaction="
        + filesPerTransaction
        + "]";
  }
}
