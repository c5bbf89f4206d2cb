package io.lakestream.source.logs.fluent;

import io.lakestream.api.config.FluentSettings;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.IngestServer;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.logs.fluent.internal.ForwardConnection;
import io.lakestream.source.logs.fluent.internal.ForwardLimits;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fluent} source: a Fluentd forward-protocol (v1) listener, so that Fluentd's and Fluent
 * Bit's {@code forward} outputs and the Fluentd logger libraries can ship records to Lakestream.
 *
 * <p>{@code try (FluentSource fluent = FluentSource.create(source, sink, counters)) {
 * fluent.start(); System.out.println(fluent.endpoints()); // [fluent tcp 127.0.0.1:24224, fluent
 * udp ...] } }
 *
 * <p>Every record becomes one JSON event: the record's fields plus {@code tag} and {@code time}
 * (ISO-8601 UTC) unless the record has fields of those names. When an entry carries the {@code
 * chunk} option (Fluentd's and Fluent Bit's {@code require_ack_response}), the response {@code
 * {"ack": chunk}} is written only after Kafka acknowledged every record of the entry, in entry
 * order per connection; if Kafka refuses them, no ack is sent and the connection is closed, so the
 * client resends. Resent chunks get the same event ids ({@code <chunk>-<index>}) and the job's
 * dedup drops the copies. Records that are not maps, have no usable time or nest deeper than 32
 * levels go to the error zone with their msgpack bytes and the reason; an entry that is malformed
 * or breaks a limit ({@code max_chunk_size}, {@code max_records}, gzip output over 4 times {@code
 * max_chunk_size}) closes the connection without an ack for it, after the entries before it are
 * acknowledged. See {@link io.lakestream.source.logs.fluent.internal.ForwardDecoder} for the
 * protocol details.
 *
 * <p>Not supported: the {@code shared_key}/username handshake (a client configured with it is
 * disconnected with a log line saying so), TLS, and the JSON form of the protocol. UDP heartbeats
 * on the same port are answered when that UDP port can be bound.
 *
 * <p>Thread-safe. One reader and one ack thread per connection; at most {@link #MAX_CONNECTIONS}
 * connections.
 */
public final class FluentSource implements IngestServer {

  private static final Logger LOG = LoggerFactory.getLogger(FluentSource.class);

  /** Connections beyond this are closed at once: each holds two threads and a buffer. */
  public static final int MAX_CONNECTIONS = 1024;

  /** How long {@link #close()} waits for the acks of entries Kafka is still writing. */
  public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final FluentSettings settings;
  private final ForwardLimits limits;
  private final String keyField;
  private final RawSink sink;
  private final SourceCounters counters;
  private final Set<ForwardConnection> connections = ConcurrentHashMap.newKeySet();

  private ServerSocket server;
  private DatagramSocket heartbeat;
  private Thread acceptor;
  private Thread heartbeatThread;
  private volatile boolean closed;

  private FluentSource(
      String name,
      FluentSettings settings,
      String keyField,
      RawSink sink,
      SourceCounters counters) {
    this.name = name;
    this.settings = settings;
    this.limits = ForwardLimits.of(settings);
    this.keyField = keyField;
    this.sink = sink;
    this.counters = counters;
  }

  /**
   * A listener for a {@code fluent} source; {@link #start()} binds it.
   *
   * @throws IllegalArgumentException when the source has no {@code fluent:} settings
   */
  public static FluentSource create(SourceConfig source, RawSink sink, SourceCounters counters) {
    Objects.requireNonNull(source, "source");
    if (!(source.settings() instanceof FluentSettings settings)) {
      throw new IllegalArgumentException(
          "source " + source.name() + " is of type " + source.type() + ", not fluent");
    }
    return new FluentSource(
        source.name(),
        settings,
        source.keyField(),
        Objects.requireNonNull(sink, "sink"),
        Objects.requireNonNull(counters, "counters"));
  }

  /**
   * Binds the TCP port (and the same UDP port for heartbeats, if free) and starts accepting.
   *
   * @throws IOException when the TCP port cannot be bound; the message names the address and the
   *     setting that chose it
   * @throws IllegalStateException when started twice or after {@link #close()}
   */
  @Override
  public synchronized void start() throws IOException {
    if (closed || server != null) {
      throw new IllegalStateException("fluent source " + name + " was already started or closed");
    }
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(settings.host(), settings.port()), 128);
    } catch (IOException | IllegalArgumentException e) {
      s.close();
      throw new IOException(
          "fluent source "
              + name
              + " cannot listen on TCP "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage()
              + (e instanceof BindException
                  ? ". Another process uses the port: pick another with sources."
                      + name
                      + ".fluent.port (0 picks a free one)"
                  : ". Check sources."
                      + name
                      + ".fluent.host and sources."
                      + name
                      + ".fluent.port"),
          e);
    }
    server = s;
    heartbeat = bindHeartbeat(s.getLocalPort());
    acceptor = new Thread(this::acceptLoop, "fluent-" + name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    if (heartbeat != null) {
      heartbeatThread = new Thread(this::heartbeatLoop, "fluent-" + name + "-heartbeat");
      heartbeatThread.setDaemon(true);
      heartbeatThread.start();
    }
    LOG.info("fluent source {} listening on {}", name, endpoints());
  }

  /**
   * The bound TCP port (useful with port 0).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("fluent source " + name + " is not started");
    }
    return server.getLocalPort();
  }

  /** E.g. {@code [fluent tcp 127.0.0.1:24224, fluent udp 127.0.0.1:24224 (heartbeat)]}. */
  @Override
  public synchronized List<String> endpoints() {
    int port = server == null ? settings.port() : server.getLocalPort();
    List<String> out = new ArrayList<>(2);
    out.add("fluent tcp " + settings.host() + ":" + port);
    if (heartbeat != null) {
      out.add("fluent udp " + settings.host() + ":" + port + " (heartbeat)");
    }
    return List.copyOf(out);
  }

  /** Connections currently open. */
  public int connections() {
    return connections.size();
  }

  /**
   * Stops accepting, stops reading, waits up to {@link #CLOSE_WAIT} for the acks of entries Kafka
   * is still writing, then closes every socket. Entries without an ack by then are resent by their
   * clients. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closeQuietly(server);
    if (heartbeat != null) {
      heartbeat.close();
    }
    join(acceptor);
    join(heartbeatThread);
    List<ForwardConnection> open = List.copyOf(connections);
    open.forEach(ForwardConnection::stopReading);
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    int unfinished = 0;
    try {
      for (ForwardConnection c : open) {
        if (!c.awaitDone(deadline)) {
          unfinished += c.inFlight();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (unfinished > 0) {
      LOG.warn(
          "fluent source {}: {} batches still wait for Kafka after {} s; closing without their"
              + " acks, the clients resend them",
          name,
          unfinished,
          CLOSE_WAIT.toSeconds());
    }
    open.forEach(ForwardConnection::forceClose);
    LOG.info("fluent source closed: {}", counters);
  }

  private DatagramSocket bindHeartbeat(int port) {
    try {
      DatagramSocket d = new DatagramSocket(null);
      d.bind(new InetSocketAddress(settings.host(), port));
      return d;
    } catch (IOException e) {
      LOG.warn(
          "fluent source {}: no UDP heartbeat on {}:{} ({}); clients using heartbeat_type udp"
              + " will see this server as down, heartbeat_type transport works",
          name,
          settings.host(),
          port,
          e.getMessage());
      return null;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        LOG.warn("fluent source {}: accept failed: {}", name, e.toString());
        // Out of file descriptors, say: back off instead of spinning on the same error.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        continue;
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        LOG.warn(
            "fluent source {}: refusing {}: already {} connections",
            name,
            socket.getRemoteSocketAddress(),
            MAX_CONNECTIONS);
        closeQuietly(socket);
        continue;
      }
      try {
        socket.setTcpNoDelay(true); // acks are tiny and a client may wait for each
        socket.setKeepAlive(true);
      } catch (SocketException e) {
        closeQuietly(socket);
        continue;
      }
      ForwardConnection c =
          new ForwardConnection(
              socket, name, limits, keyField, sink, counters, connections::remove);
      connections.add(c);
      LOG.debug("fluent source {}: connection from {}", name, c.peer());
      c.start();
    }
  }

  private void heartbeatLoop() {
    byte[] in = new byte[64];
    byte[] answer = {0};
    DatagramPacket packet = new DatagramPacket(in, in.length);
    while (!closed) {
      try {
        packet.setLength(in.length);
        heartbeat.receive(packet);
        // One byte back for at least one byte in: nothing to amplify.
        heartbeat.send(new DatagramPacket(answer, 1, packet.getSocketAddress()));
      } catch (IOException e) {
        if (!closed) {
          LOG.debug("fluent source {}: heartbeat: {}", name, e.toString());
        }
      }
    }
  }

  private static void join(Thread t) {
    if (t == null) {
      return;
    }
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", c, e.toString());
    }
  }
}
