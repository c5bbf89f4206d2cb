package io.lakestream.jobs.validate;

import io.lakestream.api.config.JavaTransformConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.jobs.curated.CuratedRowConverter;
import io.lakestream.jobs.curated.CuratedSchema;
import io.lakestream.jobs.curated.InFlightRows;
import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.sink.LakeRows;
import io.lakestream.jobs.transform.JavaTransformChain;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Validates each event and routes it: to its source's raw-zone side output, and (after the source's
 * Java transforms) as a typed row to its source's curated side output; rejected events go to the
 * error side output.
 *
 * <p>Never throws for a bad event: whatever is wrong with it becomes an error-zone row.
 */
public final class ValidateFunction extends ProcessFunction<RawEvent, Void> {

  /** Side output of error-zone rows. */
  public static final OutputTag<RowData> ERRORS =
      new OutputTag<>("errors", LakeRows.errorTypeInfo());

  /** Stage name of events a Java transform rejected. */
  public static final String STAGE_TRANSFORM = "transform";

  private final LinkedHashMap<String, SourceConfig> sources;
  private final HashMap<String, CuratedSchema> curatedSchemas;
  private final List<String> plugins;

  private transient EventValidator validator;
  private transient Map<String, PerSource> perSource;
  private transient Map<String, Counter> rejectedByStage;
  private transient Counter accepted;
  private transient int task;
  private transient int tasks;

  /**
   * @param curatedSchemas the curated layout of each source; a source without one stops at the raw
   *     zone
   * @param plugins jars holding the sources' Java transforms
   */
  public ValidateFunction(
      Map<String, SourceConfig> sources,
      Map<String, CuratedSchema> curatedSchemas,
      List<String> plugins) {
    this.sources = new LinkedHashMap<>(sources);
    this.curatedSchemas = new HashMap<>(curatedSchemas);
    this.plugins = List.copyOf(plugins);
  }

  /** Side output of one source's raw-zone rows. */
  public static OutputTag<RowData> rawTag(String source) {
    return new OutputTag<>("raw-" + source, LakeRows.rawTypeInfo());
  }

  /** Side output of one source's typed rows on their way to the curated zone. */
  public static OutputTag<RowData> curatedTag(String source, CuratedSchema schema) {
    return new OutputTag<>("curated-" + source, InFlightRows.typeInfo(schema));
  }

  private static final class PerSource {
    OutputTag<RowData> raw;
    OutputTag<RowData> curated;
    CuratedRowConverter converter;
    JavaTransformChain transforms;
    Counter filtered;
  }

  @Override
  public void open(OpenContext ctx) {
    validator = new EventValidator(sources);
    perSource = new HashMap<>();
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    for (SourceConfig s : sources.values()) {
      PerSource p = new PerSource();
      p.raw = rawTag(s.name());
      CuratedSchema schema = curatedSchemas.get(s.name());
      if (schema != null) {
        p.curated = curatedTag(s.name(), schema);
        p.converter = new CuratedRowConverter(schema);
      }
      List<JavaTransformConfig> transforms = s.javaTransforms();
      if (!transforms.isEmpty()) {
        p.transforms = new JavaTransformChain(plugins, transforms);
        p.transforms.open();
      }
      p.filtered = metrics.addGroup("source", s.name()).counter("lakestream_events_filtered");
      perSource.put(s.name(), p);
    }
    rejectedByStage = new HashMap<>();
    accepted = metrics.counter("lakestream_events_valid");
    task = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    tasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
  }

  @Override
  public void close() throws Exception {
    if (perSource != null) {
      for (PerSource p : perSource.values()) {
        if (p.transforms != null) {
          p.transforms.close();
        }
      }
    }
  }

  @Override
  public void processElement(RawEvent e, Context ctx, Collector<Void> out) {
    if (e.gatewayError != null) {
      reject(e, Verdict.Stage.PARSE, e.gatewayError, ctx);
      return;
    }
    Verdict verdict = validator.check(e.source, e.value);
    if (verdict instanceof Verdict.Rejected r) {
      reject(e, r.stage(), r.reason(), ctx);
      return;
    }
    Verdict.Accepted a = (Verdict.Accepted) verdict;
    ValidatedEvent v = ValidatedEvent.of(e, a.eventTimeMicros());
    accepted.inc();
    PerSource p = perSource.get(e.source);
    ctx.output(p.raw, LakeRows.raw(v));
    if (p.curated == null) {
      return; // no processing after the raw zone (the benchmark's ingest stage)
    }

    var payload = a.payload();
    if (p.transforms != null) {
      JavaTransformChain.Outcome outcome = p.transforms.apply(payload);
      switch (outcome.kind()) {
        case DROPPED -> {
          p.filtered.inc();
          return;
        }
        case FAILED -> {
          reject(e, STAGE_TRANSFORM, outcome.reason(), ctx);
          return;
        }
        case KEPT -> payload = outcome.payload();
      }
    }
    ctx.output(
        p.curated,
        InFlightRows.of(
            p.converter.convert(
                e.id, Math.floorDiv(a.eventTimeMicros(), 1000L), e.ingestTime, payload),
            e,
            (e.topic == null ? 0 : e.partition) * tasks + task));
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
