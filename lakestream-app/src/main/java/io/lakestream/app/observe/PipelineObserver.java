package io.lakestream.app.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.app.Failures;
import io.lakestream.app.search.SearchService;
import io.lakestream.gateway.http.GatewayStats;
import io.lakestream.gateway.http.HttpGateway;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.lake.LakeSchemas;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running pipeline and turns what it sees into the figures of the dashboard and of
 * {@code /metrics}: one sample a second, the same numbers for both.
 *
 * <ul>
 *   <li>events accepted and refused per source (the gateway's and listeners' own counters);
 *   <li>Kafka: end offsets of the raw, enriched and alerts topics and the job's committed offsets
 *       (its lag), read with an admin client every two seconds;
 *   <li>the lake: rows and last commit of every table, from Iceberg snapshot summaries (no data is
 *       read), and the rejected records per stage and source, counted from the rows each new
 *       snapshot of {@code errors.records} appended;
 *   <li>the Flink job: completed and failed checkpoints, the last checkpoint's duration, watermarks
 *       and back-pressure, from Flink's own metrics ({@link FlinkMetrics});
 *   <li>the search feed and the alerts (open incidents), JVM memory and uptime.
 * </ul>
 *
 * A part that cannot be read (Kafka unreachable, a table being replaced) keeps its last figures and
 * is marked on its node; the sample never fails as a whole.
 */
