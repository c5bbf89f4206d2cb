package io.lakestream.source.logs.syslog.internal;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one syslog TCP connection on its own thread: blocking reads into one buffer, framing,
 * parsing and batching, all on that thread.
 *
 * <p>A thread per connection because syslog senders are few and each is fast: a blocking read
 * returns as much as the kernel holds, with no selector round trip, and blocking is exactly the
 * back pressure wanted when Kafka lags ({@link InFlightBatches}). A batch is whatever is readable
 * without waiting, capped in records and bytes. Origins name the peer and the message's number on
 * the connection ({@code syslog tcp 127.0.0.1:40312 line 17}); received bytes are the bytes read,
 * framing included.
 */
public final class TcpConnection implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);
  private static final int READ_BUFFER = 64 * 1024;
  private static final int MAX_BATCH_RECORDS = 4096;
  private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

  private final Socket socket;
  private final String source;
  private final String peer;
  private final SourceCounters counters;
  private final SyslogRecords records;
  private final SyslogFrameDecoder decoder;
  private final InFlightBatches batches;
  private final Frames frames = new Frames();
  private final String originPrefix;
  private volatile boolean failed;
  private volatile boolean stopping;
  private List<RawRecord> batch = new ArrayList<>();
  private long batchBytes;
  private long line;
  private long receivedMillis;
  private int readMessages;
  private long readBytes;

  public TcpConnection(
      Socket socket,
      String source,
      String keyField,
      int maxMessageBytes,
      ZoneId localZone,
      RawSink sink,
      SourceCounters counters,
      int maxInFlight,
      Set<CompletableFuture<Void>> pending) {
    this.socket = socket;
    this.source = source;
    this.peer = peer(socket);
    this.counters = counters;
    this.records = new SyslogRecords(keyField, maxMessageBytes, localZone);
    this.decoder = new SyslogFrameDecoder(maxMessageBytes);
    this.batches =
        new InFlightBatches(source, sink, counters, maxInFlight, pending, this::kafkaFailed);
    this.originPrefix = "syslog tcp " + peer + " line ";
  }

  /** {@code 127.0.0.1:40312}, {@code [::1]:40312}. */
  public static String peer(Socket s) {
    String host = s.getInetAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + s.getPort();
  }

  public String peer() {
    return peer;
  }

  @Override
  public void run() {
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[READ_BUFFER];
      while (!failed) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        receivedMillis = System.currentTimeMillis();
        readBytes += n;
        decoder.feed(buf, 0, n, frames);
        countReceived();
        if (in.available() == 0) {
          flush();
        }
      }
      if (!failed) {
        receivedMillis = System.currentTimeMillis();
        decoder.finish(frames);
        countReceived();
        flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!failed && !stopping) {
        LOG.warn("syslog source {}: connection from {} broke: {}", source, peer, e.toString());
      }
    } finally {
      if (!batch.isEmpty()) {
        counters.rejected(batch.size());
        LOG.error(
            "syslog source {}: dropped {} messages from {} that were read but not yet sent to"
                + " Kafka when the connection ended",
            source,
            batch.size(),
            peer);
      }
      close();
    }
  }

  /** Stops reading at the end of what the sender has already sent; sends what was read. */
  public void stop() {
    stopping = true;
    try {
      socket.shutdownInput();
    } catch (IOException e) {
      close();
    }
  }

  /** Closes the socket now. */
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  private void kafkaFailed(int lost, Throwable cause) {
    failed = true;
    LOG.error(
        "syslog source {}: Kafka did not acknowledge {} messages from {} ({}); they are lost."
            + " Closing the connection so that the sender reconnects and resends what it still"
            + " queues",
        source,
        lost,
        peer,
        cause.toString());
    close();
  }

  private void add(RawRecord r) {
    batch.add(r);
    batchBytes += r.value().length;
    if (batch.size() >= MAX_BATCH_RECORDS || batchBytes >= MAX_BATCH_BYTES) {
      try {
        flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed = true; // the reader loop ends; the rest of the batch is counted as dropped
      }
    }
  }

  private void flush() throws InterruptedException {
    if (batch.isEmpty() || failed) {
      return;
    }
    List<RawRecord> full = batch;
    batch = new ArrayList<>(Math.min(full.size() * 2, MAX_BATCH_RECORDS));
    batchBytes = 0;
    batches.send(full);
  }

  private void countReceived() {
    if (readMessages > 0 || readBytes > 0) {
      counters.received(readMessages, readBytes);
      readMessages = 0;
      readBytes = 0;
    }
  }

  private String origin() {
    return originPrefix + (++line);
  }

  /** Receives the decoder's frames on the reading thread. */
  private final class Frames implements SyslogFrameDecoder.Frames {
    @Override
    public void message(byte[] b, int off, int len) {
      readMessages++;
      add(records.message(b, off, len, receivedMillis, origin()));
    }

    @Override
    public void oversized(byte[] b, int off, int len, long size) {
      readMessages++;
      add(records.oversized(b, off, len, size, origin()));
    }

    @Override
    public void truncated(byte[] b, int off, int len, long size) {
      readMessages++;
      add(records.truncated(b, off, len, size, origin()));
    }
  }
}
