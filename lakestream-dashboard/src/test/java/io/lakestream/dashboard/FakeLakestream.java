package io.lakestream.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test server: the dashboard with a scripted snapshot whose counters move, and stand-ins for
 * {@code POST /v1/sql} and {@code GET /v1/search} that answer fixed rows. Several values carry HTML
 * payloads that must show as text.
 */
final class FakeLakestream implements AutoCloseable {

  static final String IMG_PAYLOAD = "<img src=x onerror=\"window.__pwned=1\">";
  static final String SCRIPT_PAYLOAD = "<script>window.__pwned=2</script>";
  static final String SOURCE_PAYLOAD = "<img src=x onerror=window.__pwned=3>";
  static final String KEY = "secret-key";

  private static final ObjectMapper JSON = new ObjectMapper();

  final Dashboard dashboard;
  final Javalin app;
  final List<String> queries = new CopyOnWriteArrayList<>();
  private final AtomicLong ticks = new AtomicLong();
  private final Instant started = Instant.now();
  private volatile boolean searchConfigured = true;

  /**
   * @param apiKey when not null, {@code /v1/*} needs {@code Authorization: Bearer <key>} or Basic
   *     with the key as password (the page and its assets stay open, so the key form can show)
   */
  FakeLakestream(Duration interval, String apiKey) {
    dashboard = new Dashboard(this::snapshot, interval);
    app =
        Javalin.create(
                c -> {
                  c.showJavalinBanner = false;
                  c.startupWatcherEnabled = false;
                  c.http.disableCompression();
                  c.http.defaultContentType = "application/json";
                  c.router.mount(
                      r -> {
                        if (apiKey != null) {
                          r.before("/v1/*", ctx -> requireKey(ctx, apiKey));
                        }
                        dashboard.mount(r);
                        r.post("/v1/sql", this::sql);
                        r.get("/v1/search", this::search);
                      });
                })
            .start("127.0.0.1", 0);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + app.port();
  }

  void searchConfigured(boolean configured) {
    this.searchConfigured = configured;
  }

  @Override
  public void close() {
    dashboard.close();
    app.stop();
  }

  private static void requireKey(Context ctx, String key) {
    String h = ctx.header("Authorization");
    boolean ok = false;
    if (h != null && h.startsWith("Bearer ")) {
      ok = h.substring(7).trim().equals(key);
    } else if (h != null && h.startsWith("Basic ")) {
      String decoded =
          new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
      ok = decoded.endsWith(":" + key);
    }
    if (!ok) {
      ctx.header("WWW-Authenticate", "Bearer");
      ctx.status(401)
          .contentType("application/json")
          .result("{\"error\":\"unauthorized\",\"message\":\"missing bearer token\"}");
      ctx.skipRemainingHandlers();
    }
  }

  // ---------------------------------------------------------------- snapshot

  private JsonNode snapshot() {
    long n = ticks.incrementAndGet();
    ObjectNode s = JSON.createObjectNode();
    s.put("time", System.currentTimeMillis());
    s.put("pipeline", "demo");
    s.put("uptime_ms", Duration.between(started, Instant.now()).toMillis() + 3_723_000);
    s.put("unknown_member", "ignored by the page");
    s.putObject("memory")
        .put("used_bytes", 300_000_000L + n * 1_000_000)
        .put("max_bytes", 2L << 30);
    s.putObject("totals")
        .put("received", 10_000 + 17 * n)
        .put("rejected", 42 + n / 3)
        .put("stored", 9_900 + 16 * n)
        .put("alerts_open", 1);
    ArrayNode sources = s.putArray("sources");
    sources
        .addObject()
        .put("name", "sensors")
        .put("kind", "http")
        .put("events_total", 9_000 + 15 * n)
        .put("events_per_s", 48.5)
        .put("errors_total", 40 + n / 3);
    sources
        .addObject()
        .put("name", SOURCE_PAYLOAD)
        .put("kind", "syslog")
        .put("events_total", 1_000 + 2 * n)
        .put("events_per_s", 6.25)
        .put("errors_total", 2);
    ArrayNode nodes = s.putArray("nodes");
    node(nodes, "src:sensors", "sensors (HTTP)", "source", "ok", null).put("events_per_s", 48.5);
    node(nodes, "src:logs", SOURCE_PAYLOAD, "source", "idle", "no events for 10 min")
        .put("events_per_s", 0);
    node(nodes, "gateway", "gateway", "gateway", "ok", null)
        .put("events_per_s", 48.5)
        .put("error_rate", 0.012);
    node(nodes, "topic:raw", "raw topic", "topic", "ok", null).put("lag", 12 + n % 5);
    node(nodes, "step:curate", "curate", "step", "behind", "watermark 5 min behind the input")
        .put("events_per_s", 44.0)
        .put("watermark_delay_ms", 300_000)
        .put("last_checkpoint_age_ms", 3_000);
    node(nodes, "step:agg", "temp_by_sensor", "step", "ok", null).put("events_per_s", 43.9);
    node(nodes, "sink:lake", "lake (Iceberg)", "sink", "failing", "commit failed: disk full")
        .put("last_commit_age_ms", 95_000);
    node(nodes, "sink:search", "search index", "sink", "ok", null).put("events_per_s", 43.9);
    ArrayNode edges = s.putArray("edges");
    edge(edges, "src:sensors", "gateway", 48.5);
    edge(edges, "src:logs", "gateway", 0);
    edge(edges, "gateway", "topic:raw", 54.75);
    edge(edges, "topic:raw", "step:curate", 54.75);
    edge(edges, "step:curate", "step:agg", 44.0);
    edge(edges, "step:curate", "sink:search", 43.9);
    edge(edges, "step:agg", "sink:lake", 1.5);
    return s;
  }

