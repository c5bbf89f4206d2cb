package io.lakestream.jobs.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.jobs.maintain.LakeMaintenance.Report;
import io.lakestream.jobs.maintain.LakeMaintenance.Step;
import io.lakestream.jobs.maintain.LakeMaintenance.TableReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LakeMaintenanceTest {
  private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenanceTest.class);
  private static final long TEN_DAYS_MS = Duration.ofDays(10).toMillis();

  @TempDir Path dir;
  private TestLake lake;

  @BeforeEach
  void setUp() {
    lake = new TestLake(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  /** 200 files of 10 rows over 4 days, one snapshot each. */
  private static void smallFiles(Table table, int files) {
    for (int f = 0; f < files; f++) {
      TestLake.append(table, f * 10L, 10, f % 4);
    }
  }

  private static TableIdentifier id(Table table) {
    return TableIdentifier.parse(table.name().substring(table.name().indexOf('.') + 1));
  }

  private static void log(String what, TableReport r) {
    LOG.info(
        "{}: files {} -> {}, bytes {} -> {}, manifests {} -> {}, snapshots expired {},"
            + " expiry deleted {}, orphans deleted {}, steps {}, elapsed {} ms",
        what,
        r.dataFilesBefore(),
        r.dataFilesAfter(),
        r.bytesBefore(),
        r.bytesAfter(),
        r.manifestsBefore(),
        r.manifestsAfter(),
        r.snapshotsExpired(),
        r.expiredFilesDeleted(),
        r.orphanFilesDeleted(),
        r.stepsRun(),
        r.elapsed().toMillis());
  }

  @Test
  void compactionKeepsEveryRowWithFarFewerFiles() {
    Table table = lake.create("events");
    // one manifest per commit, as a streaming writer without manifest merging leaves them
    table.updateProperties().set("commit.manifest-merge.enabled", "false").commit();
    smallFiles(table, 200);
    List<String> before = TestLake.rows(table);
    assertThat(before).hasSize(2000);

    List<String> progress = new CopyOnWriteArrayList<>();
    Report report =
        new LakeMaintenance()
            .run(
                lake.catalog,
                List.of(id(table)),
                MaintenanceConfig.defaults(),
                (t, step, done, total) -> progress.add(step + " " + done + "/" + total));

    TableReport r = report.tables().get(0);
    log("compaction", r);
    assertThat(TestLake.rows(table)).containsExactlyInAnyOrderElementsOf(before);
    assertThat(r.dataFilesBefore()).isEqualTo(200);
    assertThat(r.dataFilesAfter()).isEqualTo(4); // one per day partition
    assertThat(r.stepsRun()).contains(Step.COMPACT, Step.REWRITE_MANIFESTS);
    assertThat(r.manifestsBefore()).isEqualTo(200);
    assertThat(r.manifestsAfter()).isEqualTo(1);
    assertThat(table.currentSnapshot().operation()).isIn(DataOperations.REPLACE);
    assertThat(progress)
        .containsExactly(
            "COMPACT 0/4",
            "COMPACT 1/4",
            "REWRITE_MANIFESTS 2/4",
            "EXPIRE_SNAPSHOTS 3/4",
            "DELETE_ORPHANS 4/4");
  }

  @Test
  void appendsContinueWhileCompactionRuns() throws Exception {
    Table table = lake.create("busy");
    smallFiles(table, 200);
    List<String> expected = new ArrayList<>(TestLake.rows(table));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger commits = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<String> appended = Collections.synchronizedList(new ArrayList<>());
    Thread writer =
        new Thread(
            () -> {
              Table own = lake.catalog.loadTable(id(table));
              long next = 1_000_000;
              try {
                while (!stop.get()) {
                  DataFile file =
                      TestLake.writeFile(
                          own, List.of(TestLake.row(next, 1), TestLake.row(next + 1, 1)));
                  while (true) {
                    try {
                      own.newAppend().appendFile(file).commit();
                      break;
                    } catch (CommitFailedException e) {
                      retries.incrementAndGet();
                      own.refresh();
                    }
                  }
                  appended.addAll(List.of(rowString(next), rowString(next + 1)));
                  next += 2;
                  commits.incrementAndGet();
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "appender");
    writer.start();
    while (commits.get() < 3) {
      Thread.sleep(10);
    }
    int commitsAtStart = commits.get();
    Report report =
        new LakeMaintenance()
            .run(lake.catalog, List.of(id(table)), MaintenanceConfig.defaults(), null);
    int commitsDuring = commits.get() - commitsAtStart;
    Thread.sleep(200);
    stop.set(true);
    writer.join(30_000);
    assertThat(failure.get()).isNull();

    TableReport r = report.tables().get(0);
    log("compaction with concurrent appends", r);
    LOG.info("appends during the run: {}, append retries: {}", commitsDuring, retries.get());
    assertThat(commitsDuring).as("appends committed during the compaction").isPositive();
    table.refresh();
    assertThat(table.snapshots())
        .anySatisfy(s -> assertThat(s.operation()).isEqualTo(DataOperations.REPLACE));
    expected.addAll(appended);
    assertThat(TestLake.rows(table)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(TestLake.rows(table)).doesNotHaveDuplicates();
    // the 200 small files are gone from the live table, only the concurrent appends stay small
    assertThat(r.dataFilesAfter()).isLessThan(r.dataFilesBefore() / 4 + commits.get() + 4);
  }

  private static String rowString(long id) {
    var r = TestLake.row(id, 1);
    return r.getField("id")
        + "|"
        + r.getField("event_time")
        + "|"
        + r.getField("name")
        + "|"
        + r.getField("amount");
  }

  @Test
  void expiryDeletesExactlyTheFilesOnlyExpiredSnapshotsReferenced() throws Exception {
    Table table = lake.create("expiring");
    DataFile a = TestLake.append(table, 0, 5, 0);
    DataFile b = TestLake.append(table, 100, 5, 1);
    table.newDelete().deleteFile(a).commit();
    DataFile c = TestLake.append(table, 200, 5, 2);
    table.refresh();
    Snapshot current = table.currentSnapshot();
    Set<Path> kept = TestLake.referencedBy(table, current);
    Set<Path> everything = new HashSet<>();
    for (Snapshot s : table.snapshots()) {
      everything.addAll(TestLake.referencedBy(table, s));
    }
    everything.add(TestLake.local(a.location()).toAbsolutePath().normalize());
    Set<Path> onlyExpired = new HashSet<>(everything);
    onlyExpired.removeAll(kept);
    assertThat(onlyExpired).contains(TestLake.local(a.location()).toAbsolutePath().normalize());
    assertThat(onlyExpired).allSatisfy(p -> assertThat(p).exists());
    Thread.sleep(20);

    MaintenanceConfig cfg =
        MaintenanceConfig.defaults()
            .withMinInputFiles(1000)
            .withSnapshotRetention(Duration.ZERO, 1);
    TableReport r =
        new LakeMaintenance().run(lake.catalog, List.of(id(table)), cfg, null).tables().get(0);
    log("expiry", r);

    table.refresh();
    assertThat(table.snapshots())
        .extracting(Snapshot::snapshotId)
        .containsExactly(current.snapshotId());
    assertThat(r.snapshotsExpired()).isEqualTo(3);
    assertThat(r.stepsRun()).containsExactly(Step.EXPIRE_SNAPSHOTS);
    assertThat(onlyExpired).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(kept).allSatisfy(p -> assertThat(p).exists());
    assertThat(kept)
        .contains(
            TestLake.local(b.location()).toAbsolutePath().normalize(),
            TestLake.local(c.location()).toAbsolutePath().normalize());
    assertThat(r.expiredFilesDeleted()).isEqualTo(onlyExpired.size());
    assertThat(TestLake.rows(table)).hasSize(10);
  }

  @Test
  void orphanCleanupDeletesOnlyOldUnreferencedFiles() throws IOException {
    Table table = lake.create("orphans");
    for (int i = 0; i < 3; i++) {
      TestLake.append(table, i * 10L, 5, i);
    }
    table.refresh();
    // age every real file, so that only the references protect them
    long old = System.currentTimeMillis() - TEN_DAYS_MS;
    Set<Path> real = TestLake.filesOnDisk(table);
    for (Path p : real) {
      assertThat(p.toFile().setLastModified(old)).isTrue();
    }
    Path dataDir = TestLake.local(table.location()).resolve("data");
    Path oldOrphan = dataDir.resolve("event_time_day=2026-03-01/orphan-old.parquet");
    Path freshOrphan = dataDir.resolve("event_time_day=2026-03-01/orphan-fresh.parquet");
    Files.writeString(oldOrphan, "left over by a failed commit");
    Files.writeString(freshOrphan, "written by an in-flight commit");
    assertThat(oldOrphan.toFile().setLastModified(old)).isTrue();
    List<Path> moreOld = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Path p =
          dataDir.resolve("event_time_day=2026-03-0" + (1 + i % 3) + "/stale-" + i + ".parquet");
      Files.writeString(p, "stale " + i);
      assertThat(p.toFile().setLastModified(old)).isTrue();
      moreOld.add(p);
    }
    long snapshot = table.currentSnapshot().snapshotId();

    TableReport r =
        new LakeMaintenance()
            .run(lake.catalog, List.of(id(table)), MaintenanceConfig.defaults(), null)
            .tables()
            .get(0);
    log("orphans", r);

    assertThat(oldOrphan).doesNotExist();
    assertThat(moreOld).allSatisfy(p -> assertThat(p).doesNotExist());
    assertThat(freshOrphan).exists();
    assertThat(real).allSatisfy(p -> assertThat(p).exists());
    assertThat(r.orphanFilesDeleted()).isEqualTo(26);
    assertThat(r.stepsRun()).containsExactly(Step.DELETE_ORPHANS);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(TestLake.rows(table)).hasSize(15);
  }

  @Test
  void tableWithNothingToDoIsLeftUntouched() {
    Table table = lake.create("quiet");
    for (int i = 0; i < 3; i++) {
      TestLake.append(table, i * 10L, 5, i);
    }
    table.refresh();
    long snapshot = table.currentSnapshot().snapshotId();
    String metadata = TestLake.metadataLocation(table);
    Set<Path> files = TestLake.filesOnDisk(table);

    TableReport r =
        new LakeMaintenance()
            .run(lake.catalog, List.of(id(table)), MaintenanceConfig.defaults(), null)
            .tables()
            .get(0);
    log("nothing to do", r);

    table.refresh();
    assertThat(r.skipped()).isTrue();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(TestLake.metadataLocation(table)).isEqualTo(metadata);
    assertThat(TestLake.filesOnDisk(table)).isEqualTo(files);
    assertThat(r.dataFilesAfter()).isEqualTo(3).isEqualTo(r.dataFilesBefore());
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(5));
  }
}
