package io.lakestream.app.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.metrics.MetricsReport;
import org.apache.iceberg.metrics.MetricsReporter;
import org.apache.iceberg.metrics.TimerResult;

/**
 * An Iceberg metrics reporter that keeps each table's commit count and durations (how long the
 * job's, the dynamic sink's and the upkeep's commits took, retries included) for {@code /metrics}.
 * Set as the catalog's {@code metrics-reporter-impl} in embedded mode; the job's committers run in
 * the same JVM, so all of them report here.
 */
public final class LakeCommits implements MetricsReporter {

  /** The catalog property naming this reporter. */
  public static final String PROPERTY = "metrics-reporter-impl";

  /** Commits of one table. */
  public static final class Stats {
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private volatile long lastNanos;

    /** Commits reported. */
    public long commits() {
      return commits.get();
    }

    /** Sum of their durations, in seconds. */
    public double totalSeconds() {
      return totalNanos.get() / 1e9;
    }

    /** The last commit's duration, in seconds. */
    public double lastSeconds() {
      return lastNanos / 1e9;
    }

    /** Attempts over all commits (more than commits when some were retried). */
    public long attempts() {
      return attempts.get();
    }
  }

  private static final Map<String, Stats> TABLES = new ConcurrentHashMap<>();

  /** Per table ({@code zone.table}), what was reported so far. */
  public static Map<String, Stats> tables() {
    return TABLES;
  }

  @Override
  public void report(MetricsReport report) {
    if (!(report instanceof CommitReport c) || c.commitMetrics() == null) {
      return;
    }
    String name = c.tableName();
    // Reported as <catalog>.<zone>.<table>.
    int dot = name.indexOf('.');
    if (dot > 0 && name.indexOf('.', dot + 1) > 0) {
      name = name.substring(dot + 1);
    }
    Stats s = TABLES.computeIfAbsent(name, k -> new Stats());
    TimerResult t = c.commitMetrics().totalDuration();
    long nanos = t == null || t.totalDuration() == null ? 0 : t.totalDuration().toNanos();
    s.commits.incrementAndGet();
    s.totalNanos.addAndGet(nanos);
    s.lastNanos = nanos;
    if (c.commitMetrics().attempts() != null) {
      s.attempts.addAndGet(c.commitMetrics().attempts().value());
    }
  }
}
