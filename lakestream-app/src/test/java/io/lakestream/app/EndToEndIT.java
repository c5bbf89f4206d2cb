package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.lake.QueryResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole embedded path with the bundled example pipeline: 10,000 events over HTTP from four
 * sources, 2% of them invalid in seven ways; the raw zone must hold exactly the valid ids once each
 * and the error zone exactly the accepted-but-invalid ones, with stage and reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {

  @TempDir static Path dataDir;

  private TestStack stack;

  /** Valid ids per source, as posted. */
  private final Map<String, List<String>> validIds = new LinkedHashMap<>();

  /** Expected error-zone rows by id: stage and a check of the reason. */
  private final Map<String, Expected> expectedErrors = new HashMap<>();

  /** Original text of each invalid-but-accepted event by id. */
  private final Map<String, String> originals = new HashMap<>();

  private final List<TestStack.Answer> notFound = new ArrayList<>();
  private TestStack.Answer tooLarge;
  private int posted;

  /** Not in the example's users.csv; transactions routes unknown users to the error zone. */
  static final String UNKNOWN_USER = "u-9999";

  /** Valid payments of {@link #UNKNOWN_USER}: enrichment rejects them. */
  private final List<String> unknownUserPayments = new ArrayList<>();

  record Expected(String source, String stage, Predicate<String> reason, String describe) {}

  @BeforeAll
  void postEverything() {
    stack = TestStack.start(dataDir);
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");

    // sensors: 4,000 events, 20 malformed lines, 40 wrong types
    List<String> lines = new ArrayList<>();
    List<String> malformedSensors = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      String id = "s-" + i;
      String ts = t0.plusSeconds(i).toString();
      if (i % 200 == 7) {
        lines.add(
            "{\"id\":\"" + id + "\",\"device_id\":\"dev-" + (i % 50) + "\",\"ts\":\"" + ts + "\",");
        malformedSensors.add(lines.get(lines.size() - 1));
      } else if (i % 100 == 13) {
        String line =
            "{\"id\":\""
                + id
                + "\",\"device_id\":\"dev-"
                + (i % 50)
                + "\",\"ts\":\""
                + ts
                + "\",\"temperature\":\"hot\"}";
        lines.add(line);
        expect(
            id,
            "sensors",
            "validate",
            r -> r.equals("/temperature: must be a number, got string"),
            line);
      } else {
        lines.add(
            "{\"id\":\""
                + id
                + "\",\"device_id\":\"dev-"
                + (i % 50)
                + "\",\"site\":\"plant-1\",\"ts\":\""
                + ts
                + "\",\"temperature\":"
                + (20 + i % 10)
                + ".5,\"humidity\":41.0}");
        valid("sensors", id);
      }
    }
    postInBatches("sensors", lines, malformedSensors, 250);

    // app_logs: 2,500 events, 20 malformed lines, 30 bad timestamps
    lines = new ArrayList<>();
    List<String> malformedLogs = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      String id = "l-" + i;
      String ts = t0.plusMillis(i * 10L).toString();
      if (i % 125 == 3) {
        lines.add("{\"id\":\"" + id + "\", level: INFO}");
        malformedLogs.add(lines.get(lines.size() - 1));
      } else if (i % 83 == 5 && expectedErrorsFor("app_logs") < 30) {
        String line =
            "{\"id\":\""
                + id
                + "\",\"ts\":\"yesterday at noon\",\"service\":\"checkout\","
                + "\"level\":\"INFO\",\"message\":\"order placed\"}";
        lines.add(line);
        expect(
            id, "app_logs", "validate", r -> r.startsWith("/ts:") && r.contains("date-time"), line);
      } else {
        lines.add(
            "{\"id\":\""
                + id
                + "\",\"ts\":\""
                + ts
                + "\",\"service\":\"checkout\",\"level\":\""
                + (i % 10 == 0 ? "ERROR" : "INFO")
                + "\",\"message\":\"request "
                + i
                + " served\","
                + "\"host\":\"web-"
                + (i % 3)
                + "\"}");
        valid("app_logs", id);
      }
    }
    postInBatches("app_logs", lines, malformedLogs, 250);

    // clickstream: 2,000 events as JSON arrays, 20 unknown enum values
    List<String> clicks = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String id = "c-" + i;
      long ts = t0.toEpochMilli() + i * 100L;
      boolean bad = i % 100 == 42;
      String obj =
          "{\"id\":\""
              + id
              + "\",\"user_id\":\"u-100"
              + (1 + i % 5)
              + "\",\"session_id\":\"sess-"
              + (i / 20)
              + "\",\"ts\":"
              + ts
              + ",\"page\":\"/products/"
              + i
              + "\",\"action\":\""
              + (bad ? "teleport" : "click")
              + "\"}";
      clicks.add(obj);
      if (bad) {
        expect(id, "clickstream", "validate", r -> r.startsWith("/action:"), obj);
      } else {
        valid("clickstream", id);
      }
    }
    for (int from = 0; from < clicks.size(); from += 400) {
      String body = "[\n  " + String.join(",\n  ", clicks.subList(from, from + 400)) + "\n]";
      TestStack.Answer a = stack.post("clickstream", "application/json", utf8(body));
      assertThat(a.status()).as(a.raw().body()).isEqualTo(202);
      assertThat(a.body().get("accepted").asInt()).isEqualTo(400);
      posted += 400;
    }

    // transactions: 1,470 events, 40 missing a required field; one posted as a single object
    lines = new ArrayList<>();
    for (int i = 0; i < 1470; i++) {
      String id = "t-" + i;
      String ts = t0.plusSeconds(i * 7L).toString();
      if (i % 36 == 11 && expectedErrorsFor("transactions") < 40) {
        String line =
            "{\"id\":\""
                + id
                + "\",\"txn_id\":\"tx"
                + i
                + "\",\"user_id\":\"u-100"
                + (1 + i % 5)
                + "\",\"ts\":\""
                + ts
                + "\",\"currency\":\"EUR\",\"status\":\"captured\"}";
        lines.add(line);
        expect(
            id,
            "transactions",
            "validate",
            r -> r.equals("/amount: required field is missing"),
            line);
      } else {
        lines.add(
            "{\"id\":\""
                + id
                + "\",\"txn_id\":\"tx"
                + i
                + "\",\"user_id\":\""
                + user(i)
                + "\",\"ts\":\""
                + ts
                + "\",\"amount\":"
                + (10 + i)
                + ".99,\"currency\":\"EUR\","
                + "\"merchant\":\"shop-"
                + (i % 7)
                + "\",\"status\":\"captured\"}");
        valid("transactions", id);
        if (user(i).equals(UNKNOWN_USER)) {
          unknownUserPayments.add(id);
        }
      }
    }
    // The newest payment goes last, as a single object, so that event time only moves forward.
    String newest = lines.remove(lines.size() - 1);
    postInBatches("transactions", lines, List.of(), 300);
    TestStack.Answer single = stack.post("transactions", "application/json", utf8(newest));
    assertThat(single.status()).isEqualTo(202);
    assertThat(single.body().get("ids").get(0).asText()).isEqualTo("t-1469");
    posted += 1;

    // 20 events to a source the pipeline does not have: 404, nothing stored
    for (int i = 0; i < 2; i++) {
      List<String> sat = new ArrayList<>();
      for (int j = 0; j < 10; j++) {
        sat.add("{\"id\":\"sat-" + i + "-" + j + "\",\"orbit\":" + j + "}");
      }
      notFound.add(stack.postNdjson("satellites", sat));
      posted += 10;
    }

    // 10 events in one body over the 5 MB limit: 413, nothing stored
    StringBuilder big = new StringBuilder();
    String pad = "x".repeat(600_000);
    for (int j = 0; j < 10; j++) {
      big.append("{\"id\":\"big-")
          .append(j)
          .append("\",\"ts\":\"2026-11-23T10:00:00Z\",\"service\":\"checkout\",\"level\":\"INFO\",")
          .append("\"message\":\"")
          .append(pad)
          .append("\"}\n");
    }
    tooLarge = stack.post("app_logs", "application/x-ndjson", utf8(big.toString()));
    posted += 10;
  }

  private void postInBatches(String source, List<String> lines, List<String> malformed, int size) {
    for (int from = 0; from < lines.size(); from += size) {
      List<String> chunk = lines.subList(from, Math.min(lines.size(), from + size));
      TestStack.Answer a = stack.postNdjson(source, chunk);
      assertThat(a.status()).as(a.raw().body()).isEqualTo(202);
      int bad = 0;
      for (JsonNode q : a.body().get("quarantined_lines")) {
        int line = q.get("line").asInt();
        String text = chunk.get(line - 1);
        assertThat(malformed).contains(text);
        assertThat(q.get("column").asInt()).isPositive();
        String id = q.get("id").asText();
        expect(id, source, "parse", r -> r.contains("line " + line) && r.contains("column"), text);
        bad++;
      }
      assertThat(a.body().get("accepted").asInt()).isEqualTo(chunk.size() - bad);
      assertThat(a.body().get("ids")).hasSize(chunk.size() - bad);
      posted += chunk.size();
    }
  }

  /** Payments come from the users in the example's reference file, except every 49th. */
  private static String user(int i) {
    return i % 49 == 0 ? UNKNOWN_USER : "u-100" + (1 + i % 5);
  }

  private void valid(String source, String id) {
    validIds.computeIfAbsent(source, s -> new ArrayList<>()).add(id);
  }

  private void expect(
      String id, String source, String stage, Predicate<String> reason, String text) {
    expectedErrors.put(id, new Expected(source, stage, reason, stage + " error on " + id));
    originals.put(id, text);
  }

  private long expectedErrorsFor(String source) {
    return expectedErrors.values().stream().filter(e -> e.source().equals(source)).count();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void postedTenThousandEventsTwoPercentInvalidInSevenWays() {
    assertThat(posted).isEqualTo(10_000);
    long invalid = expectedErrors.size() + 20 + 10;
    assertThat(invalid).isEqualTo(200);
    assertThat(expectedErrors.values().stream().map(Expected::stage).distinct())
        .containsExactlyInAnyOrder("parse", "validate");
  }

  @Test
  void aSecondStackOnTheSameDataDirectoryIsRefusedClearly() {
    assertThatThrownBy(() -> TestStack.start(dataDir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("data directory " + dataDir)
        .hasMessageContaining("is in use by another Lakestream")
        .hasMessageContaining("--data-dir");
    // the running stack is unaffected
    assertThat(stack.get("/v1/health").status()).isEqualTo(200);
  }

  @Test
  void unknownSourceIs404AndOversizedBodyIs413() {
    for (TestStack.Answer a : notFound) {
      assertThat(a.status()).isEqualTo(404);
      assertThat(a.body().get("error").asText()).isEqualTo("unknown_source");
      assertThat(a.body().get("message").asText()).contains("satellites").contains("sensors");
    }
    assertThat(tooLarge.status()).isEqualTo(413);
  }

  @Test
  void rawZoneHoldsExactlyTheValidIdsOnceEach() {
    awaitLake();
    for (Map.Entry<String, List<String>> e : validIds.entrySet()) {
      List<String> ids = stack.column("SELECT id FROM raw." + e.getKey());
      assertThat(ids).as("raw.%s", e.getKey()).hasSize(e.getValue().size());
      assertThat(ids).as("raw.%s", e.getKey()).containsExactlyInAnyOrderElementsOf(e.getValue());
    }
    assertThat(
            stack.count(
                "SELECT count(*) FROM raw.sensors WHERE id LIKE 'sat-%' OR id LIKE 'big-%'"))
        .isZero();
  }

  @Test
  void rawRowsCarryEnvelopeColumns() {
    awaitLake();
    QueryResult r =
        stack.sql(
            "SELECT source, key, epoch_ms(event_time), schema_version, payload FROM raw.sensors WHERE id = 's-1'");
    assertThat(r.rows()).hasSize(1);
    List<Object> row = r.rows().get(0);
    assertThat(row.get(0)).isEqualTo("sensors");
    assertThat(row.get(1)).isEqualTo("dev-1");
    assertThat(((Number) row.get(2)).longValue())
        .isEqualTo(Instant.parse("2026-11-23T10:00:01Z").toEpochMilli());
    assertThat(((Number) row.get(3)).intValue()).isEqualTo(1);
    assertThat((String) row.get(4)).contains("\"id\":\"s-1\"").contains("\"temperature\":21.5");
    assertThat(stack.count("SELECT count(DISTINCT key) FROM raw.clickstream")).isEqualTo(5);
  }

  @Test
  void errorZoneHoldsExactlyTheInvalidOnesWithStageReasonAndOriginalText() {
    awaitLake();
    QueryResult r =
        stack.sql(
            "SELECT id, source, stage, reason, original_text, origin FROM errors.records"
                + " WHERE stage IN ('parse', 'validate', 'event_time')");
    assertThat(r.rows()).hasSize(expectedErrors.size());
    for (List<Object> row : r.rows()) {
      String id = (String) row.get(0);
      Expected exp = expectedErrors.get(id);
      assertThat(exp).as("unexpected error row %s", row).isNotNull();
      assertThat(row.get(1)).as(exp.describe()).isEqualTo(exp.source());
      assertThat(row.get(2)).as(exp.describe()).isEqualTo(exp.stage());
      assertThat((String) row.get(3)).as(exp.describe()).matches(exp.reason());
      assertThat(row.get(4)).as(exp.describe()).isEqualTo(originals.get(id));
      assertThat((String) row.get(5)).as(exp.describe()).startsWith("http 127.0.0.1");
    }
  }

  @Test
  void everyValidEventIsCuratedOrInTheErrorZoneWithItsReason() {
    awaitLake();
    for (Map.Entry<String, List<String>> e : validIds.entrySet()) {
      String source = e.getKey();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                List<String> ids = stack.column("SELECT event_id FROM curated." + source);
                ids.addAll(
                    stack.column(
                        "SELECT id FROM errors.records WHERE stage IN ('late', 'enrich')"
                            + " AND source = '"
                            + source
                            + "'"));
                assertThat(ids).as(source).containsExactlyInAnyOrderElementsOf(e.getValue());
              });
    }
    assertThat(unknownUserPayments).hasSizeGreaterThan(20);
    List<String> enrichRejected =
        stack.column("SELECT id FROM errors.records WHERE stage = 'enrich'");
    assertThat(enrichRejected).containsExactlyInAnyOrderElementsOf(unknownUserPayments);
    assertThat(stack.column("SELECT DISTINCT reason FROM errors.records WHERE stage = 'enrich'"))
        .containsExactly(
            "enrich: no reference row for key 'u-9999' (reference users, field user_id)");
    // Every curated payment carries its user's columns from the example's users.csv.
    Map<String, List<Object>> users =
        Map.of(
            "u-1001", List.of("premium", "DE"),
            "u-1002", List.of("standard", "DE"),
            "u-1003", List.of("standard", "FR"),
            "u-1004", List.of("new", "NL"),
            "u-1005", List.of("premium", "US"));
    QueryResult t =
        stack.sql("SELECT DISTINCT user_id, segment, country FROM curated.transactions");
    assertThat(t.rows()).isNotEmpty();
    for (List<Object> row : t.rows()) {
      assertThat(row.subList(1, 3)).as("user %s", row.get(0)).isEqualTo(users.get(row.get(0)));
    }
  }

  @Test
  void windowAggregatesAndTheJoinAreWritten() {
    awaitLake();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                stack.count("SELECT count(*) FROM aggregates.sensor_stats_5m") > 0
                    && stack.count("SELECT count(*) FROM curated.clicks_to_payments") > 0);
    // The app logs span 25 seconds: their 5-minute window has not ended, so nothing is final yet.
    assertThat(stack.count("SELECT count(*) FROM aggregates.log_levels_5m")).isZero();
    // Every 5-minute window of a device holds at most 300 one-per-second readings.
    assertThat(stack.count("SELECT max(readings) FROM aggregates.sensor_stats_5m"))
        .isBetween(1L, 300L);
    assertThat(
            stack.count(
                "SELECT count(*) FROM curated.clicks_to_payments"
                    + " WHERE amount IS NULL OR user_id NOT LIKE 'u-100%'"))
        .isZero();
  }

  private void awaitLake() {
    long validTotal = validIds.values().stream().mapToLong(List::size).sum();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                stack.count(
                            "SELECT (SELECT count(*) FROM raw.sensors) + (SELECT count(*) FROM raw.app_logs)"
                                + " + (SELECT count(*) FROM raw.clickstream)"
                                + " + (SELECT count(*) FROM raw.transactions)")
                        >= validTotal
                    && stack.count("SELECT count(*) FROM errors.records") >= expectedErrors.size());
  }
}
