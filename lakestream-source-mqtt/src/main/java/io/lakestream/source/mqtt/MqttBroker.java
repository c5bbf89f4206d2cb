package io.lakestream.source.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import io.lakestream.api.config.MqttSettings;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.IngestServer;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.mqtt.internal.Authenticator;
import io.lakestream.source.mqtt.internal.BrokerConfig;
import io.lakestream.source.mqtt.internal.Ingest;
import io.lakestream.source.mqtt.internal.IngestExtension;
import io.lakestream.source.mqtt.internal.Route;
import io.lakestream.source.mqtt.internal.TopicRoutes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MQTT broker (HiveMQ Community Edition) that serves every embedded-mode {@code mqtt}
 * source of a pipeline: MQTT 3.1.1 and 5, QoS 0 and 1, one TCP listener.
 *
 * <p>Each PUBLISH goes to the source whose topic filter matches its topic (the most specific filter
 * wins), gets the device id from the configured topic level when the payload lacks it, and is
 * handed to the {@link RawSink}. A QoS 1 PUBACK leaves only after Kafka holds the message; when
 * Kafka fails, the client is disconnected instead, so it resends. Payloads that are not one JSON
 * object are kept for the error zone (and acknowledged once Kafka holds them there). Messages on a
 * topic no source takes are refused (MQTT 5, PUBACK reason code 0x90) or dropped with a logged
 * warning (MQTT 3.1.1). See {@code IngestExtension} for the reasoning.
 *
 * <p>With {@code users} configured clients must log in with one of them; without, anonymous clients
 * are accepted from loopback addresses only.
 *
 * <pre>{@code
 * try (MqttBroker broker = MqttBroker.create(mqttSources, sink, counters, dataDir.resolve("mqtt"))) {
 *   broker.start();
 *   System.out.println(broker.endpoints()); // [mqtt tcp 127.0.0.1:1883]
 * }
 * }</pre>
 *
 * <p>HiveMQ's extension services are static, so run one broker per JVM at a time.
 */
public final class MqttBroker implements IngestServer {

  private static final Logger LOG = LoggerFactory.getLogger(MqttBroker.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private final List<String> sourceNames;
  private final String host;
  private final int configuredPort;
  private final List<MqttSettings.User> users;
  private final TopicRoutes routes;
  private final Ingest ingest;
  private final Path dataDir;
  private final AtomicBoolean closed = new AtomicBoolean();
  private EmbeddedHiveMQ hivemq;
  private IngestExtension extension;
  private volatile int boundPort = -1;

  private MqttBroker(
      List<String> sourceNames,
      String host,
      int port,
      List<MqttSettings.User> users,
      TopicRoutes routes,
      RawSink sink,
      Path dataDir) {
    this.sourceNames = sourceNames;
    this.host = host;
    this.configuredPort = port;
    this.users = users;
    this.routes = routes;
    this.ingest = new Ingest(sink);
    this.dataDir = dataDir;
  }

  /**
   * A broker for {@code sources}, not started yet.
   *
   * @param sources the pipeline's {@code mqtt} sources without {@code broker} (embedded mode)
   * @param sink where records go
   * @param counters each source's counters, by source name
   * @param dataDir a folder this broker owns for HiveMQ's configuration, data and extensions
   * @throws IllegalArgumentException when {@code sources} is empty, a source is not an
   *     embedded-mode mqtt source or has no counters, a topic filter is malformed or used twice, or
   *     the sources disagree on host, port or users (each message names the sources)
   */
  public static MqttBroker create(
      List<SourceConfig> sources,
      RawSink sink,
      Map<String, SourceCounters> counters,
      Path dataDir) {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(counters, "counters");
    Objects.requireNonNull(dataDir, "dataDir");
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("an embedded MQTT broker needs at least one mqtt source");
    }
    TopicRoutes.Builder routes = TopicRoutes.builder();
    List<String> names = new ArrayList<>();
    SourceConfig first = null;
    for (SourceConfig s : sources) {
      if (!(s.settings() instanceof MqttSettings m) || m.clientMode()) {
        throw new IllegalArgumentException(
            "source '" + s.name() + "' is not an mqtt source served by the embedded broker");
      }
      SourceCounters c = counters.get(s.name());
      if (c == null) {
        throw new IllegalArgumentException("no counters for source '" + s.name() + "'");
      }
      if (first == null) {
        first = s;
      } else {
        checkAgree(first, s);
      }
      routes.add(m.topics(), Route.of(s, c));
      names.add(s.name());
    }
    MqttSettings m = first.settings(MqttSettings.class);
    return new MqttBroker(
        List.copyOf(names), m.host(), m.port(), m.users(), routes.build(), sink, dataDir);
  }

