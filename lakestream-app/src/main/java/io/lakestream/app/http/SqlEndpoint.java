package io.lakestream.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import io.lakestream.lake.QueryOptions;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.ResultFormatter;
import io.lakestream.lake.SqlEngine;
import io.lakestream.lake.SqlException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/sql}: read-only SQL over the lake, for scripts and the dashboard. Served on the
 * gateway's port behind its API keys.
 *
 * <p>Body: {@code {"sql": "SELECT ...", "format": "json"|"csv", "as_of": "2026-12-06T10:00:00Z",
 * "snapshots": {"curated.sensors": 123}, "max_rows": 10000, "timeout_seconds": 30}}; only {@code
 * sql} is required. The answer is {@code {"columns": [{"name", "type"}], "rows": [{...}],
 * "row_count", "truncated", "files_scanned": {...}, "elapsed_ms"}}, or CSV when {@code format} is
 * {@code csv} or the request accepts {@code text/csv}. Errors: 400 {@code invalid_request}, 400
 * {@code sql_refused} (not a single read-only statement, or it failed), 429 {@code busy} when
 * {@link #MAX_CONCURRENT} queries already run.
 */
public final class SqlEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(SqlEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Path of the endpoint. */
  public static final String PATH = "/v1/sql";

  /** Queries run at once; each has its own DuckDB database in memory. */
  public static final int MAX_CONCURRENT = 2;

  /** Largest {@code max_rows} a request may ask for. */
  public static final int MAX_ROWS_LIMIT = 100_000;

  /** Longest {@code timeout_seconds} a request may ask for. */
  public static final int MAX_TIMEOUT_SECONDS = 300;

  private final Catalog catalog;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT);

  public SqlEndpoint(Catalog catalog) {
    this.catalog = catalog;
  }

  /** Adds the endpoint to a router. */
  public void mount(JavalinDefaultRouting routes) {
    routes.post(PATH, this::handle);
  }

  private void handle(Context ctx) {
    ObjectNode body;
    QueryOptions options;
    String sql;
    boolean csv;
    try {
      JsonNode parsed = JSON.readTree(ctx.bodyAsBytes());
      if (parsed == null || !parsed.isObject()) {
        throw new IllegalArgumentException(
            "the body must be a JSON object like {\"sql\": \"SELECT 1\"}");
      }
      body = (ObjectNode) parsed;
      for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!java.util.List.of("sql", "format", "as_of", "snapshots", "max_rows", "timeout_seconds")
            .contains(f)) {
          throw new IllegalArgumentException(
              "unknown field '"
                  + f
                  + "'; known: sql, format, as_of, snapshots, max_rows, timeout_seconds");
        }
      }
      JsonNode s = body.get("sql");
      if (s == null || !s.isTextual() || s.asText().isBlank()) {
        throw new IllegalArgumentException("'sql' is required: a SELECT query as a string");
      }
      sql = s.asText();
      String format = body.path("format").asText("");
      String accept = ctx.header("Accept");
      csv =
          format.equalsIgnoreCase("csv")
              || (format.isEmpty() && accept != null && accept.contains("text/csv"));
      if (!format.isEmpty()
          && !format.equalsIgnoreCase("csv")
          && !format.equalsIgnoreCase("json")) {
        throw new IllegalArgumentException("'format' must be json or csv, got '" + format + "'");
      }
      options = options(body);
    } catch (JsonProcessingException e) {
      error(ctx, 400, "invalid_request", "the body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (java.io.IOException e) {
      error(ctx, 400, "invalid_request", "cannot read the body: " + e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "invalid_request", e.getMessage());
      return;
    }
    if (!slots.tryAcquire()) {
      ctx.header("Retry-After", "1");
      error(ctx, 429, "busy", MAX_CONCURRENT + " queries are running; retry in a moment");
      return;
    }
    long t0 = System.nanoTime();
    try (SqlEngine engine = SqlEngine.open(catalog)) {
      QueryResult result = engine.query(sql, options);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (csv) {
        ctx.status(200)
            .contentType("text/csv; charset=utf-8")
            .header("X-Row-Count", String.valueOf(result.rows().size()))
            .header("X-Truncated", String.valueOf(result.truncated()))
            .result(ResultFormatter.format(result, ResultFormatter.Format.CSV));
        return;
      }
      StringBuilder sb = new StringBuilder(256);
      sb.append("{\"columns\":").append(JSON.writeValueAsString(result.columns()));
      sb.append(",\"rows\":")
          .append(ResultFormatter.format(result, ResultFormatter.Format.JSON).strip());
      sb.append(",\"row_count\":").append(result.rows().size());
      sb.append(",\"truncated\":").append(result.truncated());
      sb.append(",\"files_scanned\":").append(JSON.writeValueAsString(result.filesScanned()));
      sb.append(",\"elapsed_ms\":").append(ms).append('}');
      ctx.status(200).contentType("application/json").result(sb.toString());
    } catch (SqlException e) {
      error(ctx, 400, "sql_refused", e.getMessage());
    } catch (JsonProcessingException e) {
      LOG.warn("Could not write the answer of a SQL query: {}", e.getMessage());
      error(ctx, 500, "internal_error", "could not write the answer");
    } finally {
      slots.release();
    }
  }

  private static QueryOptions options(ObjectNode body) {
    QueryOptions o = QueryOptions.defaults();
    JsonNode asOf = body.get("as_of");
    if (asOf != null && !asOf.isNull()) {
      try {
        o = o.withAsOf(Instant.parse(asOf.asText()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'as_of' must be an ISO-8601 instant like 2026-12-06T10:00:00Z, got '"
                + asOf.asText()
                + "'");
      }
    }
    JsonNode snaps = body.get("snapshots");
    if (snaps != null && !snaps.isNull()) {
      if (!snaps.isObject()) {
        throw new IllegalArgumentException(
            "'snapshots' must map tables to snapshot ids, e.g. {\"curated.sensors\": 123}");
      }
      Map<String, Long> pins = new LinkedHashMap<>();
      snaps
          .properties()
          .forEach(
              e -> {
                if (!e.getValue().canConvertToLong()) {
                  throw new IllegalArgumentException(
                      "snapshot of " + e.getKey() + " must be a snapshot id (a number)");
                }
                pins.put(e.getKey(), e.getValue().asLong());
              });
      o = o.withSnapshots(pins);
    }
    JsonNode maxRows = body.get("max_rows");
    if (maxRows != null && !maxRows.isNull()) {
      if (!maxRows.canConvertToInt() || maxRows.asInt() < 1 || maxRows.asInt() > MAX_ROWS_LIMIT) {
        throw new IllegalArgumentException(
            "'max_rows' must be a number from 1 to " + MAX_ROWS_LIMIT + ", got " + maxRows);
      }
      o = o.withMaxRows(maxRows.asInt());
    }
    JsonNode timeout = body.get("timeout_seconds");
    if (timeout != null && !timeout.isNull()) {
      if (!timeout.isNumber()
          || timeout.asDouble() <= 0
          || timeout.asDouble() > MAX_TIMEOUT_SECONDS) {
        throw new IllegalArgumentException(
            "'timeout_seconds' must be a number above 0 and at most "
                + MAX_TIMEOUT_SECONDS
                + ", got "
                + timeout);
      }
      o = o.withTimeout(Duration.ofMillis((long) (timeout.asDouble() * 1000)));
    }
    return o;
  }

  private static void error(Context ctx, int status, String code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", code);
    n.put("message", message);
    ctx.status(status).contentType("application/json").result(n.toString());
  }
}
