package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop the stack while events are being posted, start it again on the same data directory, post the
 * rest and re-post 10% of what was already acknowledged: the lake holds every acknowledged id
 * exactly once.
 */
class RestartIT {

  @TempDir Path dataDir;

  private static final int TOTAL = 6000;
  private static final int BATCH = 100;

  @Test
  void everyAckedIdLandsExactlyOnceAcrossAStopAndStart() throws Exception {
    runAcrossARestart(TestStack::close, "savepoint-");
  }

  @Test
  void everyAckedIdLandsExactlyOnceAcrossACrash() throws Exception {
    // no savepoint: the job is cancelled with files it has not committed; the next start resumes
    // from the newest retained checkpoint and re-reads the rest from Kafka
    runAcrossARestart(s -> s.ls.crash(), "chk-");
  }

  private void runAcrossARestart(java.util.function.Consumer<TestStack> stop, String resumedFrom)
      throws Exception {
    Instant t0 = Instant.parse("2026-11-23T12:00:00Z");
    List<List<String>> batches = new ArrayList<>();
    List<List<String>> batchIds = new ArrayList<>();
    for (int b = 0; b < TOTAL / BATCH; b++) {
      List<String> lines = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
        String id = "r-" + i;
        ids.add(id);
        lines.add(
            "{\"id\":\""
                + id
                + "\",\"device_id\":\"dev-"
                + (i % 17)
                + "\",\"ts\":\""
                + t0.plusMillis(i)
                + "\",\"temperature\":"
                + (i % 40)
                + "}");
      }
      batches.add(lines);
      batchIds.add(ids);
    }

    Set<Integer> ackedBatches = ConcurrentHashMap.newKeySet();
    AtomicBoolean stopped = new AtomicBoolean();
    TestStack first = TestStack.start(dataDir);
    Thread sender =
        new Thread(
            () -> {
              for (int b = 0; b < batches.size() && !stopped.get(); b++) {
                try {
                  if (first.postNdjson("sensors", batches.get(b)).status() == 202) {
                    ackedBatches.add(b);
                  }
                  Thread.sleep(100); // pace the load so the stop lands mid-stream
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  return; // the gateway went away mid-request: that batch was not acknowledged
                }
              }
            });
    sender.start();
    await().atMost(Duration.ofMinutes(1)).until(() -> ackedBatches.size() >= 20);
    // let at least one checkpoint complete so a crash has something to resume from
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> first.count("SELECT count(*) FROM raw.sensors") > 0);
    stop.accept(first); // mid-stream: the sender is still posting
    stopped.set(true);
    sender.join(60_000);
    int ackedBeforeStop = ackedBatches.size();
    assertThat(ackedBeforeStop).isBetween(20, batches.size() - 1);

    try (TestStack second = TestStack.start(dataDir)) {
      assertThat(second.ls.restoredFrom()).isPresent();
      assertThat(second.ls.restoredFrom().get().getFileName().toString()).startsWith(resumedFrom);
      // re-post 10% of the acknowledged batches: duplicates the pipeline must drop
      List<Integer> acked = new ArrayList<>(ackedBatches);
      Collections.sort(acked);
      for (int i = 0; i < acked.size(); i += 10) {
        assertThat(second.postNdjson("sensors", batches.get(acked.get(i))).status()).isEqualTo(202);
      }
      // and everything not yet acknowledged (some of it may have reached Kafka before the stop)
      for (int b = 0; b < batches.size(); b++) {
        if (!ackedBatches.contains(b)) {
          assertThat(second.postNdjson("sensors", batches.get(b)).status()).isEqualTo(202);
          ackedBatches.add(b);
        }
      }
      Set<String> expected = new LinkedHashSet<>();
      batchIds.forEach(expected::addAll);
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> second.count("SELECT count(DISTINCT id) FROM raw.sensors") >= TOTAL);
      List<String> ids = second.column("SELECT id FROM raw.sensors");
      assertThat(ids).hasSize(TOTAL).doesNotHaveDuplicates();
      assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(second.count("SELECT count(*) FROM errors.records")).isZero();
    }
  }
}
