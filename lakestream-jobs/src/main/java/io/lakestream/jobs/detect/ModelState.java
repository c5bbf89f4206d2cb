package io.lakestream.jobs.detect;

import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.Detector;

/** What one key of one detector holds: its model, its incident state, and the latest time seen. */
public final class ModelState {

  final Detector detector;
  final AlertLifecycle lifecycle;
  long latestMillis;

  ModelState(Detector detector, AlertLifecycle lifecycle, long latestMillis) {
    this.detector = detector;
    this.lifecycle = lifecycle;
    this.latestMillis = latestMillis;
  }

  /** Approximate heap bytes of this key's state. */
  public long approximateBytes() {
    return detector.approximateBytes() + 200;
  }
}
