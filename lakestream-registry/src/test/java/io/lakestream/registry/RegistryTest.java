package io.lakestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.registry.compat.CompatibilityLevel;
import io.lakestream.registry.compat.Incompatibility;
import io.lakestream.registry.compat.InvalidSchemaException;
import io.lakestream.registry.compat.SchemaType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryTest {

  static final String QTY_INT = obj("\"qty\":{\"type\":\"integer\"}");
  static final String QTY_INT_SPACED =
      "{ \"type\" : \"object\",\n  \"properties\" : { \"qty\" : { \"type\" : \"integer\" } } }";
  static final String QTY_NUMBER = obj("\"qty\":{\"type\":\"number\"}");
  static final String QTY_STRING = obj("\"qty\":{\"type\":\"string\"}");
  static final String EMPTY = obj("");
  static final String NOTE_STRING =
      obj("\"qty\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}");
  static final String NOTE_INTEGER =
      obj("\"qty\":{\"type\":\"integer\"},\"note\":{\"type\":\"integer\"}");
  static final String AVRO_V1 =
      "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"qty\",\"type\":\"int\"}]}";
  static final String AVRO_V1_SPACED =
      "{ \"type\": \"record\", \"name\": \"Order\",\n"
          + " \"fields\": [ { \"name\": \"qty\", \"type\": \"int\" } ] }";

  static String obj(String properties) {
    return "{\"type\":\"object\",\"properties\":{" + properties + "}}";
  }

  private final List<Registry> opened = new ArrayList<>();
  private final InMemorySchemaLog log = new InMemorySchemaLog();

  @AfterEach
  void closeAll() {
    opened.forEach(Registry::close);
  }

  private Registry open(SchemaLog schemaLog) {
    Registry registry = Registry.open(schemaLog);
    opened.add(registry);
    return registry;
  }

  @Test
  void idsAndVersionsFollowTheRules() {
    Registry r = open(log);

    RegisteredSchema a1 = r.register("a", SchemaType.JSON, QTY_INT);
    RegisteredSchema b1 = r.register("b", SchemaType.JSON, QTY_INT_SPACED);
    RegisteredSchema a2 = r.register("a", SchemaType.JSON, NOTE_STRING);
    RegisteredSchema c1 = r.register("c", SchemaType.AVRO, AVRO_V1);

    assertThat(a1).isEqualTo(new RegisteredSchema("a", 1, 1, SchemaType.JSON, QTY_INT, false));
    // The identical schema under another subject reuses the id; the text is the first one's.
    assertThat(b1).isEqualTo(new RegisteredSchema("b", 1, 1, SchemaType.JSON, QTY_INT, false));
    assertThat(a2.version()).isEqualTo(2);
    assertThat(a2.id()).isEqualTo(2);
    assertThat(c1.id()).isEqualTo(3);
    assertThat(c1.version()).isEqualTo(1);
    assertThat(r.subjects(false)).containsExactly("a", "b", "c");
    assertThat(r.byId(1)).contains(a1);
    assertThat(r.usages(1, false)).containsExactly(a1, b1);
    assertThat(r.latest("a")).contains(a2);
    assertThat(r.version("a", 1)).contains(a1);
    assertThat(a2.parsed().type()).isEqualTo(SchemaType.JSON);
    assertThat(a2.parsed()).isSameAs(a2.parsed());
  }

  @Test
  void identicalSchemaReturnsTheExistingVersionWithoutAppending() {
    Registry r = open(log);
    RegisteredSchema first = r.register("a", SchemaType.JSON, QTY_INT);
    RegisteredSchema avro = r.register("o", SchemaType.AVRO, AVRO_V1);
    int records = log.size();

    assertThat(r.register("a", SchemaType.JSON, QTY_INT_SPACED)).isEqualTo(first);
    assertThat(r.register("o", SchemaType.AVRO, AVRO_V1_SPACED)).isEqualTo(avro);
    assertThat(log.size()).isEqualTo(records);
    assertThat(r.versions("a", true)).hasSize(1);
    assertThat(r.lookup("a", SchemaType.JSON, QTY_INT_SPACED)).contains(first);
    assertThat(r.lookup("a", SchemaType.JSON, QTY_NUMBER)).isEmpty();
  }

  @Test
  void incompatibleAndInvalidSchemasAreRefusedWithoutAppending() {
    Registry r = open(log);
    r.register("a", SchemaType.JSON, QTY_INT);
    int records = log.size();

    assertThatThrownBy(() -> r.register("a", SchemaType.JSON, QTY_STRING))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.incompatibilities())
                  .extracting(
                      Incompatibility::path, Incompatibility::oldType, Incompatibility::newType)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple("/properties/qty", "integer", "string"));
              assertThat(e.getMessage())
                  .startsWith(
                      "Schema being registered is incompatible with an earlier schema for subject \"a\"")
                  .contains("/properties/qty");
            });
    assertThatThrownBy(() -> r.register("a", SchemaType.JSON, "{\"type\":"))
        .isInstanceOf(InvalidSchemaException.class);
    assertThatThrownBy(() -> r.register("a", SchemaType.AVRO, QTY_INT))
        .isInstanceOf(InvalidSchemaException.class);
    assertThat(log.size()).isEqualTo(records);
    assertThat(r.versions("a", true)).hasSize(1);
  }

  @Test
  void invalidSubjectNamesAreRefused() {
    Registry r = open(log);
    for (String bad : List.of("", "x".repeat(256), "a\nb", "tab\there")) {
      assertThatThrownBy(() -> r.register(bad, SchemaType.JSON, QTY_INT))
          .isInstanceOfSatisfying(
              RegistryException.class,
              e -> {
                assertThat(e.httpStatus()).isEqualTo(422);
                assertThat(e.getMessage()).contains("subject");
              });
    }
    assertThat(r.register("x".repeat(255), SchemaType.JSON, QTY_INT).version()).isEqualTo(1);
    assertThat(log.size()).isEqualTo(1);
  }

  @Test
  void softAndPermanentDeletesFollowConfluentRulesAndVersionsAreNeverReused() {
    Registry r = open(log);
    RegisteredSchema v1 = r.register("a", SchemaType.JSON, QTY_INT);
    RegisteredSchema v2 = r.register("a", SchemaType.JSON, NOTE_STRING);

    assertThatThrownBy(() -> r.deleteVersion("a", 2, true))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(40407);
              assertThat(e.getMessage()).contains("soft-delete");
            });
    assertThat(r.deleteVersion("a", 2, false)).isEqualTo(2);
    assertThatThrownBy(() -> r.deleteVersion("a", 2, false))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40406));
    assertThat(r.version("a", 2)).isEmpty();
    assertThat(r.version("a", 2, true)).contains(v2.withDeleted(true));
    assertThat(r.latest("a")).contains(v1);
    // Soft-deleted schemas stay fetchable by id.
    assertThat(r.byId(v2.id())).contains(v2.withDeleted(true));

    assertThat(r.deleteVersion("a", 2, true)).isEqualTo(2);
    assertThat(r.version("a", 2, true)).isEmpty();
    assertThat(r.byId(v2.id())).isEmpty();
    assertThatThrownBy(() -> r.deleteVersion("a", 2, false))
        .isInstanceOf(VersionNotFoundException.class);
    assertThatThrownBy(() -> r.deleteVersion("nope", 1, false))
        .isInstanceOf(SubjectNotFoundException.class);

    // Versions are never reused; an identical schema gets its old id back.
    RegisteredSchema again = r.register("a", SchemaType.JSON, NOTE_STRING);
    assertThat(again.version()).isEqualTo(3);
    assertThat(again.id()).isEqualTo(v2.id());

    // Subject deletes: a schema still used elsewhere stays fetchable by id.
    r.register("b", SchemaType.JSON, QTY_INT);
    assertThatThrownBy(() -> r.deleteSubject("a", true))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40405));
    assertThat(r.deleteSubject("a", false)).containsExactly(1, 3);
    assertThatThrownBy(() -> r.deleteSubject("a", false))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40404));
    assertThat(r.subjects(false)).containsExactly("b");
    assertThat(r.subjects(true)).containsExactly("a", "b");
    assertThat(r.latest("a")).isEmpty();
    assertThat(r.deleteSubject("a", true)).containsExactly(1, 3);
    assertThat(r.subjects(true)).containsExactly("b");
    assertThat(r.byId(v1.id())).map(RegisteredSchema::subject).contains("b");
    assertThat(r.byId(v2.id())).isEmpty();
    assertThatThrownBy(() -> r.deleteSubject("a", false))
        .isInstanceOf(SubjectNotFoundException.class);

    assertThat(r.register("a", SchemaType.JSON, QTY_STRING).version()).isEqualTo(4);
  }

  @Test
  void configPrecedenceAndTransitiveLevels() {
    Registry r = open(log);
    assertThat(r.compatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(r.compatibility("a")).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(r.subjectCompatibility("a")).isEmpty();

    r.register("a", SchemaType.JSON, QTY_INT);
    r.register("a", SchemaType.JSON, EMPTY);
    // Compatible with the latest (BACKWARD), not with version 1 (BACKWARD_TRANSITIVE).
    assertThat(r.testCompatibility("a", null, SchemaType.JSON, QTY_STRING)).isEmpty();
    assertThat(r.testCompatibility("a", 1, SchemaType.JSON, QTY_STRING)).isNotEmpty();

    assertThat(r.setCompatibility("a", CompatibilityLevel.BACKWARD_TRANSITIVE))
        .isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(r.testCompatibility("a", null, SchemaType.JSON, QTY_STRING))
        .extracting(Incompatibility::path)
        .containsExactly("/properties/qty");
    assertThat(r.testCompatibility("a", 2, SchemaType.JSON, QTY_STRING)).isEmpty();
    assertThatThrownBy(() -> r.register("a", SchemaType.JSON, QTY_STRING))
        .isInstanceOf(IncompatibleSchemaException.class);
    assertThatThrownBy(() -> r.testCompatibility("a", 7, SchemaType.JSON, QTY_STRING))
        .isInstanceOf(VersionNotFoundException.class);
    assertThatThrownBy(() -> r.testCompatibility("zz", 1, SchemaType.JSON, QTY_STRING))
        .isInstanceOf(SubjectNotFoundException.class);

    r.setCompatibility(null, CompatibilityLevel.NONE);
    assertThat(r.compatibility(null)).isEqualTo(CompatibilityLevel.NONE);
    assertThat(r.compatibility("a")).isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(r.compatibility("other")).isEqualTo(CompatibilityLevel.NONE);

    assertThat(r.deleteCompatibility("a")).isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(r.subjectCompatibility("a")).isEmpty();
    assertThat(r.compatibility("a")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(r.register("a", SchemaType.JSON, QTY_STRING).version()).isEqualTo(3);
    assertThatThrownBy(() -> r.deleteCompatibility("a"))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40408));
  }

  @Test
  void twoInstancesOverOneLogReachTheSameStateAndAReplayReproducesIt() {
    Registry one = open(log);
    Registry two = open(log);

    one.register("a", SchemaType.JSON, QTY_INT);
    two.register("b", SchemaType.AVRO, AVRO_V1);
    two.register("a", SchemaType.JSON, NOTE_STRING);
    one.setCompatibility("b", CompatibilityLevel.FULL);
    one.register("c", SchemaType.JSON, NOTE_STRING);
    two.deleteVersion("a", 1, false);
    one.deleteVersion("a", 1, true);
    two.setCompatibility(null, CompatibilityLevel.FORWARD);
    // Forward-compatible steps; the first reuses the id of the permanently deleted version 1.
    one.register("a", SchemaType.JSON, QTY_INT);
    two.register("a", SchemaType.JSON, EMPTY);

    one.refresh();
    two.refresh();
    assertThat(snapshot(one)).isEqualTo(snapshot(two));
    assertThat(one.appliedOffset()).isEqualTo(log.size()).isEqualTo(two.appliedOffset());

    Registry restarted = open(log);
    assertThat(snapshot(restarted)).isEqualTo(snapshot(one));
    assertThat(restarted.versions("a", true))
        .extracting(RegisteredSchema::version, RegisteredSchema::id)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, 3),
            org.assertj.core.groups.Tuple.tuple(3, 1),
            org.assertj.core.groups.Tuple.tuple(4, 4));
  }

  @Test
  void concurrentMutuallyIncompatibleWritersAcceptExactlyOne() throws Exception {
    Registry one = open(log);
    Registry two = open(log);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        String subject = "race-" + round;
        one.register(subject, SchemaType.JSON, QTY_INT);
        two.refresh();
        CountDownLatch start = new CountDownLatch(1);
        Future<RegisteredSchema> a = pool.submit(() -> attempt(start, one, subject, NOTE_STRING));
        Future<RegisteredSchema> b = pool.submit(() -> attempt(start, two, subject, NOTE_INTEGER));
        start.countDown();
        RegisteredSchema ra = a.get(30, TimeUnit.SECONDS);
        RegisteredSchema rb = b.get(30, TimeUnit.SECONDS);

        assertThat(ra == null ^ rb == null).as("exactly one accepted in round %d", round).isTrue();
        one.refresh();
        two.refresh();
        List<RegisteredSchema> versions = one.versions(subject, true);
        assertThat(versions).isEqualTo(two.versions(subject, true));
        assertThat(versions).hasSize(2);
        assertThat(versions.get(1)).isEqualTo(ra != null ? ra : rb);
      }
      assertThat(snapshot(one)).isEqualTo(snapshot(two));
      assertThat(snapshot(open(log))).isEqualTo(snapshot(one));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStaleWriterIsRefusedWhenItsProposalIsApplied() {
    Registry one = open(log);
    Registry two = open(log);
    one.register("a", SchemaType.JSON, QTY_INT);
    two.refresh();

    RegisteredSchema winner = one.register("a", SchemaType.JSON, NOTE_STRING);
    // two has not seen the winner: its local check passes, so its proposal goes to the log and
    // is refused when applied after the winner's.
    int before = log.size();
    assertThatThrownBy(() -> two.register("a", SchemaType.JSON, NOTE_INTEGER))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e ->
                assertThat(e.incompatibilities())
                    .extracting(Incompatibility::path)
                    .containsExactly("/properties/note"));
    // Messages name the subject's real version number (the checker only sees a one-item list).
    assertThatThrownBy(() -> two.register("a", SchemaType.JSON, NOTE_INTEGER))
        .hasMessageContaining("version 2")
        .hasMessageNotContaining("version 1");
    assertThat(log.size()).isEqualTo(before + 1);
    assertThat(two.latest("a")).contains(winner);
    assertThat(snapshot(open(log))).isEqualTo(snapshot(two));
  }

  private static RegisteredSchema attempt(
      CountDownLatch start, Registry registry, String subject, String schema)
      throws InterruptedException {
    start.await();
    try {
      return registry.register(subject, SchemaType.JSON, schema);
    } catch (IncompatibleSchemaException e) {
      return null;
    }
  }

  @Test
  void malformedAndUnknownRecordsAreSkippedOnReplay() {
    log.append("k1", "not json at all".getBytes(StandardCharsets.UTF_8));
    log.append(
        "k2", "{\"kind\":\"rename_subject\",\"subject\":\"a\"}".getBytes(StandardCharsets.UTF_8));
    log.append("k3", "{\"kind\":\"register\",\"subject\":\"a\"}".getBytes(StandardCharsets.UTF_8));
    log.append("k4", "[1,2]".getBytes(StandardCharsets.UTF_8));
    log.append("k5", null);
    log.append(
        "k6",
        ("{\"kind\":\"register\",\"proposal\":\"p\",\"subject\":\"a\",\"schemaType\":\"JSON\","
                + "\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}")
            .getBytes(StandardCharsets.UTF_8));
    log.append(
        "k7",
        "{\"kind\":\"delete_version\",\"subject\":\"a\",\"version\":\"x\"}"
            .getBytes(StandardCharsets.UTF_8));

    Registry r = open(log);

    assertThat(r.appliedOffset()).isEqualTo(7);
    assertThat(r.versions("a", true))
        .containsExactly(
            new RegisteredSchema("a", 1, 1, SchemaType.JSON, "{\"type\":\"string\"}", false));
    assertThat(r.register("b", SchemaType.JSON, QTY_INT).id()).isEqualTo(2);
  }

  @Test
  void listenersSeeNewVersionsFromEveryWriterAndFollowCatchesUp() throws Exception {
    Registry one = open(log);
    Registry two = open(log);
    List<RegisteredSchema> seen = new CopyOnWriteArrayList<>();
    Consumer<RegisteredSchema> listener = seen::add;
    two.addListener(listener);
    two.follow(Duration.ofMillis(10));

    RegisteredSchema a = one.register("a", SchemaType.JSON, QTY_INT);
    one.register("a", SchemaType.JSON, QTY_INT); // identical: no new version
    RegisteredSchema b = one.register("b", SchemaType.AVRO, AVRO_V1);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(seen).containsExactly(a, b);
    assertThat(two.latest("b")).contains(b);
  }

  @Test
  void aStorageFailureLeavesTheRegistryUnchangedAndWorking() {
    FlakyLog flaky = new FlakyLog(log);
    Registry r = open(flaky);
    r.register("a", SchemaType.JSON, QTY_INT);

    flaky.failing.set(true);
    assertThatThrownBy(() -> r.register("a", SchemaType.JSON, NOTE_STRING))
        .isInstanceOfSatisfying(
            RegistryStorageException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(50001);
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.getMessage()).contains("broker unavailable");
            });
    assertThat(r.versions("a", true)).hasSize(1);

    flaky.failing.set(false);
    assertThat(r.register("a", SchemaType.JSON, NOTE_STRING).version()).isEqualTo(2);
  }

  @Test
  void closeClosesTheLog() {
    FlakyLog flaky = new FlakyLog(log);
    Registry r = Registry.open(flaky);
    r.follow(Duration.ofMillis(5));
    r.close();
    assertThat(flaky.closed).isTrue();
    assertThatThrownBy(() -> r.register("a", SchemaType.JSON, QTY_INT))
        .isInstanceOf(IllegalStateException.class);
  }

  /** A log whose appends fail on demand, like an unreachable broker. */
  static final class FlakyLog implements SchemaLog {
    final SchemaLog delegate;
    final AtomicBoolean failing = new AtomicBoolean();
    volatile boolean closed;

    FlakyLog(SchemaLog delegate) {
      this.delegate = delegate;
    }

    @Override
    public long append(String key, byte[] value) {
      if (failing.get()) {
        throw new RegistryStorageException(
            "cannot write to schema topic: broker unavailable", null);
      }
      return delegate.append(key, value);
    }

    @Override
    public long readToEnd(long nextOffset, Consumer<LogRecord> sink) {
      return delegate.readToEnd(nextOffset, sink);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Everything a reader can observe, as text. */
  static String snapshot(Registry r) {
    StringBuilder out = new StringBuilder();
    out.append("global=").append(r.compatibility(null)).append('\n');
    for (String subject : r.subjects(true)) {
      out.append(subject)
          .append(" level=")
          .append(r.subjectCompatibility(subject))
          .append(' ')
          .append(r.versions(subject, true))
          .append('\n');
    }
    for (int id = 1; id <= 100; id++) {
      int current = id;
      r.byId(id)
          .ifPresent(s -> out.append("id ").append(current).append("=").append(s).append('\n'));
    }
    return out.toString();
  }
}
