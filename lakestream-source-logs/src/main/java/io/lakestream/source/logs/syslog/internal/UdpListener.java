package io.lakestream.source.logs.syslog.internal;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives syslog datagrams on one thread: one datagram is one message.
 *
 * <p>Non-blocking receive behind a selector, so that every datagram already queued in the kernel
 * goes into one batch. UDP has no back pressure: while the batches in flight are at their limit
 * this thread waits and the kernel drops what does not fit its buffer. Kafka failures are counted
 * and logged at most every {@link #LOG_EVERY_MILLIS}.
 */
public final class UdpListener implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);
  private static final int MAX_DATAGRAM = 65_536; // above the largest UDP payload, 65,507
  private static final int MAX_BATCH_RECORDS = 4096;
  static final long LOG_EVERY_MILLIS = 10_000;

  private final DatagramChannel channel;
  private final Selector selector;
  private final String source;
  private final int maxMessageBytes;
  private final SourceCounters counters;
  private final SyslogRecords records;
  private final InFlightBatches batches;
  private final LongAdder lostSinceLog = new LongAdder();
  private final AtomicLong nextLogAt = new AtomicLong();
  private volatile boolean stopping;
  private SocketAddress lastFrom;
  private String lastOrigin;

  /**
   * @param channel bound; this listener owns and closes it
   */
  public UdpListener(
      DatagramChannel channel,
      String source,
      String keyField,
      int maxMessageBytes,
      ZoneId localZone,
      RawSink sink,
      SourceCounters counters,
      int maxInFlight,
      Set<CompletableFuture<Void>> pending)
      throws IOException {
    this.channel = channel;
    this.source = source;
    this.maxMessageBytes = maxMessageBytes;
    this.counters = counters;
    this.records = new SyslogRecords(keyField, maxMessageBytes, localZone);
    this.batches =
        new InFlightBatches(source, sink, counters, maxInFlight, pending, this::kafkaFailed);
    channel.configureBlocking(false);
    this.selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
  }

  @Override
  public void run() {
    ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
    try {
      while (!stopping) {
        selector.select();
        selector.selectedKeys().clear();
        List<RawRecord> batch = new ArrayList<>();
        long now = System.currentTimeMillis();
        long bytes = 0;
        SocketAddress from;
        while (batch.size() < MAX_BATCH_RECORDS && (from = channel.receive(buf)) != null) {
          int n = buf.position();
          bytes += n;
          batch.add(record(buf.array(), n, now, origin(from)));
          buf.clear();
        }
        if (!batch.isEmpty()) {
          counters.received(batch.size(), bytes);
          batches.send(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!stopping) {
        LOG.error("syslog source {}: UDP listener stopped: {}", source, e.toString());
      }
    } finally {
      close();
    }
  }

  /** Stops receiving. */
  public void stop() {
    stopping = true;
    selector.wakeup();
  }

  private void close() {
    try {
      selector.close();
      channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  private RawRecord record(byte[] b, int n, long now, String origin) {
    int len = n;
    // a trailing LF (or CRLF) some senders add is framing habit, not content
    if (len > 0 && b[len - 1] == '\n') {
      len--;
      if (len > 0 && b[len - 1] == '\r') {
        len--;
      }
    }
    if (len > maxMessageBytes) {
      return records.oversized(b, 0, maxMessageBytes, len, origin);
    }
    return records.message(b, 0, len, now, origin);
  }

  private String origin(SocketAddress from) {
    if (!from.equals(lastFrom)) {
      InetSocketAddress a = (InetSocketAddress) from;
      String host = a.getAddress().getHostAddress();
      lastFrom = from;
      lastOrigin =
          "syslog udp " + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
    return lastOrigin;
  }

  private void kafkaFailed(int lost, Throwable cause) {
    lostSinceLog.add(lost);
    long now = System.currentTimeMillis();
    long at = nextLogAt.get();
    if (now >= at && nextLogAt.compareAndSet(at, now + LOG_EVERY_MILLIS)) {
      LOG.error(
          "syslog source {}: Kafka did not acknowledge {} UDP messages since the last report ({});"
              + " they are lost (UDP cannot ask senders to resend)",
          source,
          lostSinceLog.sumThenReset(),
          cause.toString());
    }
  }
}
