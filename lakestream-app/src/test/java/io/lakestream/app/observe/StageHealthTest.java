package io.lakestream.app.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When the diagram marks a stage behind or failing, and what it says. */
class StageHealthTest {

  @Test
  void aSourceFailsWhenMostOfItsEventsFail() {
    assertThat(StageHealth.source(0, 0)).isEqualTo(StageHealth.Verdict.OK);
    assertThat(StageHealth.source(50, 100)).isEqualTo(StageHealth.Verdict.OK);
    StageHealth.Verdict v = StageHealth.source(51, 100);
    assertThat(v.status()).isEqualTo("failing");
    assertThat(v.note()).isEqualTo("51 of its 100 events failed");
  }

  @Test
  void aGrowingLagIsBehindOnlyWhenItGrowsTheWholeWindowAndIsLarge() {
    List<Long> growing = List.of(20_000L, 25_000L, 25_000L, 40_000L, 60_000L);
    StageHealth.Verdict v = StageHealth.rawTopic(growing, 5, null);
    assertThat(v.status()).isEqualTo("behind");
    assertThat(v.note()).contains("from 20000 to 60000", "5 s");
    // Too few samples, a dip within the window, a small lag, a flat lag: fine.
    assertThat(StageHealth.rawTopic(growing.subList(1, 5), 5, null).status()).isEqualTo("ok");
    assertThat(StageHealth.rawTopic(List.of(20_000L, 30_000L, 10_000L, 40_000L, 60_000L), 5, null))
        .isEqualTo(StageHealth.Verdict.OK);
    assertThat(StageHealth.rawTopic(List.of(1L, 2L, 3L, 4L, 9_000L), 5, null).status())
        .isEqualTo("ok");
    assertThat(StageHealth.rawTopic(List.of(50_000L, 50_000L, 50_000L), 3, null).status())
        .isEqualTo("ok");
    // Only the last window counts.
    assertThat(StageHealth.rawTopic(List.of(90_000L, 10_000L, 20_000L, 30_000L), 3, null).status())
        .isEqualTo("behind");
    // Kafka not answering is failing, whatever the lag.
    assertThat(StageHealth.rawTopic(List.of(), 5, "Kafka did not answer: timeout"))
        .isEqualTo(new StageHealth.Verdict("failing", "Kafka did not answer: timeout"));
  }

  @Test
  void theJobIsFailingWhenNotRunningAndBehindOnSlowOrFailedCheckpointsOrBackPressure() {
    assertThat(StageHealth.job("RUNNING", 2_000, 40_000, 0, 10)).isEqualTo(StageHealth.Verdict.OK);
    assertThat(StageHealth.job("RUNNING", -1, 40_000, 0, Double.NaN))
        .isEqualTo(StageHealth.Verdict.OK);
    assertThat(StageHealth.job(null, 2_000, 40_000, 0, 0).note())
        .isEqualTo("the Flink job is not running");
    assertThat(StageHealth.job("RESTARTING", 2_000, 40_000, 0, 0))
        .isEqualTo(new StageHealth.Verdict("failing", "the Flink job is RESTARTING"));
    StageHealth.Verdict slow = StageHealth.job("RUNNING", 41_500, 40_000, 0, 0);
    assertThat(slow.status()).isEqualTo("behind");
    assertThat(slow.note()).startsWith("no checkpoint for 41 s");
    assertThat(StageHealth.job("RUNNING", 2_000, 40_000, 2, 0).note())
        .startsWith("2 checkpoint(s) failed");
    assertThat(StageHealth.job("RUNNING", 2_000, 40_000, 0, 730).note())
        .isEqualTo("back-pressured 73% of the time");
    assertThat(StageHealth.job("RUNNING", 2_000, 40_000, 0, 500).status()).isEqualTo("ok");
  }

  @Test
  void aZoneIsBehindOnlyWhenEventsWaitForItsCommit() {
    assertThat(StageHealth.zone(true, true, 61_000, 60_000).note())
        .isEqualTo("no lake commit for 61 s while events wait");
    assertThat(StageHealth.zone(true, false, 600_000, 60_000)).isEqualTo(StageHealth.Verdict.OK);
    assertThat(StageHealth.zone(false, true, 600_000, 60_000)).isEqualTo(StageHealth.Verdict.OK);
    assertThat(StageHealth.zone(true, true, 59_000, 60_000)).isEqualTo(StageHealth.Verdict.OK);
  }
}
