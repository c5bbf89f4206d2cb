package io.lakestream.source.logs.fluent;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.api.config.FluentSettings;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Measures acknowledged records per second through the forward source: 1,000,000 records as 1,000
 * PackedForward entries of 1,000 records, each with a {@code chunk} option, over one connection,
 * into a sink that completes at once (Kafka's own cost is not part of it). The client sends without
 * waiting for each ack, as an output with several workers does; the source's in-flight bound still
 * applies. Prints the median of three runs after a warm-up.
 *
 * <p>A measurement, not a check: tagged {@code bench}, which the build excludes. Run with {@code
 * ./mvnw -o -pl lakestream-source-logs test -Dtest=FluentThroughputTest -DexcludedGroups=none
 * -Dgroups=bench -DskipFuzz}.
 */
@Tag("bench")
class FluentThroughputTest {

  private static final int ENTRIES = 1000;
  private static final int RECORDS_PER_ENTRY = 1000;
  private static final long T = 1_700_000_000L;

  @Test
  void acknowledgedRecordsPerSecond() throws Exception {
    LongAdder delivered = new LongAdder();
    RawSink sink =
        (source, records) -> {
          delivered.add(records.size());
          return CompletableFuture.completedFuture(null);
        };
    byte[] events = events();
    List<Double> rates = new ArrayList<>();
    try (FluentSource fluent =
        FluentSource.create(
            FluentSourceTest.config(new FluentSettings("127.0.0.1", 0, 16L << 20, 1_000_000)),
            sink,
            new SourceCounters("logs"))) {
      fluent.start();
      for (int run = 0; run < 4; run++) {
        long before = delivered.sum();
        double seconds = send(fluent.port(), run, events);
        assertThat(delivered.sum() - before).isEqualTo((long) ENTRIES * RECORDS_PER_ENTRY);
        if (run > 0) { // run 0 warms up the JIT
          rates.add(ENTRIES * RECORDS_PER_ENTRY / seconds);
        }
      }
    }
    List<Double> sorted = rates.stream().sorted().toList();
    System.out.printf(
        "fluent forward: %,.0f acknowledged records/s (median of %s), %d-byte records%n",
        sorted.get(1),
        rates.stream().map(r -> String.format("%,.0f", r)).toList(),
        events.length / RECORDS_PER_ENTRY);
  }

  /** Sends every entry and reads every ack; returns the seconds from first byte to last ack. */
  private static double send(int port, int run, byte[] events) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setTcpNoDelay(true);
      MessageUnpacker acks = MessagePack.newDefaultUnpacker(socket.getInputStream());
      long start = System.nanoTime();
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                  for (int i = 0; i < ENTRIES; i++) {
                    out.write(entry(chunk(run, i), events));
                  }
                  out.flush();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      for (int i = 0; i < ENTRIES; i++) {
        acks.unpackMapHeader();
        acks.unpackString();
        String chunk = acks.unpackString();
        if (!chunk.equals(chunk(run, i))) {
          throw new AssertionError("ack " + chunk + " out of order at " + i);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      writing.join();
      return seconds;
    }
  }

  private static String chunk(int run, int i) {
    return Base64.getEncoder()
        .encodeToString(("run" + run + "-entry" + i).getBytes(StandardCharsets.US_ASCII));
  }

  /** 1,000 records shaped like a container log line shipped by Fluent Bit. */
  private static byte[] events() throws IOException {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      for (int i = 0; i < RECORDS_PER_ENTRY; i++) {
        p.packArrayHeader(2);
        byte[] time = new byte[8];
        time[0] = (byte) (T >>> 24);
        time[1] = (byte) (T >>> 16);
        time[2] = (byte) (T >>> 8);
        time[3] = (byte) T;
        time[7] = (byte) i;
        p.packExtensionTypeHeader((byte) 0, 8).writePayload(time);
        p.packMapHeader(5);
        p.packString("log");
        p.packString(
            "10.0.0." + (i % 250) + " - - \"GET /api/items/" + i + " HTTP/1.1\" 200 " + (512 + i));
        p.packString("stream");
        p.packString("stdout");
        p.packString("host");
        p.packString("web-" + (i % 10));
        p.packString("level");
        p.packString("info");
        p.packString("seq");
        p.packInt(i);
      }
      return p.toByteArray();
    }
  }

  private static byte[] entry(String chunk, byte[] events) {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      p.packArrayHeader(3);
      p.packString("kube.var.log.containers.web");
      p.packBinaryHeader(events.length).writePayload(events);
      p.packMapHeader(2).packString("chunk").packString(chunk);
      p.packString("size").packInt(RECORDS_PER_ENTRY);
      return p.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
