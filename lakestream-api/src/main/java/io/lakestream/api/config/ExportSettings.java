package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Mirroring lake tables into a PostgreSQL database ({@code lake.export.postgres}): incrementally by
 * Iceberg snapshot, with the COPY protocol, never duplicating a row.
 *
 * @param url JDBC URL of the database, e.g. {@code jdbc:postgresql://db:5432/analytics}
 * @param user database user
 * @param password its password (empty for trust authentication)
 * @param schema PostgreSQL schema the tables go to
 * @param every how often {@code up} exports what is new; {@code null} to export only by hand
 * @param tables the tables to mirror, in order
 */
public record ExportSettings(
    String url, String user, String password, String schema, Duration every, List<Table> tables)
    implements Serializable {

  /** Default PostgreSQL schema. */
  public static final String DEFAULT_SCHEMA = "lakestream";

  /** Default interval of {@code up}'s exports. */
  public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);

  public ExportSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(schema, "schema");
    tables = List.copyOf(tables);
  }

  /**
   * One mirrored table.
   *
   * @param table the lake table, {@code zone.name}
   * @param key columns that identify a row (a re-export never inserts a row whose key is there)
   */
  public record Table(String table, List<String> key) implements Serializable {
    public Table {
      Objects.requireNonNull(table, "table");
      key = List.copyOf(key);
    }
  }

  @Override
  public String toString() {
    return "ExportSettings[url="
        + url
        + ", user="
        + user
        + ", schema="
        + schema
        + ", every="
        + every
        + ", tables="
        + tables
        + "]";
  }
}
