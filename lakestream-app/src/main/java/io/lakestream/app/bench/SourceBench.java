package io.lakestream.app.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.app.embedded.EmbeddedLakestream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * The ingestion benchmark of the non-HTTP sources: how many events per second a protocol's source
 * gets acknowledged into Kafka, with a load generator in this process speaking the protocol.
 *
 * <p>The stack runs without its Flink job, so the figure is the source's and Kafka's: what {@code
 * up} can take in, not what the job then processes ({@code bench --full} measures that). The clock
 * stops when Kafka holds every event: for syslog, which has no acknowledgements, when the raw
 * topic's end offsets have grown by the number sent; for the forward protocol when every chunk's
 * ack arrived; for MQTT when every PUBACK arrived (both are sent only after Kafka acknowledged the
 * records).
 */
public final class SourceBench {

  /** The protocols measured. */
  public enum Protocol {
    SYSLOG,
    FLUENT,
    MQTT
  }

  private static final String TS = "2026-11-23T12:00:00Z";
  private final PrintStream out;

  public SourceBench(PrintStream out) {
    this.out = out;
  }

  /** A pipeline with one source of the protocol's type on a free port. */
  static PipelineConfig pipeline(Protocol p, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("bench.schema.json"),
        "{\"type\": \"object\", \"properties\": {\"host\": {}, \"timestamp\": {}, \"time\": {},"
            + " \"ts\": {}}}");
    String source =
        switch (p) {
          case SYSLOG ->
              "    type: syslog\n    key: host\n    event_time: {field: timestamp}\n"
                  + "    syslog: {tcp_port: 0, udp_port: off}\n";
          case FLUENT ->
              "    type: fluent\n    key: host\n    event_time: {field: time}\n"
                  + "    fluent: {port: 0}\n";
          case MQTT ->
              "    type: mqtt\n    key: host\n    event_time: {field: ts}\n"
                  + "    mqtt: {topics: [\"bench/+/telemetry\"], device_id_level: 1,"
                  + " device_id_field: host, port: 0}\n";
        };
    String yaml =
        "pipeline: bench-"
            + p.name().toLowerCase(Locale.ROOT)
            + "\nkafka: {partitions: 4}\ngateway: {port: 0}\n"
            + "lake:\n  warehouse: ${data_dir}/warehouse\n"
            + "  catalog_uri: jdbc:sqlite:${data_dir}/catalog.db\n"
            + "sources:\n  bench:\n    schema: bench.schema.json\n"
            + source;
    Path file = dir.resolve("bench-pipeline.yaml");
    Files.writeString(file, yaml);
    return PipelineLoader.load(file, Map.of("data_dir", dir.resolve("data").toString()));
  }

  /**
   * Runs {@code runs} measurements of {@code events} each on one stack and prints each and the
   * median.
   *
   * @return true when every run got all its events acknowledged
   */
  public boolean run(Protocol p, Path dir, long events, int runs) throws Exception {
    PipelineConfig cfg = pipeline(p, dir);
    out.printf(
        Locale.ROOT,
        "bench --ingest %s: %,d events per run, %d runs, into Kafka (no Flink job); data %s%n",
        p.name().toLowerCase(Locale.ROOT),
        events,
        runs,
        dir);
    boolean ok = true;
    try (EmbeddedLakestream ls =
        EmbeddedLakestream.start(
            cfg,
            dir.resolve("data"),
            EmbeddedLakestream.Options.defaults().withKafkaPort(0).withJobDeferred())) {
      int port = port(ls, p);
      List<Double> rates = new ArrayList<>();
      List<Double> cpus = new ArrayList<>();
      // One short run first: JIT, connections, topic metadata.
      drive(p, ls, port, Math.min(events, 20_000));
      for (int r = 1; r <= runs; r++) {
        long cpu0 = ProcessStats.cpuNanos();
        long t0 = System.nanoTime();
        boolean all = drive(p, ls, port, events);
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (ProcessStats.cpuNanos() - cpu0) / 1e9;
        ok &= all;
        rates.add(events / secs);
        cpus.add(cpu * 1e6 / events);
        out.printf(
            Locale.ROOT,
            "  run %d: %,.0f events/s acknowledged into Kafka (%.1f s, %.1f µs CPU per event, all"
                + " load generation included)%s%n",
            r,
            events / secs,
            secs,
            cpu * 1e6 / events,
            all ? "" : " — NOT ALL ACKNOWLEDGED");
      }
      rates.sort(Double::compare);
      cpus.sort(Double::compare);
      out.printf(
          Locale.ROOT,
          "%nbench results (--ingest %s)%n  median               %,.0f events/s (runs: %s)%n"
              + "  CPU per event        %.1f µs (median; client and server share the process)%n",
          p.name().toLowerCase(Locale.ROOT),
          rates.get(rates.size() / 2),
          rates.stream().map(x -> String.format(Locale.ROOT, "%,.0f", x)).toList(),
          cpus.get(cpus.size() / 2));
      out.println("  source counters      " + ls.sources().counters().get("bench"));
    }
    return ok;
  }

  private static int port(EmbeddedLakestream ls, Protocol p) {
    return ls.sources()
        .port(
            switch (p) {
              case SYSLOG -> "syslog tcp";
              case FLUENT -> "fluent tcp";
              case MQTT -> "mqtt tcp";
            });
  }

  private boolean drive(Protocol p, EmbeddedLakestream ls, int port, long events) throws Exception {
    return switch (p) {
      case SYSLOG -> syslog(ls, port, events);
      case FLUENT -> forward(port, events);
      case MQTT -> mqtt(port, events);
    };
  }

  // ---------------------------------------------------------------------------------- syslog

  private static boolean syslog(EmbeddedLakestream ls, int port, long events) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", ls.kafkaBootstrap()))) {
      return syslog(admin, ls.pipeline().rawTopic(), port, events);
    }
  }

  private static boolean syslog(Admin admin, String rawTopic, int port, long events)
      throws Exception {
    long before = endOffset(admin, rawTopic);
    int chunkLines = 10_000;
    StringBuilder sb = new StringBuilder(chunkLines * 140);
    for (int i = 0; i < chunkLines; i++) {
      sb.append("<134>1 ")
          .append(TS)
          .append(" web-")
          .append(i % 16)
          .append(" checkout 4242 ID47 - request served in ")
          .append(i % 1000)
          .append(" ms path=/api/cart status=200\n");
    }
    byte[] chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream o = s.getOutputStream();
      long sent = 0;
      while (sent < events) {
        int n = (int) Math.min(chunkLines, events - sent);
        if (n == chunkLines) {
          o.write(chunk);
        } else {
          int end = 0;
          for (int line = 0; line < n; line++) {
            while (chunk[end] != '\n') {
              end++;
            }
            end++;
          }
          o.write(chunk, 0, end);
        }
        sent += n;
      }
      o.flush();
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (endOffset(admin, rawTopic) - before < events) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Records in the raw topic so far: its partitions' end offsets, summed. */
  private static long endOffset(Admin admin, String rawTopic) throws Exception {
    return EmbeddedLakestream.endOffsets(admin, rawTopic).values().stream()
        .mapToLong(o -> o.offset())
        .sum();
  }

  // --------------------------------------------------------------------------------- forward

  /** PackedForward chunks of 1,000 records, each with a chunk id, up to 16 unacknowledged. */
  private static boolean forward(int port, long events) throws Exception {
    int perChunk = 1000;
    long chunks = (events + perChunk - 1) / perChunk;
    String run = Long.toHexString(System.nanoTime());
    Semaphore window = new Semaphore(16);
    AtomicLong acked = new AtomicLong();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(120_000);
      InputStream in = s.getInputStream();
      Thread reader =
          new Thread(
              () -> {
                try (MessageUnpacker u = MessagePack.newDefaultUnpacker(new DataInputStream(in))) {
                  while (acked.get() < chunks && u.hasNext()) {
                    int fields = u.unpackMapHeader();
                    for (int f = 0; f < fields; f++) {
                      u.unpackString();
                      u.unpackString();
                    }
                    acked.incrementAndGet();
                    window.release();
                  }
                } catch (IOException e) {
                  // connection closed: the count tells
                }
              },
              "bench-forward-acks");
      reader.start();
      OutputStream o = s.getOutputStream();
      long seconds = Instant.parse(TS).getEpochSecond();
      for (long c = 0; c < chunks; c++) {
        int n = (int) Math.min(perChunk, events - c * perChunk);
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        for (int i = 0; i < n; i++) {
          entries.packArrayHeader(2);
          entries.packLong(seconds);
          entries.packMapHeader(3);
          entries.packString("host").packString("web-" + (i % 16));
          entries.packString("n").packLong(c * perChunk + i);
          entries.packString("message").packString("request served in 12 ms path=/api/cart");
        }
        byte[] packed = entries.toByteArray();
        MessageBufferPacker msg = MessagePack.newDefaultBufferPacker();
        msg.packArrayHeader(3);
        msg.packString("app.bench");
        msg.packBinaryHeader(packed.length);
        msg.writePayload(packed);
        msg.packMapHeader(2);
        msg.packString("size").packInt(n);
        msg.packString("chunk").packString(run + "-" + c);
        window.acquire();
        o.write(msg.toByteArray());
      }
      o.flush();
      if (!window.tryAcquire(16, 2, TimeUnit.MINUTES)) {
        return false;
      }
      reader.join(10_000);
      return acked.get() == chunks;
    }
  }

  // ------------------------------------------------------------------------------------ mqtt

  /** QoS 1 publishes from 4 clients, each with up to 1,000 unacknowledged. */
  private static boolean mqtt(int port, long events) throws Exception {
    int clients = 4;
    List<Mqtt5AsyncClient> cs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Mqtt5AsyncClient client =
          MqttClient.builder()
              .useMqttVersion5()
              .serverHost("127.0.0.1")
              .serverPort(port)
              .identifier("bench-" + c + "-" + System.nanoTime())
              .buildAsync();
      client.connect().get(10, TimeUnit.SECONDS);
      cs.add(client);
    }
    try {
      byte[][] payloads = new byte[64][];
      for (int i = 0; i < payloads.length; i++) {
        payloads[i] =
            ("{\"ts\":\"" + TS + "\",\"temperature\":" + (20 + i % 10) + ",\"humidity\":41.5}")
                .getBytes(StandardCharsets.UTF_8);
      }
      Semaphore window = new Semaphore(clients * 1000);
      AtomicLong failed = new AtomicLong();
      for (long i = 0; i < events; i++) {
        window.acquire();
        cs.get((int) (i % clients))
            .publishWith()
            .topic("bench/dev-" + (i % 500) + "/telemetry")
            .qos(MqttQos.AT_LEAST_ONCE)
            .payload(payloads[(int) (i % payloads.length)])
            .send()
            .whenComplete(
                (r, e) -> {
                  if (e != null || r.getError().isPresent()) {
                    failed.incrementAndGet();
                  }
                  window.release();
                });
      }
      if (!window.tryAcquire(clients * 1000, 2, TimeUnit.MINUTES)) {
        return false;
      }
      return failed.get() == 0;
    } finally {
      for (Mqtt5AsyncClient c : cs) {
        c.disconnect().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