public final class PipelineObserver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineObserver.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final long SHORT = TimeUnit.SECONDS.toNanos(5);
  private static final long SLOW_EVERY = TimeUnit.SECONDS.toNanos(2);

  private final PipelineConfig cfg;
  private final HttpGateway gateway;
  private final Map<String, SourceCounters> listeners;
  private final Catalog catalog;
  private final SearchService search;
  private final Supplier<String> jobStatus;
  private final long startedMillis;
  private final Admin admin;
  private final Rates rates = new Rates();
  private final long lakeWindow;

  // Slow parts, refreshed every SLOW_EVERY.
  private long lastSlow;
  private final Map<String, Long> topicEnds = new ConcurrentHashMap<>();
  private volatile long committed = -1;
  private volatile String kafkaProblem;
  private final Map<String, TableState> tables = new ConcurrentHashMap<>();
  private final Map<TableIdentifier, Table> loaded = new HashMap<>();
  private Long errorsSnapshot;
  private final Map<String, Long> errorsByStageSource = new ConcurrentHashMap<>();
  private Long alertsSnapshot;
  private final Map<String, String> alertStatus = new HashMap<>();
  private volatile int alertsOpen;

  // Checkpoints, from Flink's metrics.
  private double checkpointsSeen = -1;
  private long lastCheckpointAtMillis = -1;

  private final List<Long> lagHistory = new ArrayList<>();
  private final List<Long> failedHistory = new ArrayList<>();
  private volatile ObjectNode last;
  private volatile boolean closed;

  /** Rows and last commit of a lake table. */
  record TableState(long rows, long lastCommitMillis) {}

  /**
   * @param listeners counters of the syslog, Fluentd, MQTT and CDC sources, by source
   * @param search the search service, or {@code null}
   * @param jobStatus the Flink job's status ({@code RUNNING}, ...), or {@code null} when none runs
   */
  public PipelineObserver(
      PipelineConfig cfg,
      HttpGateway gateway,
      Map<String, SourceCounters> listeners,
      Catalog catalog,
      SearchService search,
      Supplier<String> jobStatus,
      long startedMillis) {
    this.cfg = cfg;
    this.gateway = gateway;
    this.listeners = listeners;
    this.catalog = catalog;
    this.search = search;
    this.jobStatus = jobStatus;
    this.startedMillis = startedMillis;
    // Lake tables grow once per checkpoint: a window of several checkpoints smooths the steps.
    this.lakeWindow = Math.max(SHORT, cfg.checkpointInterval().toNanos() * 3);
    Properties p = new Properties();
    p.putAll(cfg.kafka().properties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka().bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "lakestream-" + cfg.name() + "-observer");
    this.admin = Admin.create(p);
  }

  /** The newest snapshot (JSON for the dashboard), taking a new sample first. */
  public synchronized JsonNode sample() {
    long nanos = System.nanoTime();
    if (lastSlow == 0 || nanos - lastSlow >= SLOW_EVERY) {
      lastSlow = nanos;
      readKafka();
      readLake();
    }
    last = snapshot(nanos);
    return last;
  }

  /** The last snapshot taken (sampling once when none was). */
  public JsonNode latest() {
    ObjectNode l = last;
    return l != null ? l : sample();
  }

  // ---- reading ------------------------------------------------------------------------------

  private void readKafka() {
    if (closed) {
      return;
    }
    try {
      List<String> topics = new ArrayList<>(List.of(cfg.rawTopic(), cfg.enrichedTopic()));
      if (cfg.alerting().enabled()) {
        topics.add(cfg.alertsTopic());
      }
      Map<String, org.apache.kafka.clients.admin.TopicDescription> d =
          admin.describeTopics(topics).allTopicNames().get(3, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      d.forEach(
          (t, desc) ->
              desc.partitions()
                  .forEach(
                      pi -> specs.put(new TopicPartition(t, pi.partition()), OffsetSpec.latest())));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(specs).all().get(3, TimeUnit.SECONDS);
      Map<String, Long> sums = new HashMap<>();
      ends.forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
      topicEnds.putAll(sums);
      Map<TopicPartition, OffsetAndMetadata> group =
          admin
              .listConsumerGroupOffsets(PipelineJob.consumerGroup(cfg))
              .partitionsToOffsetAndMetadata()
              .get(3, TimeUnit.SECONDS);
      long c = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.entrySet()) {
        if (e.getKey().topic().equals(cfg.rawTopic()) && e.getValue() != null) {
          c += e.getValue().offset();
        }
      }
      committed = c;
      kafkaProblem = null;
    } catch (Exception e) {
      kafkaProblem = "Kafka did not answer: " + Failures.rootMessage(e);
    }
  }

  private void readLake() {
    if (closed) {
      return;
    }
    List<TableIdentifier> ids = new ArrayList<>();
    try {
      if (catalog instanceof SupportsNamespaces ns) {
        for (Namespace n : ns.listNamespaces()) {
          ids.addAll(catalog.listTables(n));
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot list lake tables: {}", e.toString());
    }
    for (TableIdentifier id : ids) {
      try {
        // Loaded once, then refreshed: a refresh reads the metadata file only when it changed.
        Table t = loaded.get(id);
        if (t == null) {
          t = catalog.loadTable(id);
          loaded.put(id, t);
        } else {
          t.refresh();
        }
        Snapshot s = t.currentSnapshot();
        long rows = 0;
        long at = -1;
        if (s != null) {
          String n = s.summary().get("total-records");
          rows = n == null ? 0 : Long.parseLong(n);
          at = s.timestampMillis();
        }
        tables.put(id.toString(), new TableState(rows, at));
        if (id.equals(LakeSchemas.ERRORS_TABLE)) {
          errorsSnapshot = countNew(t, s, errorsSnapshot, this::countError, "stage", "source");
        } else if (id.equals(LakeSchemas.ALERTS_TABLE)) {
          alertsSnapshot = countNew(t, s, alertsSnapshot, this::countAlert, "alert_id", "status");
          alertsOpen = (int) alertStatus.values().stream().filter("open"::equals).count();
        }
      } catch (RuntimeException | IOException e) {
        loaded.remove(id);
        LOG.debug("cannot read lake table {}: {}", id, e.toString());
      }
    }
  }

  /**
   * Reads {@code columns} of the rows appended since {@code from} (all rows the first time) into
   * {@code each}.
   */
  private static Long countNew(
      Table t,
      Snapshot current,
      Long from,
      java.util.function.Consumer<Record> each,
      String... columns)
      throws IOException {
    if (current == null || (from != null && from == current.snapshotId())) {
      return from;
    }
    // Only the counted columns are read from the Parquet files.
    IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(t).select(columns);
    if (from != null && t.snapshot(from) != null) {
      scan = scan.appendsBetween(from, current.snapshotId());
    } else if (from != null) {
      // The snapshot we counted up to was expired: counting again from scratch would double.
      return current.snapshotId();
    } else {
      scan = scan.useSnapshot(current.snapshotId());
    }
    try (CloseableIterable<Record> rows = scan.build()) {
      for (Record r : rows) {
        each.accept(r);
      }
    }
    return current.snapshotId();
  }

  private void countError(Record r) {
    errorsByStageSource.merge(r.getField("stage") + "\u0000" + r.getField("source"), 1L, Long::sum);
  }

  private void countAlert(Record r) {
    alertStatus.put(String.valueOf(r.getField("alert_id")), String.valueOf(r.getField("status")));
  }

  // ---- figures --------------------------------------------------------------------------------

  /** Accepted events per source. */
  Map<String, Long> accepted() {
    return perSource(GatewayStats.SourceStats::accepted, SourceCounters::accepted);
  }

  /** Events refused at the door per source: malformed lines (HTTP) and refused records. */
  Map<String, Long> refused() {
    return perSource(GatewayStats.SourceStats::quarantined, SourceCounters::rejected);
  }

  /** A count per source: the HTTP gateway's plus the source's listener's, either may be absent. */
  private Map<String, Long> perSource(
      ToLongFunction<GatewayStats.SourceStats> http, ToLongFunction<SourceCounters> listener) {
    Map<String, Long> out = new LinkedHashMap<>();
    GatewayStats g = gateway.stats();
    for (SourceConfig s : cfg.sources().values()) {
      long n = 0;
      GatewayStats.SourceStats gs = g.source(s.name());
      if (gs != null) {
        n += http.applyAsLong(gs);
      }
      SourceCounters c = listeners.get(s.name());
      if (c != null) {
        n += listener.applyAsLong(c);
      }
      out.put(s.name(), n);
    }
    return out;
  }

  private long errorsOf(String source) {
    long n = 0;
    for (Map.Entry<String, Long> e : errorsByStageSource.entrySet()) {
      if (e.getKey().endsWith("\u0000" + source)) {
        n += e.getValue();
      }
    }
    return n;
  }

  private long errorsAt(Set<String> stages) {
    long n = 0;
    for (Map.Entry<String, Long> e : errorsByStageSource.entrySet()) {
      if (stages.contains(e.getKey().substring(0, e.getKey().indexOf('\u0000')))) {
        n += e.getValue();
      }
    }
    return n;
  }

  private long rowsIn(String zone) {
    long n = 0;
    for (Map.Entry<String, TableState> e : tables.entrySet()) {
      if (e.getKey().startsWith(zone + ".")) {
        n += e.getValue().rows();
      }
    }
    return n;
  }

  private long newestCommit(String zone) {
    long n = -1;
    for (Map.Entry<String, TableState> e : tables.entrySet()) {
      if (e.getKey().startsWith(zone + ".")) {
        n = Math.max(n, e.getValue().lastCommitMillis());
      }
    }
    return n;
  }

  private static double flinkSum(String metric, String operatorPrefix) {
    double sum = 0;
    boolean any = false;
    for (FlinkMetrics.Entry e : FlinkMetrics.named(metric)) {
      String op = e.variable("operator_name");
      if (operatorPrefix == null || (op != null && op.startsWith(operatorPrefix))) {
        double v = e.value();
        if (!Double.isNaN(v)) {
          sum += v;
          any = true;
        }
      }
    }
    return any ? sum : Double.NaN;
  }

  private static double flinkMax(String metric) {
    double max = Double.NaN;
    for (FlinkMetrics.Entry e : FlinkMetrics.named(metric)) {
      double v = e.value();
      if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) {
        max = v;
      }
    }
    return max;
  }

  /** Milliseconds the slowest source's event-time watermark is behind the clock, or -1. */
  private static long watermarkDelay(long now) {
    long min = Long.MAX_VALUE;
    for (FlinkMetrics.Entry e : FlinkMetrics.named("currentOutputWatermark")) {
      String op = e.variable("operator_name");
      if (op != null && op.startsWith("watermarks: ")) {
        double v = e.value();
        if (!Double.isNaN(v) && v > 0) {
          min = Math.min(min, (long) v);
        }
      }
    }
    return min == Long.MAX_VALUE ? -1 : Math.max(0, now - min);
  }

  private ObjectNode snapshot(long nanos) {
    long now = System.currentTimeMillis();
    ObjectNode o = NODES.objectNode();
    o.put("time", now);
    o.put("pipeline", cfg.name());
    o.put("uptime_ms", now - startedMillis);
    Runtime rt = Runtime.getRuntime();
    o.putObject("memory")
        .put("used_bytes", rt.totalMemory() - rt.freeMemory())
        .put("max_bytes", rt.maxMemory());
    String status = jobStatus.get();
    o.put("job_status", status == null ? "NOT_RUNNING" : status);

    Map<String, Long> accepted = accepted();
    Map<String, Long> refused = refused();
    long acceptedTotal = accepted.values().stream().mapToLong(Long::longValue).sum();
    long refusedTotal = refused.values().stream().mapToLong(Long::longValue).sum();
    long errorsTotal = errorsByStageSource.values().stream().mapToLong(Long::longValue).sum();
    ObjectNode totals = o.putObject("totals");
    totals.put("received", acceptedTotal + refusedTotal);
    totals.put("rejected", refusedTotal + errorsTotal);
    totals.put("stored", rowsIn("raw"));
    totals.put("alerts_open", alertsOpen);

    ArrayNode sources = o.putArray("sources");
    double gatewayRate = 0;
    Map<String, Double> sourceRates = new HashMap<>();
    for (SourceConfig s : cfg.sources().values()) {
      double r = rates.update("src:" + s.name(), accepted.get(s.name()), nanos, SHORT);
      gatewayRate += r;
      sourceRates.put(s.name(), r);
      sources
          .addObject()
          .put("name", s.name())
          .put("kind", s.type())
          .put("events_total", accepted.get(s.name()))
          .put("events_per_s", round(r))
          .put("errors_total", refused.get(s.name()) + errorsOf(s.name()));
    }

    // Checkpoints: count changes to date them.
    double completed = flinkMax("numberOfCompletedCheckpoints");
    if (!Double.isNaN(completed) && completed != checkpointsSeen) {
      if (checkpointsSeen >= 0 || completed > 0) {
        lastCheckpointAtMillis = now;
      }
      checkpointsSeen = completed;
    }
    long checkpointAge = lastCheckpointAtMillis < 0 ? -1 : now - lastCheckpointAtMillis;
    double failedCheckpoints = flinkMax("numberOfFailedCheckpoints");
    failedHistory.add(Double.isNaN(failedCheckpoints) ? 0L : (long) failedCheckpoints);
    if (failedHistory.size() > 10) {
      failedHistory.remove(0);
    }
    long recentFailed = failedHistory.get(failedHistory.size() - 1) - failedHistory.get(0);
    double backPressure = flinkMax("backPressuredTimeMsPerSecond");
    long wmDelay = watermarkDelay(now);

    long rawEnd = topicEnds.getOrDefault(cfg.rawTopic(), 0L);
    long lag = committed < 0 ? -1 : Math.max(0, rawEnd - committed);
    if (lag >= 0) {
      lagHistory.add(lag);
      if (lagHistory.size() > 10) {
        lagHistory.remove(0);
      }
    }
    long slowCheckpoint = cfg.checkpointInterval().toMillis() * 3 + 10_000;

    ArrayNode nodes = o.putArray("nodes");
    ArrayNode edges = o.putArray("edges");
    for (SourceConfig s : cfg.sources().values()) {
      ObjectNode m = node(nodes, "src:" + s.name(), s.name() + " (" + s.type() + ")", "source");
      double r = sourceRates.get(s.name());
      metrics(m).put("events_per_s", round(r));
      long bad = refused.get(s.name()) + errorsOf(s.name());
      long all = accepted.get(s.name()) + refused.get(s.name());
      metrics(m).put("error_rate", all == 0 ? 0 : round4((double) bad / all));
      status(m, StageHealth.source(bad, all));
      edge(edges, "src:" + s.name(), "gateway", r);
    }
    ObjectNode gw = node(nodes, "gateway", "gateway", "gateway");
    metrics(gw).put("events_per_s", round(gatewayRate));
    long door = acceptedTotal + refusedTotal;
    metrics(gw).put("error_rate", door == 0 ? 0 : round4((double) refusedTotal / door));
    status(gw, "ok", null);
    edge(edges, "gateway", "topic:raw", gatewayRate);

    ObjectNode raw = node(nodes, "topic:raw", "Kafka " + cfg.rawTopic(), "topic");
    metrics(raw).put("lag", lag);
    status(raw, StageHealth.rawTopic(lagHistory, 10, kafkaProblem));

    double dedupIn = flinkSum("numRecordsIn", "dedup");
    double jobIn =
        Double.isNaN(dedupIn)
            ? rates.update("job:committed", Math.max(0, committed), nanos, lakeWindow)
            : rates.update("job:in", dedupIn, nanos, SHORT);
    boolean running = "RUNNING".equals(status);
    ObjectNode validate = node(nodes, "step:validate", "dedup, validate", "step");
    long validated = rowsIn("raw");
    long validateErrors = errorsAt(Set.of("parse", "validate", "event_time"));
    metrics(validate).put("events_per_s", round(jobIn));
    metrics(validate)
        .put(
            "error_rate",
            validated + validateErrors == 0
                ? 0
                : round4((double) validateErrors / (validated + validateErrors)));
    metrics(validate).put("last_checkpoint_age_ms", checkpointAge);
    if (!Double.isNaN(failedCheckpoints)) {
      metrics(validate).put("failed_checkpoints", (long) failedCheckpoints);
    }
    StageHealth.Verdict jobVerdict =
        StageHealth.job(status, checkpointAge, slowCheckpoint, recentFailed, backPressure);
    status(validate, jobVerdict);
    edge(edges, "topic:raw", "step:validate", jobIn);

    ObjectNode curate = node(nodes, "step:curate", "lateness, enrich, transform", "step");
    double curatedRate = rates.update("lake:curated", rowsIn("curated"), nanos, lakeWindow);
    metrics(curate).put("events_per_s", round(curatedRate));
    metrics(curate).put("watermark_delay_ms", wmDelay);
    status(curate, jobVerdict);
    edge(edges, "step:validate", "step:curate", curatedRate);

    sink(nodes, edges, "step:validate", "sink:raw", "lake raw zone", "raw", nanos, now, running);
    sink(nodes, edges, "step:validate", "sink:errors", "error zone", "errors", nanos, now, running);
    sink(
        nodes,
        edges,
        "step:curate",
        "sink:curated",
        "lake curated zone",
        "curated",
        nanos,
        now,
        running);

    ObjectNode enriched = node(nodes, "topic:enriched", "Kafka " + cfg.enrichedTopic(), "topic");
    double enrichedRate =
        rates.update(
            "topic:enriched", topicEnds.getOrDefault(cfg.enrichedTopic(), 0L), nanos, SHORT);
    metrics(enriched).put("events_per_s", round(enrichedRate));
    status(enriched, kafkaProblem == null ? "ok" : "failing", kafkaProblem);
    edge(edges, "step:curate", "topic:enriched", enrichedRate);

    if (!cfg.aggregations().isEmpty() || !cfg.joins().isEmpty()) {
      ObjectNode sql = node(nodes, "step:sql", "windows, joins", "step");
      status(sql, jobVerdict);
      edge(edges, "step:curate", "step:sql", curatedRate);
      if (!cfg.aggregations().isEmpty()) {
        sink(
            nodes,
            edges,
            "step:sql",
            "sink:aggregates",
            "lake aggregates",
            "aggregates",
            nanos,
            now,
            running);
      }
    }
    if (cfg.alerting().enabled()) {
      ObjectNode detect = node(nodes, "step:detect", "anomaly detectors", "step");
      status(detect, jobVerdict);
      edge(edges, "step:curate", "step:detect", curatedRate);
      ObjectNode alerts = node(nodes, "sink:alerts", "alerts (" + alertsOpen + " open)", "sink");
      double alertRate =
          rates.update("topic:alerts", topicEnds.getOrDefault(cfg.alertsTopic(), 0L), nanos, SHORT);
      metrics(alerts).put("events_per_s", round(alertRate));
      metrics(alerts).put("open", alertsOpen);
      status(alerts, "ok", null);
      edge(edges, "step:detect", "sink:alerts", alertRate);
    }
    if (search != null) {
      ObjectNode s = node(nodes, "sink:search", "search index", "sink");
      double r = rates.update("search", search.indexed(), nanos, SHORT);
      metrics(s).put("events_per_s", round(r));
      metrics(s).put("documents", search.indexed());
      status(s, "ok", null);
      edge(edges, "topic:enriched", "sink:search", r);
    }
    return o;
  }

  private void sink(
      ArrayNode nodes,
      ArrayNode edges,
      String from,
      String id,
      String label,
      String zone,
      long nanos,
      long now,
      boolean running) {
    ObjectNode n = node(nodes, id, label, "sink");
    double r = rates.update("lake:" + zone, rowsIn(zone), nanos, lakeWindow);
    metrics(n).put("events_per_s", round(r));
    long commit = newestCommit(zone);
    long age = commit < 0 ? -1 : now - commit;
    metrics(n).put("last_commit_age_ms", age);
    metrics(n).put("rows", rowsIn(zone));
    // Only a zone that should be receiving (its input flows) and has not committed is behind.
    long slow = cfg.checkpointInterval().toMillis() * 3 + 30_000;
    boolean inflow =
        zone.equals("raw")
            && committed >= 0
            && committed < topicEnds.getOrDefault(cfg.rawTopic(), 0L);
    status(n, StageHealth.zone(running, inflow, age, slow));
    edge(edges, from, id, r);
  }

  private static ObjectNode metrics(ObjectNode node) {
    return (ObjectNode) node.get("metrics");
  }

  private static ObjectNode node(ArrayNode nodes, String id, String label, String kind) {
    ObjectNode n = nodes.addObject();
    n.put("id", id).put("label", label).put("kind", kind);
    n.putObject("metrics");
    return n;
  }

  private static void status(ObjectNode n, StageHealth.Verdict v) {
    status(n, v.status(), v.note());
  }

  private static void status(ObjectNode n, String status, String note) {
    n.put("status", status);
    if (!"ok".equals(status) && note != null) {
      n.put("note", note);
    }
  }

  private static void edge(ArrayNode edges, String from, String to, double rate) {
    edges.addObject().put("from", from).put("to", to).put("events_per_s", round(rate));
  }

  private static double round(double v) {
    return Double.isNaN(v) ? 0 : Math.round(v * 10) / 10.0;
  }

  private static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  // ---- metrics --------------------------------------------------------------------------------

  /** Registers the figures with a Micrometer registry; they read the newest sample. */
  public void bind(MeterRegistry r) {
    for (SourceConfig s : cfg.sources().values()) {
      Tags t = Tags.of("source", s.name());
      FunctionCounter.builder(
              "lakestream.source.events.accepted", this, o -> o.accepted().get(s.name()))
          .description("Events acknowledged into Kafka")
          .tags(t)
          .register(r);
      FunctionCounter.builder(
              "lakestream.source.events.refused", this, o -> o.refused().get(s.name()))
          .description("Events refused at the door (malformed lines, refused records)")
          .tags(t)
          .register(r);
    }
    FunctionCounter.builder("lakestream.gateway.requests", gateway, g -> g.stats().requests())
        .description("HTTP requests received")
        .register(r);
    FunctionCounter.builder(
            "lakestream.gateway.requests.rejected", gateway, g -> g.stats().rejected())
        .description("HTTP requests answered with an error status")
        .register(r);
    for (String topic : topicsOf()) {
      Gauge.builder("lakestream.kafka.end.offset", this, o -> o.topicEnds.getOrDefault(topic, 0L))
          .description("Records written to the topic (sum of partition end offsets)")
          .tags("topic", topic)
          .register(r);
    }
    Gauge.builder(
            "lakestream.job.lag",
            this,
            o ->
                o.committed < 0
                    ? Double.NaN
                    : o.topicEnds.getOrDefault(cfg.rawTopic(), 0L) - o.committed)
        .description("Raw-topic records the job has not checkpointed yet")
        .baseUnit("records")
        .register(r);
    Gauge.builder(
            "lakestream.checkpoints.completed", this, o -> flinkMax("numberOfCompletedCheckpoints"))
        .register(r);
    Gauge.builder("lakestream.checkpoints.failed", this, o -> flinkMax("numberOfFailedCheckpoints"))
        .register(r);
    Gauge.builder(
            "lakestream.checkpoint.last.duration",
            this,
            o -> flinkMax("lastCheckpointDuration") / 1000.0)
        .baseUnit("seconds")
        .register(r);
    Gauge.builder(
            "lakestream.watermark.delay",
            this,
            o -> {
              long d = watermarkDelay(System.currentTimeMillis());
              return d < 0 ? Double.NaN : d / 1000.0;
            })
        .description("How far the slowest source's event-time watermark is behind the clock")
        .baseUnit("seconds")
        .register(r);
    Gauge.builder("lakestream.alerts.open", this, o -> o.alertsOpen).register(r);
    if (search != null) {
      FunctionCounter.builder("lakestream.search.documents.indexed", search, SearchService::indexed)
          .register(r);
    }
  }

  /**
   * Registers per-table and per-stage meters that appeared since the last call (tables are created
   * as the job starts; stages as records are rejected). Called after each sample.
   */
  public void bindNew(MeterRegistry r) {
    for (String table : tables.keySet()) {
      if (boundTables.add(table)) {
        Gauge.builder("lakestream.lake.rows", this, o -> o.tables.get(table).rows())
            .description("Rows in the table's current snapshot")
            .tags("table", table)
            .register(r);
        Gauge.builder(
                "lakestream.lake.commit.age",
                this,
                o -> {
                  long at = o.tables.get(table).lastCommitMillis();
                  return at < 0 ? Double.NaN : (System.currentTimeMillis() - at) / 1000.0;
                })
            .description("Time since the table's last commit")
            .tags("table", table)
            .baseUnit("seconds")
            .register(r);
      }
    }
    for (Map.Entry<String, LakeCommits.Stats> e : LakeCommits.tables().entrySet()) {
      if (boundCommits.add(e.getKey())) {
        LakeCommits.Stats st = e.getValue();
        FunctionTimer.builder(
                "lakestream.lake.commit.duration",
                st,
                LakeCommits.Stats::commits,
                LakeCommits.Stats::totalSeconds,
                TimeUnit.SECONDS)
            .description("Lake commits and the time they took (retries included)")
            .tags("table", e.getKey())
            .register(r);
        Gauge.builder("lakestream.lake.commit.last.duration", st, LakeCommits.Stats::lastSeconds)
            .tags("table", e.getKey())
            .baseUnit("seconds")
            .register(r);
      }
    }
    for (String key : errorsByStageSource.keySet()) {
      if (boundErrors.add(key)) {
        int z = key.indexOf('\u0000');
        FunctionCounter.builder(
                "lakestream.errors", this, o -> o.errorsByStageSource.getOrDefault(key, 0L))
            .description("Records in the error zone, by the stage that rejected them")
            .tags("stage", key.substring(0, z), "source", key.substring(z + 1))
            .register(r);
      }
    }
  }

  private final Set<String> boundTables = ConcurrentHashMap.newKeySet();
  private final Set<String> boundErrors = ConcurrentHashMap.newKeySet();
  private final Set<String> boundCommits = ConcurrentHashMap.newKeySet();

  private List<String> topicsOf() {
    List<String> t = new ArrayList<>(List.of(cfg.rawTopic(), cfg.enrichedTopic()));
    if (cfg.alerting().enabled()) {
      t.add(cfg.alertsTopic());
    }
    return t;
  }

  /** Whether the pipeline takes and processes events: the job runs and Kafka answers. */
  public boolean ready() {
    return "RUNNING".equals(jobStatus.get()) && kafkaProblem == null && !closed;
  }

  /** Why the pipeline is not ready, or {@code null}. */
  public String notReadyBecause() {
    String s = jobStatus.get();
    if (closed) {
      return "stopping";
    }
    if (!"RUNNING".equals(s)) {
      return "the Flink job is " + (s == null ? "not running" : s);
    }
    return kafkaProblem;
  }

  @Override
  public void close() {
    closed = true;
    admin.close(Duration.ofSeconds(2));
  }

  /** For tests: the set of seen error keys. */
  Set<String> errorKeys() {
    return new HashSet<>(errorsByStageSource.keySet());
  }
}
