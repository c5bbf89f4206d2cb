package io.lakestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineLoader;
import io.lakestream.api.transform.EventTransform;
import io.lakestream.jobs.transform.PluginJars;
import io.lakestream.lake.QueryResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom Java transforms through the whole running pipeline: a plugin jar compiled and packaged at
 * test time, named under {@code plugins:}, with three transforms on the {@code app_logs} source —
 * one that rewrites {@code message} and adds two declared columns, one that drops events by an
 * option, one that throws for some events — and events posted over HTTP and read back from the
 * lake.
 *
 * <p>The chain runs in the order {@code mask_emails}, {@code drop_level}, {@code fail_on}, so an
 * event that is both DEBUG and poisoned is dropped without {@code fail_on} ever seeing it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaTransformIT {

  static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

  /** The transforms of the plugin jar, written as a user would write them. */
  static final String MASK_EMAILS =
      """
      package acme.logs;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;
      import java.util.regex.Pattern;

      public final class MaskEmails implements EventTransform {
        private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)+");
        private String field;

        @Override public String name() { return "mask_emails"; }

        @Override public Map<String, String> addedFields(Map<String, String> options) {
          return Map.of("masked", "boolean", "email_count", "long");
        }

        @Override public void open(Map<String, String> options) {
          field = options.getOrDefault("field", "message");
        }

        @Override public boolean apply(Map<String, Object> event) {
          long count = 0;
          if (event.get(field) instanceof String text) {
            count = EMAIL.matcher(text).results().count();
            event.put(field, EMAIL.matcher(text).replaceAll("<email>"));
          }
          event.put("masked", count > 0);
          event.put("email_count", count);
          return true;
        }
      }
      """;

  static final String DROP_LEVEL =
      """
      package acme.logs;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;

      public final class DropLevel implements EventTransform {
        private String level;

        @Override public String name() { return "drop_level"; }

        @Override public void open(Map<String, String> options) {
          level = options.get("level");
          if (level == null) {
            throw new IllegalArgumentException("option 'level' is required");
          }
        }

        @Override public boolean apply(Map<String, Object> event) {
          return !level.equals(event.get("level"));
        }
      }
      """;

  static final String FAIL_ON =
      """
      package acme.logs;

      import io.lakestream.api.transform.EventTransform;
      import java.util.Map;

      public final class FailOn implements EventTransform {
        private String marker;

        @Override public String name() { return "fail_on"; }

        @Override public void open(Map<String, String> options) {
          marker = options.getOrDefault("marker", "POISON");
        }

        @Override public boolean apply(Map<String, Object> event) {
          if (event.get("message") instanceof String text && text.contains(marker)) {
            throw new IllegalStateException(
                "message of " + event.get("id") + " contains " + marker);
          }
          return true;
        }
      }
      """;

  @TempDir static Path dir;

  private Path schema;
  private TestStack stack;

  /** What the pipeline must do with an event. */
  enum Fate {
    CURATED,
    DROPPED,
    FAILED
  }

  /**
   * One posted log line and what must become of it.
   *
   * @param curatedMessage the message as the curated table holds it, for {@link Fate#CURATED}
   * @param masked the added {@code masked} column, for {@link Fate#CURATED}
   * @param emails the added {@code email_count} column, for {@link Fate#CURATED}
   */
  record Line(
      String id,
      String level,
      String message,
      Fate fate,
      String curatedMessage,
      boolean masked,
      long emails) {

    String json() {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("id", id);
      event.put("ts", T.plusSeconds(Integer.parseInt(id.substring(1))).toString());
      event.put("service", "checkout-api");
      event.put("level", level);
      event.put("message", message);
      try {
        return TestStack.JSON.writeValueAsString(event);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Line kept(
      String id, String level, String message, String curated, boolean masked, long emails) {
    return new Line(id, level, message, Fate.CURATED, curated, masked, emails);
  }

  private static Line dropped(String id, String message) {
    return new Line(id, "DEBUG", message, Fate.DROPPED, null, false, 0);
  }

  private static Line failed(String id, String level, String message) {
    return new Line(id, level, message, Fate.FAILED, null, false, 0);
  }

  /** Posted in this order; event times rise with the number, so nothing is late. */
  private final List<Line> lines =
      List.of(
          kept("l01", "INFO", "order 17 placed", "order 17 placed", false, 0),
          kept(
              "l02",
              "INFO",
              "password reset mail sent to alice@example.com",
              "password reset mail sent to <email>",
              true,
              1),
          dropped("l03", "cache miss for bob@example.org"),
          failed("l04", "ERROR", "POISON payload from carol@example.net"),
          kept(
              "l05",
              "WARN",
              "dan.d+shop@mail.example.co.uk forwarded to eve@example.com",
              "<email> forwarded to <email>",
              true,
              2),
          // Dropped by drop_level before fail_on, which would have thrown, can run.
          dropped("l06", "POISON seen in debug output"),
          kept("l07", "TRACE", "entering checkout", "entering checkout", false, 0),
          failed("l08", "INFO", "retrying POISON message"),
          kept(
              "l09",
              "FATAL",
              "out of stock: sku-9 (ops@example.com)",
              "out of stock: sku-9 (<email>)",
              true,
              1),
          dropped("l10", "span closed"),
          kept("l11", "ERROR", "payment declined", "payment declined", false, 0));

  @BeforeAll
  void start() throws IOException {
    Files.createDirectories(dir.resolve("plugins"));
    Path built = buildPluginJar(dir);
    Files.move(built, dir.resolve("plugins/log-transforms.jar"));
    schema = Path.of("../examples/iot/schemas/app-log.schema.json").toAbsolutePath().normalize();

    Path data = dir.resolve("data");
    PipelineConfig cfg = load(dir, "java-transform-it", "mask_emails", data);
    stack = TestStack.start(cfg, data);

    TestStack.Answer answer = stack.postNdjson("app_logs", lines.stream().map(Line::json).toList());
    assertThat(answer.status()).as(answer.raw().body()).isEqualTo(202);

    long curated = lines.stream().filter(l -> l.fate() == Fate.CURATED).count();
    long failed = lines.stream().filter(l -> l.fate() == Fate.FAILED).count();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        List.of(
                            stack.count("SELECT count(*) FROM raw.app_logs"),
                            stack.count("SELECT count(*) FROM curated.app_logs"),
                            stack.count("SELECT count(*) FROM errors.records")))
                    .as("rows in raw.app_logs, curated.app_logs, errors.records")
                    .containsExactly((long) lines.size(), curated, failed));
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A jar holding the three transforms, listed in its services file. */
  private static Path buildPluginJar(Path where) {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("acme.logs.MaskEmails", MASK_EMAILS);
    sources.put("acme.logs.DropLevel", DROP_LEVEL);
    sources.put("acme.logs.FailOn", FAIL_ON);
    return PluginJars.build(
        where,
        sources,
        Map.of(EventTransform.class.getName(), String.join("\n", sources.keySet()) + "\n"));
  }

  /**
   * Writes the pipeline file into {@code folder} (whose {@code plugins/} holds the jar) and loads
   * it; {@code maskName} is the name the first {@code java_transforms:} entry uses.
   */
  private PipelineConfig load(Path folder, String pipeline, String maskName, Path data)
      throws IOException {
    String yaml =
        """
        pipeline: PIPELINE
        checkpoint_interval: 1s
        parallelism: 1
        kafka: {partitions: 1}
        gateway: {port: 0}
        plugins: [plugins/log-transforms.jar]
        sources:
          app_logs:
            type: http
            schema: SCHEMA
            key: service
            event_time: {field: ts}
            java_transforms:
              - name: MASK
                options: {field: message}
              - name: drop_level
                options: {level: DEBUG}
              - name: fail_on
                options: {marker: POISON}
        """
            .replace("PIPELINE", pipeline)
            .replace("SCHEMA", schema.toString())
            .replace("MASK", maskName);
    Path file = folder.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return PipelineLoader.load(file, Map.of("data_dir", data.toString()));
  }

  private Set<String> ids(Fate fate) {
    return lines.stream()
        .filter(l -> l.fate() == fate)
        .map(Line::id)
        .collect(Collectors.toCollection(HashSet::new));
  }

  private Line line(String id) {
    return lines.stream().filter(l -> l.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void curatedTableHoldsTheTransformedMessageAndTheAddedColumns() {
    QueryResult r =
        stack.sql("SELECT event_id, level, message, masked, email_count FROM curated.app_logs");
    Map<String, List<Object>> byId = new TreeMap<>();
    for (List<Object> row : r.rows()) {
      assertThat(byId.put((String) row.get(0), row.subList(1, row.size())))
          .as("copies of %s", row.get(0))
          .isNull();
    }
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(ids(Fate.CURATED));
    byId.forEach(
        (id, row) -> {
          Line l = line(id);
          assertThat(row.get(0)).as(id + " level").isEqualTo(l.level());
          assertThat(row.get(1)).as(id + " message").isEqualTo(l.curatedMessage());
          assertThat(row.get(2)).as(id + " masked").isEqualTo(l.masked());
          assertThat(row.get(3)).as(id + " email_count").isEqualTo(l.emails());
        });
    // No address is left in any curated message.
    assertThat(byId.values())
        .allSatisfy(row -> assertThat((String) row.get(1)).doesNotContain("@"));

    QueryResult types =
        stack.sql(
            "SELECT typeof(masked), typeof(email_count), typeof(message)"
                + " FROM curated.app_logs WHERE event_id = 'l02'");
    assertThat(types.rows().get(0)).containsExactly("BOOLEAN", "BIGINT", "VARCHAR");
  }

  @Test
  void droppedEventsAreOnlyInTheRawZone() {
    Set<String> dropped = ids(Fate.DROPPED);
    String in = dropped.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
    assertThat(stack.count("SELECT count(*) FROM curated.app_logs WHERE event_id IN (" + in + ")"))
        .isZero();
    assertThat(stack.count("SELECT count(*) FROM errors.records WHERE id IN (" + in + ")"))
        .as("a dropped event is not an error, even one fail_on would have failed")
        .isZero();
    assertThat(stack.column("SELECT id FROM raw.app_logs WHERE id IN (" + in + ")"))
        .containsExactlyInAnyOrderElementsOf(dropped);
    // The raw zone holds the event as accepted, before any transform: the address is still there.
    assertThat(stack.column("SELECT payload FROM raw.app_logs WHERE id = 'l03'"))
        .singleElement()
        .asString()
        .contains("bob@example.org")
        .doesNotContain("<email>")
        .doesNotContain("masked");
  }

  @Test
  void failingEventsGoToTheErrorZoneWithTheTransformAndTheirOriginalText() {
    QueryResult r =
        stack.sql(
            "SELECT id, source, stage, reason, original_text FROM errors.records ORDER BY id");
    List<List<Object>> expected = new ArrayList<>();
    for (Line l : lines) {
      if (l.fate() == Fate.FAILED) {
        expected.add(
            List.of(
                l.id(),
                "app_logs",
                "transform",
                "transform fail_on: IllegalStateException: message of "
                    + l.id()
                    + " contains POISON",
                l.json()));
      }
    }
    assertThat(r.rows()).containsExactlyElementsOf(expected);
    // The original text is what was posted, not what mask_emails made of it.
    assertThat(stack.column("SELECT original_text FROM errors.records WHERE id = 'l04'"))
        .singleElement()
        .asString()
        .contains("carol@example.net");
    // The raw zone keeps what was accepted, failing events included.
    assertThat(stack.count("SELECT count(*) FROM raw.app_logs WHERE id IN ('l04', 'l08')"))
        .isEqualTo(2);
  }

  @Test
  void everyPostedEventIsAccountedFor() {
    Set<String> posted = lines.stream().map(Line::id).collect(Collectors.toSet());
    Set<String> raw = new HashSet<>(stack.column("SELECT id FROM raw.app_logs"));
    Set<String> curated = new HashSet<>(stack.column("SELECT event_id FROM curated.app_logs"));
    Set<String> failed =
        new HashSet<>(stack.column("SELECT id FROM errors.records WHERE stage = 'transform'"));
    // Dropped events leave no trace but their raw row.
    Set<String> dropped = new HashSet<>(raw);
    dropped.removeAll(curated);
    dropped.removeAll(failed);

    assertThat(raw).isEqualTo(posted);
    assertThat(curated).isEqualTo(ids(Fate.CURATED));
    assertThat(failed).isEqualTo(ids(Fate.FAILED));
    assertThat(dropped).isEqualTo(ids(Fate.DROPPED));
    assertThat(curated).doesNotContainAnyElementsOf(failed);
    Set<String> all = new HashSet<>(curated);
    all.addAll(failed);
    all.addAll(dropped);
    assertThat(all).isEqualTo(posted);
    assertThat(stack.count("SELECT count(*) FROM errors.records"))
        .as("no event was rejected for any other reason")
        .isEqualTo(failed.size());
  }

  @Test
  void aTransformNameNotInTheJarStopsTheStartAndListsTheAvailableNames(@TempDir Path other)
      throws IOException {
    Files.createDirectories(other.resolve("plugins"));
    Files.copy(
        dir.resolve("plugins/log-transforms.jar"), other.resolve("plugins/log-transforms.jar"));
    Path data = other.resolve("data");
    PipelineConfig cfg = load(other, "java-transform-misspelt", "mask_email", data);
    String jar = cfg.plugins().get(0);
    assertThat(jar).endsWith("log-transforms.jar");

    assertThatThrownBy(() -> TestStack.start(cfg, data).close())
        .hasMessageContaining("sources.app_logs")
        .hasMessageContaining(
            "no Java transform named 'mask_email' in "
                + jar
                + "; available: drop_level, fail_on, mask_emails");
  }
}
