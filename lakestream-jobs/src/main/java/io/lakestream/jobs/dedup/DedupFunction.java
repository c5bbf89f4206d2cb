package io.lakestream.jobs.dedup;

import io.lakestream.jobs.ingest.RawEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops events whose id was already seen for the same source and key within the dedup window.
 *
 * <p>Keyed by (source, partition key) rather than by id so that per-key order holds downstream. A
 * client that re-posts an event after a timeout or a 503 re-sends the same id with the same key, so
 * it lands on the same state entry. Replays after a failure do not need this: Kafka offsets and
 * this state are restored together from the checkpoint. Cost: one map entry (id + timestamp, ~100
 * bytes on the heap) per distinct event id seen within the window.
 */
public final class DedupFunction extends KeyedProcessFunction<String, RawEvent, RawEvent> {

  private final Duration window;
  private transient MapState<String, Boolean> seen;
  private transient Counter duplicates;

  public DedupFunction(Duration window) {
    this.window = window;
  }

  @Override
  public void open(OpenContext ctx) {
    MapStateDescriptor<String, Boolean> d =
        new MapStateDescriptor<>("seen-ids", Types.STRING, Types.BOOLEAN);
    d.enableTimeToLive(
        StateTtlConfig.newBuilder(window)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .build());
    seen = getRuntimeContext().getMapState(d);
    duplicates = getRuntimeContext().getMetricGroup().counter("lakestream_duplicates_dropped");
  }

  @Override
  public void processElement(RawEvent e, Context ctx, Collector<RawEvent> out) throws Exception {
    if (seen.contains(e.id)) {
      duplicates.inc();
      return;
    }
    seen.put(e.id, Boolean.TRUE);
    out.collect(e);
  }
}
