package io.lakestream.jobs.maintain;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.TableLoader;

/**
 * A {@link TableLoader} over a live {@link Catalog} instance of this JVM.
 *
 * <p>The one-shot {@link LakeMaintenance#run} gets a ready catalog, not a recipe to rebuild one,
 * yet Iceberg's Flink maintenance operators want a serializable {@link TableLoader}. Since the
 * one-shot run executes its Flink job in a local environment, in this very JVM, the loader only
 * carries a key into a registry of catalogs; it must not be shipped to a remote cluster.
 */
final class LiveCatalogTableLoader implements TableLoader {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Catalog> CATALOGS = new ConcurrentHashMap<>();

  private final String key;
  // TableIdentifier (through Namespace) is not Serializable
  private final String[] namespace;
  private final String name;
  private transient Catalog catalog;

  private LiveCatalogTableLoader(String key, TableIdentifier table) {
    this.key = key;
    this.namespace = table.namespace().levels();
    this.name = table.name();
  }

  private TableIdentifier table() {
    return TableIdentifier.of(Namespace.of(namespace), name);
  }

  /** Registers a catalog; pass the key to {@link #of} and finally to {@link #unregister}. */
  static String register(Catalog catalog) {
    String key = UUID.randomUUID().toString();
    CATALOGS.put(key, catalog);
    return key;
  }

  static void unregister(String key) {
    CATALOGS.remove(key);
  }

  static LiveCatalogTableLoader of(String key, TableIdentifier table) {
    return new LiveCatalogTableLoader(key, table);
  }

  @Override
  public void open() {
    Catalog found = CATALOGS.get(key);
    if (found == null) {
      throw new IllegalStateException(
          "Catalog " + key + " is not registered in this JVM (the loader only works locally)");
    }
    this.catalog = found;
  }

  @Override
  public boolean isOpen() {
    return catalog != null;
  }

  @Override
  public Table loadTable() {
    if (catalog == null) {
      open();
    }
    return catalog.loadTable(table());
  }

  @Override
  @SuppressWarnings({"MethodDoesntCallSuperMethod", "checkstyle:NoClone"})
  public TableLoader clone() {
    return new LiveCatalogTableLoader(key, table());
  }

  /** Forgets the catalog; the catalog itself belongs to the caller and stays open. */
  @Override
  public void close() {
    this.catalog = null;
  }

  @Override
  public String toString() {
    return "LiveCatalogTableLoader{" + table() + "}";
  }
}
