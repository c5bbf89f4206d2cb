package io.lakestream.source.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.api.config.CdcSettings;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.cdc.RecordingSink.Received;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code postgres_cdc} source against a real PostgreSQL 15, changes made through psql. */
class PostgresCdcSourceIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer pg;

  @TempDir Path state;
  private final List<PostgresCdcSource> sources = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void closeSources() {
    sources.forEach(PostgresCdcSource::close);
  }

  @Test
  void snapshotThenStreamedInsertsUpdatesAndDeletes() throws Exception {
    String db = database();
    pg.psql(
        db,
        """
        CREATE TABLE public.orders (
          order_id int PRIMARY KEY, customer bigint NOT NULL, total numeric(12,2), note text,
          placed_at timestamptz, paid boolean, attrs jsonb, ratio double precision, measure numeric,
          day date, local_at timestamp, span interval, blob bytea, tags text[], ref uuid);
        ALTER TABLE public.orders REPLICA IDENTITY FULL;
        CREATE TABLE public.order_lines (
          order_id int, line int, sku text, qty int, PRIMARY KEY (order_id, line));
        INSERT INTO public.orders VALUES (1, 9000000000, 12.50, 'first',
          '2026-11-23 14:05:00.123456+00', true, '{"a": 1.10, "b": [1, 2]}', 0.25, 'NaN',
          '2026-11-23', '2026-11-23 14:05:00', '1 day 2 hours', '\\x010203', '{x,y}',
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
        INSERT INTO public.order_lines VALUES (1, 1, 'A-1', 2), (1, 2, 'B-7', 1);
        """);
    RecordingSink sink = new RecordingSink();
    SourceCounters counters = new SourceCounters("shop");
    PostgresCdcSource source =
        start(sink, counters, db, List.of("public.orders", "public.order_lines"), "initial");
    assertThat(source.endpoints())
        .containsExactly(
            "postgres_cdc postgres@127.0.0.1:"
                + pg.port()
                + "/"
                + db
                + " tables public.orders,public.order_lines slot "
                + db
                + "_slot");

    await().atMost(WAIT).until(() -> sink.received().size() >= 3);
    Received order = only(sink, "r", "public.orders", "1");
    JsonNode e = order.event();
    assertThat(e.get("id").asText()).startsWith("snapshot:public.orders:1:");
    assertThat(e.get("snapshot").asBoolean()).isTrue();
    assertThat(e.get("before").isNull()).isTrue();
    assertThat(e.get("key").toString()).isEqualTo("{\"order_id\":1}");
    assertThat(e.get("lsn").isIntegralNumber()).isTrue();
    assertThat(e.get("commit_time").asText()).endsWith("Z");
    String raw = new String(order.record().value(), java.nio.charset.StandardCharsets.UTF_8);
    // typed values: bigint and numeric as JSON numbers with every digit, jsonb embedded exactly
    assertThat(raw)
        .contains(
            "\"after\":{\"order_id\":1,\"customer\":9000000000,\"total\":12.50,\"note\":\"first\","
                + "\"placed_at\":\"2026-11-23T14:05:00.123456Z\",\"paid\":true,"
                + "\"attrs\":{\"a\":1.10,\"b\":[1,2]},\"ratio\":0.25,"
                // a numeric NaN cannot be carried by Debezium's precise decimals: null
                + "\"measure\":null,\"day\":\"2026-11-23\",\"local_at\":\"2026-11-23T14:05:00\","
                + "\"span\":\"P0Y0M1DT2H0M0S\",\"blob\":\"AQID\",\"tags\":[\"x\",\"y\"],"
                + "\"ref\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}");
    Received line = only(sink, "r", "public.order_lines", "{\"order_id\":1,\"line\":2}");
    assertThat(line.event().get("key").toString()).isEqualTo("{\"order_id\":1,\"line\":2}");
    assertThat(line.id()).startsWith("snapshot:public.order_lines:{\"order_id\":1,\"line\":2}:");
    long snapshotLsn = e.get("lsn").asLong();

    String txid =
        pg.psql(
            db,
            """
            INSERT INTO public.orders VALUES (2, 5, 99999999.99, 'second', now(), false, '{}', 1e300,
              123456789.123456789012345678901);
            UPDATE public.orders SET paid = true, total = 100.01 WHERE order_id = 2;
            DELETE FROM public.order_lines WHERE order_id = 1 AND line = 2;
            BEGIN;
            INSERT INTO public.order_lines VALUES (2, 1, 'C-3', 3);
            UPDATE public.order_lines SET qty = 4 WHERE order_id = 2 AND line = 1;
            SELECT txid_current();
            COMMIT;
            """);
    await().atMost(WAIT).until(() -> sink.received().size() >= 8);

    JsonNode insert = only(sink, "c", "public.orders", "2").event();
    assertThat(insert.get("snapshot").asBoolean()).isFalse();
    assertThat(insert.get("before").isNull()).isTrue();
    assertThat(insert.get("after").get("total").decimalValue()).isEqualByComparingTo("99999999.99");
    assertThat(insert.get("after").get("ratio").asDouble()).isEqualTo(1e300);
    assertThat(insert.get("lsn").asLong()).isGreaterThan(snapshotLsn);
    assertThat(insert.get("id").asText())
        .isEqualTo(insert.get("lsn").asLong() + ":public.orders:2");

    assertThat(rawOf(sink, "c", "public.orders", "2"))
        .contains("\"measure\":123456789.123456789012345678901,");
    JsonNode update = only(sink, "u", "public.orders", "2").event();
    assertThat(update.get("before").get("paid").asBoolean()).isFalse();
    assertThat(update.get("after").get("paid").asBoolean()).isTrue();
    assertThat(update.get("after").get("total").decimalValue()).isEqualByComparingTo("100.01");
    assertThat(update.get("lsn").asLong()).isGreaterThan(insert.get("lsn").asLong());
    assertThat(update.get("tx_id").asLong()).isNotEqualTo(insert.get("tx_id").asLong());

    JsonNode delete = only(sink, "d", "public.order_lines", "{\"order_id\":1,\"line\":2}").event();
    assertThat(delete.get("after").isNull()).isTrue();
    // default replica identity: the old row carries its key only
    assertThat(delete.get("before").get("line").asInt()).isEqualTo(2);
    assertThat(delete.get("before").get("sku").isNull()).isTrue();

    JsonNode txInsert =
        only(sink, "c", "public.order_lines", "{\"order_id\":2,\"line\":1}").event();
    JsonNode txUpdate =
        only(sink, "u", "public.order_lines", "{\"order_id\":2,\"line\":1}").event();
    assertThat(txInsert.get("tx_id").asText()).isEqualTo(txid);
    assertThat(txUpdate.get("tx_id").asText()).isEqualTo(txid);
    assertThat(txUpdate.get("commit_time").asText())
        .isEqualTo(txInsert.get("commit_time").asText());
    // one transaction, one row, two changes: distinct LSNs keep their ids apart
    assertThat(txUpdate.get("lsn").asLong()).isGreaterThan(txInsert.get("lsn").asLong());
    assertThat(txUpdate.get("id").asText()).isNotEqualTo(txInsert.get("id").asText());
    assertThat(txUpdate.get("before").isNull()).isTrue();
    assertThat(txUpdate.get("after").get("qty").asInt()).isEqualTo(4);

    assertThat(sink.received()).extracting(Received::id).doesNotHaveDuplicates();
    assertThat(counters.received()).isEqualTo(8);
    assertThat(counters.accepted()).isEqualTo(8);
  }

  @Test
  void offsetsAreCommittedOnlyForWhatTheSinkAcknowledged() throws Exception {
    String db = database();
    pg.psql(db, "CREATE TABLE public.items (id int PRIMARY KEY, v text);");
    List<String> tables = List.of("public.items");

    RecordingSink first = new RecordingSink();
    PostgresCdcSource a = start(first, new SourceCounters("items"), db, tables, "initial");
    pg.psql(db, "INSERT INTO public.items VALUES (1, 'acknowledged');");
    await().atMost(WAIT).until(() -> idsOf(first, "1").size() == 1);

    first.hold();
    pg.psql(
        db,
        "INSERT INTO public.items VALUES (2, 'held'); INSERT INTO public.items VALUES (3, 'held');");
    // Row 3 shares the held batch or waits behind it, depending on how the engine polled the
    // two transactions: either way it is not acknowledged.
    await().atMost(WAIT).until(() -> idsOf(first, "2").size() == 1);
    assertThat(first.heldCount()).isPositive();
    a.close();
    a.close(); // idempotent

    RecordingSink second = new RecordingSink();
    PostgresCdcSource b = start(second, new SourceCounters("items"), db, tables, "initial");
    pg.psql(db, "INSERT INTO public.items VALUES (4, 'after restart');");
    await().atMost(WAIT).until(() -> idsOf(second, "4").size() == 1);
    // the held changes come again, with the ids of their first delivery; the acknowledged one not
    assertThat(idsOf(second, "2")).isEqualTo(idsOf(first, "2"));
    assertThat(idsOf(second, "3")).hasSize(1);
    if (!idsOf(first, "3").isEmpty()) {
      assertThat(idsOf(second, "3")).isEqualTo(idsOf(first, "3"));
    }
    assertThat(idsOf(second, "1")).isEmpty();
    b.close();

    RecordingSink third = new RecordingSink();
    start(third, new SourceCounters("items"), db, tables, "initial");
    pg.psql(db, "INSERT INTO public.items VALUES (5, 'third run');");
    await().atMost(WAIT).until(() -> idsOf(third, "5").size() == 1);
    // everything before was acknowledged: at most the last batch comes again, with its ids
    for (Received r : third.received()) {
      if (!r.key().equals("5")) {
        assertThat(r.key()).isEqualTo("4");
        assertThat(r.id()).isEqualTo(idsOf(second, "4").get(0));
      }
    }
  }

  @Test
  void kafkaFailuresAreRetriedWithoutLosingOrSkipping() throws Exception {
    String db = database();
    pg.psql(db, "CREATE TABLE public.events (id bigint PRIMARY KEY, payload text);");
    RecordingSink sink = new RecordingSink();
    SourceCounters counters = new SourceCounters("events");
    start(sink, counters, db, List.of("public.events"), "never");
    sink.failNext(2);
    pg.psql(db, "INSERT INTO public.events VALUES (7, 'x');");
    await().atMost(WAIT).until(() -> counters.accepted() == 1);
    List<String> ids = idsOf(sink, "7");
    assertThat(ids).hasSize(3);
    assertThat(ids).containsOnly(ids.get(0));
    assertThat(counters.rejected()).isEqualTo(2);

    pg.psql(db, "INSERT INTO public.events VALUES (8, 'y');");
    await().atMost(WAIT).until(() -> counters.accepted() == 2);
    assertThat(idsOf(sink, "8")).hasSize(1);
  }

  @Test
  void resumesAfterTheServerDropsTheReplicationConnection() throws Exception {
    String db = database();
    pg.psql(db, "CREATE TABLE public.t (id int PRIMARY KEY);");
    RecordingSink sink = new RecordingSink();
    start(sink, new SourceCounters("t"), db, List.of("public.t"), "never");
    pg.psql(db, "INSERT INTO public.t VALUES (1);");
    await().atMost(WAIT).until(() -> idsOf(sink, "1").size() == 1);

    String killed =
        pg.psql(
            "postgres",
            "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                + " WHERE slot_name = '"
                + db
                + "_slot' AND active;");
    assertThat(killed).isEqualTo("t");
    pg.psql(db, "INSERT INTO public.t VALUES (2); INSERT INTO public.t VALUES (3);");
    await().atMost(WAIT).until(() -> idsOf(sink, "3").size() >= 1);
    assertThat(idsOf(sink, "2")).isNotEmpty().containsOnly(idsOf(sink, "2").get(0));
    assertThat(idsOf(sink, "1")).hasSize(1);
  }

  @Test
  void snapshotNeverStreamsOnlyNewChanges() throws Exception {
    String db = database();
    pg.psql(db, "CREATE TABLE public.t (id int PRIMARY KEY); INSERT INTO public.t VALUES (1);");
    RecordingSink sink = new RecordingSink();
    start(sink, new SourceCounters("t"), db, List.of("public.t"), "never");
    pg.psql(db, "INSERT INTO public.t VALUES (2);");
    await().atMost(WAIT).until(() -> !sink.received().isEmpty());
    assertThat(sink.received()).extracting(Received::key).containsExactly("2");
  }

  @Test
  void unreachableServerIsReportedWithWhatToCheck() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresCdcSource source =
        PostgresCdcSource.create(
            Sources.config(
                "shop",
                Sources.settings(
                    "127.0.0.1", port, "shop", "postgres", List.of("public.orders"), "initial")),
            new RecordingSink(),
            new SourceCounters("shop"),
            state,
            Sources.fast());
    sources.add(source);
    assertThatThrownBy(source::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot connect to PostgreSQL at 127.0.0.1:" + port)
        .hasMessageContaining("Is it running and listening there?")
        .hasMessageContaining("sources.shop.postgres_cdc.host");
  }

  @Test
  void walLevelReplicaIsReportedWithTheFix() throws Exception {
    try (PostgresServer replica = PostgresServer.start("replica")) {
      replica.psql("postgres", "CREATE TABLE public.t (id int PRIMARY KEY);");
      PostgresCdcSource source =
          PostgresCdcSource.create(
              Sources.config(
                  "shop",
                  Sources.settings(
                      "127.0.0.1",
                      replica.port(),
                      "postgres",
                      "postgres",
                      List.of("public.t"),
                      "initial")),
              new RecordingSink(),
              new SourceCounters("shop"),
              state,
              Sources.fast());
      sources.add(source);
      assertThatThrownBy(source::start)
          .hasMessageContaining("wal_level=replica")
          .hasMessageContaining("ALTER SYSTEM SET wal_level = logical;")
          .hasMessageContaining("restart PostgreSQL");
    }
  }

  @Test
  void missingRightsTablesAndKeysAreReportedTogether() throws Exception {
    String db = database();
    pg.psql(
        db,
        """
        CREATE ROLE app LOGIN;
        CREATE TABLE public.nokey (a int, b text);
        CREATE TABLE public.secret (id int PRIMARY KEY);
        """);
    PostgresCdcSource source =
        PostgresCdcSource.create(
            Sources.config(
                "shop",
                Sources.settings(
                    "127.0.0.1",
                    pg.port(),
                    db,
                    "app",
                    List.of("public.nokey", "public.missing", "public.secret"),
                    "initial")),
            new RecordingSink(),
            new SourceCounters("shop"),
            state,
            Sources.fast());
    sources.add(source);
    assertThatThrownBy(source::start)
        .hasMessageContaining("user app may not stream changes")
        .hasMessageContaining("ALTER ROLE app WITH REPLICATION;")
        .hasMessageContaining("table public.nokey has no primary key")
        .hasMessageContaining("table public.missing does not exist")
        .hasMessageContaining("GRANT SELECT ON public.secret TO app;");
  }

  @Test
  void insertToSinkLatency() throws Exception {
    String db = database();
    pg.psql(db, "CREATE TABLE public.lat (id int PRIMARY KEY, at timestamptz NOT NULL);");
    RecordingSink sink = new RecordingSink();
    start(sink, new SourceCounters("lat"), db, List.of("public.lat"), "never");
    List<Double> millis = new ArrayList<>();
    try (Connection c = pg.connect(db);
        PreparedStatement insert = c.prepareStatement("INSERT INTO public.lat VALUES (?, now())")) {
      c.setAutoCommit(true);
      for (int i = 1; i <= 220; i++) {
        insert.setInt(1, i);
        long before = System.nanoTime();
        insert.executeUpdate();
        Received r = sink.queue().poll(30, TimeUnit.SECONDS);
        assertThat(r).as("change of row %d", i).isNotNull();
        assertThat(r.key()).isEqualTo(Integer.toString(i));
        if (i > 20) { // the first ones warm up the JIT
          millis.add((r.nanos() - before) / 1e6);
        }
      }
    }
    Collections.sort(millis);
    double p50 = millis.get(millis.size() / 2);
    double p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
    System.out.printf(
        "postgres_cdc insert->sink latency over %d inserts: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        millis.size(), p50, p99, millis.get(millis.size() - 1));
    assertThat(p50).isLessThan(500);
  }

  private PostgresCdcSource start(
      RecordingSink sink, SourceCounters counters, String db, List<String> tables, String snapshot)
      throws Exception {
    CdcSettings settings =
        Sources.settings("127.0.0.1", pg.port(), db, "postgres", tables, snapshot);
    PostgresCdcSource source =
        PostgresCdcSource.create(
            Sources.config(counters.source(), settings), sink, counters, state, Sources.fast());
    sources.add(source);
    source.start();
    return source;
  }

  private static String database() throws Exception {
    return pg.createDatabase("cdc" + DATABASES.incrementAndGet());
  }

  private static Received only(RecordingSink sink, String op, String table, String key) {
    List<Received> matches =
        sink.received().stream()
            .filter(r -> r.event().get("op").asText().equals(op))
            .filter(r -> r.event().get("table").asText().equals(table))
            .filter(r -> r.key().equals(key))
            .toList();
    assertThat(matches).as("%s %s key %s in %s", op, table, key, sink.events()).hasSize(1);
    return matches.get(0);
  }

  private static String rawOf(RecordingSink sink, String op, String table, String key) {
    return new String(
        only(sink, op, table, key).record().value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<String> idsOf(RecordingSink sink, String key) {
    return sink.received().stream().filter(r -> r.key().equals(key)).map(Received::id).toList();
  }
}
