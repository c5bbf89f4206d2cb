package io.lakestream.jobs.detect;

import io.lakestream.api.config.DetectorConfig;
import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.DetectorKind;
import io.lakestream.detect.Score;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * Runs one detector: keyed by the detector's key, it scores each point with that key's model, and
 * emits an alert row when an incident opens or resolves (see {@link AlertLifecycle}).
 *
 * <p>Points are scored as they arrive, so an alert goes out as soon as its event is processed,
 * without waiting for a watermark. A point older than the newest one of its key (events can arrive
 * out of order) is scored at the newest time seen, as detectors take time in order.
 *
 * <p>The model lives in Flink keyed state and is part of every checkpoint, so a restarted job
 * continues with what it learned and does not open an incident a second time. Its state name
 * carries a fingerprint of the detector's settings: after a settings change the models start afresh
 * rather than being read with settings they were not made with.
 */
public final class DetectorFunction extends KeyedProcessFunction<String, RowData, RowData> {

  private final String pipeline;
  private final DetectorConfig config;
  private final DetectorKind kind;
  private final AlertLifecycle.Params lifecycle;

  private transient ValueState<ModelState> models;
  private transient ModelStateSerializer serializer;
  private transient Counter points;
  private transient Counter anomalous;
  private transient Counter opened;
  private transient Counter resolved;
  private transient Counter skipped;

  public DetectorFunction(String pipeline, DetectorConfig config) {
    this.pipeline = pipeline;
    this.config = config;
    this.kind = Detectors.kindOf(config);
    this.lifecycle = Detectors.lifecycleOf(config);
  }

  /** Name of the keyed state holding the models: changes whenever the settings change. */
  static String stateName(DetectorConfig d, DetectorKind kind, AlertLifecycle.Params lifecycle) {
    String identity = d.on() + "|" + d.field() + "|" + d.key() + "|" + kind + "|" + lifecycle;
    return "model-" + kind.type() + "-" + Integer.toHexString(identity.hashCode());
  }

  @Override
  public void open(OpenContext ctx) {
    serializer = new ModelStateSerializer(kind, lifecycle);
    models =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>(stateName(config, kind, lifecycle), serializer));
    MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("detector", config.name());
    points = g.counter("lakestream_detector_points");
    anomalous = g.counter("lakestream_detector_anomalous_points");
    opened = g.counter("lakestream_alerts_opened");
    resolved = g.counter("lakestream_alerts_resolved");
    skipped = g.counter("lakestream_detector_points_skipped");
  }

  @Override
  public void processElement(RowData row, Context ctx, Collector<RowData> out) throws Exception {
    double value = row.getDouble(DetectorInput.VALUE);
    if (!Double.isFinite(value) || row.isNullAt(DetectorInput.TIME)) {
      skipped.inc(); // NaN, infinities (e.g. an average over nothing) or no time: nothing to judge
      return;
    }
    long time = row.getTimestamp(DetectorInput.TIME, 3).getMillisecond();
    String key = ctx.getCurrentKey();
    String eventId =
        row.isNullAt(DetectorInput.EVENT_ID)
            ? null
            : row.getString(DetectorInput.EVENT_ID).toString();

    ModelState m = models.value();
    if (m == null) {
      m = serializer.fresh();
    }
    long t = Math.max(time, m.latestMillis);
    m.latestMillis = t;
    Score score = m.detector.update(t, value);
    points.inc();
    if (score.anomalous()) {
      anomalous.inc();
    }
    AlertLifecycle.Transition change = m.lifecycle.observe(t, eventId, score);
    models.update(m);
    if (change != null) {
      if (change.kind() == AlertLifecycle.Transition.Kind.OPENED) {
        opened.inc();
      } else {
        resolved.inc();
      }
      if (change.eventTimeMillis() == t && t != time) {
        // Scored at the newest time of its key (it came out of order); report its own time.
        change =
            new AlertLifecycle.Transition(
                change.kind(),
                change.incidentStartMillis(),
                change.sequence(),
                change.score(),
                time,
                change.eventIds());
      }
      out.collect(AlertRows.row(pipeline, config, key, change, System.currentTimeMillis()));
    }
  }

  /** The detector's key of an input row: its key column, empty when null. */
  public static String keyOf(RowData row) {
    return row.isNullAt(DetectorInput.KEY) ? "" : row.getString(DetectorInput.KEY).toString();
  }
}
