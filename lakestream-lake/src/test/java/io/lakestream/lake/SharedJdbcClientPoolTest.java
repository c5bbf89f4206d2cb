package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.LakeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalogs of the same settings in one JVM share one connection pool, closed with the last. */
class SharedJdbcClientPoolTest {

  @TempDir Path dir;

  private CatalogLoader loader(String db) {
    LakeConfig lake =
        new LakeConfig(
            dir.resolve("warehouse").toString(), "jdbc:sqlite:" + dir.resolve(db), Map.of());
    return CatalogLoader.custom(
        LakeCatalog.NAME,
        LakeCatalog.catalogProperties(lake),
        LakeCatalog.hadoopConf(),
        LakeCatalog.CATALOG_IMPL);
  }

  @Test
  void catalogsOfTheSameSettingsShareOnePoolUntilTheLastCloses() throws Exception {
    int before = SharedJdbcClientPool.openPools();
    CatalogLoader a = loader("a.db");
    List<Catalog> catalogs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      catalogs.add(a.clone().loadCatalog());
    }
    Catalog other = loader("b.db").loadCatalog();
    assertThat(SharedJdbcClientPool.openPools()).isEqualTo(before + 2);

    // Every catalog works on the shared connections, and sees what another one did.
    ((SupportsNamespaces) catalogs.get(0)).createNamespace(Namespace.of("curated"));
    catalogs
        .get(1)
        .createTable(
            TableIdentifier.of("curated", "t"),
            new Schema(Types.NestedField.required(1, "id", Types.StringType.get())));
    assertThat(catalogs.get(19).tableExists(TableIdentifier.of("curated", "t"))).isTrue();
    assertThat(other.tableExists(TableIdentifier.of("curated", "t"))).isFalse();

    // Closing all but one keeps the pool; closing twice counts once.
    for (int i = 0; i < 19; i++) {
      ((AutoCloseable) catalogs.get(i)).close();
      ((AutoCloseable) catalogs.get(i)).close();
    }
    assertThat(SharedJdbcClientPool.openPools()).isEqualTo(before + 2);
    assertThat(catalogs.get(19).loadTable(TableIdentifier.of("curated", "t")).schema().columns())
        .hasSize(1);
    ((AutoCloseable) catalogs.get(19)).close();
    ((AutoCloseable) other).close();
    assertThat(SharedJdbcClientPool.openPools()).isEqualTo(before);

    // A new catalog after that opens a new pool.
    Catalog again = a.loadCatalog();
    assertThat(again.tableExists(TableIdentifier.of("curated", "t"))).isTrue();
    ((AutoCloseable) again).close();
    assertThat(SharedJdbcClientPool.openPools()).isEqualTo(before);
  }
}
