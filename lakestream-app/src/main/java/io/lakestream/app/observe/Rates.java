package io.lakestream.app.observe;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-second rates of growing totals over a sliding window. Lake tables grow in steps, once per
 * checkpoint, so their rate is taken over a window several checkpoints long; counters that grow
 * smoothly use a short one.
 */
final class Rates {

  private record Point(long nanos, double value) {}

  private final Map<String, ArrayDeque<Point>> series = new HashMap<>();

  /**
   * Records {@code total} for {@code key} at {@code nanos} and answers its rate over the last
   * {@code windowNanos} (0 until there are two points; a total that went down restarts the series).
   */
  synchronized double update(String key, double total, long nanos, long windowNanos) {
    ArrayDeque<Point> s = series.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (!s.isEmpty() && total < s.peekLast().value()) {
      s.clear();
    }
    s.addLast(new Point(nanos, total));
    while (s.size() > 2 && nanos - s.peekFirst().nanos() > windowNanos) {
      s.removeFirst();
    }
    Point first = s.peekFirst();
    double dt = (nanos - first.nanos()) / 1e9;
    return dt <= 0 ? 0 : (total - first.value()) / dt;
  }
}
