package io.lakestream.lake;

import java.sql.Driver;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Iceberg's JDBC catalog, first registering the JDBC drivers that come with this class, on
 * connections shared by every catalog of the same settings in this JVM.
 *
 * <p>{@code DriverManager} hands a connection only from a driver its caller's class loader can see,
 * and registers the drivers it finds once per JVM. On a Flink cluster the drivers come in the job
 * jar, whose class loader is new for every job (and every restart of a job): the drivers the
 * previous one registered are invisible to it, and {@code DriverManager} would answer "No suitable
 * driver". Loading each {@code java.sql.Driver} service of this class's loader makes the driver
 * classes of this loader register themselves.
 */
public class LakeJdbcCatalog extends JdbcCatalog {

  /**
   * For Iceberg's {@code CatalogUtil.loadCatalog}. The catalog's connections come from this JVM's
   * pool for its settings ({@link SharedJdbcClientPool}).
   */
  public LakeJdbcCatalog() {
    super(null, SharedJdbcClientPool::lease, true);
  }

  @Override
  public void initialize(String name, Map<String, String> properties) {
    registerDrivers();
    super.initialize(name, properties);
  }

  /** Loads (and so registers) the JDBC drivers this class's class loader provides. */
  static void registerDrivers() {
    Iterator<Driver> drivers =
        ServiceLoader.load(Driver.class, LakeJdbcCatalog.class.getClassLoader()).iterator();
    while (true) {
      try {
        if (!drivers.hasNext()) {
          return;
        }
        drivers.next();
      } catch (ServiceConfigurationError e) {
        // a driver that cannot load here (e.g. a missing native part) is one the catalog cannot
        // use anyway; DriverManager reports the URL it was meant for
      }
    }
  }
}
