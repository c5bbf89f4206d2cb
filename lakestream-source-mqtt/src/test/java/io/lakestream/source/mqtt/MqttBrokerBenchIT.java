package io.lakestream.source.mqtt;

import static org.awaitility.Awaitility.await;

import io.lakestream.api.ingest.SourceCounters;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of the embedded broker: QoS 1 messages per second from real {@code mosquitto_pub -l}
 * processes until the sink has completed every one (a PUBACK follows within microseconds), median
 * of three runs of 200,000 messages. Off by default; run with
 *
 * <pre>
 * ./mvnw -o -pl lakestream-source-mqtt verify -Dit.test=MqttBrokerBenchIT -Dbench=true
 * </pre>
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "bench", matches = "true")
class MqttBrokerBenchIT {

  static final int MESSAGES = 200_000;

  @TempDir Path dir;

  @Test
  void startupTimeAndMemory() throws Exception {
    long[] ms = new long[3];
    long heapBefore = usedHeapAfterGc();
    long heapStarted = 0;
    for (int i = 0; i < ms.length; i++) {
      MqttBroker b = broker(new FakeRawSink(), new SourceCounters("s"), "start-" + i);
      long t0 = System.nanoTime();
      b.start();
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      if (i == 0) {
        heapStarted = usedHeapAfterGc();
      }
      b.close();
    }
    Arrays.sort(ms);
    System.out.printf(
        "BENCH mqtt broker start: %s ms (median %d ms); heap +%d MiB after start, %d threads%n",
        Arrays.toString(ms), ms[1], (heapStarted - heapBefore) >> 20, Thread.activeCount());
  }

  @Test
  void qos1Throughput() throws Exception {
    FakeRawSink sink = new FakeRawSink();
    SourceCounters counters = new SourceCounters("s");
    try (MqttBroker broker = broker(sink, counters, "throughput")) {
      broker.start();
      run(
          broker,
          sink,
          counters,
          "1 client, MQTT 3.1.1, in flight 20 (default)",
          1,
          "mqttv311",
          20,
          null);
      run(
          broker,
          sink,
          counters,
          "1 client, MQTT 3.1.1, in flight 1000",
          1,
          "mqttv311",
          1000,
          null);
      run(broker, sink, counters, "1 client, MQTT 5, in flight 1000", 1, "mqttv5", 1000, null);
      run(
          broker,
          sink,
          counters,
          "4 clients, MQTT 3.1.1, in flight 1000",
          4,
          "mqttv311",
          1000,
          null);
      run(
          broker,
          sink,
          counters,
          "1 client, MQTT 5, in flight 1000, sink answers after 5 ms",
          1,
          "mqttv5",
          1000,
          Duration.ofMillis(5));
      run(
          broker,
          sink,
          counters,
          "4 clients, MQTT 3.1.1, in flight 1000, sink answers after 5 ms",
          4,
          "mqttv311",
          1000,
          Duration.ofMillis(5));
    }
  }

  private void run(
      MqttBroker broker,
      FakeRawSink sink,
      SourceCounters counters,
      String label,
      int clients,
      String version,
      int inFlight,
      Duration sinkDelay)
      throws Exception {
    double[] rates = new double[3];
    for (int r = 0; r < rates.length; r++) {
      sink.clear();
      sink.keepRecords(false);
      if (sinkDelay != null) {
        sink.delay(sinkDelay);
      }
      List<Path> files = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        files.add(Mosquitto.lines(dir, "b" + r + "c" + c + version, MESSAGES / clients));
      }
      long before = counters.accepted();
      List<Mosquitto.Client> pubs = new ArrayList<>();
      long t0 = System.nanoTime();
      try {
        for (int c = 0; c < clients; c++) {
          pubs.add(
              Mosquitto.pubLinesQuiet(
                  broker.port(),
                  files.get(c),
                  "-q",
                  "1",
                  "-V",
                  version,
                  "-M",
                  "" + inFlight,
                  "-i",
                  "bench-" + r + "-" + c,
                  "-t",
                  "s/dev-" + c + "/t"));
        }
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> counters.accepted() - before >= MESSAGES);
        rates[r] = MESSAGES / ((System.nanoTime() - t0) / 1e9);
      } finally {
        pubs.forEach(Mosquitto.Client::close);
      }
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "BENCH mqtt %s: median %,.0f msg/s (runs %,.0f / %,.0f / %,.0f)%n",
        label, sorted[1], rates[0], rates[1], rates[2]);
  }

  private MqttBroker broker(FakeRawSink sink, SourceCounters counters, String name) {
    return MqttBroker.create(
        List.of(Mosquitto.embeddedSource("s", List.of("s/+/t"), 1, List.of())),
        sink,
        Map.of("s", counters),
        dir.resolve(name));
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
