package io.lakestream.source.cdc;

import io.lakestream.api.ingest.RawRecord;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code postgres_cdc} source in a process of its own, for tests that kill it: its sink appends
 * each record as one line {@code id TAB json} to a file, and acknowledges once the line is written
 * (the file stands in for Kafka).
 *
 * <p>Arguments: host, port, database, comma-separated tables, state folder, output file, and how
 * many milliseconds the acknowledgement follows the write (Kafka's acks come a little after the
 * data is there; a kill in between leaves data delivered but not committed).
 */
public final class CdcChild {

  private CdcChild() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String database = args[2];
    List<String> tables = Arrays.asList(args[3].split(","));
    Path state = Path.of(args[4]);
    Path out = Path.of(args[5]);
    long ackDelay = Long.parseLong(args[6]);
    FileChannel file =
        FileChannel.open(
            out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    RawSink sink =
        new RawSink() {
          @Override
          public synchronized CompletableFuture<Void> send(String source, List<RawRecord> records) {
            StringBuilder lines = new StringBuilder();
            for (RawRecord r : records) {
              lines.append(r.id()).append('\t');
              lines.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
            }
            try {
              ByteBuffer b = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
              while (b.hasRemaining()) {
                file.write(b);
              }
              return CompletableFuture.runAsync(
                  () -> {}, CompletableFuture.delayedExecutor(ackDelay, TimeUnit.MILLISECONDS));
            } catch (IOException e) {
              return CompletableFuture.failedFuture(e);
            }
          }
        };
    PostgresCdcSource source =
        PostgresCdcSource.create(
            Sources.config(
                "child", Sources.settings(host, port, database, "postgres", tables, "initial")),
            sink,
            new SourceCounters("child"),
            state);
    source.start();
    System.out.println("STARTED");
    System.out.flush();
    // runs until the test kills the process
    new CountDownLatch(1).await();
  }
}
