package io.lakestream.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: a single offline page, its assets, the latest snapshot as JSON and a
 * Server-Sent Events stream of snapshots, mounted on a Javalin router (the gateway's).
 *
 * <p>One scheduler thread calls the snapshot supplier once per interval, whatever the number of
 * clients, serializes the result once and sends the same bytes to every open stream. Routes:
 *
 * <ul>
 *   <li>{@code GET /} and {@code GET /dashboard}: the page;
 *   <li>{@code GET /dashboard/assets/{file}}: its scripts and styles and the chart library;
 *   <li>{@code GET /v1/dashboard/snapshot}: the latest snapshot;
 *   <li>{@code GET /v1/dashboard/stream}: {@code text/event-stream}, one {@code snapshot} event per
 *       interval and a comment heartbeat.
 * </ul>
 *
 * <p>A stream whose client is gone is removed at the next write that fails; a client too slow to
 * take {@value #MAX_SKIPPED_FRAMES} frames in a row is disconnected (its browser reconnects). Close
 * the dashboard before stopping the server it is mounted on, so that open streams end at once
 * instead of holding the server's shutdown.
 */
public final class Dashboard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Interval used when none is given. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** Time between comment heartbeats on every stream. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  /** Streams served at once; more are answered 503. */
  public static final int MAX_STREAMS = 256;

  /** Frames a stream may miss in a row (its previous write still pending) before it is closed. */
  static final int MAX_SKIPPED_FRAMES = 30;

  static final String JSON_TYPE = "application/json";
  private static final String EVENT_STREAM_TYPE = "text/event-stream; charset=utf-8";
  private static final byte[] HEARTBEAT_FRAME = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

  private final Supplier<JsonNode> snapshot;
  private final Duration interval;
  private final Assets assets;
  private final ScheduledExecutorService scheduler;
  private final ThreadPoolExecutor writers;
  private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - (1L << 40));
  private volatile Frame latest;
  private volatile boolean closed;

  /** The latest snapshot: its JSON, and the SSE frame carrying it. */
  private record Frame(long id, byte[] json, byte[] event) {}

  /**
   * A dashboard that calls {@code snapshot} once per {@code interval} and starts doing so at once.
   *
   * @param snapshot returns the snapshot JSON; called on one scheduler thread, never concurrently
   * @param interval time between snapshots; {@code null} means {@link #DEFAULT_INTERVAL}
   * @throws IllegalArgumentException when the interval is not positive
   * @throws IllegalStateException when the page or its assets are missing from the class path
   */
  public Dashboard(Supplier<JsonNode> snapshot, Duration interval) {
    this(snapshot, interval, HEARTBEAT);
  }

  /** As the public constructor, with the time between heartbeats (tests use a short one). */
  Dashboard(Supplier<JsonNode> snapshot, Duration interval, Duration heartbeat) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.interval = interval == null ? DEFAULT_INTERVAL : interval;
    if (this.interval.isNegative() || this.interval.isZero()) {
      throw new IllegalArgumentException(
          "the dashboard interval must be positive, got " + this.interval);
    }
    this.assets = Assets.load();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("lakestream-dashboard"));
    this.writers =
        new ThreadPoolExecutor(
            0,
            MAX_STREAMS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemon("lakestream-dashboard-sse"));
    long periodMs = Math.max(1, this.interval.toMillis());
    scheduler.scheduleAtFixedRate(this::tick, 0, periodMs, TimeUnit.MILLISECONDS);
    long heartbeatMs = Math.max(1, heartbeat.toMillis());
    scheduler.scheduleAtFixedRate(this::heartbeat, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
  }

  /** A dashboard with the {@link #DEFAULT_INTERVAL default interval} of one second. */
  public Dashboard(Supplier<JsonNode> snapshot) {
    this(snapshot, DEFAULT_INTERVAL);
  }

  /** Adds the dashboard's routes to a Javalin router. */
  public void mount(JavalinDefaultRouting routes) {
    Objects.requireNonNull(routes, "routes");
    routes.get("/", this::page);
    routes.get("/dashboard", this::page);
    routes.get("/dashboard/assets/{file}", this::asset);
    routes.get("/v1/dashboard/snapshot", this::latestSnapshot);
    routes.get("/v1/dashboard/stream", this::stream);
  }

  /** Number of open live streams. */
  public int openStreams() {
    return streams.size();
  }

  /** Stops the scheduler and closes every open stream. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    for (SseStream s : streams) {
      s.close();
    }
    streams.clear();
    writers.shutdown();
  }

  // ---------------------------------------------------------------- routes

  private void page(Context ctx) {
    ctx.header("Cache-Control", "no-cache");
    ctx.header("Content-Security-Policy", Assets.CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(assets.page());
  }

  private void asset(Context ctx) {
    Assets.Asset a = assets.get(ctx.pathParam("file"));
    if (a == null) {
      error(
          ctx,
          404,
          "not_found",
          "no dashboard asset named '"
              + ctx.pathParam("file")
              + "'; the page names the ones it uses");
      return;
    }
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", a.versioned() ? "public, max-age=31536000, immutable" : "no-cache");
    ctx.header("ETag", a.etag());
    ctx.contentType(a.contentType());
    if (a.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.result(a.bytes());
  }

  private void latestSnapshot(Context ctx) {
    Frame f = latest;
    if (f == null) {
      ctx.header("Retry-After", "1");
      error(ctx, 503, "not_ready", "the first dashboard snapshot is not computed yet; retry");
      return;
    }
    ctx.header("Cache-Control", "no-store");
    ctx.contentType(JSON_TYPE);
    ctx.result(f.json());
  }

  private void stream(Context ctx) throws IOException {
    if (closed) {
      error(ctx, 503, "closed", "the dashboard is shut down");
      return;
    }
    if (streams.size() >= MAX_STREAMS) {
      ctx.header("Retry-After", "10");
      error(
          ctx,
          503,
          "too_many_streams",
          "already " + MAX_STREAMS + " open dashboard streams; retry");
      return;
    }
    var res = ctx.res();
    res.setStatus(200);
    res.setContentType(EVENT_STREAM_TYPE);
    res.setHeader("Cache-Control", "no-cache, no-transform");
    res.setHeader("X-Accel-Buffering", "no");
    var out = res.getOutputStream();
    // The reconnect delay a browser's EventSource uses, then the latest snapshot right away.
    out.write(
        ("retry: " + Math.max(1000, interval.toMillis()) + "\n: connected\n\n")
            .getBytes(StandardCharsets.UTF_8));
    Frame f = latest;
    if (f != null) {
      out.write(f.event());
    }
    out.flush();
    SseStream s = new SseStream(out, f == null ? -1 : f.id());
    // Registered only once the request is asynchronous, so that no other thread writes before.
    ctx.future(
        () -> {
          if (closed) {
            s.done.complete(null);
          } else {
            streams.add(s);
          }
          return s.done;
        });
  }

  private static void error(Context ctx, int status, String code, String message) {
    ctx.status(status);
    ctx.contentType(JSON_TYPE);
    ctx.result(JSON.createObjectNode().put("error", code).put("message", message).toString());
  }

  // ---------------------------------------------------------------- push

  private void tick() {
    JsonNode node;
    byte[] json;
    try {
      node = snapshot.get();
      if (node == null) {
        return;
      }
      json = JSON.writeValueAsBytes(node);
    } catch (Exception | LinkageError e) {
      long now = System.nanoTime();
      long last = lastFailureLog.get();
      if (now - last > TimeUnit.MINUTES.toNanos(1) && lastFailureLog.compareAndSet(last, now)) {
        LOG.warn("The dashboard snapshot failed; the page keeps the previous one", e);
      }
      return;
    }
    long id = sequence.incrementAndGet();
    byte[] head = ("event: snapshot\nid: " + id + "\ndata: ").getBytes(StandardCharsets.UTF_8);
    byte[] event = new byte[head.length + json.length + 2];
    System.arraycopy(head, 0, event, 0, head.length);
    System.arraycopy(json, 0, event, head.length, json.length);
    event[event.length - 2] = '\n';
    event[event.length - 1] = '\n';
    Frame f = new Frame(id, json, event);
    latest = f;
    broadcast(f.event(), f.id());
  }

  private void heartbeat() {
    broadcast(HEARTBEAT_FRAME, -1);
  }

  private void broadcast(byte[] bytes, long frameId) {
    for (SseStream s : streams) {
      if (s.done.isDone()) {
        streams.remove(s);
        continue;
      }
      if (frameId >= 0 && frameId <= s.lastFrame) {
        continue; // got it already when it connected
      }
      if (!s.busy.compareAndSet(false, true)) {
        if (s.skipped.incrementAndGet() > MAX_SKIPPED_FRAMES) {
          LOG.info("Closing a dashboard stream whose client does not keep up");
          drop(s);
        }
        continue;
      }
      try {
        writers.execute(() -> write(s, bytes, frameId));
      } catch (RejectedExecutionException e) {
        s.busy.set(false);
      }
    }
  }

  private void write(SseStream s, byte[] bytes, long frameId) {
    try {
      s.out.write(bytes);
      s.out.flush();
      s.skipped.set(0);
      if (frameId >= 0) {
        s.lastFrame = frameId;
      }
    } catch (IOException | RuntimeException e) {
      drop(s); // the client went away
    } finally {
      s.busy.set(false);
    }
  }

  private void drop(SseStream s) {
    streams.remove(s);
    s.close();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One open event stream. */
  private static final class SseStream {
    final OutputStream out;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final AtomicBoolean busy = new AtomicBoolean();
    final AtomicInteger skipped = new AtomicInteger();
    volatile long lastFrame;

    SseStream(OutputStream out, long lastFrame) {
      this.out = out;
      this.lastFrame = lastFrame;
    }

    void close() {
      // Javalin then completes the asynchronous request, which ends the response.
      done.complete(null);
    }
  }
}
