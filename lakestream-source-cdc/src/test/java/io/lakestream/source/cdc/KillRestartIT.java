package io.lakestream.source.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the process running the source (SIGKILL: no shutdown hook, no final offset flush) while
 * changes stream, restarts it, and checks that every change arrived and that copies delivered twice
 * carry identical ids and bytes. The child's sink acknowledges 300 ms after writing, as Kafka
 * acknowledges a little after the data is there, so kills hit that window.
 */
class KillRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static PostgresServer pg;

  @TempDir Path dir;

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

  @Test
  void killedBetweenChangesLosesNothingAndRepeatsOnlyWithTheSameIds() throws Exception {
    String db = pg.createDatabase("killed");
    StringBuilder setup =
        new StringBuilder(
            "CREATE TABLE public.kv (id int PRIMARY KEY, v int NOT NULL);"
                + " ALTER TABLE public.kv REPLICA IDENTITY FULL;\n");
    for (int i = 1; i <= 20; i++) {
      setup.append("INSERT INTO public.kv VALUES (").append(i).append(", 0);\n");
    }
    pg.psql(db, setup.toString());
    Path out = dir.resolve("delivered.tsv");
    Files.createFile(out);

    Process first = launch(out, 1);
    await().atMost(WAIT).until(() -> lines(out) >= 20);
    // 100 single-row transactions; the process dies while they stream
    CompletableFuture<String> inserts =
        psqlAsync(db, statements("INSERT INTO public.kv VALUES (%d, 1);", 100, 199));
    await().atMost(WAIT).until(() -> lines(out) >= 45);
    kill(first);
    inserts.get(60, TimeUnit.SECONDS);

    Process second = launch(out, 2);
    await().atMost(WAIT).until(() -> keys(out, "c").containsAll(range(100, 199)));
    CompletableFuture<String> changes =
        psqlAsync(
            db,
            statements("UPDATE public.kv SET v = v + 1 WHERE id = %d;", 100, 149)
                + statements("DELETE FROM public.kv WHERE id = %d;", 150, 159));
    await().atMost(WAIT).until(() -> keys(out, "u").size() >= 10);
    kill(second);
    changes.get(60, TimeUnit.SECONDS);

    Process third = launch(out, 3);
    pg.psql(db, "INSERT INTO public.kv VALUES (999, 9);");
    await().atMost(WAIT).until(() -> keys(out, "c").contains(999));
    kill(third);

    // every change is there
    assertThat(keys(out, "r")).containsAll(range(1, 20));
    assertThat(keys(out, "c")).containsAll(range(100, 199)).contains(999);
    assertThat(keys(out, "u")).containsAll(range(100, 149));
    assertThat(keys(out, "d")).containsAll(range(150, 159));

    // each change once after dedup by id, and every copy identical to the first
    Map<String, String> byId = new HashMap<>();
    int copies = 0;
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      String id = line.substring(0, line.indexOf('\t'));
      String previous = byId.putIfAbsent(id, line);
      if (previous != null) {
        copies++;
        assertThat(line).as("second copy of %s", id).isEqualTo(previous);
      }
    }
    assertThat(byId).hasSize(20 + 100 + 50 + 10 + 1);
    // the kills landed between a write and its acknowledgement at least once: that batch came again
    assertThat(copies).as("changes delivered twice").isPositive();
    System.out.printf(
        "postgres_cdc kill/restart: %d distinct changes, %d delivered twice (same ids)%n",
        byId.size(), copies);
  }

  private Process launch(Path out, int n) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            CdcChild.class.getName(),
            pg.host(),
            Integer.toString(pg.port()),
            "killed",
            "public.kv",
            dir.resolve("state").toString(),
            out.toString(),
            "300")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child-" + n + ".log").toFile())
        .start();
  }

  private void kill(Process p) throws InterruptedException {
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private CompletableFuture<String> psqlAsync(String db, String sql) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return pg.psql(db, sql);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static String statements(String template, int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i <= to; i++) {
      b.append(String.format(template, i)).append('\n');
    }
    return b.toString();
  }

  private static Set<Integer> range(int from, int to) {
    Set<Integer> s = new HashSet<>();
    for (int i = from; i <= to; i++) {
      s.add(i);
    }
    return s;
  }

  private static long lines(Path out) throws IOException {
    return Files.readAllLines(out, StandardCharsets.UTF_8).size();
  }

  /** Primary keys of the delivered events with this op. */
  private static Set<Integer> keys(Path out, String op) throws IOException {
    Set<Integer> keys = new HashSet<>();
    for (JsonNode e : events(out).values()) {
      if (e.get("op").asText().equals(op)) {
        keys.add(e.get("key").get("id").asInt());
      }
    }
    return keys;
  }

  private static Map<String, JsonNode> events(Path out) throws IOException {
    Map<String, JsonNode> events = new TreeMap<>();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    for (String line : lines) {
      int tab = line.indexOf('\t');
      if (tab < 0 || !line.endsWith("}")) {
        continue; // a line being written right now
      }
      events.put(line.substring(0, tab), RecordingSink.JSON.readTree(line.substring(tab + 1)));
    }
    return events;
  }
}
