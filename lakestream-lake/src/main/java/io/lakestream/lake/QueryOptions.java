package io.lakestream.lake;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link SqlEngine#query(String, QueryOptions)} runs a query: which snapshots it reads, how
 * long it may run and how many rows it returns.
 *
 * <pre>{@code
 * QueryOptions options =
 *     QueryOptions.defaults()
 *         .withAsOf(Instant.parse("2026-01-02T00:00:00Z"))
 *         .withSnapshot("curated.sensors", 4711L)
 *         .withTimeout(Duration.ofSeconds(5))
 *         .withMaxRows(100);
 * }</pre>
 *
 * @param asOf when not null, every table is read as it was at this instant (its latest snapshot
 *     committed at or before it); a table without a snapshot then reads as empty
 * @param snapshots tables pinned to one snapshot, by SQL name ({@code "curated.sensors"}) to
 *     snapshot id; a pin wins over {@code asOf}
 * @param timeout how long the query may run before it is cancelled; positive
 * @param maxRows the most rows read from the result; positive. When the query returns more, the
 *     result holds the first {@code maxRows} and is {@link QueryResult#truncated() truncated}
 */
public record QueryOptions(
    Instant asOf, Map<String, Long> snapshots, Duration timeout, int maxRows) {

  /** The default time limit of a query: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The default row cap: 10,000 rows. */
  public static final int DEFAULT_MAX_ROWS = 10_000;

  public QueryOptions {
    snapshots = snapshots == null ? Map.of() : Map.copyOf(snapshots);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxRows <= 0) {
      throw new IllegalArgumentException("maxRows must be positive: " + maxRows);
    }
  }

  /** The current snapshots, no pins, {@link #DEFAULT_TIMEOUT} and {@link #DEFAULT_MAX_ROWS}. */
  public static QueryOptions defaults() {
    return new QueryOptions(null, Map.of(), DEFAULT_TIMEOUT, DEFAULT_MAX_ROWS);
  }

  /** These options reading every table as of {@code asOf}; null reads the current snapshots. */
  public QueryOptions withAsOf(Instant asOf) {
    return new QueryOptions(asOf, snapshots, timeout, maxRows);
  }

  /** These options with exactly the given pins (SQL table name to snapshot id). */
  public QueryOptions withSnapshots(Map<String, Long> snapshots) {
    return new QueryOptions(asOf, snapshots, timeout, maxRows);
  }

  /** These options with {@code table} (e.g. {@code "raw.sensors"}) pinned to a snapshot. */
  public QueryOptions withSnapshot(String table, long snapshotId) {
    Map<String, Long> pins = new LinkedHashMap<>(snapshots);
    pins.put(Objects.requireNonNull(table, "table"), snapshotId);
    return new QueryOptions(asOf, pins, timeout, maxRows);
  }

  /** These options with another time limit. */
  public QueryOptions withTimeout(Duration timeout) {
    return new QueryOptions(asOf, snapshots, timeout, maxRows);
  }

  /** These options with another row cap. */
  public QueryOptions withMaxRows(int maxRows) {
    return new QueryOptions(asOf, snapshots, timeout, maxRows);
  }
}
