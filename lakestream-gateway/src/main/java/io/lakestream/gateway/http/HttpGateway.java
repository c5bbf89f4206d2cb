package io.lakestream.gateway.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRouting;
import io.lakestream.api.config.GatewayConfig;
import io.lakestream.api.config.GatewayConfig.ApiKey;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.event.EventHeaders;
import io.lakestream.api.ingest.SchemaIds;
import io.lakestream.gateway.http.internal.ApiKeyAuthenticator;
import io.lakestream.gateway.http.internal.BatchParser;
import io.lakestream.gateway.http.internal.BodyFormat;
import io.lakestream.gateway.http.internal.BodyReader;
import io.lakestream.gateway.http.internal.EventBatch;
import io.lakestream.gateway.http.internal.JsonBodies;
import io.lakestream.gateway.http.internal.ProducerTuning;
import io.lakestream.gateway.http.internal.RawTopicWriter;
import io.lakestream.gateway.http.internal.RequestRejected;
import io.lakestream.gateway.ingest.SchemaIdHeaders;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingestion endpoint of a pipeline: accepts JSON events per source and writes them, byte
 * for byte, to the pipeline's raw Kafka topic.
 *
 * <pre>{@code
 * try (HttpGateway gw = HttpGateway.builder().pipeline(cfg).producer(producer).build()) {
 *   gw.start();
 *   // POST gw.baseUrl() + "/v1/sources/sensors/events"
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/sources/{source}/events} (one object, an array of objects, or
 * NDJSON), {@code GET /v1/health} and {@code GET /v1/sources}. A request is answered 202 only once
 * Kafka has acknowledged every record it produced (acks=all), so a 202 means the events are
 * durable; on any Kafka trouble the answer is 503 with {@code Retry-After} and the client retries
 * with the same event ids, which the pipeline deduplicates.
 *
 * <p>Thread-safe. The producer belongs to the caller: {@link #close()} does not close it.
 */
public final class HttpGateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);

  private static final String JSON = "application/json";
  private static final String API_KEY_ATTRIBUTE = "lakestream.apiKey";
  private static final String REQUEST_ID_ATTRIBUTE = "lakestream.requestId";
  private static final String EVENTS_PATH = "/v1/sources/{source}/events";
  private static final Pattern EVENTS_PATTERN = Pattern.compile("/v1/sources/[^/]+/events/?");
  private static final Pattern GET_PATTERN = Pattern.compile("/v1/(health|sources)/?");
  private static final long KAFKA_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final PipelineConfig pipeline;
  private final GatewayConfig gateway;
  private final ApiKeyAuthenticator auth;
  private final RawTopicWriter writer;
  private final Map<String, SourceRuntime> sources;
  private final byte[] healthBody;
  private final byte[] sourcesBody;

  private final LongAdder requests = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastKafkaWarning = new AtomicLong(System.nanoTime() - (1L << 40));

  /** Where {@code up} serves the schema registry's REST API; errors there use its body shape. */
  public static final String REGISTRY_PATH = "/registry";

  private final SchemaIdHeaders schemaHeaders;
  private final List<Consumer<JavalinDefaultRouting>> extraRoutes;
  private volatile boolean closing;
  private boolean closed; // guarded by this
  private Javalin app; // guarded by this
  private volatile int port = -1;

  private HttpGateway(
      PipelineConfig pipeline,
      Producer<byte[], byte[]> producer,
      SchemaIds schemaIds,
      List<Consumer<JavalinDefaultRouting>> extraRoutes) {
    this.pipeline = pipeline;
    this.schemaHeaders = new SchemaIdHeaders(schemaIds);
    this.extraRoutes = List.copyOf(extraRoutes);
    this.gateway = pipeline.gateway();
    this.auth = new ApiKeyAuthenticator(gateway.apiKeys());
    this.writer = new RawTopicWriter(producer, pipeline.rawTopic(), gateway.kafkaTimeout());
    Map<String, SourceRuntime> byName = new LinkedHashMap<>();
    for (SourceConfig s : pipeline.sources().values()) {
      byName.put(s.name(), new SourceRuntime(s));
    }
    this.sources = Map.copyOf(byName);
    this.healthBody = JsonBodies.health(pipeline.name());
    this.sourcesBody = JsonBodies.sources(pipeline);
  }

  /** A builder; {@link Builder#pipeline} and {@link Builder#producer} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Producer settings suited to the gateway: {@code acks=all}, idempotence, lz4, {@code
   * linger.ms=5}, 256 KiB batches, byte-array serializers, and request/delivery/max-block timeouts
   * derived from {@code gateway.kafkaTimeout()}. The pipeline's {@code kafka.properties} are
   * applied on top (so TLS/SASL and tuning overrides work), except bootstrap servers and
   * serializers, which stay as the gateway needs them.
   */
  public static Properties producerProperties(PipelineConfig cfg, String bootstrapServers) {
    Objects.requireNonNull(cfg, "cfg");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    return ProducerTuning.properties(cfg, bootstrapServers);
  }

  /**
   * Binds {@code gateway.host():gateway.port()} and starts serving.
   *
   * @return this gateway
   * @throws IllegalStateException when already started or closed, when the host is not a loopback
   *     address while no API keys are configured (unless {@code allowInsecureBind}), or when
   *     binding fails
   */
  public synchronized HttpGateway start() {
    if (closed) {
      throw new IllegalStateException("this gateway is closed; build a new one");
    }
    if (app != null) {
      throw new IllegalStateException("this gateway is already started on " + baseUrl());
    }
    checkBindIsSafe();
    Javalin javalin = Javalin.create(this::configure);
    try {
      javalin.start(gateway.host(), gateway.port());
    } catch (RuntimeException e) {
      try {
        javalin.stop();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException(
          "could not start the gateway of pipeline '"
              + pipeline.name()
              + "' on "
              + gateway.host()
              + ":"
              + gateway.port()
              + ": "
              + e.getMessage(),
          e);
    }
    app = javalin;
    port = javalin.port();
    LOG.info(
        "Gateway of pipeline '{}' listening on {} (sources: {}; {})",
        pipeline.name(),
        baseUrl(),
        pipeline.sources().values().stream()
            .filter(SourceConfig::viaHttp)
            .map(SourceConfig::name)
            .reduce((a, b) -> a + ", " + b)
            .orElse("none over HTTP"),
        auth.enabled() ? gateway.apiKeys().size() + " API key(s) required" : "no API keys");
    return this;
  }

  /**
   * The bound port.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    int p = port;
    if (p < 0) {
      throw new IllegalStateException("the gateway is not started");
    }
    return p;
  }

  /** {@code http://host:port} of the running gateway, without a trailing slash. */
  public String baseUrl() {
    String host = gateway.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** A snapshot of the counters. */
  public GatewayStats stats() {
    Map<String, GatewayStats.SourceStats> perSource = new LinkedHashMap<>();
    for (String name : pipeline.sources().keySet()) {
      SourceRuntime s = sources.get(name);
      perSource.put(
          name,
          new GatewayStats.SourceStats(
              s.requests.sum(),
              s.bytes.sum(),
              s.accepted.sum(),
              s.quarantined.sum(),
              s.rejected.sum()));
    }
    return new GatewayStats(requests.sum(), rejected.sum(), bytes.sum(), perSource);
  }

  /**
   * Stops the gateway: new requests are answered 503, requests already in flight are given up to
   * the Kafka timeout plus five seconds to finish, then Jetty stops. Idempotent. Does not close the
   * producer.
   */
  @Override
  public void close() {
    Javalin toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      toStop = app;
    }
    if (toStop == null) {
      return;
    }
    long deadline =
        System.nanoTime() + gateway.kafkaTimeout().toNanos() + Duration.ofSeconds(5).toNanos();
    boolean interrupted = false;
    while (inFlight.get() > 0 && System.nanoTime() - deadline < 0 && !interrupted) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    int left = inFlight.get();
    if (left > 0) {
      LOG.warn(
          "Gateway of pipeline '{}' stopping with {} request(s) still in flight",
          pipeline.name(),
          left);
    }
    toStop.stop();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    LOG.info("Gateway of pipeline '{}' stopped", pipeline.name());
  }

  private void configure(JavalinConfig c) {
    c.showJavalinBanner = false;
    c.startupWatcherEnabled = false;
    c.http.prefer405over404 = true;
    // The events endpoint reads the raw stream itself with its own limit; this covers anything
    // that would go through Javalin's body helpers.
    c.http.maxRequestSize = gateway.maxBodyBytes();
    c.http.defaultContentType = JSON;
    // Answers are small JSON documents; compressing them costs more CPU than it saves.
    c.http.disableCompression();
    c.router.mount(
        r -> {
          r.before(this::beforeRequest);
          r.get("/v1/health", ctx -> ctx.contentType(JSON).result(healthBody));
          r.get("/v1/sources", ctx -> ctx.contentType(JSON).result(sourcesBody));
          r.post(EVENTS_PATH, this::ingest);
          extraRoutes.forEach(routes -> routes.accept(r));
          r.exception(RequestRejected.class, this::onRejected);
          r.exception(HttpResponseException.class, this::onJavalinResponse);
          r.exception(Exception.class, this::onUnexpected);
        });
  }

  private void beforeRequest(Context ctx) {
    requests.increment();
    String requestId = newRequestId();
    ctx.attribute(REQUEST_ID_ATTRIBUTE, requestId);
    ctx.header("X-Request-Id", requestId);
    if (closing) {
      throw shuttingDown();
    }
    if (auth.enabled()) {
      String token = ApiKeyAuthenticator.token(ctx.header("Authorization"));
      if (token == null) {
        throw new RequestRejected(
                401,
                "unauthorized",
                "missing bearer token; send the header 'Authorization: Bearer <api key>'")
            .bearerChallenge();
      }
      ApiKey key = auth.match(token);
      if (key == null) {
        throw new RequestRejected(401, "unauthorized", "unknown API key").bearerChallenge();
      }
      ctx.attribute(API_KEY_ATTRIBUTE, key);
    }
  }

  private void ingest(Context ctx) throws IOException {
    // Counted before the closing check so that close() never misses a request that got past it.
    inFlight.incrementAndGet();
    try {
      if (closing) {
        throw shuttingDown();
      }
      String name = ctx.pathParam("source");
      SourceRuntime source = sources.get(name);
      if (source == null) {
        throw new RequestRejected(
            404,
            "unknown_source",
            "no source '"
                + name
                + "' in pipeline '"
                + pipeline.name()
                + "'; known sources: "
                + String.join(", ", pipeline.sources().keySet()));
      }
      if (!source.config.viaHttp()) {
        throw new RequestRejected(
            404,
            "not_an_http_source",
            "source '"
                + name
                + "' is a "
                + source.config.type()
                + " source: send its events over "
                + source.config.type()
                + " to the listener 'up' printed, not over HTTP");
      }
      source.requests.increment();
      try {
        ingestInto(ctx, source);
      } catch (RequestRejected r) {
        source.rejected.increment();
        throw r;
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void ingestInto(Context ctx, SourceRuntime source) throws IOException {
    ApiKey key = ctx.attribute(API_KEY_ATTRIBUTE);
    if (key != null && !key.allows(source.config.name())) {
      throw new RequestRejected(
          403,
          "forbidden",
          "API key '" + key.name() + "' may not post to source '" + source.config.name() + "'");
    }
    // http_lines sources take what log shippers send: one JSON object per line, whatever the
    // Content-Type says (Fluent Bit's json_lines and Vector's newline framing both label it
    // differently).
    BodyFormat format =
        source.lines
            ? BodyFormat.NDJSON
            : BodyFormat.of(ctx.header("Content-Type"), ctx.header("Content-Encoding"));
    boolean gzip = BodyFormat.gzip(ctx.header("Content-Encoding"));
    HttpServletRequest req = ctx.req();
    long declared = req.getContentLengthLong();
    // Refuse a declared oversize before touching the stream, so an Expect: 100-continue client
    // never even sends the body.
    BodyReader.checkDeclaredLength(declared, gateway.maxBodyBytes());
    BodyReader.Body body =
        gzip
            ? BodyReader.readGzip(req.getInputStream(), declared, gateway.maxBodyBytes())
            : BodyReader.read(req.getInputStream(), declared, gateway.maxBodyBytes());
    bytes.add(body.length());
    source.bytes.add(body.length());

    EventBatch batch =
        new BatchParser(source.config.keyField()).parse(body.bytes(), body.length(), format);
    String origin =
        "http "
            + hostAndPort(req.getRemoteAddr(), req.getRemotePort())
            + " req="
            + ctx.attribute(REQUEST_ID_ATTRIBUTE);
    writer.write(
        batch,
        body.bytes(),
        new RawTopicWriter.RequestContext(
            source.header,
            schemaHeaders.header(source.config.name()),
            origin.getBytes(StandardCharsets.UTF_8),
            System.currentTimeMillis()));

    source.accepted.add(batch.accepted());
    source.quarantined.add(batch.quarantined());
    ctx.status(202).contentType(JSON).result(JsonBodies.accepted(batch));
  }

  private void onRejected(RequestRejected r, Context ctx) {
    rejected.increment();
    ctx.status(r.status());
    if (r.retryAfterSeconds() >= 0) {
      ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
    }
    if (r.hasBearerChallenge()) {
      // A browser opening a page (the dashboard) gets a Basic challenge, so it asks for the key
      // (user = key name, password = the key) and sends it with the page's own requests too.
      String accept = ctx.header("Accept");
      ctx.header(
          "WWW-Authenticate",
          accept != null && accept.contains("text/html")
              ? "Basic realm=\"Lakestream\", charset=\"UTF-8\""
              : "Bearer");
    }
    if (r.allowedMethods() != null) {
      ctx.header("Allow", r.allowedMethods());
    }
    if (r.closesConnection()) {
      ctx.header("Connection", "close");
    }
    if (ctx.path().startsWith(REGISTRY_PATH + "/") || ctx.path().equals(REGISTRY_PATH)) {
      // What schema-registry clients parse.
      ctx.contentType(JSON).json(Map.of("error_code", r.status(), "message", r.getMessage()));
    } else {
      ctx.contentType(JSON).result(JsonBodies.error(r));
    }
    // Never log headers: they may carry a bearer token.
    LOG.debug(
        "Rejected {} {} from {} req={}: {} {}: {}",
        ctx.method(),
        ctx.path(),
        ctx.req().getRemoteAddr(),
        ctx.attribute(REQUEST_ID_ATTRIBUTE),
        r.status(),
        r.code(),
        r.getMessage());
    if (r.code().equals("kafka_unavailable")) {
      long now = System.nanoTime();
      long last = lastKafkaWarning.get();
      if (now - last >= KAFKA_WARN_INTERVAL_NANOS && lastKafkaWarning.compareAndSet(last, now)) {
        LOG.warn(
            "Gateway of pipeline '{}' answers 503: {} (logged at most every 10 s)",
            pipeline.name(),
            r.getMessage());
      }
    }
  }

  private void onJavalinResponse(HttpResponseException e, Context ctx) {
    String path = ctx.path();
    RequestRejected r;
    if (e.getStatus() == 405) {
      String allow = EVENTS_PATTERN.matcher(path).matches() ? "POST" : "GET";
      r =
          new RequestRejected(
                  405,
                  "method_not_allowed",
                  ctx.method() + " is not allowed on " + path + "; use " + allow)
              .allow(allow);
    } else if (e.getStatus() == 404) {
      r =
          new RequestRejected(
              404,
              "not_found",
              "no endpoint "
                  + ctx.method()
                  + " "
                  + path
                  + "; the gateway serves POST "
                  + EVENTS_PATH
                  + ", GET /v1/sources and GET /v1/health");
    } else {
      r = new RequestRejected(e.getStatus(), "http_error", String.valueOf(e.getMessage()));
    }
    onRejected(r, ctx);
  }

  private void onUnexpected(Exception e, Context ctx) {
    Object requestId = ctx.attribute(REQUEST_ID_ATTRIBUTE);
    LOG.warn("Unexpected error on {} {} req={}", ctx.method(), ctx.path(), requestId, e);
    onRejected(
        new RequestRejected(
            500,
            "internal_error",
            "unexpected error (request " + requestId + "); see the gateway log"),
        ctx);
  }

  private RequestRejected shuttingDown() {
    return new RequestRejected(
            503, "shutting_down", "the gateway is shutting down; retry against another instance")
        .retryAfter(RawTopicWriter.retryAfterSeconds(gateway.kafkaTimeout()));
  }

  private void checkBindIsSafe() {
    if (auth.enabled() || gateway.allowInsecureBind()) {
      return;
    }
    String host = gateway.host();
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot resolve the gateway host '" + host + "'", e);
    }
    for (InetAddress a : addresses) {
      if (!a.isLoopbackAddress()) {
        throw new IllegalStateException(
            "refusing to start the gateway of pipeline '"
                + pipeline.name()
                + "' on "
                + host
                + ": it is not a loopback address and no API keys are configured, so anyone"
                + " who can reach it could write events. Configure gateway API keys, bind a"
                + " loopback address such as 127.0.0.1, or set allow_insecure_bind: true if the"
                + " network is trusted.");
      }
    }
  }

  private static String newRequestId() {
    long r = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    return Long.toHexString(r | 0x1_0000_0000L).substring(1);
  }

  private static String hostAndPort(String address, int port) {
    return (address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address)
        + ":"
        + port;
  }

  /** Per-source state: config, the shared {@code ls.source} header, and counters. */
  private static final class SourceRuntime {
    final SourceConfig config;
    final Header header;
    final LongAdder requests = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder quarantined = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final boolean lines;

    SourceRuntime(SourceConfig config) {
      this.config = config;
      this.lines = config.type().equals("http_lines");
      this.header =
          new RecordHeader(EventHeaders.SOURCE, config.name().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Builds an {@link HttpGateway}; checks the configuration in {@link #build()}. */
  public static final class Builder {
    private PipelineConfig pipeline;
    private Producer<byte[], byte[]> producer;
    private SchemaIds schemaIds = SchemaIds.NONE;
    private final List<Consumer<JavalinDefaultRouting>> extraRoutes = new ArrayList<>();

    private Builder() {}

    /** The schema version each source's events are stamped with; none by default. */
    public Builder schemaIds(SchemaIds schemaIds) {
      this.schemaIds = Objects.requireNonNull(schemaIds, "schemaIds");
      return this;
    }

    /**
     * More endpoints served on the gateway's port, behind the same API-key check (the schema
     * registry's, say). They handle their own errors.
     */
    public Builder routes(Consumer<JavalinDefaultRouting> routes) {
      this.extraRoutes.add(Objects.requireNonNull(routes, "routes"));
      return this;
    }

    /** The pipeline whose sources, raw topic and gateway settings to use. */
    public Builder pipeline(PipelineConfig pipeline) {
      this.pipeline = pipeline;
      return this;
    }

    /** The producer to write with; the caller keeps ownership and closes it. */
    public Builder producer(Producer<byte[], byte[]> producer) {
      this.producer = producer;
      return this;
    }

    /**
     * A gateway, not yet started.
     *
     * @throws IllegalStateException when something required is missing or the settings cannot work
     *     (no sources, bad port, non-positive limits, blank or duplicate API key tokens, API keys
     *     naming unknown sources)
     */
    public HttpGateway build() {
      if (pipeline == null) {
        throw new IllegalStateException("pipeline(...) is required");
      }
      if (producer == null) {
        throw new IllegalStateException("producer(...) is required");
      }
      String name = pipeline.name();
      GatewayConfig g = pipeline.gateway();
      if (pipeline.sources().isEmpty()) {
        throw new IllegalStateException("pipeline '" + name + "' has no sources to ingest");
      }
      if (g.host().isBlank()) {
        throw new IllegalStateException(
            "gateway host of pipeline '" + name + "' is blank; use e.g. 127.0.0.1");
      }
      if (g.port() < 0 || g.port() > 65_535) {
        throw new IllegalStateException(
            "gateway port " + g.port() + " of pipeline '" + name + "' is not in 0..65535");
      }
      if (g.maxBodyBytes() < 1) {
        throw new IllegalStateException(
            "gateway max body size of pipeline '" + name + "' must be at least 1 byte");
      }
      if (g.kafkaTimeout().isNegative() || g.kafkaTimeout().isZero()) {
        throw new IllegalStateException(
            "gateway Kafka timeout of pipeline '" + name + "' must be positive");
      }
      for (SourceConfig s : pipeline.sources().values()) {
        if (s.keyField().isBlank()) {
          throw new IllegalStateException(
              "source '" + s.name() + "' of pipeline '" + name + "' has a blank key field");
        }
      }
      Set<String> tokens = new HashSet<>();
      for (ApiKey key : g.apiKeys()) {
        if (key.token().isBlank()) {
          throw new IllegalStateException("API key '" + key.name() + "' has a blank token");
        }
        if (!tokens.add(key.token())) {
          throw new IllegalStateException(
              "API key '" + key.name() + "' has the same token as another key; tokens must differ");
        }
        for (String s : key.sources()) {
          if (!pipeline.sources().containsKey(s)) {
            throw new IllegalStateException(
                "API key '"
                    + key.name()
                    + "' names source '"
                    + s
                    + "', which pipeline '"
                    + name
                    + "' does not have");
          }
        }
      }
      return new HttpGateway(pipeline, producer, schemaIds, extraRoutes);
    }
  }
}
