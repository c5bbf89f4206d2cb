package io.lakestream.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.lakestream.api.config.LakeConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeCatalogTest {

  @TempDir Path dir;

  @Test
  void sqlitePropertiesAreCompleteAndAbsolute() {
    LakeConfig lake =
        new LakeConfig("data/lake/", "jdbc:sqlite:data/catalog.db", Map.of("clients", "4"));

    Map<String, String> props = LakeCatalog.catalogProperties(lake);

    String cwd = Path.of("").toAbsolutePath().toString();
    assertThat(props)
        .containsExactly(
            entry("uri", "jdbc:sqlite:" + cwd + "/data/catalog.db"),
            entry("warehouse", "file://" + cwd + "/data/lake"),
            entry("jdbc.schema-version", "V1"),
            entry("jdbc.journal_mode", "WAL"),
            entry("jdbc.busy_timeout", "30000"),
            entry("clients", "4"));
  }

  @Test
  void userPropertiesWinAndOtherDatabasesGetNoSqliteSettings() {
    LakeConfig lake =
        new LakeConfig(
            "s3://bucket/lake",
            "jdbc:postgresql://db:5432/lake",
            Map.of("jdbc.user", "lake", "jdbc.schema-version", "V0"));

    Map<String, String> props = LakeCatalog.catalogProperties(lake);

    assertThat(props)
        .containsEntry("uri", "jdbc:postgresql://db:5432/lake")
        .containsEntry("warehouse", "s3://bucket/lake")
        .containsEntry("jdbc.schema-version", "V0")
        .containsEntry("jdbc.user", "lake")
        .doesNotContainKeys("jdbc.journal_mode", "jdbc.busy_timeout");
  }

  @Test
  void fileUriWarehouseAndSqliteQueryAreKept() {
    LakeConfig lake =
        new LakeConfig("file:///srv/lake", "jdbc:sqlite:/srv/c.db?foreign_keys=on", Map.of());

    Map<String, String> props = LakeCatalog.catalogProperties(lake);

    assertThat(props)
        .containsEntry("warehouse", "file:///srv/lake")
        .containsEntry("uri", "jdbc:sqlite:/srv/c.db?foreign_keys=on");
  }

  @Test
  void openCreatesFoldersAndUsesWal() throws Exception {
    LakeConfig lake = TestLake.lakeConfig(dir);

    try (LakeCatalog catalog = LakeCatalog.open(lake)) {
      LakeTables.ensure(catalog.catalog(), TestLake.pipeline(lake, "sensors"));
    }

    assertThat(dir.resolve("catalog/catalog.db")).isRegularFile();
    assertThat(dir.resolve("lake")).isDirectory();
    // The journal mode is stored in the database file: its header says WAL (bytes 18/19 = 2).
    byte[] header = Files.readAllBytes(dir.resolve("catalog/catalog.db"));
    assertThat(header[18]).isEqualTo((byte) 2);
    assertThat(header[19]).isEqualTo((byte) 2);
  }

  @Test
  void secondCatalogOnTheSameFileSeesTablesAndCommits() {
    LakeConfig lake = TestLake.lakeConfig(dir);
    try (LakeCatalog first = LakeCatalog.open(lake);
        LakeCatalog second = LakeCatalog.open(lake)) {
      LakeTables.ensure(first.catalog(), TestLake.pipeline(lake, "sensors"));

      assertThat(second.catalog().tableExists(LakeSchemas.rawTable("sensors"))).isTrue();
      assertThat(second.catalog().tableExists(LakeSchemas.ERRORS_TABLE)).isTrue();

      Table table = first.catalog().loadTable(LakeSchemas.rawTable("sensors"));
      TestLake.append(
          table,
          List.of(
              TestLake.raw(
                  "e1", "sensors", "d1", "2026-01-01T10:00:00Z", "2026-01-01T10:00:01Z", "{}")));

      Table seen = second.catalog().loadTable(LakeSchemas.rawTable("sensors"));
      assertThat(seen.currentSnapshot()).isNotNull();
      assertThat(seen.currentSnapshot().snapshotId())
          .isEqualTo(table.currentSnapshot().snapshotId());
    }
  }

  @Test
  void flinkStyleLoaderFromThePropertyMapSeesTheTables() throws Exception {
    LakeConfig lake = TestLake.lakeConfig(dir);
    try (LakeCatalog catalog = LakeCatalog.open(lake)) {
      LakeTables.ensure(catalog.catalog(), TestLake.pipeline(lake, "sensors"));
    }

    CatalogLoader loader =
        CatalogLoader.custom(
            LakeCatalog.NAME,
            LakeCatalog.catalogProperties(lake),
            LakeCatalog.hadoopConf(),
            JdbcCatalog.class.getName());
    // The job ships the loader to task managers: it must survive Java serialization.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(loader);
    }
    CatalogLoader shipped;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      shipped = (CatalogLoader) in.readObject();
    }

    Catalog loaded = shipped.loadCatalog();
    try {
      assertThat(loaded.tableExists(LakeSchemas.rawTable("sensors"))).isTrue();
    } finally {
      ((AutoCloseable) loaded).close();
    }
  }

  @Test
  void concurrentCommittersOnOneSqliteFileDoNotLoseCommits() throws Exception {
    LakeConfig lake = TestLake.lakeConfig(dir);
    // One committer per table, as the job has (one per sink), all sharing the SQLite file.
    String[] sources = {"sensors", "clicks", "orders", "logs"};
    int committers = sources.length;
    int commitsEach = 5;
    try (LakeCatalog setup = LakeCatalog.open(lake)) {
      LakeTables.ensure(setup.catalog(), TestLake.pipeline(lake, sources));
    }

    List<LakeCatalog> catalogs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(committers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < committers; c++) {
        // Two separate catalogs (as two processes would have), each used by two threads.
        if (c < 2) {
          catalogs.add(LakeCatalog.open(lake));
        }
        Catalog catalog = catalogs.get(c % 2).catalog();
        String source = sources[c];
        int committer = c;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < commitsEach; i++) {
                    Table t = catalog.loadTable(LakeSchemas.rawTable(source));
                    TestLake.append(
                        t,
                        List.of(
                            TestLake.raw(
                                "e-" + committer + "-" + i,
                                source,
                                "d" + committer,
                                "2026-01-01T10:00:00Z",
                                "2026-01-01T10:00:01Z",
                                "{}")));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      catalogs.forEach(LakeCatalog::close);
    }

    try (LakeCatalog check = LakeCatalog.open(lake);
        SqlEngine sql = SqlEngine.open(check.catalog())) {
      for (String source : sources) {
        QueryResult r = sql.query("SELECT count(*) AS n FROM raw." + source);
        assertThat(r.rows()).as(source).containsExactly(List.of((long) commitsEach));
        Table t = check.catalog().loadTable(LakeSchemas.rawTable(source));
        assertThat(t.snapshots()).as(source).hasSize(commitsEach);
      }
    }
  }

  @Test
  void hadoopPrefixedPropertiesBecomeHadoopSettings() {
    LakeConfig lake =
        new LakeConfig(
            "hdfs://lake-nn/warehouse",
            "jdbc:postgresql://db:5432/lake",
            Map.of(
                "hadoop.dfs.nameservices", "lake-nn",
                "hadoop.fs.s3a.path.style.access", "true",
                "jdbc.user", "lake"));

    var conf = LakeCatalog.hadoopConf(lake);

    assertThat(conf.get("dfs.nameservices")).isEqualTo("lake-nn");
    assertThat(conf.get("fs.s3a.path.style.access")).isEqualTo("true");
    assertThat(conf.get("fs.defaultFS")).isEqualTo("file:///");
    assertThat(conf.get("jdbc.user")).isNull();
    assertThat(conf.get("user")).isNull();
  }
}
