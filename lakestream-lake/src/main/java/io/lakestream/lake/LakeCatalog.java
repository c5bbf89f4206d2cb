package io.lakestream.lake;

import io.lakestream.api.config.LakeConfig;
import io.lakestream.lake.internal.Locations;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * The Iceberg JDBC catalog of a pipeline's lake, opened from its {@link LakeConfig}.
 *
 * <p>The Flink job does not open this class; it builds its own catalog from {@link
 * #catalogProperties} and {@link #hadoopConf}, so everything a catalog needs (including the SQLite
 * settings that make several committers safe) lives in that property map:
 *
 * <pre>{@code
 * CatalogLoader.custom(LakeCatalog.NAME, LakeCatalog.catalogProperties(cfg.lake()),
 *     LakeCatalog.hadoopConf(cfg.lake()), LakeCatalog.CATALOG_IMPL);
 * }</pre>
 */
public final class LakeCatalog implements AutoCloseable {

  /** Catalog name; the JDBC catalog keys its rows by it, so every user must agree on it. */
  public static final String NAME = "lakestream";

  /**
   * How long a SQLite connection waits for a lock held by another committer before failing. Flink
   * commits, the CLI and a second process share one file; commits are short, so waiting is right.
   */
  public static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;

  /**
   * The catalog class: Iceberg's JDBC catalog, registering the JDBC drivers of its own class loader
   * first (a Flink job's class loader is new for every job).
   */
  public static final String CATALOG_IMPL = LakeJdbcCatalog.class.getName();

  private final Catalog catalog;

  private LakeCatalog(Catalog catalog) {
    this.catalog = catalog;
  }

  /**
   * The local SQLite file holding the catalog, when the catalog is one (empty for other catalogs,
   * in-memory databases and {@code file:} URIs, which the driver resolves itself).
   */
  public static java.util.Optional<Path> localCatalogFile(LakeConfig lake) {
    return Locations.sqliteFile(catalogProperties(lake).get(CatalogProperties.URI));
  }

  /**
   * Opens the catalog, creating the folders of a local SQLite file and of a local warehouse first.
   *
   * @throws IllegalStateException when the catalog cannot be opened
   */
  public static LakeCatalog open(LakeConfig lake) {
    Map<String, String> props = catalogProperties(lake);
    Locations.sqliteFile(props.get(CatalogProperties.URI))
        .map(Path::getParent)
        .ifPresent(LakeCatalog::createDirectories);
    Locations.warehouseDir(props.get(CatalogProperties.WAREHOUSE_LOCATION))
        .ifPresent(LakeCatalog::createDirectories);
    try {
      return new LakeCatalog(CatalogUtil.loadCatalog(CATALOG_IMPL, NAME, props, hadoopConf(lake)));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot open the Iceberg catalog at "
              + redact(props.get(CatalogProperties.URI))
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The Iceberg catalog; closed with this object. */
  public Catalog catalog() {
    return catalog;
  }

  /**
   * The complete Iceberg catalog properties of a lake: {@code uri}, {@code warehouse}, the JDBC
   * catalog schema version and, for SQLite, WAL journaling and a busy timeout; then {@link
   * LakeConfig#catalogProperties()}, which override anything computed here.
   *
   * <p>Relative local paths (the SQLite file, the warehouse) are made absolute so that every
   * process resolves them alike.
   */
  public static Map<String, String> catalogProperties(LakeConfig lake) {
    Map<String, String> props = new LinkedHashMap<>();
    String uri = Locations.catalogUri(lake.catalogUri());
    props.put(CatalogProperties.URI, uri);
    props.put(CatalogProperties.WAREHOUSE_LOCATION, Locations.warehouse(lake.warehouse()));
    // V1 adds view support; without it the JDBC catalog logs a warning on every start.
    props.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
    if (Locations.isSqlite(uri)) {
      // Iceberg passes "jdbc."-prefixed properties to DriverManager.getConnection, and the SQLite
      // driver applies them as pragmas on every connection. WAL lets readers (the CLI, another
      // process) proceed while a commit writes; the busy timeout makes concurrent committers wait
      // for each other instead of failing with SQLITE_BUSY.
      props.put(JdbcCatalog.PROPERTY_PREFIX + "journal_mode", "WAL");
      props.put(
          JdbcCatalog.PROPERTY_PREFIX + "busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
    }
    props.putAll(lake.catalogProperties());
    return Collections.unmodifiableMap(props);
  }

  /**
   * A Hadoop configuration for a local warehouse: the default file system is the local one, so a
   * stray {@code core-site.xml} on the class path cannot send scheme-less paths elsewhere. Object
   * stores are reached through their URI scheme.
   */
  public static Configuration hadoopConf() {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    return conf;
  }

  /** Prefix of the {@code lake.catalog_properties} that are Hadoop settings. */
  public static final String HADOOP_PREFIX = "hadoop.";

  /**
   * The Hadoop configuration of a lake: {@link #hadoopConf()} with every {@code
   * lake.catalog_properties} entry named {@code hadoop.<key>} set as {@code <key>} — how an HDFS
   * name service or S3A endpoint and credentials reach Iceberg's {@code HadoopFileIO} in every
   * process, TaskManagers included (the configuration travels with the job).
   */
  public static Configuration hadoopConf(LakeConfig lake) {
    Configuration conf = hadoopConf();
    lake.catalogProperties()
        .forEach(
            (k, v) -> {
              if (k.startsWith(HADOOP_PREFIX) && k.length() > HADOOP_PREFIX.length()) {
                conf.set(k.substring(HADOOP_PREFIX.length()), v);
              }
            });
    return conf;
  }

  @Override
  public void close() {
    if (catalog instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the Iceberg catalog", e);
      }
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create folder " + dir, e);
    }
  }

  // JDBC URIs may carry credentials (user:password@, ?password=); keep them out of messages.
  private static String redact(String uri) {
    return Optional.ofNullable(uri)
        .map(u -> u.replaceFirst("//[^/@?]*@", "//***@").replaceFirst("\\?.*", "?..."))
        .orElse("(none)");
  }
}
