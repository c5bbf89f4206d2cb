package io.lakestream.source.mqtt.internal;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.client.parameter.ListenerType;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackOutboundOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.admin.AdminService;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.lakestream.api.ingest.RawRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded HiveMQ extension that feeds every PUBLISH to the pipeline and holds each QoS 1
 * PUBACK until Kafka has the message.
 *
 * <h2>Why the PUBACK is held in a PUBACK interceptor</h2>
 *
 * The obvious design, an asynchronous {@code PublishInboundInterceptor} resumed when Kafka
 * acknowledges, is correct but slow: HiveMQ CE runs a client's extension tasks from one queue and
 * an unfinished asynchronous task blocks the head of that queue, so a client gets one message per
 * Kafka round trip (measured: 190 msg/s per client with a sink answering after 5 ms). So the
 * inbound interceptor only hands the message to the sink and notes the future under the packet id;
 * the PUBACK interceptor waits (asynchronously) for that future. A waiting PUBACK task holds back
 * the client's later tasks too, but everything the client sent meanwhile is then handed to Kafka in
 * one go, so the client's in-flight window is used in batches (measured: 85,000 msg/s from one
 * client with the same 5 ms sink). Each PUBACK still leaves only after Kafka holds its message, and
 * in order, because a client's PUBACK tasks run in order.
 *
 * <h2>When Kafka fails</h2>
 *
 * A PUBACK cannot be turned from success into an error (HiveMQ refuses the switch), and a negative
 * PUBACK would in any case be final: an MQTT 5 client drops the message. Instead the client is
 * disconnected (MQTT 5: DISCONNECT with reason code 0x80 and a reason string) before the held
 * PUBACK is released onto the closed connection, so it is never sent; the client reconnects and
 * resends every unacknowledged message. The same happens when Kafka has not answered within {@link
 * #ACK_DEADLINE}, because HiveMQ would send the held PUBACK unchanged once its own async timeout
 * ({@link #HIVEMQ_ASYNC_TIMEOUT}, longer) expired.
 *
 * <h2>Topics no source takes</h2>
 *
 * MQTT 5: refused with a PUBACK reason code 0x90 (topic name invalid) and a reason string, which
 * the client sees. MQTT 3.1.1 has no negative PUBACK and disconnecting would make the client resend
 * the same message forever, so the message is acknowledged and dropped, with a rate-limited
 * warning. Messages of no source are not delivered to subscribers either.
 *
 * <p>Ingested messages are otherwise routed by the broker as usual, so {@code mosquitto_sub} can
 * watch live traffic: preventing delivery measured no faster. With no subscriber an MQTT 5 client
 * gets reason code 0x10 (no matching subscribers), a success code.
 */
public final class IngestExtension implements ExtensionMain {

  private static final Logger LOG = LoggerFactory.getLogger(IngestExtension.class);

  /** How long a PUBACK waits for Kafka before the client is disconnected instead. */
  static final Duration ACK_DEADLINE = Duration.ofMinutes(2);

  /** HiveMQ's own timeout for a held PUBACK; must exceed {@link #ACK_DEADLINE}. */
  static final Duration HIVEMQ_ASYNC_TIMEOUT = Duration.ofMinutes(10);

  private static final Executor RETRY = CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS);

  private static final IllegalStateException SHUTTING_DOWN =
      new IllegalStateException("the broker is shutting down");

  private static final CompletableFuture<Void> NOT_TAKEN =
      CompletableFuture.failedFuture(SHUTTING_DOWN);

  private final TopicRoutes routes;
  private final Ingest ingest;
  private final Authenticator authenticator;
  private final LogLimiter unmatchedLog = new LogLimiter(1, TimeUnit.MINUTES);
  private final LogLimiter failureLog = new LogLimiter(10, TimeUnit.SECONDS);
  private volatile ClientService clients;
  private volatile AdminService admin;
  private volatile boolean closing;

  public IngestExtension(TopicRoutes routes, Ingest ingest, Authenticator authenticator) {
    this.routes = routes;
    this.ingest = ingest;
    this.authenticator = authenticator;
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    // HiveMQ's Services are static; keep this broker's services in case another broker starts
    clients = Services.clientService();
    admin = Services.adminService();
    Services.securityRegistry().setAuthenticatorProvider(in -> authenticator);
    Services.initializerRegistry()
        .setClientInitializer(
            (in, context) -> {
              Connection c =
                  new Connection(
                      in.getClientInformation().getClientId(), in.getConnectionInformation());
              context.addPublishInboundInterceptor(c::onPublish);
              context.addPubackOutboundInterceptor(c::onPuback);
            });
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

  /** The port the TCP listener is bound to, or -1 when HiveMQ does not say. */
  public int boundPort() {
    AdminService a = admin;
    if (a == null) {
      return -1;
    }
    for (Listener l : a.getServerInformation().getListener()) {
      if (l.getListenerType() == ListenerType.TCP_LISTENER) {
        return l.getPort();
      }
    }
    return -1;
  }

  /**
   * From now on messages are no longer sent to Kafka and their PUBACKs are withheld, so clients
   * resend them after the restart; messages already sent still get their PUBACK.
   */
  public void closing() {
    closing = true;
  }

  /** One client connection: what it sent that still waits for Kafka. */
  private final class Connection {
    private final String clientId;
    private final boolean mqtt5;
    private final String origin;
    private final ConcurrentHashMap<Integer, CompletableFuture<Void>> pending =
        new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> disconnect;

    Connection(String clientId, ConnectionInformation info) {
      this.clientId = clientId;
      this.mqtt5 = info.getMqttVersion() == MqttVersion.V_5;
      this.origin =
          "mqtt "
              + info.getInetAddress().map(a -> a.getHostAddress()).orElse("unknown")
              + " client "
              + clientId
              + " topic ";
    }

    void onPublish(PublishInboundInput in, PublishInboundOutput out) {
      PublishPacket p = in.getPublishPacket();
      String topic = p.getTopic();
      Route route = routes.route(topic);
      if (route == null) {
        refuse(topic, out);
        return;
      }
      byte[] payload = p.getPayload().map(IngestExtension::bytes).orElse(new byte[0]);
      boolean qos1 = p.getQos() != Qos.AT_MOST_ONCE;
      if (closing || disconnect != null) {
        route.counters().received(1, payload.length);
        route.counters().rejected(1);
        if (qos1) {
          pending.put(p.getPacketId(), NOT_TAKEN);
        }
        return;
      }
      RawRecord record = ingest.record(route, topic, payload, origin + topic);
      CompletableFuture<Void> sent = ingest.send(route, record);
      sent.whenComplete(
          (ok, failure) -> {
            if (failure != null) {
              route.counters().rejected(1);
              logFailure(route, topic, qos1, failure);
            }
          });
      if (qos1 && !(sent.isDone() && !sent.isCompletedExceptionally())) {
        pending.put(p.getPacketId(), sent);
      }
    }

    void onPuback(PubackOutboundInput in, PubackOutboundOutput out) {
      CompletableFuture<Void> sent = pending.remove(in.getPubackPacket().getPacketIdentifier());
      if (sent == null || (sent.isDone() && !sent.isCompletedExceptionally())) {
        return;
      }
      Async<PubackOutboundOutput> held = out.async(HIVEMQ_ASYNC_TIMEOUT);
      sent.copy()
          .orTimeout(ACK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (ok, failure) -> {
                if (failure == null) {
                  held.resume();
                } else {
                  disconnect(reason(failure)).whenComplete((v, e) -> held.resume());
                }
              });
    }

    /** Disconnects this client once; completes when its connection is closed. */
    private synchronized CompletableFuture<Void> disconnect(String reason) {
      if (disconnect == null) {
        LOG.warn(
            "Disconnecting MQTT client '{}' so that it resends its unacknowledged messages: {}",
            clientId,
            reason);
        disconnect = new CompletableFuture<>();
        closeConnection(reason, disconnect);
      }
      return disconnect;
    }

    private void closeConnection(String reason, CompletableFuture<Void> done) {
      clients
          .disconnectClient(clientId, false, DisconnectReasonCode.UNSPECIFIED_ERROR, reason)
          .whenComplete(
              (wasConnected, failure) -> {
                if (failure == null) {
                  done.complete(null);
                } else {
                  // the held PUBACK must not leave on a live connection: try again
                  LOG.warn("Could not disconnect MQTT client '{}', retrying", clientId, failure);
                  RETRY.execute(() -> closeConnection(reason, done));
                }
              });
    }

    private void refuse(String topic, PublishInboundOutput out) {
      String why = "no source of this pipeline takes topic '" + topic + "'";
      if (mqtt5) {
        out.preventPublishDelivery(AckReasonCode.TOPIC_NAME_INVALID, why);
      } else {
        out.preventPublishDelivery();
      }
      if (unmatchedLog.allow()) {
        LOG.warn(
            "MQTT client '{}': {}; {} ({} similar messages not logged)",
            clientId,
            why,
            mqtt5 ? "refused (PUBACK 0x90)" : "dropped (MQTT 3.1.1 has no negative PUBACK)",
            unmatchedLog.suppressed());
      }
    }

    private void logFailure(Route route, String topic, boolean qos1, Throwable failure) {
      if (failureLog.allow()) {
        LOG.warn(
            "MQTT source '{}': a message from client '{}' on '{}' was not stored: {}; {} ({}"
                + " similar failures not logged)",
            route.source(),
            clientId,
            topic,
            reason(failure),
            qos1 ? "not acknowledged, the client resends it" : "QoS 0, dropped",
            failureLog.suppressed());
      }
    }
  }

  private static String reason(Throwable failure) {
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (t instanceof TimeoutException) {
      return "Kafka did not acknowledge within " + ACK_DEADLINE.toSeconds() + " s";
    }
    if (t == SHUTTING_DOWN) {
      return t.getMessage();
    }
    return "events not stored: " + t;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
