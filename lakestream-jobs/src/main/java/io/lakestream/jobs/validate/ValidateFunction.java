package io.lakestream.jobs.validate;

import io.lakestream.api.config.SourceConfig;
import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.sink.LakeRows;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Validates each event and routes it: valid events to the main output (for the enriched topic) and
 * to their source's raw-zone side output; rejected ones to the error side output.
 *
 * <p>Never throws for a bad event: whatever is wrong with it becomes an error-zone row.
 */
public final class ValidateFunction extends ProcessFunction<RawEvent, ValidatedEvent> {

  /** Side output of error-zone rows. */
  public static final OutputTag<RowData> ERRORS =
      new OutputTag<>("errors", LakeRows.errorTypeInfo());

  private final LinkedHashMap<String, SourceConfig> sources;
  private transient EventValidator validator;
  private transient Map<String, OutputTag<RowData>> rawTags;
  private transient Map<String, Counter> rejectedByStage;
  private transient Counter accepted;

  public ValidateFunction(Map<String, SourceConfig> sources) {
    this.sources = new LinkedHashMap<>(sources);
  }

  /** Side output of one source's raw-zone rows. */
  public static OutputTag<RowData> rawTag(String source) {
    return new OutputTag<>("raw-" + source, LakeRows.rawTypeInfo());
  }

  @Override
  public void open(OpenContext ctx) {
    validator = new EventValidator(sources);
    rawTags = new HashMap<>();
    for (String s : sources.keySet()) {
      rawTags.put(s, rawTag(s));
    }
    rejectedByStage = new HashMap<>();
    accepted = getRuntimeContext().getMetricGroup().counter("lakestream_events_valid");
  }

  @Override
  public void processElement(RawEvent e, Context ctx, Collector<ValidatedEvent> out) {
    if (e.gatewayError != null) {
      reject(e, Verdict.Stage.PARSE, e.gatewayError, ctx);
      return;
    }
    Verdict verdict = validator.check(e.source, e.value);
    if (verdict instanceof Verdict.Accepted a) {
      ValidatedEvent v = ValidatedEvent.of(e, a.eventTimeMicros());
      accepted.inc();
      ctx.output(rawTags.get(e.source), LakeRows.raw(v));
      out.collect(v);
    } else if (verdict instanceof Verdict.Rejected r) {
      reject(e, r.stage(), r.reason(), ctx);
    }
  }

  private void reject(RawEvent e, String stage, String reason, Context ctx) {
    rejectedByStage
        .computeIfAbsent(
            stage,
            s ->
                getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("stage", s)
                    .counter("lakestream_events_rejected"))
        .inc();
    ctx.output(ERRORS, LakeRows.error(e, stage, reason, System.currentTimeMillis()));
  }
}