  private static ObjectNode node(
      ArrayNode nodes, String id, String label, String kind, String status, String note) {
    ObjectNode n = nodes.addObject().put("id", id).put("label", label).put("kind", kind);
    n.put("status", status);
    if (note != null) {
      n.put("note", note);
    }
    return n.putObject("metrics");
  }

  private static void edge(ArrayNode edges, String from, String to, double rate) {
    edges.addObject().put("from", from).put("to", to).put("events_per_s", rate);
  }

  // ---------------------------------------------------------------- /v1/sql stand-in

  private void sql(Context ctx) throws Exception {
    JsonNode body = JSON.readTree(ctx.body());
    String q = body.path("sql").asText();
    queries.add(q);
    ObjectNode res = JSON.createObjectNode();
    ArrayNode cols = res.putArray("columns");
    ArrayNode rows = res.putArray("rows");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    if (q.contains("information_schema.tables")) {
      col(cols, "table_schema", "VARCHAR");
      col(cols, "table_name", "VARCHAR");
      for (String t :
          List.of(
              "aggregates.temp_by_sensor",
              "alerts.events",
              "curated.sensors",
              "errors.records",
              "raw.sensors")) {
        String[] p = t.split("\\.");
        rows.addObject().put("table_schema", p[0]).put("table_name", p[1]);
      }
    } else if (q.contains("FROM aggregates.\"temp_by_sensor\" LIMIT 1")) {
      col(cols, "window_start", "TIMESTAMP WITH TIME ZONE");
      col(cols, "window_end", "TIMESTAMP WITH TIME ZONE");
      col(cols, "sensor", "VARCHAR");
      col(cols, "avg_temp", "DOUBLE");
      col(cols, "readings", "BIGINT");
      rows.addObject()
          .put("window_start", now.minusSeconds(60).toString())
          .put("window_end", now.toString())
          .put("sensor", "s1")
          .put("avg_temp", 21.5)
          .put("readings", 12);
    } else if (q.contains("AS k, count(*) AS n FROM aggregates")) {
      col(cols, "k", "VARCHAR");
      col(cols, "n", "BIGINT");
      rows.addObject().put("k", "s1").put("n", 30);
      rows.addObject().put("k", "s2").put("n", 30);
    } else if (q.contains(" AS t, ") && q.contains("FROM aggregates")) {
      col(cols, "t", "TIMESTAMP WITH TIME ZONE");
      col(cols, "k", "VARCHAR");
      col(cols, "v", "DOUBLE");
      for (int i = 30; i >= 0; i--) {
        String t = now.minusSeconds(60L * i).toString();
        rows.addObject().put("t", t).put("k", "s1").put("v", 20 + Math.sin(i / 3.0));
        rows.addObject()
            .put("t", t)
            .put("k", "s2")
            .put("v", 18 + Math.cos(i / 4.0) + (i == 7 ? 6 : 0));
      }
    } else if (q.contains("FROM alerts.events WHERE input")) {
      col(cols, "key", "VARCHAR");
      col(cols, "value", "DOUBLE");
      col(cols, "event_time", "TIMESTAMP WITH TIME ZONE");
      rows.addObject()
          .put("key", "s2")
          .put("value", 18 + Math.cos(7 / 4.0) + 6)
          .put("event_time", now.minusSeconds(60L * 7).toString())
          .put("severity", "warning")
          .put("status", "open")
          .put("message", "spike");
    } else if (q.contains("FROM alerts.events")) {
      for (String c :
          List.of("alert_id", "status", "detector", "input", "field", "key", "message")) {
        col(cols, c, "VARCHAR");
      }
      ObjectNode open = rows.addObject();
      open.put("alert_id", "a-2")
          .put("status", "open")
          .put("detector", "temp_spike")
          .put("detector_type", "zscore")
          .put("input", "sensors")
          .put("field", "temp")
          .put("key", "s2")
          .put("value", 99.5)
          .put("score", 7.25)
          .put("event_time", now.minusSeconds(120).toString())
          .put("detection_time", now.minusSeconds(110).toString())
          .put("severity", "critical")
          .put("message", "temperature spike " + IMG_PAYLOAD);
      open.putArray("event_ids").add("e-1").add("e-2");
      if (!q.contains("status = 'open'")) {
        rows.addObject()
            .put("alert_id", "a-1")
            .put("status", "resolved")
            .put("detector", "silence")
            .put("input", "sensors")
            .put("detection_time", now.minusSeconds(3600).toString())
            .put("message", "sensor s9 silent");
      }
    } else if (q.contains("FROM curated.\"sensors\" WHERE id IN")) {
      col(cols, "id", "VARCHAR");
      col(cols, "sensor", "VARCHAR");
      col(cols, "temp", "DOUBLE");
      col(cols, "note", "VARCHAR");
      rows.addObject()
          .put("id", "e-1")
          .put("sensor", "s2")
          .put("temp", 99.5)
          .put("note", SCRIPT_PAYLOAD);
      rows.addObject().put("id", "e-2").put("sensor", "s2").put("temp", 98.0).putNull("note");
    } else if (q.contains("FROM errors.records WHERE stage")) {
      for (String c : List.of("id", "source", "error_time", "original_text", "origin")) {
        col(cols, c, "VARCHAR");
      }
      rows.addObject()
          .put("id", "r-1")
          .put("source", "sensors")
          .put("stage", "parse")
          .put("reason", "invalid JSON")
          .put("error_time", now.toString())
          .put("original_text", "{\"temp\": " + SCRIPT_PAYLOAD)
          .put("origin", "10.0.0.7");
    } else if (q.contains("FROM errors.records")) {
      col(cols, "stage", "VARCHAR");
      col(cols, "reason", "VARCHAR");
      col(cols, "n", "BIGINT");
      col(cols, "last", "TIMESTAMP WITH TIME ZONE");
      rows.addObject()
          .put("stage", "parse")
          .put("reason", "invalid JSON")
          .put("n", 37)
          .put("last", now.toString());
      rows.addObject()
          .put("stage", "validate")
          .put("reason", "missing field 'temp'")
          .put("n", 5)
          .put("last", now.minusSeconds(600).toString());
    } else if (q.startsWith("SELECT sensor, temp FROM curated.sensors")) {
      col(cols, "sensor", "VARCHAR");
      col(cols, "temp", "DOUBLE");
      rows.addObject().put("sensor", "s1").put("temp", 21.5);
      rows.addObject().put("sensor", "s2").put("temp", 19.25);
      rows.addObject().put("sensor", SCRIPT_PAYLOAD).put("temp", 0.5);
    } else {
      ctx.status(400)
          .json(
              JSON.createObjectNode()
                  .put("error", "sql_refused")
                  .put("message", "the stand-in does not know: " + q));
      return;
    }
    res.put("row_count", rows.size()).put("truncated", false).put("elapsed_ms", 3);
    ctx.contentType("application/json").result(res.toString());
  }

