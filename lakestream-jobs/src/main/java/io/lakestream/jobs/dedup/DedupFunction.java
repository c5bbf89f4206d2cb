package io.lakestream.jobs.dedup;

import io.lakestream.jobs.ingest.RawEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops events whose id was already seen for the same source and key within the dedup window.
 *
 * <p>Keyed by (source, partition key) rather than by id so that per-key order holds downstream. A
 * client that re-posts an event after a timeout or a 503 re-sends the same id with the same key, so
 * it lands on the same state entry. Replays after a failure do not need this: Kafka offsets and
 * this state are restored together from the checkpoint.
 *
 * <p>Ids the gateway generated (the event had none) are passed through without state.
 *
 * <p>Each id is stored with its expiry time. Expired ids are removed by one processing-time timer
 * per key and time bucket (a sixteenth of the window), so each event costs two point lookups and
 * cleanup is amortized — Flink's state TTL with incremental cleanup would rescan a key's whole map
 * on every access. Cost: one map entry (~100 bytes on the heap) per distinct id within the window.
 */
public final class DedupFunction extends KeyedProcessFunction<String, RawEvent, RawEvent> {

  private final long windowMillis;
  private final long bucketMillis;
  private transient MapState<String, Long> expiryById;
  private transient Counter duplicates;

  public DedupFunction(Duration window) {
    this.windowMillis = window.toMillis();
    this.bucketMillis = Math.max(1_000L, windowMillis / 16);
  }

  @Override
  public void open(OpenContext ctx) {
    expiryById =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "id-expiry", Utf8StringSerializer.INSTANCE, LongSerializer.INSTANCE));
    duplicates = getRuntimeContext().getMetricGroup().counter("lakestream_duplicates_dropped");
  }

  @Override
  public void processElement(RawEvent e, Context ctx, Collector<RawEvent> out) throws Exception {
    if (e.idGenerated) {
      // A re-post of an event without id gets a new id anyway; only replays could repeat this
      // one, and those are handled by restoring offsets and state together.
      out.collect(e);
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    Long expiry = expiryById.get(e.id);
    if (expiry != null && expiry > now) {
      duplicates.inc();
      return;
    }
    long newExpiry = now + windowMillis;
    expiryById.put(e.id, newExpiry);
    // Timers with the same timestamp and key are kept once, so this is one timer per bucket.
    ctx.timerService().registerProcessingTimeTimer((newExpiry / bucketMillis + 1) * bucketMillis);
    out.collect(e);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RawEvent> out)
      throws Exception {
    Iterator<Map.Entry<String, Long>> it = expiryById.iterator();
    while (it.hasNext()) {
      if (it.next().getValue() <= timestamp) {
        it.remove();
      }
    }
    if (expiryById.isEmpty()) {
      expiryById.clear(); // drops the key's (now empty) map itself, not just its entries
    }
  }
}
