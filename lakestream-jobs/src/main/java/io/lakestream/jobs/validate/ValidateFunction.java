package io.lakestream.jobs.validate;

import io.lakestream.api.config.JavaTransformConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.jobs.curated.CuratedRowConverter;
import io.lakestream.jobs.curated.CuratedSchema;
import io.lakestream.jobs.curated.InFlightRows;
import io.lakestream.jobs.curated.VersionColumns;
import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.schema.SchemaPlan;
import io.lakestream.jobs.sink.LakeRows;
import io.lakestream.jobs.transform.JavaTransformChain;
import io.lakestream.registry.RegisteredSchema;
import io.lakestream.registry.Registry;
import io.lakestream.registry.compat.SchemaType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /** Stage name of events valid under a version the curated table cannot hold. */
  public static final String STAGE_CURATE = "curate";

  /**
   * How often each task catches up with the registry (ids it meets unknown are fetched at once).
   */
  static final java.time.Duration FOLLOW_EVERY = java.time.Duration.ofSeconds(1);

  private final LinkedHashMap<String, SourceConfig> sources;
  private final HashMap<String, CuratedSchema> curatedSchemas;
  private final List<String> plugins;
  private final SchemaPlan schemaPlan;

  private transient EventValidator validator;
  private transient Registry registry;
  private transient Map<String, Version> versions; // by subject and id
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
    this(sources, curatedSchemas, plugins, null);
  }

  /**
   * @param schemaPlan the registry versions the job was planned with; {@code null} validates every
   *     event against its source's schema text and records no version
   */
  public ValidateFunction(
      Map<String, SourceConfig> sources,
      Map<String, CuratedSchema> curatedSchemas,
      List<String> plugins,
      SchemaPlan schemaPlan) {
    this.sources = new LinkedHashMap<>(sources);
    this.curatedSchemas = new HashMap<>(curatedSchemas);
    this.plugins = List.copyOf(plugins);
    this.schemaPlan = schemaPlan;
  }

  /** Side output of one source's raw-zone rows. */
  public static OutputTag<RowData> rawTag(String source) {
    return new OutputTag<>("raw-" + source, LakeRows.rawTypeInfo());
  }

  /** Side output of one source's typed rows on their way to the curated zone. */
  public static OutputTag<RowData> curatedTag(String source, CuratedSchema schema) {
    return new OutputTag<>("curated-" + source, InFlightRows.typeInfo(schema));
  }

  /** A registered version as this task uses it. */
  private record Version(
      String subject,
      int version,
      com.networknt.schema.Schema schema,
      VersionColumns columns,
      String lakeProblem) {}

  private static final class PerSource {
    SchemaPlan.Source plan;
    int lastId;
    Version lastVersion;
    int currentId;
    long currentIdAt;
    OutputTag<RowData> raw;
    OutputTag<RowData> curated;
    CuratedRowConverter converter;
    JavaTransformChain transforms;
    Counter filtered;
  }

  @Override
  public void open(OpenContext ctx) {
    validator = new EventValidator(sources);
    versions = new HashMap<>();
    if (schemaPlan != null) {
      registry = schemaPlan.access().open();
      registry.follow(FOLLOW_EVERY);
    }
    perSource = new HashMap<>();
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    for (SourceConfig s : sources.values()) {
      PerSource p = new PerSource();
      p.plan = schemaPlan == null ? null : schemaPlan.sources().get(s.name());
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
    if (registry != null) {
      registry.close();
    }
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
    PerSource p = perSource.get(e.source);
    Version version = null;
    Verdict verdict;
    if (p != null && p.plan != null) {
      Object found = version(p, e);
      if (found instanceof String problem) {
        reject(e, Verdict.Stage.VALIDATE, problem, ctx);
        return;
      }
      version = (Version) found;
      verdict = validator.check(e.source, e.value, version.schema());
    } else {
      verdict = validator.check(e.source, e.value);
    }
    if (verdict instanceof Verdict.Rejected r) {
      reject(e, r.stage(), r.reason(), ctx);
      return;
    }
    Verdict.Accepted a = (Verdict.Accepted) verdict;
    ValidatedEvent v = ValidatedEvent.of(e, a.eventTimeMicros());
    accepted.inc();
    Integer schemaVersion = version == null ? null : version.version();
    ctx.output(
        p.raw, LakeRows.raw(v, schemaVersion == null ? LakeRows.SCHEMA_VERSION : schemaVersion));
    if (p.curated == null) {
      return; // no processing after the raw zone (the benchmark's ingest stage)
    }
    if (version != null && version.lakeProblem() != null) {
      reject(e, STAGE_CURATE, version.lakeProblem(), ctx);
      return;
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
    byte[] extra =
        version == null || version.columns() == null ? null : version.columns().extract(payload);
    ctx.output(
        p.curated,
        InFlightRows.of(
            p.converter.convert(
                e.id,
                Math.floorDiv(a.eventTimeMicros(), 1000L),
                e.ingestTime,
                schemaVersion,
                payload),
            e,
            (e.topic == null ? 0 : e.partition) * tasks + task,
            extra));
  }

  /**
   * The version an event is validated against: the one the gateway stamped it with, else the
   * source's pinned or latest one. A problem to reject the event with (as a String) when there is
   * none that fits.
   */
  private Object version(PerSource p, RawEvent e) {
    int id = e.schemaId;
    if (id <= 0) {
      id = currentId(p);
    }
    if (id == p.lastId && p.lastVersion != null) {
      return p.lastVersion; // nearly every event: the version of the one before
    }
    Object found = lookUp(p, e, id);
    if (found instanceof Version v) {
      p.lastId = id;
      p.lastVersion = v;
    }
    return found;
  }

  /** The source's pinned or latest version's id, asked of the registry at most once a second. */
  private int currentId(PerSource p) {
    long now = System.nanoTime();
    if (p.currentId == 0 || now - p.currentIdAt > FOLLOW_EVERY.toNanos()) {
      RegisteredSchema current =
          p.plan.pinnedVersion() != null
              ? registry.version(p.plan.subject(), p.plan.pinnedVersion()).orElse(null)
              : registry.latest(p.plan.subject()).orElse(null);
      p.currentId = current == null ? p.plan.id() : current.id();
      p.currentIdAt = now;
    }
    return p.currentId;
  }

  private Object lookUp(PerSource p, RawEvent e, int id) {
    String cacheKey = p.plan.subject() + '\u0000' + id;
    Version known = versions.get(cacheKey);
    if (known != null) {
      return known.schema() == null ? known.lakeProblem() : known;
    }
    Optional<RegisteredSchema> byId = registry.byId(id);
    if (byId.isEmpty()) {
      registry.refresh(); // registered moments ago, by a process this task has not heard from yet
      byId = registry.byId(id);
    }
    if (byId.isEmpty()) {
      return "schema id " + id + " is not in the schema registry; the event cannot be validated";
    }
    // An id may stand for one schema in several subjects: find this source's version of it.
    RegisteredSchema schema =
        registry.usages(id, true).stream()
            .filter(u -> u.subject().equals(p.plan.subject()))
            .reduce((earlier, later) -> later)
            .orElse(null);
    if (schema == null) {
      return "schema id "
          + id
          + " is not a version of subject '"
          + p.plan.subject()
          + "', which source '"
          + e.source
          + "' validates against";
    }
    Version built = build(p, schema);
    versions.put(cacheKey, built);
    return built.schema() == null ? built.lakeProblem() : built;
  }

  private Version build(PerSource p, RegisteredSchema schema) {
    String where = "version " + schema.version() + " of subject '" + schema.subject() + "'";
    if (schema.type() != SchemaType.JSON) {
      return new Version(
          schema.subject(),
          schema.version(),
          null,
          null,
          where
              + " is an "
              + schema.type()
              + " schema; sources validate JSON events against JSON Schema");
    }
    com.networknt.schema.Schema compiled = validator.compile(schema.schema());
    VersionColumns columns = null;
    String problem = null;
    if (p.converter != null && schema.version() != p.plan.version()) {
      columns = VersionColumns.of(p.converter.schema(), schema.schema());
      if (!columns.conflicts().isEmpty()) {
        problem =
            where
                + " cannot be written to the curated table: "
                + String.join("; ", columns.conflicts())
                + " (the event is kept in the raw zone)";
      }
      if (columns.isEmpty()) {
        columns = null;
      }
    }
    return new Version(schema.subject(), schema.version(), compiled, columns, problem);
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
