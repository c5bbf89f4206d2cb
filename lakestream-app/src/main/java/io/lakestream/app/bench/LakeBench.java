package io.lakestream.app.bench;

import io.lakestream.api.config.LakeConfig;
import io.lakestream.jobs.maintain.LakeMaintenance;
import io.lakestream.jobs.maintain.LockSettings;
import io.lakestream.jobs.maintain.MaintenanceConfig;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeInventory;
import io.lakestream.lake.QueryOptions;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.SqlEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * {@code bench --lake}: queries over a curated table of many rows, laid out as the streaming job
 * lays it out (one small file per day partition per commit), each query checked against answers
 * computed while the rows were generated.
 */
public final class LakeBench {

  /** First day of the generated readings. */
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  static final int DAYS = 30;
  static final int DEVICES = 1_000;

  private static final TableIdentifier TABLE = TableIdentifier.of("curated", "sensors");

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "event_id", Types.StringType.get()),
          Types.NestedField.required(2, "event_time", Types.TimestampType.withZone()),
          Types.NestedField.required(3, "ingest_time", Types.TimestampType.withZone()),
          Types.NestedField.optional(4, "schema_version", Types.IntegerType.get()),
          Types.NestedField.optional(5, "device_id", Types.StringType.get()),
          Types.NestedField.optional(6, "site", Types.StringType.get()),
          Types.NestedField.optional(7, "temperature", Types.DoubleType.get()),
          Types.NestedField.optional(8, "humidity", Types.DoubleType.get()),
          Types.NestedField.optional(9, "firmware", Types.StringType.get()));

  private final PrintStream out;

  public LakeBench(PrintStream out) {
    this.out = out;
  }

  /** What generation knows about the rows, to check the queries' answers. */
  record Expected(long rows, long[] perDay, double[] peakPerDevice) {}

  /**
   * Builds the table, then runs each query {@code runs} times and prints medians.
   *
   * @param commits how many commits the rows arrive in (each writes one file per day it touches)
   * @return whether every answer was right and every median query ran within one second
   */
  public boolean run(Path dir, long rows, int commits, int runs) {
    LakeConfig cfg =
        new LakeConfig(
            dir.resolve("warehouse").toString(),
            "jdbc:sqlite:" + dir.resolve("catalog.db"),
            Map.of());
    try (LakeCatalog lake = LakeCatalog.open(cfg)) {
      Catalog catalog = lake.catalog();
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("curated"));
      Table table =
          catalog.createTable(
              TABLE,
              SCHEMA,
              PartitionSpec.builderFor(SCHEMA).day("event_time").build(),
              Map.of("write.parquet.compression-codec", "zstd"));
      long t0 = System.nanoTime();
      Expected expected = generate(table, rows, commits);
      double secs = (System.nanoTime() - t0) / 1e9;
      table.refresh();
      long files = LakeInventory.describe(catalog, TABLE).dataFiles();
      out.printf(
          Locale.ROOT,
          "bench --lake: %,d rows in %,d data files (%,d commits over %d days, %,d devices),"
              + " written in %.1f s%n",
          rows,
          files,
          commits,
          DAYS,
          DEVICES,
          secs);
      boolean ok = queries(catalog, expected, runs);

      // The same queries after compaction, as lake.maintenance would leave the table.
      long c0 = System.nanoTime();
      LakeMaintenance.Report report =
          new LakeMaintenance()
              .run(
                  catalog,
                  List.of(TABLE),
                  MaintenanceConfig.defaults(),
                  LockSettings.sqlite(dir.resolve("maintenance-lock.db"), "bench"),
                  LakeMaintenance.Progress.none());
      LakeMaintenance.TableReport t = report.table(TABLE);
      out.printf(
          Locale.ROOT,
          "compaction: data files %,d -> %,d, manifests %,d -> %,d, in %.1f s%n",
          t.dataFilesBefore(),
          t.dataFilesAfter(),
          t.manifestsBefore(),
          t.manifestsAfter(),
          (System.nanoTime() - c0) / 1e9);
      ok &= queries(catalog, expected, runs);
      return ok;
    }
  }

  private boolean queries(Catalog catalog, Expected expected, int runs) {
    boolean ok = true;
    int day = 14;
    Instant from = START.plus(Duration.ofDays(day));
    String aggregate =
        "SELECT device_id, time_bucket(INTERVAL 1 hour, event_time) AS hour, count(*) AS n,"
            + " avg(temperature) AS avg_t FROM curated.sensors GROUP BY 1, 2"
            + " ORDER BY hour DESC, device_id LIMIT 1000";
    String oneDay =
        "SELECT count(*) FROM curated.sensors WHERE event_time >= TIMESTAMPTZ '"
            + OffsetDateTime.ofInstant(from, ZoneOffset.UTC)
            + "' AND event_time < TIMESTAMPTZ '"
            + OffsetDateTime.ofInstant(from.plus(Duration.ofDays(1)), ZoneOffset.UTC)
            + "'";
    String topN =
        "SELECT device_id, max(temperature) AS peak FROM curated.sensors"
            + " GROUP BY device_id ORDER BY peak DESC, device_id LIMIT 10";
    try (SqlEngine sql = SqlEngine.open(catalog)) {
      QueryOptions options = QueryOptions.defaults().withTimeout(Duration.ofMinutes(5));
      ok &=
          time(
              "aggregate by key and hour",
              runs,
              () -> {
                QueryResult r = sql.query(aggregate, options);
                long n = 0;
                for (List<Object> row : r.rows()) {
                  n += ((Number) row.get(2)).longValue();
                }
                return r.rows().size() == 1000 && n > 0 ? 1 : -1;
              });
      ok &=
          time(
              "one-day filtered count",
              runs,
              () -> {
                QueryResult r = sql.query(oneDay, options);
                long n = ((Number) r.rows().get(0).get(0)).longValue();
                if (n != expected.perDay()[day]) {
                  out.printf("  WRONG: one-day count %d, expected %d%n", n, expected.perDay()[day]);
                  return -1;
                }
                return r.filesScanned().getOrDefault("curated.sensors", -1);
              });
      ok &=
          time(
              "top 10 devices by peak temperature",
              runs,
              () -> {
                QueryResult r = sql.query(topN, options);
                double[] peaks = expected.peakPerDevice().clone();
                Arrays.sort(peaks);
                double best = peaks[peaks.length - 1];
                double got = ((Number) r.rows().get(0).get(1)).doubleValue();
                if (r.rows().size() != 10 || got != best) {
                  out.printf("  WRONG: top peak %s, expected %s%n", got, best);
                  return -1;
                }
                return 1;
              });
    }
    return ok;
  }

  /** Runs a query runs+1 times (the first warms up), prints the median and the maximum. */
  private boolean time(String what, int runs, LongSupplier query) {
    long check = query.getAsLong();
    if (check < 0) {
      return false;
    }
    long[] ms = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      if (query.getAsLong() < 0) {
        return false;
      }
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    long median = sorted[runs / 2];
    out.printf(
        Locale.ROOT,
        "  %-36s median %,5d ms, max %,5d ms (%d runs: %s)%s%n",
        what,
        median,
        sorted[runs - 1],
        runs,
        Arrays.toString(ms),
        what.startsWith("one-day") ? ", files scanned " + check : "");
    return median <= 1000;
  }

  private static Expected generate(Table table, long rows, int commits) {
    long[] perDay = new long[DAYS];
    double[] peak = new double[DEVICES];
    Arrays.fill(peak, Double.NEGATIVE_INFINITY);
    long perCommit = (rows + commits - 1) / commits;
    long spanMicros = Duration.ofDays(DAYS).toNanos() / 1000;
    InternalRecordWrapper internal = new InternalRecordWrapper(SCHEMA.asStruct());
    PartitionKey key = new PartitionKey(table.spec(), SCHEMA);
    long n = 0;
    for (int c = 0; c < commits && n < rows; c++) {
      // One commit: readings spread over every day, as a backlog replayed by the job would be.
      List<List<Record>> byDay = new ArrayList<>();
      for (int d = 0; d < DAYS; d++) {
        byDay.add(new ArrayList<>());
      }
      for (long i = 0; i < perCommit && n < rows; i++, n++) {
        long micros = Math.floorMod(n * 7_919_213L, spanMicros);
        int day = (int) (micros / 86_400_000_000L);
        int device = (int) (n % DEVICES);
        double temperature = 15 + ((n * 31) % 2000) / 100.0;
        OffsetDateTime at =
            OffsetDateTime.ofInstant(START.plusNanos(micros * 1000), ZoneOffset.UTC);
        GenericRecord r = GenericRecord.create(SCHEMA);
        r.set(0, "e-" + n);
        r.set(1, at);
        r.set(2, at);
        r.set(3, 1);
        r.set(4, "dev-" + device);
        r.set(5, "site-" + (device % 20));
        r.set(6, temperature);
        r.set(7, 30.0 + (n % 50));
        r.set(8, "2.4." + (device % 3));
        byDay.get(day).add(r);
        perDay[day]++;
        peak[device] = Math.max(peak[device], temperature);
      }
      AppendFiles append = table.newAppend();
      for (List<Record> day : byDay) {
        if (!day.isEmpty()) {
          key.partition(internal.wrap(day.get(0)));
          append.appendFile(write(table, key, day));
        }
      }
      append.commit();
    }
    return new Expected(n, perDay, peak);
  }

  private static DataFile write(Table table, PartitionKey key, List<Record> records) {
    String location =
        table.locationProvider().newDataLocation(table.spec(), key, UUID.randomUUID() + ".parquet");
    OutputFile file = table.io().newOutputFile(location);
    try {
      DataWriter<Record> writer =
          Parquet.writeData(file)
              .schema(table.schema())
              .setAll(table.properties())
              .createWriterFunc(GenericParquetWriter::create)
              .withSpec(table.spec())
              .withPartition(key.copy())
              .overwrite()
              .build();
      try (writer) {
        records.forEach(writer::write);
      }
      return writer.toDataFile();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
