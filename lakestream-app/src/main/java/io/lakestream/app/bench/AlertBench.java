package io.lakestream.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lakestream.api.config.AggregationConfig;
import io.lakestream.api.config.AlertingConfig;
import io.lakestream.api.config.DetectorConfig;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.NotifyChannelConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.Severity;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.WindowConfig;
import io.lakestream.app.embedded.EmbeddedLakestream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The alert latency benchmark: from the HTTP acknowledgement of an anomalous event to the webhook
 * request arriving at a receiver, while background traffic flows through the same pipeline.
 *
 * <p>The pipeline is the file's {@code sensors} source on its own (validation, raw and curated
 * zones, the enriched topic) with one threshold detector on {@code temperature} and a webhook
 * channel to a receiver in this process, so the figure is the alert path's own latency rather than
 * the processing backlog of the example's windows and joins ({@code bench --full} measures those).
 * Probes are single readings of a fresh device far above the threshold, posted at a fixed interval
 * on their own connection; each opens one incident.
 *
 * <p>With a window ({@code bench --alerts --window 5s}) the detector watches a tumbling window's
 * maximum instead, the way window-based detectors run: a probe's alert can only come once its
 * window has closed, so the latency is measured from the close, i.e. from the moment the event time
 * (kept equal to the wall clock by the background traffic) passed the window's end plus the
 * source's out-of-orderness. That includes the watermark's own delay (Flink emits watermarks every
 * 200 ms), which is part of what a user waits for.
 */
