package io.lakestream.source.logs.syslog;

import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.SyslogSettings;
import io.lakestream.api.ingest.IngestServer;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.logs.syslog.internal.TcpConnection;
import io.lakestream.source.logs.syslog.internal.UdpListener;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code syslog} source: a listener for RFC 5424 and RFC 3164 messages over TCP (newline or
 * octet-counted framing, told apart per message) and UDP (one message per datagram), delivering
 * each message to the raw topic as one JSON event.
 *
 * <p>{@code SyslogSource s = SyslogSource.create(source, sink, counters); s.start(); s.endpoints();
 * // [syslog tcp 127.0.0.1:5514, syslog udp 127.0.0.1:5514]}
 *
 * <p>The event JSON has {@code timestamp} (ISO-8601 UTC, offset applied; the receive time when the
 * message has none), {@code host}, {@code app}, {@code procid}, {@code msgid}, {@code severity}
 * ({@code err}), {@code severity_code}, {@code facility} ({@code daemon}), {@code facility_code},
 * {@code structured_data} (SD-ID → PARAM-NAME → value; an array when a name repeats inside one
 * element), {@code message} and {@code format} ({@code rfc5424} or {@code rfc3164}). A field the
 * message does not carry (absent or NILVALUE) is left out, never invented. RFC 3164 timestamps are
 * read in this JVM's time zone; see {@link io.lakestream.source.logs.syslog.internal.SyslogParser}
 * for the year rule and the exact grammar. A message that does not parse, or is not UTF-8, goes to
 * the error zone with its original bytes and a reason naming what is wrong and at which byte. The
 * Kafka key is the value of the source's key field in that JSON; ids are generated.
 *
 * <p>Syslog has no acknowledgements. Over TCP, each connection keeps at most {@value
 * #MAX_BATCHES_IN_FLIGHT} batches unacknowledged by Kafka and stops reading meanwhile, so a fast
 * sender queues on its side; when Kafka fails a batch, its messages are counted rejected, the loss
 * is logged and the connection closed, so the sender reconnects and resends what it still queues.
 * Over UDP, losses are counted and logged (at most every 10 s).
 */
public final class SyslogSource implements IngestServer {

  /** Unacknowledged batches per TCP connection (and for the UDP listener). */
  public static final int MAX_BATCHES_IN_FLIGHT = 4;

  /** Connections beyond this many are refused (each one has a thread and buffers). */
  public static final int MAX_CONNECTIONS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(SyslogSource.class);
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  private final String name;
  private final String keyField;
  private final SyslogSettings settings;
  private final RawSink sink;
  private final SourceCounters counters;
  private final ZoneId localZone = ZoneId.systemDefault();
  private final Map<TcpConnection, Thread> connections = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private ServerSocket server;
  private Thread acceptor;
  private UdpListener udp;
  private Thread udpThread;
  private int tcpPort = -1;
  private int udpPort = -1;

  private SyslogSource(
      String name,
      String keyField,
      SyslogSettings settings,
      RawSink sink,
      SourceCounters counters) {
    this.name = name;
    this.keyField = keyField;
    this.settings = settings;
    this.sink = sink;
    this.counters = counters;
  }

  /**
   * A source for {@code source}, whose settings must be a {@link SyslogSettings}. Nothing is bound
   * before {@link #start()}.
   */
  public static SyslogSource create(SourceConfig source, RawSink sink, SourceCounters counters) {
    if (!(source.settings() instanceof SyslogSettings settings)) {
      throw new IllegalArgumentException(
          "source " + source.name() + " of type " + source.type() + " has no syslog settings");
    }
    return new SyslogSource(
        source.name(),
        source.keyField(),
        settings,
        Objects.requireNonNull(sink, "sink"),
        Objects.requireNonNull(counters, "counters"));
  }

  /**
   * Binds the TCP and UDP ports that are on and starts listening.
   *
   * @throws BindException when a port cannot be bound, naming it and the setting that chose it
   */
  @Override
  public void start() throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("syslog source " + name + " was already started");
    }
    InetAddress host = InetAddress.getByName(settings.host());
    try {
      if (settings.tcpPort() != null) {
        server = bindTcp(host, settings.tcpPort());
        tcpPort = server.getLocalPort();
        acceptor = new Thread(this::accept, "syslog-" + name + "-tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
      }
      if (settings.udpPort() != null) {
        DatagramChannel channel = bindUdp(host, settings.udpPort());
        udpPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        udp =
            new UdpListener(
                channel,
                name,
                keyField,
                settings.maxMessageBytes(),
                localZone,
                sink,
                counters,
                MAX_BATCHES_IN_FLIGHT,
                pending);
        udpThread = new Thread(udp, "syslog-" + name + "-udp");
        udpThread.setDaemon(true);
        udpThread.start();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public List<String> endpoints() {
    List<String> e = new ArrayList<>(2);
    if (settings.tcpPort() != null) {
      e.add("syslog tcp " + settings.host() + ":" + (tcpPort >= 0 ? tcpPort : settings.tcpPort()));
    }
    if (settings.udpPort() != null) {
      e.add("syslog udp " + settings.host() + ":" + (udpPort >= 0 ? udpPort : settings.udpPort()));
    }
    return e;
  }

  /**
   * The bound TCP port (the actual one when the settings say 0).
   *
   * @throws IllegalStateException when TCP is off or the source is not started
   */
  public int tcpPort() {
    if (tcpPort < 0) {
      throw new IllegalStateException("syslog source " + name + " has no bound TCP port");
    }
    return tcpPort;
  }

  /**
   * The bound UDP port (the actual one when the settings say 0).
   *
   * @throws IllegalStateException when UDP is off or the source is not started
   */
  public int udpPort() {
    if (udpPort < 0) {
      throw new IllegalStateException("syslog source " + name + " has no bound UDP port");
    }
    return udpPort;
  }

  /**
   * Stops accepting connections and datagrams, reads what connected senders have already sent,
   * waits up to 10 s for Kafka to acknowledge everything in flight, then closes every socket.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.currentTimeMillis() + CLOSE_WAIT_MILLIS;
    closeQuietly(server);
    if (udp != null) {
      udp.stop();
    }
    connections.keySet().forEach(TcpConnection::stop);
    join(acceptor, deadline);
    connections.forEach(
        (c, t) -> {
          if (!join(t, deadline)) {
            LOG.warn(
                "syslog source {}: connection from {} still busy at close; cutting it",
                name,
                c.peer());
            t.interrupt();
            c.close();
          }
        });
    if (udpThread != null && !join(udpThread, deadline)) {
      udpThread.interrupt();
    }
    CompletableFuture<?>[] left = pending.toArray(new CompletableFuture<?>[0]);
    try {
      CompletableFuture.allOf(left)
          .get(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "syslog source {}: {} batches still unacknowledged by Kafka at close",
          name,
          pending.size());
    } catch (ExecutionException e) {
      // counted and logged where each batch failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ServerSocket bindTcp(InetAddress host, int port) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port), 256);
      return s;
    } catch (IOException e) {
      closeQuietly(s);
      throw bindFailed("TCP", host, port, "tcp_port", e);
    }
  }

  private DatagramChannel bindUdp(InetAddress host, int port) throws IOException {
    DatagramChannel c = DatagramChannel.open();
    try {
      // bursts are absorbed here while a batch is on its way; the kernel caps it at rmem_max
      c.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
      c.bind(new InetSocketAddress(host, port));
      return c;
    } catch (IOException e) {
      closeQuietly(c);
      throw bindFailed("UDP", host, port, "udp_port", e);
    }
  }

  private BindException bindFailed(
      String protocol, InetAddress host, int port, String key, IOException cause) {
    BindException e =
        new BindException(
            "syslog source "
                + name
                + " cannot listen on "
                + protocol
                + " "
                + host.getHostAddress()
                + ":"
                + port
                + " ("
                + cause.getMessage()
                + "); sources."
                + name
                + ".syslog."
                + key
                + " chooses the port (0 picks a free one)");
    e.initCause(cause);
    return e;
  }

  private void accept() {
    while (!closed.get()) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketException e) {
        break; // closed
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.warn("syslog source {}: accepting a TCP connection failed: {}", name, e.toString());
        }
        continue;
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        LOG.warn(
            "syslog source {}: refusing TCP connection from {}: already {} connections",
            name,
            TcpConnection.peer(s),
            MAX_CONNECTIONS);
        closeQuietly(s);
        continue;
      }
      try {
        s.setKeepAlive(true); // notice senders that vanished without closing
      } catch (SocketException e) {
        // the connection still works without it
      }
      TcpConnection c =
          new TcpConnection(
              s,
              name,
              keyField,
              settings.maxMessageBytes(),
              localZone,
              sink,
              counters,
              MAX_BATCHES_IN_FLIGHT,
              pending);
      Thread t =
          new Thread(
              () -> {
                try {
                  c.run();
                } finally {
                  connections.remove(c);
                }
              },
              "syslog-" + name + "-tcp-" + c.peer());
      t.setDaemon(true);
      connections.put(c, t);
      if (closed.get()) {
        c.stop(); // close() may have passed over it already
      }
      t.start();
    }
  }

  private static boolean join(Thread t, long deadline) {
    if (t == null) {
      return true;
    }
    try {
      t.join(Math.max(1, deadline - System.currentTimeMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // nothing left to release
    }
  }
}
