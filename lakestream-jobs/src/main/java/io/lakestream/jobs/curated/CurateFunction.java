package io.lakestream.jobs.curated;

import io.lakestream.jobs.enrich.Enricher;
import io.lakestream.jobs.validate.ValidateFunction;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;

/**
 * The event-time and enrichment stage of one source: rejects events later than the allowed lateness
 * and adds reference-table columns; what it rejects goes to the error zone.
 *
 * <p>It runs right after the source's watermark assigner, whose watermark trails the newest event
 * time by out-of-orderness plus allowed lateness. An event at or behind that watermark could be
 * dropped by a window that already fired, so it is rejected here, where it can still be recorded
 * with its lateness, instead of vanishing inside a window operator.
 */
public final class CurateFunction extends ProcessFunction<RowData, RowData> {

  /** Stage name of late events in the error zone. */
  public static final String STAGE_LATE = "late";

  /** Stage name of events that enrichment rejected. */
  public static final String STAGE_ENRICH = "enrich";

  private final String source;
  private final int curatedArity;
  private final long allowedLatenessMillis;
  private final Enricher enricher;
  private final RowType inFlightType;
  private transient RowData.FieldGetter[] getters;

  private transient Counter late;
  private transient Counter enrichRejected;
  private transient Counter curated;

  /**
   * @param enricher the source's enrichment, or {@code null} when it has none
   */
  public CurateFunction(
      String source,
      RowType inFlightType,
      int curatedArity,
      Duration allowedLateness,
      Enricher enricher) {
    this.source = source;
    this.inFlightType = inFlightType;
    this.curatedArity = curatedArity;
    this.allowedLatenessMillis = allowedLateness.toMillis();
    this.enricher = enricher;
  }

  @Override
  public void open(OpenContext ctx) {
    var group = getRuntimeContext().getMetricGroup().addGroup("source", source);
    late = group.counter("lakestream_events_late");
    enrichRejected = group.addGroup("stage", STAGE_ENRICH).counter("lakestream_events_rejected");
    curated = group.counter("lakestream_events_curated");
    if (enricher != null) {
      enricher.open();
      getters = new RowData.FieldGetter[inFlightType.getFieldCount()];
      for (int i = 0; i < getters.length; i++) {
        getters[i] = RowData.createFieldGetter(inFlightType.getTypeAt(i), i);
      }
    }
  }

  @Override
  public void close() throws Exception {
    if (enricher != null) {
      enricher.close();
    }
  }

  @Override
  public void processElement(RowData row, Context ctx, Collector<RowData> out) {
    long eventTime = row.getTimestamp(1, 3).getMillisecond();
    long watermark = ctx.timerService().currentWatermark();
    if (watermark != Long.MIN_VALUE && eventTime <= watermark) {
      late.inc();
      ctx.output(
          ValidateFunction.ERRORS,
          InFlightRows.error(
              row, curatedArity, source, STAGE_LATE, lateReason(eventTime, watermark)));
      return;
    }
    if (enricher != null) {
      GenericRowData writable = row instanceof GenericRowData g ? g : copy(row);
      row = writable;
      String reason = enricher.enrich(writable);
      if (reason != null) {
        enrichRejected.inc();
        ctx.output(
            ValidateFunction.ERRORS,
            InFlightRows.error(row, curatedArity, source, STAGE_ENRICH, reason));
        return;
      }
    }
    curated.inc();
    out.collect(row);
  }

  /** A writable copy of a row that arrived in binary form (from another task). */
  private GenericRowData copy(RowData row) {
    GenericRowData g = new GenericRowData(getters.length);
    for (int i = 0; i < getters.length; i++) {
      g.setField(i, getters[i].getFieldOrNull(row));
    }
    return g;
  }

  /**
   * "late: event time T is 4m12.5s behind the watermark W (allowed lateness 1m)", where W is the
   * source's nominal watermark (newest event time minus out-of-orderness).
   */
  String lateReason(long eventTime, long lateWatermark) {
    // Flink's bounded-out-of-orderness watermark is 1 ms below "newest minus the bound".
    long nominal = lateWatermark + allowedLatenessMillis + 1;
    return "late: event time "
        + Instant.ofEpochMilli(eventTime)
        + " is "
        + human(nominal - eventTime)
        + " behind the watermark "
        + Instant.ofEpochMilli(nominal)
        + " (allowed lateness "
        + human(allowedLatenessMillis)
        + ")";
  }

  /** A short duration like "4m12.5s", "2h" or "0s". */
  static String human(long millis) {
    if (millis <= 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long h = millis / 3_600_000;
    long m = millis / 60_000 % 60;
    long s = millis / 1000 % 60;
    long ms = millis % 1000;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0 || ms > 0) {
      sb.append(s);
      if (ms > 0) {
        sb.append('.').append(String.format("%03d", ms).replaceAll("0+$", ""));
      }
      sb.append('s');
    }
    return sb.toString();
  }
}
