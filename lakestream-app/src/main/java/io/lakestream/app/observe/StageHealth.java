package io.lakestream.app.observe;

import java.util.List;

/**
 * When a stage of the diagram is marked: the rules, apart from the sampling, so they can be read
 * and tested on their own. Each answers a {@link Verdict}: {@code ok}, {@code behind} (it still
 * works but does not keep up) or {@code failing}, with a sentence saying why.
 */
final class StageHealth {

  /** The lag must exceed this before a growing lag counts. */
  static final long LAG_FLOOR = 10_000;

  /** Back-pressured more than this many ms a second (half the time) is behind. */
  static final double BACK_PRESSURE_LIMIT = 500;

  private StageHealth() {}

  /** A stage's state and the reason for it ({@code null} when ok). */
  record Verdict(String status, String note) {
    static final Verdict OK = new Verdict("ok", null);
  }

  /** A source: failing when more than half of its events fail. */
  static Verdict source(long failed, long all) {
    return all > 0 && failed * 2 > all
        ? new Verdict("failing", failed + " of its " + all + " events failed")
        : Verdict.OK;
  }

  /**
   * The raw topic: behind when the job's lag grew over the whole window of samples (oldest first)
   * and is above {@link #LAG_FLOOR}; failing when Kafka does not answer.
   */
  static Verdict rawTopic(List<Long> lagHistory, int window, String kafkaProblem) {
    if (kafkaProblem != null) {
      return new Verdict("failing", kafkaProblem);
    }
    if (lagHistory.size() >= window) {
      long first = lagHistory.get(lagHistory.size() - window);
      long last = lagHistory.get(lagHistory.size() - 1);
      boolean growing = true;
      for (int i = lagHistory.size() - window + 1; i < lagHistory.size(); i++) {
        if (lagHistory.get(i) < lagHistory.get(i - 1)) {
          growing = false;
          break;
        }
      }
      if (growing && last > first && last > LAG_FLOOR) {
        return new Verdict(
            "behind",
            "the job's lag grew from "
                + first
                + " to "
                + last
                + " events over the last "
                + window
                + " s");
      }
    }
    return Verdict.OK;
  }

  /**
   * The job's stages: failing when the job does not run; behind when no checkpoint completed for
   * longer than {@code slowCheckpointMs} (lake commits wait for one), when checkpoints failed
   * recently, or when back-pressured more than half the time.
   *
   * @param checkpointAgeMs time since the last completed checkpoint, -1 when unknown
   * @param recentFailedCheckpoints checkpoints that failed in the last few seconds
   * @param backPressureMsPerSecond the most back-pressured task's figure, NaN when unknown
   */
  static Verdict job(
      String jobStatus,
      long checkpointAgeMs,
      long slowCheckpointMs,
      long recentFailedCheckpoints,
      double backPressureMsPerSecond) {
    if (!"RUNNING".equals(jobStatus)) {
      return new Verdict(
          "failing", "the Flink job is " + (jobStatus == null ? "not running" : jobStatus));
    }
    if (checkpointAgeMs > slowCheckpointMs) {
      return new Verdict(
          "behind",
          "no checkpoint for " + checkpointAgeMs / 1000 + " s; lake commits wait for one");
    }
    if (recentFailedCheckpoints > 0) {
      return new Verdict(
          "behind",
          recentFailedCheckpoints
              + " checkpoint(s) failed in the last seconds; lake commits wait"
              + " for a successful one");
    }
    if (!Double.isNaN(backPressureMsPerSecond) && backPressureMsPerSecond > BACK_PRESSURE_LIMIT) {
      return new Verdict(
          "behind", "back-pressured " + Math.round(backPressureMsPerSecond / 10) + "% of the time");
    }
    return Verdict.OK;
  }

  /**
   * A lake zone: behind when events wait for it (its input has records the job has not committed)
   * and it has not committed for longer than {@code slowMs}.
   *
   * @param commitAgeMs time since the zone's newest commit, -1 when it never committed
   */
  static Verdict zone(boolean jobRunning, boolean eventsWaiting, long commitAgeMs, long slowMs) {
    if (jobRunning && eventsWaiting && commitAgeMs > slowMs) {
      return new Verdict(
          "behind", "no lake commit for " + commitAgeMs / 1000 + " s while events wait");
    }
    return Verdict.OK;
  }
}
