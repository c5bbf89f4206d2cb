package io.lakestream.source.logs.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.SyslogSettings;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures decode and server throughput: newline-framed RFC 5424 lines over one TCP connection into
 * a sink that acknowledges at once (Kafka is measured elsewhere). Excluded from the normal run;
 * {@code ./mvnw -o -pl lakestream-source-logs test -Dgroups=bench -DexcludedGroups=none
 * -Dtest=SyslogThroughputTest -DskipFuzz} runs it.
 */
@Tag("bench")
class SyslogThroughputTest {

  private static final int LINES = 1_000_000;
  private static final int RUNS = 3;

  @Test
  void tcpLinesPerSecond() throws Exception {
    byte[] block = block(10_000);
    int blocks = LINES / 10_000;
    RawSink sink = (source, records) -> CompletableFuture.completedFuture(null);
    run(sink, block, blocks); // warm-up
    double[] rates = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      rates[i] = run(sink, block, blocks);
      System.out.printf("syslog tcp run %d: %,.0f lines/s%n", i + 1, rates[i]);
    }
    Arrays.sort(rates);
    System.out.printf(
        "syslog tcp: median %,.0f lines/s over %d runs of %,d lines (%d bytes each)%n",
        rates[RUNS / 2], RUNS, LINES, block.length / 10_000);
    assertThat(rates[RUNS / 2]).isGreaterThan(100_000);
  }

  private static double run(RawSink sink, byte[] block, int blocks) throws Exception {
    SourceCounters counters = new SourceCounters("logs");
    try (SyslogSource s =
        SyslogSource.create(
            SyslogSourceTest.config(new SyslogSettings("127.0.0.1", 0, null, 64 * 1024), "host"),
            sink,
            counters)) {
      s.start();
      long start = System.nanoTime();
      try (Socket c = new Socket("127.0.0.1", s.tcpPort())) {
        OutputStream out = c.getOutputStream();
        for (int i = 0; i < blocks; i++) {
          out.write(block);
        }
      }
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> counters.accepted() == LINES);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(counters.undecodable()).isZero();
      return LINES / seconds;
    }
  }

  /** {@code n} distinct lines as {@code logger --rfc5424} writes them, with an extra SD element. */
  private static byte[] block(int n) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      String line =
          String.format(
              "<165>1 2026-12-06T01:11:38.%06d+01:00 host-%02d app-%d %d ID47 [timeQuality"
                  + " tzKnown=\"1\" isSynced=\"1\"][exampleSDID@32473 iut=\"3\" eventID=\"%d\"]"
                  + " request %d served in %d ms\n",
              i % 1_000_000, i % 50, i % 7, 1000 + i % 300, i, i, i % 997);
      b.writeBytes(line.getBytes(UTF_8));
    }
    return b.toByteArray();
  }
}