public final class AlertBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double PROBE_TEMPERATURE = 140;
  private static final double THRESHOLD = 100;

  /** Out-of-orderness of the windowed bench's source: background batches span 0.5 s. */
  static final Duration WINDOW_OUT_OF_ORDERNESS = Duration.ofSeconds(1);

  private final PrintStream out;
  private final Duration window;

  /** The per-event benchmark (a threshold on each reading). */
  public AlertBench(PrintStream out) {
    this(out, null);
  }

  /**
   * @param window {@code null} for the per-event benchmark; otherwise the tumbling window whose
   *     maximum temperature the detector watches
   */
  public AlertBench(PrintStream out, Duration window) {
    this.out = out;
    this.window = window;
  }

  /**
   * The lean pipeline measured: the loaded file's {@code sensors} source without its processing,
   * one detector and a webhook to {@code receiverUrl}.
   */
  public static PipelineConfig benchPipeline(PipelineConfig loaded, String receiverUrl) {
    return benchPipeline(loaded, receiverUrl, null);
  }

  /**
   * The lean pipeline; with a {@code window}, the detector watches {@code
   * aggregates.bench_window.max_temperature} of a tumbling window of that size per device, and
   * event times follow the wall clock (out-of-orderness {@link #WINDOW_OUT_OF_ORDERNESS}).
   */
  public static PipelineConfig benchPipeline(
      PipelineConfig loaded, String receiverUrl, Duration window) {
    SourceConfig s = loaded.sources().get("sensors");
    if (s == null) {
      throw new IllegalArgumentException(
          "--alerts drives a 'sensors' source (device_id, ts, temperature) like the example's");
    }
    // Background bodies are reused with the same event times; a wide out-of-orderness keeps
    // them on time (late events would add error-zone writes that live traffic does not have).
    EventTimeConfig et =
        new EventTimeConfig(
            s.eventTime().field(),
            s.eventTime().format(),
            window == null ? Duration.ofDays(1) : WINDOW_OUT_OF_ORDERNESS,
            Duration.ZERO,
            s.eventTime().idleTimeout());
    SourceConfig lean =
        new SourceConfig(s.name(), s.type(), s.schemaPath(), s.schemaJson(), s.keyField(), et);
    Map<String, AggregationConfig> aggregations =
        window == null
            ? Map.of()
            : Map.of(
                "bench_window",
                new AggregationConfig(
                    "bench_window",
                    "sensors",
                    new WindowConfig(WindowConfig.Type.TUMBLE, window, null, null),
                    List.of(s.keyField()),
                    Map.of("max_temperature", "MAX(temperature)"),
                    null,
                    "aggregations.bench_window",
                    0));
    DetectorConfig probe =
        new DetectorConfig(
            "bench_probe",
            window == null ? "sensors" : "bench_window",
            window != null,
            window == null ? "temperature" : "max_temperature",
            List.of(s.keyField()),
            "threshold",
            Map.of("above", THRESHOLD),
            Severity.CRITICAL,
            Duration.ZERO,
            1,
            Duration.ZERO,
            "detectors.bench_probe",
            0);
    NotifyChannelConfig hook =
        new NotifyChannelConfig(
            "bench_receiver",
            NotifyChannelConfig.Type.WEBHOOK,
            receiverUrl,
            "bench-secret-0123456789",
            Duration.ofSeconds(5),
            3,
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            List.of("127.0.0.1"),
            List.of(),
            Severity.INFO,
            List.of(),
            "notify.bench_receiver",
            0);
    return new PipelineConfig(
        loaded.name(),
        loaded.checkpointInterval(),
        loaded.parallelism(),
        loaded.dedupWindow(),
        loaded.kafka(),
        loaded.gateway().withPort(0),
        loaded.lake(),
        Map.of("sensors", lean),
        Map.of(),
        aggregations,
        Map.of(),
        List.of(),
        new AlertingConfig(Map.of("bench_probe", probe), Map.of("bench_receiver", hook)));
  }

  /**
   * Runs the benchmark on a fresh data directory.
   *
   * @param rate background events per second (0 for none)
   * @param duration how long probes are sent under load
   * @param probeEvery time between probes
   * @return true when every probe's alert arrived
   */
  public boolean run(
      PipelineConfig loaded, Path dataDir, long rate, Duration duration, Duration probeEvery)
      throws Exception {
    Map<String, Long> arrivals = new ConcurrentHashMap<>();
    Map<String, Long> detections = new ConcurrentHashMap<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newFixedThreadPool(4));
    receiver.createContext(
        "/hook",
        ex -> {
          long now = System.nanoTime();
          byte[] body = ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, -1);
          ex.close();
          JsonNode a = JSON.readTree(body);
          if ("open".equals(a.path("status").asText())) {
            arrivals.putIfAbsent(a.path("key").asText(), now);
            detections.putIfAbsent(
                a.path("key").asText(),
                Instant.parse(a.path("detection_time").asText()).toEpochMilli());
          }
        });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    PipelineConfig cfg = benchPipeline(loaded, url, window);
    out.printf(
        Locale.ROOT,
        "bench --alerts: %s; probe every %d ms for %d s under %,d events/s of background load;"
            + " checkpoint every %.1f s; data %s%n",
        window == null
            ? "threshold on each reading"
            : "threshold on the max of a " + window.toSeconds() + " s tumbling window",
        probeEvery.toMillis(),
        duration.toSeconds(),
        rate,
        cfg.checkpointInterval().toMillis() / 1000.0,
        dataDir);
    HttpClient probeClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (EmbeddedLakestream ls =
        EmbeddedLakestream.start(
            cfg, dataDir, EmbeddedLakestream.Options.defaults().withKafkaPort(0))) {
      String events = ls.gatewayUrl() + "/v1/sources/sensors/events";
      Background load = new Background(events, rate, window != null);
      if (window != null) {
        // Windows close only as event time moves on, and the background traffic is what moves
        // it: it must flow before the first probe can alert.
        if (rate <= 0) {
          throw new IllegalArgumentException(
              "--window needs background traffic (--rate > 0): it is what closes the windows");
        }
        load.start();
      }
      // Warm-up: JIT, connections, the first checkpoint; these probes are not counted.
      for (int i = 0; i < 20; i++) {
        probe(probeClient, events, "warmup-" + i, Instant.now());
        Thread.sleep(100);
      }
      long warmDeadline =
          System.nanoTime()
              + Duration.ofSeconds(60).plus(window == null ? Duration.ZERO : window).toNanos();
      while (arrivals.size() < 20 && System.nanoTime() < warmDeadline) {
        Thread.sleep(100);
      }
      out.printf(Locale.ROOT, "bench: warm-up alerts arrived: %d of 20%n", arrivals.size());

      if (window == null) {
        load.start();
      }
      // Measure the steady state: the first checkpoints under load are slow once (files, classes
      // and the committer's first commit), which a pipeline meets once per start, not per alert.
      long warmUp = Math.max(2_000, 2 * cfg.checkpointInterval().toMillis() + 2_000);
      out.printf(
          Locale.ROOT, "bench: background load for %.0f s before measuring%n", warmUp / 1000.0);
      Thread.sleep(warmUp);
      Map<String, Long> acks = new ConcurrentHashMap<>();
      Map<String, Long> closes = new ConcurrentHashMap<>();
      long cpu0 = ProcessStats.cpuNanos();
      long t0 = System.nanoTime();
      int n = 0;
      while (System.nanoTime() - t0 < duration.toNanos()) {
        long due = t0 + n * probeEvery.toNanos();
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        String key = "probe-" + n;
        Instant ts = Instant.now();
        long ackedAt = probe(probeClient, events, key, ts);
        acks.put(key, ackedAt);
        if (window != null) {
          long size = window.toMillis();
          long end = Math.floorDiv(ts.toEpochMilli(), size) * size + size;
          closes.put(key, end + WINDOW_OUT_OF_ORDERNESS.toMillis());
        }
        n++;
      }
      // A probe's window closes up to one window after the last probe was sent.
      long closeWait = window == null ? 0 : window.plus(WINDOW_OUT_OF_ORDERNESS).toMillis();
      Thread.sleep(closeWait);
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpu = (ProcessStats.cpuNanos() - cpu0) / 1e9;
      long sent = load.stop();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline
          && acks.keySet().stream().anyMatch(k -> !arrivals.containsKey(k))) {
        Thread.sleep(100);
      }

      List<Double> latencies = new ArrayList<>();
      List<Double> toDetection = new ArrayList<>();
      long wallOffset = System.currentTimeMillis() * 1_000_000 - System.nanoTime();
      for (Map.Entry<String, Long> e : acks.entrySet()) {
        Long at = arrivals.get(e.getKey());
        if (at != null) {
          // Per-event detectors: from the probe's ack. Window detectors: from its window's close.
          long from =
              window == null ? e.getValue() : closes.get(e.getKey()) * 1_000_000 - wallOffset;
          latencies.add((at - from) / 1e6);
          long detectedNanos = detections.get(e.getKey()) * 1_000_000 - wallOffset;
          toDetection.add((detectedNanos - from) / 1e6);
        }
      }
      latencies.sort(Double::compare);
      toDetection.sort(Double::compare);
      out.println();
      String from = window == null ? "ack" : "window close";
      out.println(
          window == null
              ? "bench results (--alerts: HTTP ack of an anomalous event → webhook request)"
              : "bench results (--alerts --window: close of the window holding an anomalous"
                  + " event → webhook request)");
      out.printf(
          Locale.ROOT,
          "  background load      %,.0f events/s acknowledged (asked %,d)%n",
          sent / (secs + closeWait / 1000.0 + warmUp / 1000.0),
          rate);
      out.printf(
          Locale.ROOT,
          "  probes               %d sent, %d alerts arrived%n",
          acks.size(),
          latencies.size());
      if (!latencies.isEmpty()) {
        out.printf(
            Locale.ROOT,
            "  %-20s p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
            from + " → webhook",
            pct(latencies, 50),
            pct(latencies, 90),
            pct(latencies, 99),
            latencies.get(latencies.size() - 1));
        out.printf(
            Locale.ROOT,
            "  %-20s p50 %.0f ms, p99 %.0f ms (the job's part; the rest is the"
                + " alerts topic, the dispatcher and the HTTP request)%n",
            from + " → detection",
            pct(toDetection, 50),
            pct(toDetection, 99));
      }
      out.printf(
          Locale.ROOT, "  process CPU          %.2f cores during the measurement%n", cpu / secs);
      java.util.function.ToLongFunction<String> startOf =
          k -> window == null ? acks.get(k) : closes.get(k) * 1_000_000 - wallOffset;
      List<Map.Entry<String, Long>> slowest =
          acks.entrySet().stream()
              .filter(e -> arrivals.containsKey(e.getKey()))
              .sorted(
                  (x, y) ->
                      Long.compare(
                          arrivals.get(y.getKey()) - startOf.applyAsLong(y.getKey()),
                          arrivals.get(x.getKey()) - startOf.applyAsLong(x.getKey())))
              .limit(5)
              .toList();
      StringBuilder slow = new StringBuilder();
      for (Map.Entry<String, Long> e : slowest) {
        slow.append(
            String.format(
                Locale.ROOT,
                " %s (%d ms)",
                java.time.LocalTime.ofInstant(
                    Instant.ofEpochMilli((e.getValue() + wallOffset) / 1_000_000),
                    java.time.ZoneId.systemDefault()),
                (arrivals.get(e.getKey()) - startOf.applyAsLong(e.getKey())) / 1_000_000));
      }
      out.printf(Locale.ROOT, "  slowest probes       acked at%s%n", slow);
      if (window != null) {
        out.printf(
            Locale.ROOT,
            "  window close         = window end + %d ms out-of-orderness, in event time, which"
                + " the background traffic keeps equal to the wall clock%n",
            WINDOW_OUT_OF_ORDERNESS.toMillis());
      }
      return latencies.size() == acks.size();
    } finally {
      receiver.stop(0);
    }
  }

  private static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /** Posts one anomalous reading of a new device; returns the nano time of its 202. */
  private static long probe(HttpClient http, String url, String device, Instant ts)
      throws IOException, InterruptedException {
    String body =
        "{\"device_id\":\""
            + device
            + "\",\"site\":\"bench\",\"ts\":\""
            + ts
            + "\",\"temperature\":"
            + PROBE_TEMPERATURE
            + "}";
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    long at = System.nanoTime();
    if (r.statusCode() != 202) {
      throw new IllegalStateException("probe answered " + r.statusCode() + ": " + r.body());
    }
    return at;
  }

  /**
   * Paced background traffic: batches of normal readings without ids (the gateway gives each a new
   * one), from a pool of bodies made before the clock starts.
   */
  private static final class Background {
    private static final int BATCH = 500;
    private static final int CONNECTIONS = 4;
    private final String url;
    private final long rate;
    private final boolean fresh;
    private final List<byte[]> bodies = new ArrayList<>();
    private final AtomicLong acked = new AtomicLong();
    private final ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    private volatile boolean running = true;

    /**
     * @param fresh give each body event times ending now, so event time follows the wall clock (the
     *     windowed bench needs that); otherwise reuse a pool of bodies made up front
     */
    Background(String url, long rate, boolean fresh) {
      this.url = url;
      this.rate = rate;
      this.fresh = fresh;
      SensorReadings readings = new SensorReadings("bg", 5000, Instant.now());
      for (int b = 0; b < 64; b++) {
        StringBuilder sb = new StringBuilder(BATCH * 200);
        for (int i = 0; i < BATCH; i++) {
          readings.appendLine((long) b * BATCH + i, sb, false);
        }
        bodies.add(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
    }

    void start() {
      if (rate <= 0) {
        return;
      }
      long t0 = System.nanoTime();
      for (int c = 0; c < CONNECTIONS; c++) {
        int lane = c;
        pool.submit(
            () -> {
              HttpClient http =
                  HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
              long k = lane;
              while (running) {
                long due = t0 + (long) (k * BATCH * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                HttpRequest req =
                    HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(
                            HttpRequest.BodyPublishers.ofByteArray(
                                fresh ? freshBody(k) : bodies.get((int) (k % bodies.size()))))
                        .build();
                BenchClient.postUntilAccepted(http, req);
                acked.addAndGet(BATCH);
                k += CONNECTIONS;
              }
              return null;
            });
      }
    }

    /** {@code BATCH} readings one millisecond apart, the last one now. */
    private static byte[] freshBody(long k) {
      // Reading n is device n % 5000 at base + n ms: offset n so successive bodies cover other
      // devices, and the base so that the body's times still end now.
      long offset = (k * BATCH) % 5000;
      SensorReadings readings =
          new SensorReadings("bg", 5000, Instant.now().minusMillis(BATCH - 1 + offset));
      StringBuilder sb = new StringBuilder(BATCH * 200);
      for (int i = 0; i < BATCH; i++) {
        readings.appendLine(offset + i, sb, false);
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Stops sending; returns the events acknowledged. */
    long stop() throws InterruptedException {
      running = false;
      pool.shutdown();
      pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      return acked.get();
    }
  }
}
