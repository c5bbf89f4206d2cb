package io.lakestream.lake;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcClientPool;

/**
 * A lease on the one JDBC connection pool this JVM keeps per catalog: every catalog instance of the
 * same settings runs its statements on the same few connections.
 *
 * <p>A Flink job opens a catalog in each sink writer, committer and table loader, dozens for a
 * pipeline with many tables; with a pool each, a job alone took more connections than PostgreSQL
 * allows by default (100). Sharing keeps it at the pool's size ({@code clients} in {@code
 * lake.catalog_properties}, default 2) per process. Closing a lease gives it back; the last one
 * closes the pool.
 */
final class SharedJdbcClientPool extends JdbcClientPool {

  private static final Map<String, Shared> POOLS = new HashMap<>();

  private static final class Shared {
    final JdbcClientPool pool;
    int leases;

    Shared(JdbcClientPool pool) {
      this.pool = pool;
    }
  }

  private final String key;
  private final Shared shared;
  private final AtomicBoolean released = new AtomicBoolean();

  private SharedJdbcClientPool(String uri, Map<String, String> props, String key, Shared shared) {
    // Its own pool is never used (every call goes to the shared one): it opens no connection.
    super(1, uri, props);
    this.key = key;
    this.shared = shared;
  }

  /** A lease on the pool for these catalog properties. */
  static JdbcClientPool lease(Map<String, String> props) {
    String uri = props.get(CatalogProperties.URI);
    String key = new TreeMap<>(props).toString();
    synchronized (POOLS) {
      Shared s = POOLS.computeIfAbsent(key, k -> new Shared(new JdbcClientPool(uri, props)));
      s.leases++;
      return new SharedJdbcClientPool(uri, props, key, s);
    }
  }

  /** Pools open in this JVM (for tests). */
  static int openPools() {
    synchronized (POOLS) {
      return POOLS.size();
    }
  }

  @Override
  public <R> R run(Action<R, Connection, SQLException> action)
      throws SQLException, InterruptedException {
    return shared.pool.run(action);
  }

  @Override
  public <R> R run(Action<R, Connection, SQLException> action, boolean retry)
      throws SQLException, InterruptedException {
    return shared.pool.run(action, retry);
  }

  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      synchronized (POOLS) {
        if (--shared.leases == 0) {
          POOLS.remove(key);
          shared.pool.close();
        }
      }
    }
    super.close();
  }
}
