package io.lakestream.jobs.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.ReferenceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReferenceDataTest {

  private static final Duration FAST = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static Map<String, ColumnType> deviceColumns() {
    Map<String, ColumnType> c = new LinkedHashMap<>();
    c.put("site", ColumnType.STRING);
    c.put("floor", ColumnType.LONG);
    c.put("temp", ColumnType.DOUBLE);
    c.put("active", ColumnType.BOOLEAN);
    c.put("installed", ColumnType.TIMESTAMP);
    return c;
  }

  static ReferenceConfig fileRef(String name, Path path, Map<String, ColumnType> columns) {
    return fileRef(name, path, columns, Duration.ofSeconds(30));
  }

  static ReferenceConfig fileRef(
      String name, Path path, Map<String, ColumnType> columns, Duration refresh) {
    return new ReferenceConfig(
        name,
        ReferenceConfig.Type.FILE,
        path.toString(),
        null,
        null,
        null,
        null,
        Map.of(),
        "device_id",
        columns,
        refresh);
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  /** Replaces a file the safe way: write a temporary file, then rename it over the old one. */
  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static StringData s(String v) {
    return StringData.fromString(v);
  }

  @Test
  void csvValuesAreReadAsTheirTypesWithRfc4180Quoting() throws IOException {
    Path csv =
        write(
            "devices.csv",
            "\uFEFFdevice_id, site,floor,temp,active,installed,unused\r\n"
                + "dev-1,\"Plant A, Hall 2\",3,21.5,true,2024-01-02T03:04:05Z,x\r\n"
                + "dev-2,\"says \"\"hi\"\"\nover two lines\",-1,0,no,1700000000000,y\r\n"
                + "\r\n"
                + "dev-3,,,,,,\r\n"
                + "dev-4,\"\",,,,,\r\n");
    try (ReferenceData d =
        ReferenceData.open(fileRef("devices", csv, deviceColumns()), null, null)) {
      assertThat(d.size()).isEqualTo(4);
      assertThat(d.version()).isEqualTo(1);
      assertThat(d.lookup("dev-1"))
          .containsExactly(
              s("Plant A, Hall 2"),
              3L,
              21.5,
              true,
              TimestampData.fromInstant(Instant.parse("2024-01-02T03:04:05Z")));
      assertThat(d.lookup("dev-2"))
          .containsExactly(
              s("says \"hi\"\nover two lines"),
              -1L,
              0.0,
              false,
              TimestampData.fromEpochMillis(1_700_000_000_000L));
      // an empty cell is null; an empty quoted value is the empty string
      assertThat(d.lookup("dev-3")).containsExactly(null, null, null, null, null);
      assertThat(d.lookup("dev-4")).containsExactly(s(""), null, null, null, null);
      assertThat(d.lookup("dev-5")).isNull();
      assertThat(d.lookup(null)).isNull();
    }
  }

  @Test
  void equalValuesOfALoadShareOneInstance() throws IOException {
    Path csv = write("devices.csv", "device_id,site\ndev-1,Plant A\ndev-2,Plant A\n");
    try (ReferenceData d =
        ReferenceData.open(
            fileRef("devices", csv, Map.of("site", ColumnType.STRING)), null, null)) {
      assertThat(d.lookup("dev-1")[0]).isSameAs(d.lookup("dev-2")[0]);
    }
  }

  @Test
  void badValuesBecomeNullRowsWithoutKeyAreSkippedAndWarningsAreCapped() throws IOException {
    StringBuilder csv = new StringBuilder("device_id,site,floor,temp,active,installed\n");
    csv.append("dev-1,A,three,1.5,true,\n"); // line 2: floor is not a long
    csv.append(",B,1,1,true,\n"); // line 3: no key
    csv.append("  ,B,1,1,true,\n"); // line 4: blank key
    csv.append("dev-2,C,1,warm,maybe,yesterday\n"); // line 5: three bad values
    csv.append("dev-3,D,1\n"); // line 6: too few values
    csv.append("dev-4,E,2,2.5,false,2024-01-01T00:00:00+02:00\n"); // fine
    Path file = write("devices.csv", csv.toString());
    try (LogCapture log = new LogCapture();
        ReferenceData d =
            ReferenceData.open(fileRef("devices", file, deviceColumns()), null, null)) {
      assertThat(d.size()).isEqualTo(4);
      assertThat(d.lookup("dev-1")).containsExactly(s("A"), null, 1.5, true, null);
      assertThat(d.lookup("dev-2")).containsExactly(s("C"), 1L, null, null, null);
      assertThat(d.lookup("dev-3")).containsExactly(s("D"), 1L, null, null, null);
      assertThat(d.lookup("dev-4"))
          .containsExactly(
              s("E"),
              2L,
              2.5,
              false,
              TimestampData.fromInstant(Instant.parse("2023-12-31T22:00:00Z")));
      assertThat(d.lookup("")).isNull();

      // 7 problems: the first 5 are logged, then a count
      assertThat(log.warnings()).hasSize(6);
      assertThat(log.warnings().get(0))
          .contains("reference devices", "devices.csv:2", "floor", "'three'", "long", "null");
      assertThat(log.warnings().get(1))
          .contains("devices.csv:3", "key column device_id", "skipped");
      assertThat(log.warnings().get(2)).contains("devices.csv:4", "skipped");
      assertThat(log.warnings().get(3)).contains("devices.csv:5", "temp", "'warm'", "double");
      assertThat(log.warnings().get(4)).contains("devices.csv:5", "active", "'maybe'");
      assertThat(log.warnings().get(5)).contains("7 problems", "2 not logged", file.toString());
    }
  }

  @Test
  void aCsvWithoutAConfiguredColumnIsRefusedNamingTheColumnsAndTheHeader() throws IOException {
    Path file = write("devices.csv", "device_id,site,temp\ndev-1,A,1\n");
    assertThatThrownBy(
            () -> ReferenceData.open(fileRef("devices", file, deviceColumns()), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("reference devices")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("floor, active, installed")
        .hasMessageContaining("device_id,site,temp");

    Path empty = write("empty.csv", "");
    assertThatThrownBy(
            () -> ReferenceData.open(fileRef("devices", empty, deviceColumns()), null, null))
        .hasMessageContaining("no header line");
  }

  @Test
  void aMissingFileOrUnknownFormatIsAnErrorThatSaysWhatToDo() throws IOException {
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(
            () -> ReferenceData.open(fileRef("devices", missing, deviceColumns()), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("reference devices")
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist")
        .hasMessageContaining("reference.devices.path");

    Path txt = write("devices.txt", "device_id\n");
    assertThatThrownBy(
            () -> ReferenceData.open(fileRef("devices", txt, deviceColumns()), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining(".csv")
        .hasMessageContaining(".ndjson");

    Path badCsv = write("bad.csv", "device_id,site\ndev-1,\"never closed\n");
    assertThatThrownBy(
            () ->
                ReferenceData.open(
                    fileRef("devices", badCsv, Map.of("site", ColumnType.STRING)), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("is not valid CSV");
  }

  @Test
  void jsonArrayValuesKeepTheirJsonTypes() throws IOException {
    Map<String, ColumnType> cols = new LinkedHashMap<>();
    cols.put("site", ColumnType.STRING);
    cols.put("floor", ColumnType.LONG);
    cols.put("temp", ColumnType.DOUBLE);
    cols.put("active", ColumnType.BOOLEAN);
    cols.put("installed", ColumnType.TIMESTAMP);
    cols.put("meta", ColumnType.STRING);
    Path file =
        write(
            "devices.json",
            """
            [
              {"device_id": "dev-1", "site": "A", "floor": 3, "temp": 20, "active": true,
               "installed": "2024-01-02T03:04:05Z", "meta": {"rack": 7}},
              "not an object",
              {"device_id": 42, "site": "B", "floor": 4.0, "temp": 1.25, "active": "false",
               "installed": 1700000000000},
              {"device_id": "dev-3", "floor": 4.5, "extra": 1},
              {"site": "no key"}
            ]
            """);
    try (LogCapture log = new LogCapture();
        ReferenceData d = ReferenceData.open(fileRef("devices", file, cols), null, null)) {
      assertThat(d.size()).isEqualTo(3);
      assertThat(d.lookup("dev-1"))
          .containsExactly(
              s("A"),
              3L,
              20.0,
              true,
              TimestampData.fromInstant(Instant.parse("2024-01-02T03:04:05Z")),
              s("{\"rack\":7}"));
      // a numeric key is found by its text
      assertThat(d.lookup("42"))
          .containsExactly(
              s("B"), 4L, 1.25, false, TimestampData.fromEpochMillis(1_700_000_000_000L), null);
      assertThat(d.lookup("dev-3")).containsExactly(null, null, null, null, null, null);
      assertThat(log.warnings())
          .anySatisfy(w -> assertThat(w).contains("devices.json[1]", "not a JSON object"))
          .anySatisfy(w -> assertThat(w).contains("devices.json[3]", "floor", "4.5"))
          .anySatisfy(w -> assertThat(w).contains("devices.json[4]", "skipped"));
    }
  }

  @Test
  void aJsonFieldThatNoObjectHasIsAnError() throws IOException {
    Path file = write("devices.json", "[{\"device_id\": \"dev-1\", \"sitee\": \"A\"}]");
    assertThatThrownBy(
            () ->
                ReferenceData.open(
                    fileRef("devices", file, Map.of("site", ColumnType.STRING)), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("no object with the field(s) site");

    Path notArray = write("obj.json", "{\"device_id\": \"dev-1\"}");
    assertThatThrownBy(
            () ->
                ReferenceData.open(
                    fileRef("devices", notArray, Map.of("site", ColumnType.STRING)), null, null))
        .hasMessageContaining("does not hold a JSON array");

    Path cut = write("cut.json", "[{\"device_id\": \"dev-1\", \"site\": \"A\"}, {\"device_");
    assertThatThrownBy(
            () ->
                ReferenceData.open(
                    fileRef("devices", cut, Map.of("site", ColumnType.STRING)), null, null))
        .hasMessageContaining("is not valid JSON");
  }

  @Test
  void ndjsonAndJsonlHoldAnObjectPerLine() throws IOException {
    Map<String, ColumnType> cols = new LinkedHashMap<>();
    cols.put("site", ColumnType.STRING);
    cols.put("floor", ColumnType.LONG);
    String content =
        "{\"device_id\": \"dev-1\", \"site\": \"A\", \"floor\": 1}\n"
            + "\n"
            + "{\"device_id\": \"dev-2\", \"site\": \"B\", \"floor\": \"high\"}\n"
            + "[1, 2]\n"
            + "{\"device_id\": \"dev-3\", \"site\": \"C\"}";
    for (String name : new String[] {"devices.ndjson", "devices.jsonl"}) {
      Path file = write(name, content);
      try (LogCapture log = new LogCapture();
          ReferenceData d = ReferenceData.open(fileRef("devices", file, cols), null, null)) {
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.lookup("dev-1")).containsExactly(s("A"), 1L);
        assertThat(d.lookup("dev-2")).containsExactly(s("B"), null);
        assertThat(d.lookup("dev-3")).containsExactly(s("C"), null);
        assertThat(log.warnings())
            .anySatisfy(w -> assertThat(w).contains(name + ":3", "floor", "'high'"))
            .anySatisfy(w -> assertThat(w).contains(name + ":4", "not a JSON object"));
      }
    }

    Path broken = write("broken.ndjson", "{\"device_id\": \"dev-1\", \"site\": \"A\"}\n{\"devi");
    assertThatThrownBy(() -> ReferenceData.open(fileRef("devices", broken, cols), null, null))
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("line 2 is not valid JSON");
  }

  @Test
  void aReplacedFileIsPickedUpWhileRunning() throws IOException {
    Path file = write("devices.csv", "device_id,site\ndev-1,A\n");
    ReferenceConfig cfg = fileRef("live", file, Map.of("site", ColumnType.STRING), FAST);
    try (ReferenceData d = ReferenceData.open(cfg, null, null)) {
      assertThat(d.lookup("dev-1")).containsExactly(s("A"));
      assertThat(refresherThread("live"))
          .hasValueSatisfying(t -> assertThat(t.isDaemon()).isTrue());

      replace(file, "device_id,site\ndev-1,A2\ndev-2,B\n");
      await().atMost(WAIT).until(() -> d.version() == 2);
      assertThat(d.lookup("dev-1")).containsExactly(s("A2"));
      assertThat(d.lookup("dev-2")).containsExactly(s("B"));
      assertThat(d.size()).isEqualTo(2);

      replace(file, "device_id,site\ndev-2,B\n");
      await().atMost(WAIT).until(() -> d.lookup("dev-1") == null);
      assertThat(d.version()).isEqualTo(3);
    }
    await().atMost(WAIT).until(() -> refresherThread("live").isEmpty());
  }

  @Test
  void aFailedReReadKeepsThePreviousData() throws IOException {
    Path file = write("devices.json", "[{\"device_id\": \"dev-1\", \"site\": \"A\"}]");
    ReferenceConfig cfg = fileRef("keep", file, Map.of("site", ColumnType.STRING), FAST);
    try (LogCapture log = new LogCapture();
        ReferenceData d = ReferenceData.open(cfg, null, null)) {
      replace(file, "[{\"device_id\": \"dev-1\", \"site\": \"B\"}, {\"dev");
      await()
          .atMost(WAIT)
          .until(() -> log.warnings().stream().anyMatch(w -> w.contains("refresh failed")));
      assertThat(d.lookup("dev-1")).containsExactly(s("A"));
      assertThat(d.version()).isEqualTo(1);
      assertThat(log.warnings())
          .anySatisfy(w -> assertThat(w).contains("keeping the 1 rows", "is not valid JSON"));

      // a file truncated for rewriting in place is not taken as an empty table either
      Files.write(file, new byte[0]);
      await()
          .atMost(WAIT)
          .until(() -> log.warnings().stream().anyMatch(w -> w.contains("is empty")));
      assertThat(d.lookup("dev-1")).containsExactly(s("A"));

      replace(file, "[{\"device_id\": \"dev-1\", \"site\": \"C\"}]");
      await().atMost(WAIT).until(() -> d.version() == 2);
      assertThat(d.lookup("dev-1")).containsExactly(s("C"));
    }
  }

  @Test
  void aDeletedFileKeepsThePreviousData() throws IOException {
    Path file = write("devices.csv", "device_id,site\ndev-1,A\n");
    ReferenceConfig cfg = fileRef("gone", file, Map.of("site", ColumnType.STRING), FAST);
    try (LogCapture log = new LogCapture();
        ReferenceData d = ReferenceData.open(cfg, null, null)) {
      Files.delete(file);
      await()
          .atMost(WAIT)
          .until(() -> log.warnings().stream().anyMatch(w -> w.contains("does not exist")));
      assertThat(d.lookup("dev-1")).containsExactly(s("A"));
      assertThat(d.version()).isEqualTo(1);
    }
  }

  static java.util.Optional<Thread> refresherThread(String reference) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("lakestream-reference-" + reference) && t.isAlive())
        .findFirst();
  }
}
