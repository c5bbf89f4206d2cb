package io.lakestream.source.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.lakestream.api.config.MqttSettings;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.IngestServer;
import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.mqtt.internal.Ingest;
import io.lakestream.source.mqtt.internal.LogLimiter;
import io.lakestream.source.mqtt.internal.Route;
import io.lakestream.source.mqtt.internal.TopicRoutes;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code mqtt} source in client mode: subscribes to an external broker's topic filters and
 * writes what arrives to the pipeline, acknowledging each QoS 1 message only after Kafka holds it.
 *
 * <ul>
 *   <li>MQTT 5 only (HiveMQ MQTT client). Current brokers (Mosquitto, EMQX, HiveMQ, VerneMQ, AWS
 *       IoT Core) speak it; a 3.1.1-only broker refuses the connection and {@link #start()} says
 *       so.
 *   <li>Persistent session: clean start off, session expiry {@link #SESSION_EXPIRY}, the configured
 *       client id ({@code lakestream-<source>} when none), so QoS 1 messages published while the
 *       source is down or reconnecting are delivered when it is back. A day rides out outages and
 *       redeploys, yet a removed source does not leave the broker queueing for it forever.
 *   <li>Manual acknowledgement: a PUBACK goes out when the sink's future completes. When Kafka
 *       fails, the same record (same id) is sent again with backoff; it stays unacknowledged
 *       meanwhile, so if this process stops first the broker redelivers it.
 *   <li>Automatic reconnect with backoff ({@link #RECONNECT_INITIAL} to {@link #RECONNECT_MAX});
 *       the subscriptions are sent again when the broker lost the session.
 * </ul>
 *
 * <pre>{@code
 * try (MqttClientSource src = MqttClientSource.create(source, sink, counters)) {
 *   src.start(); // connects and subscribes, or throws
 * }
 * }</pre>
 */
public final class MqttClientSource implements IngestServer {

  private static final Logger LOG = LoggerFactory.getLogger(MqttClientSource.class);

  /** How long the broker keeps the session (and queues messages) while disconnected. */
  public static final Duration SESSION_EXPIRY = Duration.ofDays(1);

  static final Duration RECONNECT_INITIAL = Duration.ofMillis(500);
  static final Duration RECONNECT_MAX = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETRY_MAX = Duration.ofSeconds(30);

  /**
   * Unacknowledged QoS 1 messages the broker may send at once: the protocol's maximum, as the
   * client library defaults to. A smaller window would bound memory while Kafka lags, but Mosquitto
   * 2.0.11 (Debian 12) overshoots a client's receive maximum (eclipse-mosquitto#2301, fixed in
   * 2.0.13); the client then closes the connection with 0x93, and the redelivery on reconnect
   * overshoots again, so the source would never get past a burst. The broker's own queue limits
   * bound what it sends.
   */
  private static final int RECEIVE_MAXIMUM = 65_535;

  private final SourceConfig source;
  private final MqttSettings settings;
  private final Route route;
  private final TopicRoutes routes;
  private final Ingest ingest;
  private final URI broker;
  private final String clientId;
  private final String origin;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LogLimiter failureLog = new LogLimiter(10, TimeUnit.SECONDS);
  private final LogLimiter strayLog = new LogLimiter(1, TimeUnit.MINUTES);
  private final LogLimiter connectionLog = new LogLimiter(30, TimeUnit.SECONDS);
  private ScheduledExecutorService retries;
  private volatile Mqtt5AsyncClient client;

  private MqttClientSource(
      SourceConfig source, MqttSettings settings, URI broker, RawSink sink, SourceCounters c) {
    this.source = source;
    this.settings = settings;
    this.broker = broker;
    this.route = Route.of(source, c);
    this.routes = TopicRoutes.builder().add(settings.topics(), route).build();
    this.ingest = new Ingest(sink);
    this.clientId =
        settings.clientId() != null ? settings.clientId() : "lakestream-" + source.name();
    this.origin = "mqtt " + broker + " client " + clientId + " topic ";
  }

  /**
   * A client-mode source, not connected yet.
   *
   * @throws IllegalArgumentException when the source is not a client-mode mqtt source, its broker
   *     address is not {@code tcp://host:port} or {@code ssl://host:port} ({@code mqtt://} and
   *     {@code mqtts://} also accepted), or a topic filter is malformed
   */
  public static MqttClientSource create(
      SourceConfig source, RawSink sink, SourceCounters counters) {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(counters, "counters");
    if (!(source.settings() instanceof MqttSettings m) || !m.clientMode()) {
      throw new IllegalArgumentException(
          "source '" + source.name() + "' is not an mqtt source with a broker to subscribe to");
    }
    return new MqttClientSource(source, m, brokerUri(source.name(), m.broker()), sink, counters);
  }

  private static URI brokerUri(String name, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!List.of("tcp", "mqtt", "ssl", "mqtts").contains(scheme) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "mqtt source '"
              + name
              + "': broker '"
              + text
              + "' is not tcp://host:port or ssl://host:port");
    }
    return uri;
  }

  private boolean tls() {
    return broker.getScheme().toLowerCase().startsWith("ss")
        || broker.getScheme().equalsIgnoreCase("mqtts");
  }

  private int port() {
    return broker.getPort() > 0 ? broker.getPort() : tls() ? 8883 : 1883;
  }

  /**
   * Connects with a persistent session and subscribes to the source's topic filters at QoS 1.
   *
   * @throws IllegalStateException when already started or closed, when the broker cannot be reached
   *     or refuses the connection (bad credentials, MQTT 5 unsupported) within 30 s, or refuses a
   *     subscription; the message names the source and broker
   */
  @Override
  public synchronized void start() throws Exception {
    if (closed.get()) {
      throw new IllegalStateException("this mqtt source is closed; create a new one");
    }
    if (client != null) {
      throw new IllegalStateException("this mqtt source is already started");
    }
    retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lakestream-mqtt-retry-" + source.name());
              t.setDaemon(true);
              return t;
            });
    Mqtt5ClientBuilder b =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier(clientId)
            .serverHost(broker.getHost())
            .serverPort(port())
            .automaticReconnect()
            .initialDelay(RECONNECT_INITIAL.toMillis(), TimeUnit.MILLISECONDS)
            .maxDelay(RECONNECT_MAX.toMillis(), TimeUnit.MILLISECONDS)
            .applyAutomaticReconnect()
            .addConnectedListener(
                ctx -> LOG.info("mqtt source '{}' connected to {}", name(), broker))
            .addDisconnectedListener(
                ctx -> {
                  if (!closed.get() && connectionLog.allow()) {
                    LOG.warn(
                        "mqtt source '{}' lost its connection to {}: {}; reconnecting",
                        name(),
                        broker,
                        ctx.getCause().toString());
                  }
                });
    if (tls()) {
      b = b.sslWithDefaultConfig();
    }
    if (settings.username() != null) {
      b =
          b.simpleAuth()
              .username(settings.username())
              .password(
                  settings.password() == null
                      ? new byte[0]
                      : settings.password().getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth();
    }
    Mqtt5AsyncClient c = b.buildAsync();
    // registered before connecting: a resumed session delivers its queued messages right after
    // CONNACK, and a message without a listener would be acknowledged by the client library
    c.publishes(MqttGlobalPublishFilter.ALL, this::onMessage, true);
    client = c;
    try {
      Mqtt5ConnAck ack =
          c.connectWith()
              .cleanStart(false)
              .sessionExpiryInterval(SESSION_EXPIRY.toSeconds())
              .keepAlive(30)
              .restrictions()
              .receiveMaximum(RECEIVE_MAXIMUM)
              .applyRestrictions()
              .send()
              .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Mqtt5SubAck sub =
          c.subscribe(subscription()).get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      for (int i = 0; i < sub.getReasonCodes().size(); i++) {
        Mqtt5SubAckReasonCode rc = sub.getReasonCodes().get(i);
        if (rc.isError()) {
          throw new IllegalStateException(
              "broker refused subscription to '" + settings.topics().get(i) + "': " + rc);
        }
      }
      LOG.info(
          "mqtt source '{}' subscribed to {} on {} as client '{}' (session {})",
          name(),
          settings.topics(),
          broker,
          clientId,
          ack.isSessionPresent() ? "resumed" : "new");
    } catch (InterruptedException e) {
      shutdown();
      throw e;
    } catch (ExecutionException | TimeoutException | IllegalStateException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      shutdown();
      throw new IllegalStateException(
          "mqtt source '"
              + name()
              + "' could not connect and subscribe to "
              + broker
              + " as client '"
              + clientId
              + "': "
              + cause.getMessage(),
          cause);
    }
  }

  private Mqtt5Subscribe subscription() {
    return Mqtt5Subscribe.builder()
        .addSubscriptions(
            settings.topics().stream()
                .map(
                    t ->
                        Mqtt5Subscription.builder()
                            .topicFilter(t)
                            .qos(MqttQos.AT_LEAST_ONCE)
                            // subscribing again (every start) must not replay retained messages
                            .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                            .build()))
        .build();
  }

  private void onMessage(Mqtt5Publish publish) {
    String topic = publish.getTopic().toString();
    if (routes.route(topic) == null) {
      // a subscription left in the persistent session by an earlier configuration
      if (strayLog.allow()) {
        LOG.warn(
            "mqtt source '{}' received a message on '{}', which none of its filters {} match;"
                + " dropped ({} similar not logged)",
            name(),
            topic,
            settings.topics(),
            strayLog.suppressed());
      }
      acknowledge(publish);
      return;
    }
    RawRecord record = ingest.record(route, topic, publish.getPayloadAsBytes(), origin + topic);
    deliver(publish, record, 0);
  }

  private void deliver(Mqtt5Publish publish, RawRecord record, int attempt) {
    ingest
        .send(route, record)
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                acknowledge(publish);
              } else if (publish.getQos() == MqttQos.AT_MOST_ONCE) {
                route.counters().rejected(1);
                logFailure(record, failure, "QoS 0, dropped");
              } else if (closed.get()) {
                logFailure(record, failure, "left unacknowledged; the broker redelivers it");
              } else {
                long delay = Math.min(RETRY_MAX.toMillis(), 200L << Math.min(attempt, 10));
                logFailure(record, failure, "retrying in " + delay + " ms");
                try {
                  retries.schedule(
                      () -> deliver(publish, record, attempt + 1), delay, TimeUnit.MILLISECONDS);
                } catch (RuntimeException closing) {
                  // closed meanwhile: unacknowledged, so the broker redelivers it
                }
              }
            });
  }

  private void acknowledge(Mqtt5Publish publish) {
    try {
      publish.acknowledge();
    } catch (RuntimeException e) {
      // QoS 0 or already acknowledged: nothing to send
    }
  }

  private void logFailure(RawRecord record, Throwable failure, String outcome) {
    if (failureLog.allow()) {
      LOG.warn(
          "mqtt source '{}': record {} not stored: {}; {} ({} similar not logged)",
          name(),
          record.id(),
          failure.toString(),
          outcome,
          failureLog.suppressed());
    }
  }

  /** {@code mqtt client tcp://broker:1883 topics sensors/+/telemetry}. */
  @Override
  public List<String> endpoints() {
    return List.of("mqtt client " + broker + " topics " + String.join(",", settings.topics()));
  }

  /** Whether the client is connected to the broker right now. */
  public boolean connected() {
    Mqtt5AsyncClient c = client;
    return c != null && c.getState() == MqttClientState.CONNECTED;
  }

  /** The MQTT client id of the persistent session. */
  public String clientId() {
    return clientId;
  }

  /**
   * Stops retrying, waits up to five seconds for Kafka to acknowledge what it was given (so those
   * messages are acknowledged to the broker), then disconnects, keeping the session: messages still
   * unacknowledged, and those published until the source is back, are delivered then. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (client == null) {
        return;
      }
      long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
      while (ingest.inFlight() > 0 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      shutdown();
      LOG.info("mqtt source '{}' disconnected from {}", name(), broker);
    }
  }

  private void shutdown() {
    try {
      client.disconnect().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("mqtt source '{}': disconnect: {}", name(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    retries.shutdownNow();
  }

  private String name() {
    return source.name();
  }

  @Override
  public String toString() {
    return "MqttClientSource[" + name() + " " + broker + "]";
  }
}
