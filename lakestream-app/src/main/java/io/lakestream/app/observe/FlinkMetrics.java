package io.lakestream.app.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that keeps the embedded job's metrics (checkpoints, watermarks,
 * back-pressure, records in and out) where the dashboard and {@code /metrics} can read them.
 *
 * <p>The embedded mini cluster runs in this JVM, so the reporter simply holds the live metric
 * objects, keyed by their identifier; reading one is reading Flink's own counter or gauge. On a
 * real Flink cluster, use Flink's own reporters (Prometheus, JMX) instead.
 */
public final class FlinkMetrics implements MetricReporter {

  /** Registered through {@code META-INF/services}, as Flink finds reporter factories. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new FlinkMetrics();
    }
  }

  /** One metric with the scope variables of its group ({@code <task_name>}, ...). */
  public record Entry(String name, Map<String, String> variables, Metric metric) {

    /** The metric's value as a number, or NaN when it has none. */
    public double value() {
      Object v;
      if (metric instanceof Counter c) {
        return c.getCount();
      } else if (metric instanceof Meter m) {
        return m.getRate();
      } else if (metric instanceof Gauge<?> g) {
        try {
          v = g.getValue();
        } catch (RuntimeException e) {
          return Double.NaN;
        }
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
      }
      return Double.NaN;
    }

    /** A scope variable, e.g. {@code operator_name}. */
    public String variable(String name) {
      return variables.get("<" + name + ">");
    }
  }

  private static final Map<String, Entry> METRICS = new ConcurrentHashMap<>();

  /** Adds this reporter to a Flink configuration. */
  public static void configure(Configuration conf) {
    conf.setString("metrics.reporter.lakestream.factory.class", Factory.class.getName());
  }

  /** Every live metric of this name. */
  public static List<Entry> named(String name) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : METRICS.values()) {
      if (e.name().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    METRICS.put(
        group.getMetricIdentifier(name),
        new Entry(name, Map.copyOf(group.getAllVariables()), metric));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    METRICS.remove(group.getMetricIdentifier(name));
  }
}
