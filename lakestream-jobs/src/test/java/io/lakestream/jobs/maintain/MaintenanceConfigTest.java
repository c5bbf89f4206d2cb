package io.lakestream.jobs.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.JdbcLockFactory;
import org.junit.jupiter.api.Test;

class MaintenanceConfigTest {

  @Test
  void defaults() {
    MaintenanceConfig cfg = MaintenanceConfig.defaults();
    assertThat(cfg.targetFileSizeBytes()).isEqualTo(128L * 1024 * 1024);
    assertThat(cfg.minInputFiles()).isEqualTo(5);
    assertThat(cfg.snapshotMaxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(cfg.retainLastSnapshots()).isEqualTo(10);
    assertThat(cfg.orphanMinAge()).isEqualTo(Duration.ofDays(3));
    assertThat(cfg.scheduleEveryCommits()).isEqualTo(10);
    assertThat(cfg.scheduleEvery()).isEqualTo(Duration.ofMinutes(10));
    assertThat(cfg.checkInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void withersChangeOneThing() {
    MaintenanceConfig cfg =
        MaintenanceConfig.defaults()
            .withTargetFileSizeBytes(1024)
            .withMinInputFiles(3)
            .withSnapshotRetention(Duration.ofHours(1), 2)
            .withOrphanMinAge(Duration.ofDays(1))
            .withSchedule(4, Duration.ofMinutes(5), Duration.ofSeconds(2));
    assertThat(cfg)
        .isEqualTo(
            new MaintenanceConfig(
                1024,
                3,
                Duration.ofHours(1),
                2,
                Duration.ofDays(1),
                4,
                Duration.ofMinutes(5),
                Duration.ofSeconds(2)));
  }

  @Test
  void rejectsNonsense() {
    MaintenanceConfig d = MaintenanceConfig.defaults();
    assertThatThrownBy(() -> d.withTargetFileSizeBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withMinInputFiles(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withSnapshotRetention(Duration.ofDays(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withOrphanMinAge(Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withSchedule(1, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lockIdsFitIcebergsLimit() {
    LockSettings lock = LockSettings.sqlite(Path.of("locks.db"), "job");
    assertThat(lock.jdbcUri()).startsWith("jdbc:sqlite:").endsWith("locks.db");
    assertThat(lock.lockId(TableIdentifier.of("lake", "events"))).isEqualTo("job:lake.events");
    String longName = "t".repeat(150);
    String id = lock.lockId(TableIdentifier.of("lake", longName));
    assertThat(id).hasSizeLessThan(100).startsWith("job:lake.ttt");
    assertThat(lock.lockId(TableIdentifier.of("lake", longName + "x"))).isNotEqualTo(id);
    assertThat(lock.factoryFor(TableIdentifier.of("lake", longName)))
        .isInstanceOf(JdbcLockFactory.class);
  }
}
