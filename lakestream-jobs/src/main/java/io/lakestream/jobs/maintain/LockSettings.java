package io.lakestream.jobs.maintain;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.JdbcLockFactory;

/**
 * Where Iceberg's Flink maintenance keeps its locks: a JDBC database (for example the catalog's
 * SQLite file, or a separate one) with one lock row per table, so that two maintenance runs of the
 * same table never overlap.
 *
 * <p>Caveat of Iceberg 1.11: a maintenance job that starts fresh (not from a checkpoint) clears the
 * lock rows of its lock id, assuming that an earlier run with that id is dead. Two concurrently
 * running jobs must therefore not use the same {@code lockIdPrefix} for the same table, unless one
 * of them checks the lock before it starts (as {@link LakeMaintenance#run} does).
 *
 * @param jdbcUri JDBC URL of the lock database, for example {@code jdbc:sqlite:/data/locks.db}
 * @param properties connection properties; {@code jdbc.}-prefixed ones go to the driver
 * @param lockIdPrefix prefix of the per-table lock ids; identifies the job
 */
public record LockSettings(String jdbcUri, Map<String, String> properties, String lockIdPrefix)
    implements Serializable {

  private static final int MAX_LOCK_ID = 99;

  /** Validates the settings and copies the properties. */
  public LockSettings {
    Objects.requireNonNull(jdbcUri, "jdbcUri");
    Objects.requireNonNull(lockIdPrefix, "lockIdPrefix");
    properties = Map.copyOf(properties == null ? Map.of() : properties);
  }

  /**
   * Locks in a SQLite file (created, with its lock table, on first use). WAL and a busy timeout let
   * the operators of several jobs share the file.
   */
  public static LockSettings sqlite(Path file, String lockIdPrefix) {
    return new LockSettings(
        "jdbc:sqlite:" + file.toAbsolutePath(),
        Map.of("jdbc.journal_mode", "WAL", "jdbc.busy_timeout", "30000"),
        lockIdPrefix);
  }

  /** The lock id of one table: the prefix and the table name, hashed when too long. */
  public String lockId(TableIdentifier table) {
    String id = lockIdPrefix + ":" + table;
    if (id.length() <= MAX_LOCK_ID) {
      return id;
    }
    String hash = UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
    return id.substring(0, MAX_LOCK_ID - hash.length() - 1) + "~" + hash;
  }

  /**
   * Creates Iceberg's lock table in the lock database when missing. Call it before a job starts:
   * the operators of a job that each create the table on first use race each other (check, then
   * {@code CREATE TABLE}), and the loser fails with "table flink_maintenance_lock already exists",
   * which costs the job a restart.
   */
  public void createLockTable() {
    try (JdbcLockFactory factory = factoryFor(TableIdentifier.of("lakestream", "init"))) {
      factory.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Iceberg's JDBC lock factory for one table; it creates the lock table when missing. */
  public JdbcLockFactory factoryFor(TableIdentifier table) {
    Map<String, String> props = new HashMap<>(properties);
    props.putIfAbsent(JdbcLockFactory.INIT_LOCK_TABLES_PROPERTY, "true");
    return new JdbcLockFactory(jdbcUri, lockId(table), props);
  }
}
