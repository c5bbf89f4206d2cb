package io.lakestream.api.config;

import java.util.List;
import java.util.Objects;

/**
 * A {@code postgres_cdc} source: row changes of PostgreSQL tables through logical replication
 * ({@code pgoutput}), read by the Debezium embedded engine. A snapshot of the tables comes first,
 * then the stream of changes.
 *
 * @param host database host
 * @param port database port (5432)
 * @param database database name
 * @param user replication user
 * @param password its password (usually {@code ${PGPASSWORD}})
 * @param tables tables to capture, {@code schema.table}
 * @param slot replication slot name
 * @param publication publication name (created for {@code tables} when missing)
 * @param snapshot {@code initial} (snapshot, then stream) or {@code never}
 */
public record CdcSettings(
    String host,
    int port,
    String database,
    String user,
    String password,
    List<String> tables,
    String slot,
    String publication,
    String snapshot)
    implements SourceSettings {

  public CdcSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    tables = List.copyOf(tables);
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(publication, "publication");
    Objects.requireNonNull(snapshot, "snapshot");
  }

  @Override
  public String toString() {
    return "CdcSettings["
        + user
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database
        + ", tables="
        + tables
        + ", slot="
        + slot
        + "]";
  }
}