  private static void col(ArrayNode cols, String name, String type) {
    cols.addObject().put("name", name).put("type", type);
  }

  // ---------------------------------------------------------------- /v1/search stand-in

  private void search(Context ctx) {
    if (!searchConfigured) {
      ctx.status(404).result("{\"error\":\"not_found\",\"message\":\"search is not configured\"}");
      return;
    }
    String q = ctx.queryParam("q");
    if (q == null || q.contains("((")) {
      ctx.status(400)
          .result("{\"error\":\"invalid_query\",\"message\":\"unbalanced parentheses\"}");
      return;
    }
    String facetParam = ctx.queryParam("facets");
    if (q.equals("nofacets") && facetParam != null) {
      ctx.status(400)
          .result("{\"error\":\"invalid_query\",\"message\":\"unknown field 'service'\"}");
      return;
    }
    ObjectNode res = JSON.createObjectNode();
    res.put("total", 2);
    ArrayNode hits = res.putArray("hits");
    ObjectNode h = hits.addObject();
    h.put("id", "e-1")
        .put("source", "sensors")
        .put("event_time", Instant.now().toString())
        .put("ingest_time", Instant.now().toString())
        .putNull("score");
    h.putObject("event").put("level", "ERROR").put("message", "boom " + IMG_PAYLOAD);
    ObjectNode h2 = hits.addObject();
    h2.put("id", "e-2").put("source", "sensors").put("event_time", Instant.now().toString());
    h2.putObject("event").put("level", "WARN").put("message", "slow disk");
    ObjectNode facets = res.putObject("facets");
    if (facetParam != null) {
      ArrayNode level = facets.putArray("level");
      level.addObject().put("value", "ERROR").put("count", 3);
      level.addObject().put("value", "WARN").put("count", 1);
      facets.putArray("service").addObject().put("value", SOURCE_PAYLOAD).put("count", 4);
    }
    res.putNull("next").put("timed_out", false).put("took_ms", 3);
    ctx.contentType("application/json").result(res.toString());
  }
}
