package io.lakestream.flinkjob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The content of the job jar, {@code target/lakestream-job.jar} (made in the package phase, so this
 * test runs as an integration test): what Flink provides stays out, what the job needs is in, the
 * service files list the entries of every jar.
 */
class JobJarIT {

  static final Path JAR = Path.of("target", "lakestream-job.jar");

  static List<String> entries;

  @BeforeAll
  static void read() throws IOException {
    assertThat(JAR).as("built by the package phase").isRegularFile();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = jar.stream().map(ZipEntry::getName).toList();
    }
  }

  private static String text(String entry) throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      ZipEntry e = jar.getEntry(entry);
      assertThat(e).as(entry).isNotNull();
      try (InputStream in = jar.getInputStream(e)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  /** The non-comment lines of a service file. */
  private static List<String> services(String type) throws IOException {
    return Arrays.stream(text("META-INF/services/" + type).split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  @Test
  void nothingFlinkProvides() {
    for (String provided :
        List.of(
            "org/apache/flink/runtime/",
            "org/apache/flink/streaming/api/",
            "org/apache/flink/api/common/",
            "org/apache/flink/configuration/",
            "org/apache/flink/connector/base/",
            "org/apache/flink/table/api/Table.class",
            "org/apache/flink/table/data/",
            "org/apache/flink/client/",
            "org/slf4j/",
            "org/apache/logging/log4j/")) {
      assertThat(entries).as(provided).noneMatch(e -> e.startsWith(provided));
    }
  }

  @Test
  void theJobAndWhatItNeeds() {
    assertThat(entries)
        .contains(
            "io/lakestream/jobs/deploy/LakestreamJob.class",
            "io/lakestream/jobs/PipelineJob.class",
            "io/lakestream/lake/LakeJdbcCatalog.class",
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/kafka/clients/consumer/KafkaConsumer.class",
            "org/apache/iceberg/flink/sink/IcebergSink.class",
            "org/apache/iceberg/jdbc/JdbcCatalog.class",
            "org/apache/hadoop/fs/FileSystem.class",
            "org/postgresql/Driver.class",
            "org/sqlite/JDBC.class",
            "com/networknt/schema/Schema.class");
  }

  @Test
  void leftOutWhatTheJobNeverUses() {
    assertThat(entries)
        .as("Javalin and Jetty (the registry's REST API), DuckDB (SQL queries)")
        .noneMatch(e -> e.startsWith("io/javalin/"))
        .noneMatch(e -> e.startsWith("org/eclipse/jetty/"))
        .noneMatch(e -> e.startsWith("org/duckdb/"));
  }

  @Test
  void noSignatures() {
    assertThat(entries).noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
  }

  @Test
  void servicesFilesAreMerged() throws IOException {
    assertThat(services("org.apache.flink.table.factories.Factory"))
        .contains(
            "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
            "org.apache.iceberg.flink.FlinkDynamicTableFactory",
            "org.apache.iceberg.flink.FlinkCatalogFactory");
    assertThat(services("java.sql.Driver")).contains("org.sqlite.JDBC", "org.postgresql.Driver");
    assertThat(services("org.apache.hadoop.fs.FileSystem"))
        .contains("org.apache.hadoop.fs.LocalFileSystem");
  }

  @Test
  void mainClassIsTheJob() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Manifest m = jar.getManifest();
      assertThat(m.getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.lakestream.jobs.deploy.LakestreamJob");
    }
    assertThat(Files.size(JAR)).as("size").isLessThan(200L * 1024 * 1024);
  }
}