  private static void checkAgree(SourceConfig a, SourceConfig b) {
    MqttSettings x = a.settings(MqttSettings.class);
    MqttSettings y = b.settings(MqttSettings.class);
    String what = null;
    if (!x.host().equals(y.host())) {
      what = "host (" + x.host() + " vs " + y.host() + ")";
    } else if (x.port() != y.port()) {
      what = "port (" + x.port() + " vs " + y.port() + ")";
    } else if (!Set.copyOf(x.users()).equals(Set.copyOf(y.users()))) {
      what = "users";
    }
    if (what != null) {
      throw new IllegalArgumentException(
          "mqtt sources '"
              + a.name()
              + "' and '"
              + b.name()
              + "' share the embedded broker but set a different "
              + what
              + "; give them the same host, port and users");
    }
  }

  /**
   * Writes HiveMQ's configuration under the data folder and starts the broker; returns once the
   * listener is bound (about a second).
   *
   * @throws IllegalStateException when already started or closed, or when the broker cannot start
   *     (e.g. the port is taken), naming the sources, host and port
   */
  @Override
  public synchronized void start() throws Exception {
    if (closed.get()) {
      throw new IllegalStateException("this MQTT broker is closed; create a new one");
    }
    if (hivemq != null) {
      throw new IllegalStateException("this MQTT broker is already started");
    }
    long t0 = System.nanoTime();
    BrokerConfig.Folders folders = BrokerConfig.write(dataDir, host, configuredPort);
    extension = new IngestExtension(routes, ingest, new Authenticator(users));
    hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(folders.conf())
            .withDataFolder(folders.data())
            .withExtensionsFolder(folders.extensions())
            // the application owns logging; HiveMQ must not reconfigure Logback
            .withoutLoggingBootstrap()
            .withEmbeddedExtension(
                EmbeddedExtension.builder()
                    .withId("lakestream-mqtt-ingest")
                    .withName("Lakestream MQTT ingest")
                    .withVersion("1")
                    .withExtensionMain(extension)
                    .build())
            .build();
    try {
      hivemq.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      stopQuietly();
      throw new IllegalStateException(
          "could not start the embedded MQTT broker of source(s) "
              + String.join(", ", sourceNames)
              + " on "
              + address(configuredPort)
              + " (mqtt host and port settings; is the port in use?): "
              + cause.getMessage(),
          cause);
    }
    int bound = extension.boundPort();
    boundPort = bound > 0 ? bound : configuredPort;
    LOG.info(
        "MQTT broker for source(s) {} listening on {} in {} ms (topics {}; {})",
        String.join(", ", sourceNames),
        address(boundPort),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
        routes.filters(),
        users.isEmpty()
            ? "anonymous clients from loopback only"
            : users.size() + " user(s), login required");
    if (users.isEmpty() && !isLoopback(host)) {
      LOG.warn(
          "MQTT broker bound to {} without users: clients from other hosts will be refused;"
              + " configure mqtt users to accept them",
          host);
    }
  }

  /** {@code mqtt tcp 127.0.0.1:1883}, with the bound port once started. */
  @Override
  public List<String> endpoints() {
    return List.of("mqtt tcp " + address(port()));
  }

  /** The port clients connect to: the bound one once started (also when configured as 0). */
  public int port() {
    int p = boundPort;
    return p > 0 ? p : configuredPort;
  }

  /** The address the listener binds to. */
  public String host() {
    return host;
  }

  /**
   * Stops taking messages (their PUBACKs are withheld, so clients resend them to the next broker),
   * waits up to five seconds for Kafka to acknowledge what it was given so those PUBACKs still go
   * out, then stops the broker. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (hivemq == null) {
        return;
      }
      extension.closing();
      long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
      while (ingest.inFlight() > 0 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (ingest.inFlight() > 0) {
        LOG.warn(
            "MQTT broker closing with {} message(s) still unacknowledged by Kafka; their clients"
                + " resend them",
            ingest.inFlight());
      }
      stopQuietly();
      LOG.info("MQTT broker on {} stopped", address(port()));
    }
  }

  private void stopQuietly() {
    try {
      hivemq.close();
    } catch (ExecutionException e) {
      LOG.warn("Embedded MQTT broker did not stop cleanly", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String address(int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "MqttBroker" + new LinkedHashSet<>(sourceNames) + " " + address(port());
  }
}
