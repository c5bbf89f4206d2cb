package io.lakestream.export;

import io.lakestream.source.cdc.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * Prints the export's throughput: writes {@code rows} events (default 1,000,000) as {@code files}
 * Parquet files (default 10) into a fresh lake, starts a real PostgreSQL and exports them once. Not
 * a test; run it from the test class path:
 *
 * <pre>{@code
 * ./mvnw -o -q -pl lakestream-export test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     io.lakestream.export.ExportBenchmark 1000000 10
 * }</pre>
 */
public final class ExportBenchmark {

  private ExportBenchmark() {}

  /** Arguments: rows, files. */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory("lakestream-export-bench");
    try (TestLake lake = new TestLake(dir);
        PostgresServer pg = PostgresServer.start("replica")) {
      Table table = lake.create("curated.sensors", PostgresExportIT.EVENTS);
      long writeStart = System.nanoTime();
      int perFile = rows / files;
      var append = table.newAppend();
      for (int f = 0; f < files; f++) {
        int from = f * perFile;
        int count = f == files - 1 ? rows - from : perFile;
        List<Record> records =
            IntStream.range(from, from + count).mapToObj(PostgresExportIT::event).toList();
        append.appendFile(TestLake.write(table, records));
      }
      append.commit();
      System.out.printf(
          "wrote %,d rows in %d Parquet files in %.1f s%n",
          rows, files, (System.nanoTime() - writeStart) / 1e9);
      String db = pg.createDatabase("bench");
      PostgresExport export =
          new PostgresExport(
              ExportConfig.of(
                  "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db,
                  "postgres",
                  "",
                  List.of(TableSpec.of("curated.sensors"))));
      ExportResult result = export.export(lake.catalog);
      System.out.printf(
          "exported %,d rows (%,d new) from %d files in %.2f s: %,.0f rows/s%n",
          result.rowsRead(),
          result.rowsInserted(),
          result.files(),
          result.elapsed().toNanos() / 1e9,
          result.rowsPerSecond());
      System.out.println(
          "PostgreSQL holds " + pg.psql(db, "SELECT count(*) FROM lakestream.curated_sensors"));
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
