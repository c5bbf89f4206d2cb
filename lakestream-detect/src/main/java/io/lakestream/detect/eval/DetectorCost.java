package io.lakestream.detect.eval;

import io.lakestream.detect.Detector;
import io.lakestream.detect.DetectorKind;
import io.lakestream.detect.RateOfChange;
import io.lakestream.detect.Threshold;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a detector costs per key: CPU time per point and memory. For the documentation and for
 * sizing a job; nothing asserts on these figures, they depend on the machine.
 *
 * <p>Each kind scores a three-day one-point-a-minute series ({@code clean_daily}) three times,
 * after about two seconds of the same work to warm up the JIT. Memory is given three ways: the
 * detector's own {@link Detector#approximateBytes()}, the size of its saved state, and the heap
 * actually retained per key, measured by keeping many trained detectors alive and comparing heap
 * use after garbage collection (a rough figure: ±10%).
 */
public final class DetectorCost {

  private DetectorCost() {}

  /**
   * The cost of one kind.
   *
   * @param name the kind's name in the report
   * @param microsPerUpdate mean time of {@link Detector#update}, in microseconds
   * @param approximateBytes what {@link Detector#approximateBytes()} says after the series
   * @param stateBytes bytes {@link Detector#writeState} writes after the series
   * @param heapBytes measured retained heap per key after the series
   */
  public record Cost(
      String name,
      double microsPerUpdate,
      long approximateBytes,
      long stateBytes,
      long heapBytes) {}

  /** The kinds measured by {@link #report()}: the evaluation's defaults plus the simple two. */
  public static List<Evaluation.Candidate> candidates() {
    List<Evaluation.Candidate> out = new ArrayList<>();
    out.add(new Evaluation.Candidate("threshold", Threshold.between(0, 1000)));
    out.add(new Evaluation.Candidate("rate_of_change", RateOfChange.defaults()));
    for (Evaluation.Candidate c : Evaluation.defaultCandidates()) {
      if (!c.name().equals("rate_of_change")) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Measures one kind.
   *
   * @param heapKeys how many trained detectors to keep alive for the heap measurement (0 skips it)
   */
  public static Cost measure(String name, DetectorKind kind, int heapKeys) {
    return measure(name, kind, heapKeys, Duration.ofSeconds(2));
  }

  /**
   * Measures one kind, warming the JIT up for {@code warmUp} (and at least three runs).
   *
   * @param heapKeys how many trained detectors to keep alive for the heap measurement (0 skips it)
   */
  public static Cost measure(String name, DetectorKind kind, int heapKeys, Duration warmUp) {
    SyntheticSeries s = SyntheticSeries.cleanDaily(1);
    long warmUpEnd = System.nanoTime() + warmUp.toNanos();
    for (int i = 0; i < 3 || (System.nanoTime() < warmUpEnd && i < 50); i++) {
      run(kind, s);
    }
    long start = System.nanoTime();
    Detector d = null;
    for (int i = 0; i < 3; i++) {
      d = run(kind, s);
    }
    double micros = (System.nanoTime() - start) / 1000.0 / (3.0 * s.size());
    long state = stateBytes(d);
    long heap = heapKeys > 0 ? heapPerKey(kind, s, heapKeys) : -1;
    return new Cost(name, micros, d.approximateBytes(), state, heap);
  }

  private static Detector run(DetectorKind kind, SyntheticSeries s) {
    Detector d = kind.create();
    for (int i = 0; i < s.size(); i++) {
      d.update(s.time(i), s.value(i));
    }
    return d;
  }

  private static long stateBytes(Detector d) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      d.writeState(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.size();
  }

  private static long heapPerKey(DetectorKind kind, SyntheticSeries s, int keys) {
    long before = usedHeap();
    List<Detector> alive = new ArrayList<>(keys);
    for (int k = 0; k < keys; k++) {
      alive.add(run(kind, s));
    }
    long after = usedHeap();
    long perKey = Math.max(0, (after - before) / keys);
    if (alive.size() != keys) {
      throw new IllegalStateException("unreachable: keeps the detectors alive until measured");
    }
    return perKey;
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** Measures every {@link #candidates()} kind and returns a printable table. */
  public static String report() {
    List<Cost> costs = new ArrayList<>();
    for (Evaluation.Candidate c : candidates()) {
      int keys = c.kind().type().equals("rcf") ? 20 : 500;
      costs.add(measure(c.name(), c.kind(), keys));
    }
    return table(costs);
  }

  /** The costs as a text table. */
  public static String table(List<Cost> costs) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-16s %12s %14s %12s %12s%n",
            "detector",
            "µs/update",
            "approx bytes",
            "state bytes",
            "heap bytes"));
    for (Cost c : costs) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-16s %12.2f %14d %12d %12s%n",
              c.name(),
              c.microsPerUpdate(),
              c.approximateBytes(),
              c.stateBytes(),
              c.heapBytes() < 0 ? "-" : Long.toString(c.heapBytes())));
    }
    return b.toString();
  }

  /** Prints {@link #report()}. */
  public static void main(String[] args) {
    System.out.print(report());
  }
}
