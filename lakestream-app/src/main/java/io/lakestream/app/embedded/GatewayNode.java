package io.lakestream.app.embedded;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.gateway.http.HttpGateway;
import io.lakestream.gateway.ingest.KafkaRawSink;
import io.lakestream.jobs.deploy.PipelineTopics;
import io.lakestream.jobs.schema.PipelineSchemas;
import io.lakestream.registry.rest.RegistryRoutes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingestion only, for scaling out: the HTTP gateway and the pipeline's listeners (syslog, Fluentd,
 * MQTT, PostgreSQL CDC) in their own process, writing to an external Kafka cluster that the job on
 * a Flink cluster reads. Any number can run side by side (each with its own data directory and
 * ports): they share nothing but Kafka, and the schema registry, which lives in a Kafka topic.
 *
 * <p>Events are acknowledged exactly as in {@code up}: only once Kafka holds them. A node killed at
 * any moment loses nothing it acknowledged.
 */
public final class GatewayNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayNode.class);

  private final PipelineConfig cfg;
  private final DataDirLock lock;
  private final PipelineSchemas schemas;
  private final Producer<byte[], byte[]> producer;
  private final HttpGateway gateway;
  private final SourceServers sources;
  private volatile boolean closed;

  private GatewayNode(
      PipelineConfig cfg,
      DataDirLock lock,
      PipelineSchemas schemas,
      Producer<byte[], byte[]> producer,
      HttpGateway gateway,
      SourceServers sources) {
    this.cfg = cfg;
    this.lock = lock;
    this.schemas = schemas;
    this.producer = producer;
    this.gateway = gateway;
    this.sources = sources;
  }

  /**
   * Starts the node.
   *
   * @param dataDir this node's own folder (listener state: CDC offsets, MQTT sessions)
   * @throws IllegalStateException with a readable message when Kafka cannot be used or a part
   *     cannot start
   */
  public static GatewayNode start(PipelineConfig pipeline, Path dataDir) {
    if (pipeline.kafka().embedded()) {
      throw new IllegalStateException(
          "a gateway node writes to an external Kafka cluster: set kafka.bootstrap_servers in the"
              + " pipeline file (e.g. 'kafka: {bootstrap_servers: kafka-1:9092,kafka-2:9092}')");
    }
    List<AutoCloseable> started = new ArrayList<>();
    try {
      DataDirLock lock = DataDirLock.acquire(dataDir);
      started.add(lock);
      // Idempotent: whichever starts first (a node or the job's side) creates them.
      PipelineTopics.ensure(pipeline);
      PipelineSchemas schemas = PipelineSchemas.open(pipeline);
      started.add(schemas);
      PipelineConfig cfg = schemas.resolve(pipeline);
      Producer<byte[], byte[]> producer =
          new KafkaProducer<>(HttpGateway.producerProperties(cfg, cfg.kafka().bootstrapServers()));
      started.add(producer);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(metrics);
      new ProcessorMetrics().bindTo(metrics);
      RegistryRoutes registryRoutes = new RegistryRoutes(schemas.registry());
      HttpGateway gateway =
          HttpGateway.builder()
              .pipeline(cfg)
              .producer(producer)
              .schemaIds(schemas)
              .routes(r -> registryRoutes.mount(r, HttpGateway.REGISTRY_PATH))
              .routes(
                  r -> {
                    r.get(
                        "/metrics",
                        ctx ->
                            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                                .result(metrics.scrape()));
                    r.get(
                        "/health",
                        ctx -> ctx.contentType("application/json").result("{\"status\":\"up\"}"));
                  })
              .build();
      gateway.start();
      started.add(gateway);
      SourceServers sources =
          SourceServers.start(
              cfg, new KafkaRawSink(producer, cfg.rawTopic(), schemas), dataDir.resolve("sources"));
      started.add(sources);
      for (SourceConfig s : cfg.sources().values()) {
        FunctionCounter.builder(
                "lakestream.source.events.accepted",
                gateway,
                g -> {
                  var st = g.stats().source(s.name());
                  SourceCounters c = sources.counters().get(s.name());
                  return (st == null ? 0 : st.accepted()) + (c == null ? 0 : c.accepted());
                })
            .tags("source", s.name())
            .register(metrics);
      }
      LOG.info(
          "Gateway node of pipeline '{}' writes to Kafka {} (topic {})",
          cfg.name(),
          cfg.kafka().bootstrapServers(),
          cfg.rawTopic());
      return new GatewayNode(cfg, lock, schemas, producer, gateway, sources);
    } catch (RuntimeException | IOException e) {
      throw EmbeddedLakestream.closeAfterFailedStart(started, e);
    }
  }

  /** The pipeline as this node runs it. */
  public PipelineConfig pipeline() {
    return cfg;
  }

  /** The HTTP gateway's address. */
  public String gatewayUrl() {
    return gateway.baseUrl();
  }

  /** The non-HTTP listeners' addresses. */
  public List<String> endpoints() {
    return sources.endpoints();
  }

  /**
   * Stops taking events, waits for the acknowledgements still due, then closes the producer: what
   * was acknowledged is in Kafka.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    EmbeddedLakestream.closeQuietly("HTTP gateway", gateway);
    EmbeddedLakestream.closeQuietly("sources", sources);
    try {
      producer.close(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      LOG.warn("Closing the Kafka producer failed: {}", e.getMessage());
    }
    EmbeddedLakestream.closeQuietly("schema registry", schemas);
    EmbeddedLakestream.closeQuietly("data directory lock", lock);
  }
}
