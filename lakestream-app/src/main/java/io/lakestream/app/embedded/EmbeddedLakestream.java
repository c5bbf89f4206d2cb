package io.lakestream.app.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.LakeConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.Failures;
import io.lakestream.app.alerts.AlertDispatcher;
import io.lakestream.app.export.WarehouseExport;
import io.lakestream.app.http.ObserveRoutes;
import io.lakestream.app.http.SearchEndpoint;
import io.lakestream.app.http.SqlEndpoint;
import io.lakestream.app.maintain.LakeUpkeep;
import io.lakestream.app.observe.FlinkMetrics;
import io.lakestream.app.observe.LakeCommits;
import io.lakestream.app.observe.PipelineObserver;
import io.lakestream.app.search.SearchService;
import io.lakestream.dashboard.Dashboard;
import io.lakestream.gateway.http.HttpGateway;
import io.lakestream.gateway.ingest.KafkaRawSink;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.jobs.deploy.PipelineTopics;
import io.lakestream.jobs.schema.PipelineSchemas;
import io.lakestream.jobs.schema.SchemaPlan;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeTables;
import io.lakestream.registry.rest.RegistryRoutes;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform in one JVM: Kafka broker, lake tables, the Flink job on a local mini cluster
 * and the HTTP gateway, for one pipeline.
 *
 * <pre>{@code
 * try (EmbeddedLakestream ls = EmbeddedLakestream.start(cfg, Path.of("data"), Options.defaults())) {
 *   ls.gatewayUrl(); // http://127.0.0.1:8080
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops in the order that loses nothing: the gateway and the other sources stop
 * taking data (each waiting for the Kafka acknowledgements still due), the job stops with a
 * savepoint (committing what it holds to the lake), then the broker stops. The next start resumes
 * from that savepoint, or from the newest retained checkpoint after a crash.
 */
public final class EmbeddedLakestream implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedLakestream.class);

  /** Start-up knobs that are not part of the pipeline file. */
  public record Options(int kafkaPort, Duration readyTimeout, boolean deferJob) {
    public static Options defaults() {
      return new Options(9092, Duration.ofSeconds(120), false);
    }

    public Options withKafkaPort(int port) {
      return new Options(port, readyTimeout, deferJob);
    }

    /**
     * Start everything but the Flink job, which {@link #startJob()} starts later: events pile up in
     * the raw topic meanwhile (the benchmark measures replay speed this way).
     */
    public Options withJobDeferred() {
      return new Options(kafkaPort, readyTimeout, true);
    }
  }

  private final DataDirLock lock;
  private final PipelineConfig cfg;
  private final Path dataDir;
  private final EmbeddedKafka kafka;
  private final LakeCatalog lake;
  private volatile JobClient job;
  private final Producer<byte[], byte[]> producer;
  private final HttpGateway gateway;
  private final SourceServers sources;
  private final PipelineSchemas schemas;
  private final WarehouseExport export;
  private final LakeUpkeep upkeep;
  private final AlertDispatcher alerts;
  private final SearchService search;
  private final Dashboard dashboard;
  private final PrometheusMeterRegistry metrics;
  private volatile PipelineObserver observer;
  private final RestorePoints restorePoints;
  private final Optional<Path> restoredFrom;
  private final long startupMillis;
  private volatile boolean closed;
  private volatile boolean crashing;

  private EmbeddedLakestream(
      DataDirLock lock,
      PipelineConfig cfg,
      Path dataDir,
      EmbeddedKafka kafka,
      LakeCatalog lake,
      JobClient job,
      Producer<byte[], byte[]> producer,
      HttpGateway gateway,
      SourceServers sources,
      PipelineSchemas schemas,
      WarehouseExport export,
      LakeUpkeep upkeep,
      AlertDispatcher alerts,
      SearchService search,
      Dashboard dashboard,
      PrometheusMeterRegistry metrics,
      RestorePoints restorePoints,
      Optional<Path> restoredFrom,
      long startupMillis) {
    this.lock = lock;
    this.cfg = cfg;
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.lake = lake;
    this.job = job;
    this.producer = producer;
    this.gateway = gateway;
    this.sources = sources;
    this.schemas = schemas;
    this.export = export;
    this.upkeep = upkeep;
    this.alerts = alerts;
    this.search = search;
    this.dashboard = dashboard;
    this.metrics = metrics;
    this.restorePoints = restorePoints;
    this.restoredFrom = restoredFrom;
    this.startupMillis = startupMillis;
  }

  /**
   * Starts every part and returns once the gateway accepts events and the job runs.
   *
   * @throws IllegalStateException with a readable message when a part cannot start
   */
  public static EmbeddedLakestream start(PipelineConfig pipeline, Path dataDir, Options options) {
    long t0 = System.currentTimeMillis();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      DataDirLock lock = DataDirLock.acquire(dataDir);
      started.add(lock);
      EmbeddedKafka kafka = null;
      PipelineConfig cfg = pipeline;
      if (pipeline.kafka().embedded()) {
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), options.kafkaPort());
        started.add(kafka);
        cfg = withBootstrap(pipeline, kafka.bootstrapServers());
      }
      PipelineTopics.ensure(cfg);
      PipelineSchemas schemas = PipelineSchemas.open(cfg);
      started.add(schemas);
      cfg = schemas.resolve(cfg);
      SchemaPlan plan = schemas.plan();

      // Every commit of this JVM (the job's sinks, the upkeep) reports its duration for /metrics.
      if (!cfg.lake().catalogProperties().containsKey(LakeCommits.PROPERTY)) {
        Map<String, String> props = new java.util.LinkedHashMap<>(cfg.lake().catalogProperties());
        props.put(LakeCommits.PROPERTY, LakeCommits.class.getName());
        LakeConfig l = cfg.lake();
        cfg =
            cfg.withLake(
                new LakeConfig(l.warehouse(), l.catalogUri(), props, l.export(), l.maintenance()));
      }
      LakeCatalog lake = LakeCatalog.open(cfg.lake());
      started.add(lake);
      LakeTables.ensure(lake.catalog(), cfg);

      RestorePoints points = new RestorePoints(dataDir.resolve("flink"));
      Optional<Path> restore = points.newest();
      JobClient job =
          options.deferJob()
              ? null
              : startJob(
                  cfg,
                  points,
                  restore,
                  options.readyTimeout(),
                  (env, c) -> PipelineJob.of(c).withSchemas(plan).attachTo(env));
      if (job != null) {
        started.add(() -> job.cancel().get(30, TimeUnit.SECONDS));
      }
      AlertDispatcher alerts =
          cfg.alerting().enabled() ? AlertDispatcher.start(cfg, dataDir.resolve("notify")) : null;
      if (alerts != null) {
        started.add(alerts);
      }

      SearchService search =
          cfg.search().enabled()
              ? SearchService.start(cfg, dataDir.resolve("search"), lake.catalog())
              : null;
      if (search != null) {
        started.add(search);
      }

      Producer<byte[], byte[]> producer =
          new KafkaProducer<>(HttpGateway.producerProperties(cfg, cfg.kafka().bootstrapServers()));
      started.add(producer);
      RegistryRoutes registryRoutes = new RegistryRoutes(schemas.registry());
      // The dashboard samples the pipeline once a second (the observer is set once every part
      // runs); /metrics reads the same samples.
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(metrics);
      new JvmThreadMetrics().bindTo(metrics);
      new ProcessorMetrics().bindTo(metrics);
      new UptimeMetrics().bindTo(metrics);
      AtomicReference<PipelineObserver> observing = new AtomicReference<>();
      String pipelineName = cfg.name();
      Dashboard dashboard =
          new Dashboard(
              () -> {
                PipelineObserver o = observing.get();
                if (o == null) {
                  return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                      .objectNode()
                      .put("pipeline", pipelineName)
                      .put("starting", true);
                }
                JsonNode sample = o.sample();
                o.bindNew(metrics);
                return sample;
              });
      started.add(dashboard);
      HttpGateway gateway =
          HttpGateway.builder()
              .pipeline(cfg)
              .producer(producer)
              .schemaIds(schemas)
              .routes(r -> registryRoutes.mount(r, HttpGateway.REGISTRY_PATH))
              .routes(new SqlEndpoint(lake.catalog())::mount)
              .routes(
                  search == null
                      ? SearchEndpoint::mountDisabled
                      : new SearchEndpoint(search::search)::mount)
              .routes(dashboard::mount)
              .routes(new ObserveRoutes(metrics, observing::get)::mount)
              .build();
      gateway.start();
      started.add(gateway);
      SourceServers sources =
          SourceServers.start(
              cfg, new KafkaRawSink(producer, cfg.rawTopic(), schemas), dataDir.resolve("sources"));
      started.add(sources);
      WarehouseExport export =
          cfg.lake().export() == null
              ? null
              : WarehouseExport.schedule(cfg.lake().export(), lake.catalog());
      if (export != null) {
        started.add(export);
      }
      LakeUpkeep upkeep = LakeUpkeep.schedule(cfg.lake().maintenance(), lake.catalog(), dataDir);
      started.add(upkeep);
      EmbeddedLakestream ls =
          new EmbeddedLakestream(
              lock,
              cfg,
              dataDir,
              kafka,
              lake,
              job,
              producer,
              gateway,
              sources,
              schemas,
              export,
              upkeep,
              alerts,
              search,
              dashboard,
              metrics,
              points,
              restore,
              System.currentTimeMillis() - t0);
      PipelineObserver o =
          new PipelineObserver(
              cfg, gateway, sources.counters(), lake.catalog(), search, ls::jobStatusName, t0);
      started.add(o);
      o.bind(metrics);
      ls.observer = o;
      observing.set(o);
      return ls;
    } catch (RuntimeException | IOException e) {
      throw closeAfterFailedStart(started, e);
    }
  }

  private static JobClient startJob(
      PipelineConfig cfg,
      RestorePoints points,
      Optional<Path> restore,
      Duration timeout,
      BiConsumer<StreamExecutionEnvironment, PipelineConfig> attach) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    // Every detector, aggregation and join adds network channels; the mini cluster's default of
    // 64 MB runs out with the bundled example and its detectors.
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(128));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(128));
    // The job's own metrics (checkpoints, watermarks, back-pressure) for the dashboard and
    // /metrics.
    FlinkMetrics.configure(conf);
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, points.checkpointDir().toUri().toString());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, points.savepointDir().toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    restore.ifPresent(
        p -> {
          conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString());
          // Removing a detector, aggregation, join or source removes its operators; their saved
          // state (models, open windows) is then dropped instead of refusing to start.
          conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
          LOG.info("Resuming the job from {}", p);
        });
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism(), conf);
    attach.accept(env, cfg);
    JobClient job;
    try {
      job = env.executeAsync(PipelineJob.jobName(cfg));
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot start the Flink job"
              + restore.map(p -> " from " + p).orElse("")
              + ": "
              + Failures.rootMessage(e)
              + restore
                  .map(
                      p ->
                          ". If the pipeline changed in a way its saved state cannot follow, move"
                              + " that folder away to start the job afresh (Kafka keeps the events).")
                  .orElse(""),
          e);
    }
    awaitRunning(job, timeout);
    return job;
  }

  private static void awaitRunning(JobClient job, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JobStatus status;
      try {
        status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot read the Flink job status: " + Failures.rootMessage(e), e);
      }
      if (status == JobStatus.RUNNING) {
        return;
      }
      if (status.isGloballyTerminalState()) {
        String cause = "";
        try {
          job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          cause = ": " + Failures.rootMessage(e);
        }
        throw new IllegalStateException(
            "the Flink job ended while starting (" + status + ")" + cause);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Flink job did not reach RUNNING within " + timeout);
      }
      sleepQuietly(50);
    }
  }

  /**
   * Waits until the job has read and checkpointed everything in the raw topic, so that the
   * savepoint that follows commits every acknowledged event to the lake rather than leaving the
   * newest ones for the next start. The job commits its Kafka offsets on each checkpoint, so this
   * takes up to one checkpoint interval; on timeout the stop goes on (nothing is lost either way:
   * unread events stay in Kafka).
   */
  /** The end offset of each partition of {@code topic}. */
  public static Map<
          org.apache.kafka.common.TopicPartition,
          org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>
      endOffsets(Admin admin, String topic) throws Exception {
    var partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(10, TimeUnit.SECONDS)
            .get(topic)
            .partitions();
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends =
        new java.util.HashMap<>();
    for (var info : partitions) {
      ends.put(
          new org.apache.kafka.common.TopicPartition(topic, info.partition()),
          org.apache.kafka.clients.admin.OffsetSpec.latest());
    }
    return admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
  }

  private void awaitConsumed(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = PipelineTopics.admin(cfg)) {
      var end = endOffsets(admin, cfg.rawTopic());
      while (System.nanoTime() < deadline) {
        var committed =
            admin
                .listConsumerGroupOffsets(PipelineJob.consumerGroup(cfg))
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        boolean done =
            end.entrySet().stream()
                .allMatch(
                    e -> {
                      var c = committed.get(e.getKey());
                      return e.getValue().offset() == 0
                          || (c != null && c.offset() >= e.getValue().offset());
                    });
        if (done) {
          return;
        }
        Thread.sleep(200);
      }
      LOG.warn(
          "The job had not read every event within {} s of stopping; the rest stays in Kafka for"
              + " the next start.",
          timeout.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "Could not check how far the job has read ({}); stopping anyway.",
          Failures.rootMessage(e));
    }
  }

  static PipelineConfig withBootstrap(PipelineConfig c, String bootstrap) {
    return c.withKafka(c.kafka().withBootstrapServers(bootstrap));
  }

  /** The schema registry the stack serves and validates against. */
  public io.lakestream.registry.Registry registry() {
    return schemas.registry();
  }

  /** The schema versions the job plans with, e.g. to submit it to a Flink cluster. */
  public SchemaPlan schemaPlan() {
    return schemas.plan();
  }

  /** The pipeline as running, with the embedded broker's address filled in. */
  public PipelineConfig pipeline() {
    return cfg;
  }

  public String gatewayUrl() {
    return gateway.baseUrl();
  }

  public String kafkaBootstrap() {
    return cfg.kafka().bootstrapServers();
  }

  public Path dataDir() {
    return dataDir;
  }

  public LakeCatalog lake() {
    return lake;
  }

  public HttpGateway gateway() {
    return gateway;
  }

  /** The search index and its feed, or empty when the pipeline has no {@code search:} block. */
  public Optional<SearchService> search() {
    return Optional.ofNullable(search);
  }

  /** The Flink job's status name, or {@code null} when no job runs. */
  String jobStatusName() {
    JobClient j = job;
    if (j == null || closed) {
      return null;
    }
    try {
      return j.getJobStatus().get(2, TimeUnit.SECONDS).name();
    } catch (Exception e) {
      return "UNKNOWN";
    }
  }

  /** The figures of the dashboard and of {@code /metrics}. */
  public PipelineObserver observer() {
    return observer;
  }

  /** The dashboard (its open live streams, for benchmarks). */
  public Dashboard dashboard() {
    return dashboard;
  }

  /** The syslog, Fluentd, MQTT and CDC sources' servers and counters. */
  public SourceServers sources() {
    return sources;
  }

  public Optional<Path> restoredFrom() {
    return restoredFrom;
  }

  /** Milliseconds from {@link #start} being called until everything was ready. */
  public long startupMillis() {
    return startupMillis;
  }

  /**
   * Stops everything without losing acknowledged events: gateway first, then the job with a
   * savepoint (which commits its last files to the lake), then the broker.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopIngest();
    if (job == null) {
      stopStorage();
      return;
    }
    awaitConsumed(cfg.checkpointInterval().multipliedBy(3).plusSeconds(10));
    try {
      String path =
          job.stopWithSavepoint(
                  false,
                  restorePoints.savepointDir().toUri().toString(),
                  SavepointFormatType.CANONICAL)
              .get(120, TimeUnit.SECONDS);
      LOG.info("Flink job stopped with savepoint {}", path);
      restorePoints.prune(2);
    } catch (Exception e) {
      LOG.warn(
          "Could not stop the Flink job with a savepoint ({}); cancelling it. The next start resumes"
              + " from the last checkpoint and re-reads the rest from Kafka.",
          Failures.rootMessage(e));
      try {
        job.cancel().get(30, TimeUnit.SECONDS);
      } catch (Exception ce) {
        LOG.warn("Cancelling the Flink job failed: {}", Failures.rootMessage(ce));
      }
    }
    stopStorage();
  }

  /**
   * Stops abruptly, the way a crash would: no savepoint, the job is cancelled and whatever it had
   * not committed to the lake is dropped. The next start resumes from the newest retained
   * checkpoint and re-reads the rest from Kafka. For failure tests.
   */
  public synchronized void crash() {
    if (closed) {
      return;
    }
    closed = true;
    crashing = true;
    stopIngest();
    if (job != null) {
      try {
        job.cancel().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Cancelling the Flink job failed: {}", Failures.rootMessage(e));
      }
    }
    stopStorage();
  }

  /**
   * Starts the Flink job of a stack started with {@link Options#withJobDeferred()}.
   *
   * @throws IllegalStateException when the job already runs, the stack is closed, or the job cannot
   *     start
   */
  public synchronized void startJob() {
    SchemaPlan plan = schemas.plan();
    startJob((env, c) -> PipelineJob.of(c).withSchemas(plan).attachTo(env));
  }

  /**
   * Starts a different Flink job than the pipeline's on a stack started with {@link
   * Options#withJobDeferred()}, e.g. the benchmark's floor job. It is stopped like the pipeline's.
   *
   * @param attach adds the job's operators to the environment
   */
  public synchronized void startJob(BiConsumer<StreamExecutionEnvironment, PipelineConfig> attach) {
    if (closed || job != null) {
      throw new IllegalStateException(closed ? "the stack is closed" : "the job already runs");
    }
    job = startJob(cfg, restorePoints, restoredFrom, Duration.ofSeconds(120), attach);
  }

  /** First step of any stop: no new events come in. */
  private void stopIngest() {
    // Open dashboard streams would otherwise hold the HTTP server's stop.
    closeQuietly("dashboard", dashboard);
    closeQuietly("HTTP gateway", gateway);
    closeQuietly("sources", sources);
    closeQuietly("Kafka producer", producer);
  }

  /** Last step of any stop, once the job is gone. */
  private void stopStorage() {
    if (alerts != null) {
      // The job has stopped, so every alert it made is in Kafka: let deliveries finish briefly.
      alerts.close(closed && !crashing ? Duration.ofSeconds(10) : Duration.ZERO);
    }
    if (observer != null) {
      closeQuietly("pipeline observer", observer);
    }
    if (search != null) {
      closeQuietly("search index", search);
    }
    if (export != null) {
      closeQuietly("warehouse export", export);
    }
    closeQuietly("table upkeep", upkeep);
    closeQuietly("lake catalog", lake);
    closeQuietly("schema registry", schemas);
    if (kafka != null) {
      closeQuietly("Kafka broker", kafka);
    }
    closeQuietly("data directory lock", lock);
  }

  static void closeQuietly(String what, AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Stopping the {} failed: {}", what, Failures.rootMessage(e));
    }
  }

  /**
   * Deletes a folder of a stopped stack and everything in it (old restore points, or a throwaway
   * data directory such as the benchmark's). Does nothing when it does not exist.
   */
  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes what a failed start had started, newest first, and answers the failure to throw: {@code
   * e} itself when unchecked, else wrapped; close failures are added to it as suppressed.
   */
  static RuntimeException closeAfterFailedStart(List<AutoCloseable> started, Exception e) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
    }
    return e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
