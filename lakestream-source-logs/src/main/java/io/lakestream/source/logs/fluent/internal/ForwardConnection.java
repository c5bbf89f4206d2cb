package io.lakestream.source.logs.fluent.internal;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forward-protocol client connection: a reader thread that decodes entries and hands them to
 * the sink, and an ack thread that writes {@code {"ack": chunk}} for each entry, in entry order,
 * once the sink's future says Kafka holds its records.
 *
 * <p>Two blocking threads per connection, because forward clients (Fluentd and Fluent Bit outputs,
 * logging libraries) keep a few long-lived connections each: the thread count stays small, the
 * reader reads 64 KB at a time and decodes many entries per read, and a client that stops reading
 * acks can only stall its own ack thread. The reader stops reading while {@link
 * #MAX_IN_FLIGHT_BATCHES} batches or {@link #MAX_IN_FLIGHT_BYTES} bytes of records await Kafka: a
 * client faster than Kafka fills its socket buffer and slows down instead of filling our heap.
 *
 * <p>Consecutive entries already in the buffer are sent as one batch (whole entries only), which
 * turns a stream of one-record Message entries into few sends.
 *
 * <p>When Kafka refuses a batch, nothing of it is acknowledged and the connection is closed, so the
 * client resends everything it has no ack for. A malformed entry closes the connection too, after
 * the entries before it are acknowledged.
 */
public final class ForwardConnection {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardConnection.class);

  /** Batches awaiting Kafka per connection before the reader stops reading. */
  public static final int MAX_IN_FLIGHT_BATCHES = 16;

  /** Record bytes awaiting Kafka per connection before the reader stops reading. */
  public static final long MAX_IN_FLIGHT_BYTES = 32L * 1024 * 1024;

  /** A batch is sent once it has this many records, even if more entries are waiting. */
  static final int BATCH_RECORDS = 1000;

  /** ... or this many bytes of records. */
  static final long BATCH_BYTES = 1024 * 1024;

  private static final Pending END =
      new Pending(CompletableFuture.completedFuture(null), List.of(), List.of(), 0, 0, 0);

  private final Socket socket;
  private final String source;
  private final String peer;
  private final ForwardDecoder decoder;
  private final RawSink sink;
  private final SourceCounters counters;
  private final Consumer<ForwardConnection> onClosed;
  private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final InFlight inFlight = new InFlight(MAX_IN_FLIGHT_BATCHES, MAX_IN_FLIGHT_BYTES);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread reader;
  private final Thread acker;
  private volatile boolean stopping;
  private volatile boolean broken;

  /**
   * @param onClosed called once, from the ack thread, when the connection is finished
   */
  public ForwardConnection(
      Socket socket,
      String source,
      ForwardLimits limits,
      String keyField,
      RawSink sink,
      SourceCounters counters,
      Consumer<ForwardConnection> onClosed) {
    this.socket = socket;
    this.source = source;
    this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    this.decoder = new ForwardDecoder(limits, keyField, peer);
    this.sink = sink;
    this.counters = counters;
    this.onClosed = onClosed;
    this.reader = new Thread(this::readLoop, "fluent-" + source + "-read-" + peer);
    this.acker = new Thread(this::ackLoop, "fluent-" + source + "-ack-" + peer);
    reader.setDaemon(true);
    acker.setDaemon(true);
  }

  /** The client's address, e.g. {@code 127.0.0.1:40312}. */
  public String peer() {
    return peer;
  }

  public void start() {
    reader.start();
    acker.start();
  }

  /**
   * Stops taking entries: what was decoded is still sent and acknowledged, an incomplete entry is
   * dropped unacknowledged (the client resends it).
   */
  public void stopReading() {
    stopping = true;
    try {
      socket.shutdownInput(); // wakes the reader with end-of-stream
    } catch (IOException e) {
      LOG.debug("fluent source {}: shutdownInput for {}: {}", source, peer, e.toString());
    }
  }

  /** Waits until every ack due was written (or given up on), at most until {@code deadline}. */
  public boolean awaitDone(long deadlineNanos) throws InterruptedException {
    return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Batches still waiting for Kafka. */
  public int inFlight() {
    return inFlight.batches();
  }

  /** Closes the socket and stops both threads, whatever is pending. */
  public void forceClose() {
    stopping = true;
    closeSocket();
    reader.interrupt();
    acker.interrupt();
  }

  private void readLoop() {
    try {
      InputStream in = socket.getInputStream();
      while (decoder.readFrom(in) >= 0) {
        drain();
      }
      if (decoder.buffered() > 0 && !stopping) {
        LOG.info(
            "fluent source {}: {} closed the connection in the middle of an entry ({} bytes"
                + " dropped, not acknowledged)",
            source,
            peer,
            decoder.buffered());
      }
    } catch (ForwardDecodeException e) {
      LOG.warn(
          "fluent source {}: closing the connection from {}: {} error at byte {}: {}. Entries"
              + " before it are acknowledged once Kafka has them; nothing of this one is",
          source,
          peer,
          e.stage(),
          e.offset(),
          e.reason());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!stopping && !broken) {
        LOG.debug("fluent source {}: connection from {} ended: {}", source, peer, e.toString());
      }
    } finally {
      decoder.close();
      pending.add(END);
    }
  }

  private void drain() throws ForwardDecodeException, InterruptedException {
    Batch batch = new Batch();
    try {
      for (ForwardEntry e; (e = decoder.next()) != null; ) {
        counters.received(e.records().size(), e.bytes());
        batch.add(e);
        if (batch.records >= BATCH_RECORDS || batch.jsonBytes >= BATCH_BYTES) {
          submit(batch);
          batch = new Batch();
        }
      }
    } catch (ForwardDecodeException e) {
      submit(batch); // complete entries before the bad one still count
      throw e;
    }
    submit(batch);
  }

  private void submit(Batch batch) throws InterruptedException {
    if (batch.entries == 0) {
      return;
    }
    inFlight.acquire(batch.jsonBytes);
    if (broken) {
      // Kafka already refused an earlier batch and the client will resend all of it.
      inFlight.release(batch.jsonBytes);
      counters.rejected(batch.records);
      return;
    }
    CompletableFuture<Void> future;
    List<RawRecord> records = batch.records();
    if (records.isEmpty()) {
      future = CompletableFuture.completedFuture(null);
    } else {
      try {
        future = sink.send(source, records);
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
    }
    pending.add(
        new Pending(
            future, batch.acks, batch.chunks, batch.records, batch.undecodable, batch.jsonBytes));
  }

  private void ackLoop() {
    try {
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      for (Pending p; (p = pending.take()) != END; ) {
        Throwable failure = outcome(p.future);
        inFlight.release(p.jsonBytes);
        if (failure != null) {
          counters.rejected(p.records);
          if (!broken) {
            broken = true;
            LOG.warn(
                "fluent source {}: Kafka did not take {} records from {} (chunks {}): {}. Not"
                    + " acknowledged; closing the connection so the client resends them",
                source,
                p.records,
                peer,
                chunks(p.chunks),
                failure.toString());
            closeSocket();
          }
          continue;
        }
        counters.accepted(p.records);
        counters.undecodable(p.undecodable);
        if (!broken && !p.acks.isEmpty()) {
          try {
            for (byte[] ack : p.acks) {
              out.write(ack);
            }
            Pending next = pending.peek();
            if (next == null || next == END || !next.future.isDone()) {
              out.flush(); // acks of batches already done go out together
            }
          } catch (IOException e) {
            broken = true;
            LOG.debug(
                "fluent source {}: cannot write acks to {}: {}; it resends them",
                source,
                peer,
                e.toString());
            closeSocket();
          }
        }
      }
      if (!broken) {
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.debug("fluent source {}: acks to {}: {}", source, peer, e.toString());
    } finally {
      closeSocket();
      done.countDown();
      onClosed.accept(this);
    }
  }

  private static Throwable outcome(CompletableFuture<Void> future) throws InterruptedException {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private static String chunks(List<String> chunks) {
    if (chunks.isEmpty()) {
      return "none: the client asked for no acks";
    }
    return chunks.size() <= 3
        ? String.join(", ", chunks)
        : String.join(", ", chunks.subList(0, 3)) + " and " + (chunks.size() - 3) + " more";
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("fluent source {}: closing {}: {}", source, peer, e.toString());
    }
  }

  /** The ack response for one chunk: the msgpack map {@code {"ack": chunk}}. */
  public static byte[] ack(String chunk) {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      p.packMapHeader(1).packString("ack").packString(chunk);
      return p.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("msgpack to memory failed", e);
    }
  }

  /** Whole entries collected for one send. */
  private static final class Batch {
    private List<RawRecord> first;
    private List<RawRecord> merged;
    final List<byte[]> acks = new ArrayList<>(2);
    final List<String> chunks = new ArrayList<>(2);
    int entries;
    int records;
    int undecodable;
    long jsonBytes;

    void add(ForwardEntry e) {
      if (entries == 0) {
        first = e.records();
      } else {
        if (merged == null) {
          merged = new ArrayList<>(first);
        }
        merged.addAll(e.records());
      }
      entries++;
      records += e.records().size();
      undecodable += e.undecodable();
      jsonBytes += e.jsonBytes();
      if (e.chunk() != null) {
        acks.add(ack(e.chunk()));
        chunks.add(e.chunk());
      }
    }

    List<RawRecord> records() {
      return merged != null ? merged : first;
    }
  }

  private record Pending(
      CompletableFuture<Void> future,
      List<byte[]> acks,
      List<String> chunks,
      int records,
      int undecodable,
      long jsonBytes) {}
}
