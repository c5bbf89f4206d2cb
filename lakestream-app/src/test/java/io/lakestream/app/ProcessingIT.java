package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.lake.QueryResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream processing end to end on the embedded stack: windows (tumbling, hopping, session) over a
 * fixed dataset with out-of-order, boundary, allowed-late and too-late events; an interval join;
 * enrichment with a reference file changed while running and both unmatched-key policies; and dedup
 * of a batch posted twice.
 *
 * <p>One Kafka partition and parallelism 1 make the arrival order, and so the watermark, exactly
 * the posting order; the expected aggregates are computed here from the events, independently of
 * Flink.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessingIT {

  static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  static final long MIN = 60_000;

  @TempDir static Path dir;

  private TestStack stack;

  record Reading(String id, String device, String site, long ts, double temp) {
    String json() {
      return String.format(
          java.util.Locale.ROOT,
          "{\"id\":\"%s\",\"device_id\":\"%s\",\"site\":\"%s\",\"ts\":\"%s\",\"temperature\":%s}",
          id,
          device,
          site,
          Instant.ofEpochMilli(ts),
          temp);
    }
  }

  /** The on-time readings of the window dataset (posted twice). */
  private final List<Reading> readings = new ArrayList<>();

  @BeforeAll
  void start() throws IOException {
    Path schemas = Path.of("../examples/iot/schemas").toAbsolutePath().normalize();
    Files.writeString(dir.resolve("devices.csv"), "device_id,model,floor\nd1,M1,1\n");
    Files.writeString(dir.resolve("users.csv"), "user_id,segment\nu1,gold\nu2,silver\nu3,bronze\n");
    String yaml =
        """
        pipeline: processing-it
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 1}
        gateway: {port: 0}
        reference:
          devices:
            type: file
            path: devices.csv
            key: device_id
            columns: {model: string, floor: long}
            refresh: 1s
          users:
            type: file
            path: users.csv
            key: user_id
            columns: {segment: string}
            refresh: 1s
        sources:
          sensors:
            type: http
            schema: SCHEMAS/sensor-reading.schema.json
            key: device_id
            event_time: {field: ts, out_of_orderness: 10s, allowed_lateness: 20s}
            enrich:
              - reference: devices
                on_missing: keep
          clickstream:
            type: http
            schema: SCHEMAS/click-event.schema.json
            key: user_id
            event_time: {field: ts, format: epoch_millis}
            enrich:
              - reference: users
                on_missing: error
          transactions:
            type: http
            schema: SCHEMAS/transaction.schema.json
            key: user_id
            event_time: {field: ts}
        aggregations:
          temp_5m:
            from: sensors
            window: {type: tumble, size: 5m}
            group_by: [device_id]
            measures:
              n: COUNT(*)
              total: SUM(temperature)
              mean: AVG(temperature)
              lo: MIN(temperature)
              hi: MAX(temperature)
              p50: PERCENTILE(temperature, 0.5)
              sites: COUNT(DISTINCT site)
          temp_hop:
            from: sensors
            window: {type: hop, size: 10m, slide: 5m}
            group_by: [device_id]
            measures: {n: COUNT(*), total: SUM(temperature)}
          temp_session:
            from: sensors
            window: {type: session, gap: 2m}
            group_by: [device_id]
            measures: {n: COUNT(*), total: SUM(temperature)}
        joins:
          clicks_pay:
            left: clickstream
            right: transactions
            on: user_id
            within: 30m
            direction: after
        """
            .replace("SCHEMAS", schemas.toString());
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    Path data = dir.resolve("data");
    PipelineConfig cfg = PipelineLoader.load(file, Map.of("data_dir", data.toString()));
    stack = TestStack.start(cfg, data);

    // Window dataset: a reading every 10 s from 10:00:00 to 10:09:50, alternating d1/d2; d1 is
    // silent from 10:06 to 10:09 (two sessions); two readings right at the 10:05 boundary.
    for (int i = 0; i < 60; i++) {
      String device = i % 2 == 0 ? "d1" : "d2";
      if (device.equals("d1") && i >= 36 && i < 54) {
        continue;
      }
      String site = device.equals("d1") || i % 4 == 1 ? "s1" : "s2";
      readings.add(
          new Reading(
              "r" + i, device, site, T.toEpochMilli() + i * 10_000L, 15 + (i * 7 % 11) + 0.25));
    }
    readings.add(new Reading("b1", "d1", "s1", T.toEpochMilli() + 5 * MIN - 1, 30.5));
    readings.add(new Reading("b2", "d2", "s2", T.toEpochMilli() + 5 * MIN, 31.5));
    readings.sort((a, b) -> Long.compare(a.ts(), b.ts()));
    List<Reading> posting = new ArrayList<>(readings);
    // Out of order within out_of_orderness: swap some neighbours (10 s apart).
    for (int i = 1; i + 1 < posting.size(); i += 5) {
      Collections.swap(posting, i, i + 1);
    }
    // Behind the newest reading by 25 s: later than out_of_orderness (10 s), within the allowed
    // lateness (20 s more), so it still counts.
    Reading allowedLate = new Reading("a1", "d2", "s2", T.toEpochMilli() + 6 * MIN + 25_000, 40.25);
    int at = indexAfter(posting, T.toEpochMilli() + 6 * MIN + 50_000);
    posting.add(at + 1, allowedLate);
    readings.add(allowedLate);

    List<String> lines = posting.stream().map(Reading::json).toList();
    assertThat(stack.postNdjson("sensors", lines).status()).isEqualTo(202);
    // Posted again: every event is a duplicate and must not count twice.
    assertThat(stack.postNdjson("sensors", lines).status()).isEqualTo(202);
    // A reading an hour later moves the watermark past every window above.
    assertThat(
            stack
                .postNdjson(
                    "sensors",
                    List.of(
                        new Reading("flush", "d3", "s3", T.toEpochMilli() + 60 * MIN, 1).json()))
                .status())
        .isEqualTo(202);

    // Join dataset.
    List<String> clicks =
        List.of(click("c1", "u1", 0), click("c2", "u2", 10 * MIN), click("c3", "u3", 20 * MIN));
    List<String> payments =
        List.of(
            payment("t4", "u2", 9 * MIN),
            payment("t5", "u2", 15 * MIN),
            payment("t1", "u1", 30 * MIN - 1000),
            payment("t2", "u1", 30 * MIN),
            payment("t3", "u1", 30 * MIN + 1000),
            payment("t6", "u3", 60 * MIN));
    assertThat(stack.postNdjson("clickstream", clicks).status()).isEqualTo(202);
    assertThat(stack.postNdjson("transactions", payments).status()).isEqualTo(202);
    // An unknown user: clickstream routes unmatched keys to the error zone.
    assertThat(stack.postNdjson("clickstream", List.of(click("c404", "u404", 21 * MIN))).status())
        .isEqualTo(202);
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static int indexAfter(List<Reading> list, long ts) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).ts() == ts) {
        return i;
      }
    }
    throw new IllegalStateException("no reading at " + Instant.ofEpochMilli(ts));
  }

  private static String click(String id, String user, long offset) {
    return "{\"id\":\""
        + id
        + "\",\"user_id\":\""
        + user
        + "\",\"session_id\":\"s-"
        + user
        + "\",\"ts\":"
        + (T.toEpochMilli() + offset)
        + ",\"page\":\"/p/"
        + id
        + "\",\"action\":\"click\"}";
  }

  private static String payment(String id, String user, long offset) {
    return "{\"id\":\""
        + id
        + "\",\"txn_id\":\"x-"
        + id
        + "\",\"user_id\":\""
        + user
        + "\",\"ts\":\""
        + Instant.ofEpochMilli(T.toEpochMilli() + offset)
        + "\",\"amount\":12.5,\"currency\":\"EUR\",\"status\":\"captured\"}";
  }

  // ------------------------------------------------------------------------------- windows

  record Agg(long n, double total, double mean, double lo, double hi, double p50, long sites) {}

  private static Agg aggregate(List<Reading> rs) {
    List<Double> temps = rs.stream().map(Reading::temp).sorted().toList();
    double total = temps.stream().mapToDouble(Double::doubleValue).sum();
    double pos = 0.5 * (temps.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    double p50 = temps.get(lo) + (pos - lo) * (temps.get(hi) - temps.get(lo));
    long sites = rs.stream().map(Reading::site).distinct().count();
    return new Agg(
        rs.size(), total, total / rs.size(), temps.get(0), temps.get(temps.size() - 1), p50, sites);
  }

  /** Expected rows keyed by "device@windowStart/windowEnd". */
  private Map<String, List<Reading>> expectedWindows(long size, long slide) {
    Map<String, List<Reading>> out = new TreeMap<>();
    for (Reading r : readings) {
      long last = Math.floorDiv(r.ts(), slide) * slide;
      for (long start = last; start > r.ts() - size; start -= slide) {
        out.computeIfAbsent(key(r.device(), start, start + size), k -> new ArrayList<>()).add(r);
      }
    }
    return out;
  }

  private Map<String, List<Reading>> expectedSessions(long gap) {
    Map<String, List<Reading>> out = new TreeMap<>();
    Map<String, List<Reading>> byDevice = new TreeMap<>();
    readings.forEach(r -> byDevice.computeIfAbsent(r.device(), d -> new ArrayList<>()).add(r));
    for (List<Reading> rs : byDevice.values()) {
      rs.sort((a, b) -> Long.compare(a.ts(), b.ts()));
      List<Reading> session = new ArrayList<>();
      for (Reading r : rs) {
        if (!session.isEmpty() && r.ts() > session.get(session.size() - 1).ts() + gap) {
          out.put(sessionKey(session, gap), session);
          session = new ArrayList<>();
        }
        session.add(r);
      }
      out.put(sessionKey(session, gap), session);
    }
    return out;
  }

  private static String sessionKey(List<Reading> s, long gap) {
    return key(s.get(0).device(), s.get(0).ts(), s.get(s.size() - 1).ts() + gap);
  }

  private static String key(String device, long start, long end) {
    return device + "@" + Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(end);
  }

  /** Rows of an aggregate table for d1/d2, keyed like the expectations. */
  private Map<String, List<Object>> actual(String table, String measures) {
    QueryResult r =
        stack.sql(
            "SELECT device_id, epoch_ms(window_start), epoch_ms(window_end), "
                + measures
                + " FROM aggregates."
                + table
                + " WHERE device_id IN ('d1', 'd2')");
    Map<String, List<Object>> out = new TreeMap<>();
    for (List<Object> row : r.rows()) {
      String k =
          key(
              (String) row.get(0),
              ((Number) row.get(1)).longValue(),
              ((Number) row.get(2)).longValue());
      assertThat(out.put(k, row.subList(3, row.size()))).as("duplicate window %s", k).isNull();
    }
    return out;
  }

  private void awaitWindows(String table, int expected) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                stack.count("SELECT count(*) FROM aggregates." + table + " WHERE device_id <> 'd3'")
                    >= expected);
  }

  @Test
  @Order(1)
  void tumblingWindowsMatchIndependentlyComputedAggregates() {
    Map<String, List<Reading>> expected = expectedWindows(5 * MIN, 5 * MIN);
    awaitWindows("temp_5m", expected.size());
    Map<String, List<Object>> actual = actual("temp_5m", "n, total, mean, lo, hi, p50, sites");
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach(
        (k, rs) -> {
          Agg e = aggregate(rs);
          List<Object> a = actual.get(k);
          assertThat(((Number) a.get(0)).longValue()).as(k + " n").isEqualTo(e.n());
          assertThat(((Number) a.get(1)).doubleValue())
              .as(k + " sum")
              .isCloseTo(e.total(), within(1e-9));
          assertThat(((Number) a.get(2)).doubleValue())
              .as(k + " avg")
              .isCloseTo(e.mean(), within(1e-9));
          assertThat(((Number) a.get(3)).doubleValue()).as(k + " min").isEqualTo(e.lo());
          assertThat(((Number) a.get(4)).doubleValue()).as(k + " max").isEqualTo(e.hi());
          assertThat(((Number) a.get(5)).doubleValue())
              .as(k + " p50")
              .isCloseTo(e.p50(), within(1e-9));
          assertThat(((Number) a.get(6)).longValue()).as(k + " sites").isEqualTo(e.sites());
        });
    // The 10:05:00.000 reading opens the second window; 10:04:59.999 closes the first.
    assertThat(expected.get(key("d2", T.toEpochMilli() + 5 * MIN, T.toEpochMilli() + 10 * MIN)))
        .extracting(Reading::id)
        .contains("b2");
    assertThat(expected.get(key("d1", T.toEpochMilli(), T.toEpochMilli() + 5 * MIN)))
        .extracting(Reading::id)
        .contains("b1");
  }

  @Test
  @Order(2)
  void hoppingAndSessionWindowsMatch() {
    Map<String, List<Reading>> hops = expectedWindows(10 * MIN, 5 * MIN);
    awaitWindows("temp_hop", hops.size());
    assertCounts(hops, actual("temp_hop", "n, total"));

    Map<String, List<Reading>> sessions = expectedSessions(2 * MIN);
    assertThat(sessions.keySet().stream().filter(k -> k.startsWith("d1@"))).hasSize(2);
    awaitWindows("temp_session", sessions.size());
    assertCounts(sessions, actual("temp_session", "n, total"));
  }

  private static void assertCounts(
      Map<String, List<Reading>> expected, Map<String, List<Object>> actual) {
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach(
        (k, rs) -> {
          assertThat(((Number) actual.get(k).get(0)).longValue()).as(k).isEqualTo(rs.size());
          assertThat(((Number) actual.get(k).get(1)).doubleValue())
              .as(k)
              .isCloseTo(rs.stream().mapToDouble(Reading::temp).sum(), within(1e-9));
        });
  }

  @Test
  @Order(3)
  void tooLateEventsGoToTheErrorZoneWithTheirLateness() {
    awaitWindows("temp_5m", expectedWindows(5 * MIN, 5 * MIN).size());
    Reading late1 = new Reading("late1", "d1", "s1", T.toEpochMilli() + 3 * MIN, 99.25);
    Reading late2 = new Reading("late2", "d2", "s2", T.toEpochMilli() + 5 * MIN, 99.25);
    assertThat(stack.postNdjson("sensors", List.of(late1.json(), late2.json())).status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> stack.count("SELECT count(*) FROM errors.records WHERE stage = 'late'") == 2);
    QueryResult r =
        stack.sql(
            "SELECT id, source, reason, original_text FROM errors.records WHERE stage = 'late'"
                + " ORDER BY id");
    // The watermark trails the newest reading (11:00:00) by out_of_orderness (10 s), minus 1 ms.
    assertThat(r.rows().get(0))
        .containsExactly(
            "late1",
            "sensors",
            "late: event time 2026-11-23T10:03:00Z is 56m50s behind the watermark"
                + " 2026-11-23T10:59:50Z (allowed lateness 20s)",
            late1.json());
    assertThat((String) r.rows().get(1).get(2))
        .startsWith("late: event time 2026-11-23T10:05:00Z is 54m50s behind");
    // Neither reached the curated zone or changed a window.
    assertThat(stack.count("SELECT count(*) FROM curated.sensors WHERE event_id LIKE 'late%'"))
        .isZero();
    assertThat(stack.count("SELECT count(*) FROM aggregates.temp_5m WHERE hi > 99")).isZero();
    // The raw zone keeps everything accepted, late or not.
    assertThat(stack.count("SELECT count(*) FROM raw.sensors WHERE id LIKE 'late%'")).isEqualTo(2);
  }

  // --------------------------------------------------------------------------- dedup, curated

  @Test
  @Order(4)
  void curatedZoneHoldsEachEventOnceTypedAndEnriched() {
    awaitWindows("temp_5m", expectedWindows(5 * MIN, 5 * MIN).size());
    QueryResult r =
        stack.sql(
            "SELECT event_id, count(*) FROM curated.sensors WHERE device_id IN ('d1','d2')"
                + " GROUP BY event_id");
    Set<String> ids = new HashSet<>();
    for (List<Object> row : r.rows()) {
      assertThat(((Number) row.get(1)).longValue()).as("copies of %s", row.get(0)).isEqualTo(1);
      ids.add((String) row.get(0));
    }
    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(readings.stream().map(Reading::id).toList());

    QueryResult typed =
        stack.sql(
            "SELECT typeof(temperature), typeof(ts), typeof(event_time), model, floor"
                + " FROM curated.sensors WHERE event_id = 'r0'");
    assertThat(typed.rows().get(0))
        .containsExactly(
            "DOUBLE", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE", "M1", 1L);
    // d2 is not in the reference file; the sensors source keeps such events with nulls.
    assertThat(
            stack.count(
                "SELECT count(*) FROM curated.sensors WHERE device_id = 'd2' AND model IS NULL"))
        .isEqualTo(readings.stream().filter(x -> x.device().equals("d2")).count());
  }

  // ---------------------------------------------------------------------------------- join

  @Test
  @Order(5)
  void intervalJoinPairsExactlyTheEventsWithinTheBound() {
    // Brute force over the posted events: payment time within [click, click + 30m].
    Map<String, long[]> clicks =
        Map.of(
            "c1",
            new long[] {1, 0},
            "c2",
            new long[] {2, 10 * MIN},
            "c3",
            new long[] {3, 20 * MIN});
    Map<String, long[]> pays =
        Map.of(
            "t4", new long[] {2, 9 * MIN},
            "t5", new long[] {2, 15 * MIN},
            "t1", new long[] {1, 30 * MIN - 1000},
            "t2", new long[] {1, 30 * MIN},
            "t3", new long[] {1, 30 * MIN + 1000},
            "t6", new long[] {3, 60 * MIN});
    Set<String> expected = new HashSet<>();
    clicks.forEach(
        (c, cv) ->
            pays.forEach(
                (t, tv) -> {
                  if (cv[0] == tv[0] && tv[1] >= cv[1] && tv[1] <= cv[1] + 30 * MIN) {
                    expected.add(c + "-" + t);
                  }
                }));
    assertThat(expected).containsExactlyInAnyOrder("c1-t1", "c1-t2", "c2-t5");
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> stack.count("SELECT count(*) FROM curated.clicks_pay") >= expected.size());
    List<String> actual =
        stack.column(
            "SELECT clickstream_event_id || '-' || transactions_event_id FROM curated.clicks_pay");
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    QueryResult row =
        stack.sql(
            "SELECT clickstream_segment, transactions_amount, epoch_ms(event_time),"
                + " epoch_ms(transactions_event_time) FROM curated.clicks_pay"
                + " WHERE transactions_event_id = 't5'");
    assertThat(row.rows().get(0))
        .containsExactly("silver", 12.5, T.toEpochMilli() + 10 * MIN, T.toEpochMilli() + 15 * MIN);
  }

  // ----------------------------------------------------------------------------- enrichment

  @Test
  @Order(6)
  void unmatchedKeysGoToTheErrorZoneWhenTheSourceSaysSo() {
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> stack.count("SELECT count(*) FROM errors.records WHERE stage = 'enrich'") == 1);
    QueryResult r =
        stack.sql("SELECT id, source, reason FROM errors.records WHERE stage = 'enrich'");
    assertThat(r.rows().get(0).get(0)).isEqualTo("c404");
    assertThat(r.rows().get(0).get(1)).isEqualTo("clickstream");
    assertThat((String) r.rows().get(0).get(2))
        .startsWith("enrich: no reference row for key 'u404'");
    assertThat(stack.count("SELECT count(*) FROM curated.clickstream WHERE event_id = 'c404'"))
        .isZero();
  }

  @Test
  @Order(7)
  void referenceFileChangesArePickedUpWhileRunning() throws IOException {
    Path tmp = dir.resolve("devices.csv.tmp");
    Files.writeString(tmp, "device_id,model,floor\nd1,M2,2\nd2,M9,9\n");
    Files.move(tmp, dir.resolve("devices.csv"), StandardCopyOption.ATOMIC_MOVE);

    // Probe with fresh readings until one comes out with the new model.
    int[] probe = {0};
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(700))
        .until(
            () -> {
              int k = probe[0]++;
              Reading p =
                  new Reading("probe" + k, "d1", "s1", T.toEpochMilli() + 61 * MIN + k * 1000L, 20);
              stack.postNdjson("sensors", List.of(p.json()));
              return stack.count(
                      "SELECT count(*) FROM curated.sensors WHERE event_id LIKE 'probe%' AND model = 'M2'")
                  > 0;
            });

    List<String> after = new ArrayList<>();
    Map<String, String> expectedModel = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      String device = i % 2 == 0 ? "d1" : "d2";
      after.add(
          new Reading("after" + i, device, "s1", T.toEpochMilli() + 70 * MIN + i * 1000L, 21)
              .json());
      expectedModel.put("after" + i, device.equals("d1") ? "M2" : "M9");
    }
    assertThat(stack.postNdjson("sensors", after).status()).isEqualTo(202);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                stack.count("SELECT count(*) FROM curated.sensors WHERE event_id LIKE 'after%'")
                    == 6);
    QueryResult r =
        stack.sql(
            "SELECT event_id, model, floor FROM curated.sensors WHERE event_id LIKE 'after%'");
    for (List<Object> row : r.rows()) {
      String id = (String) row.get(0);
      assertThat(row.get(1)).as(id).isEqualTo(expectedModel.get(id));
      assertThat(row.get(2)).as(id).isEqualTo(expectedModel.get(id).equals("M2") ? 2L : 9L);
    }
  }
}
