package io.lakestream.jobs.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.EnrichConfig;
import io.lakestream.api.config.EnrichConfig.OnMissing;
import io.lakestream.api.config.ReferenceConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnricherTest {

  @TempDir Path dir;

  /** devices: site (string), model (string), floor (long), keyed by device_id. */
  private ReferenceConfig devices(String name) throws IOException {
    Path csv = dir.resolve(name + ".csv");
    Files.writeString(
        csv,
        "device_id,site,model,floor\n"
            + "dev-1,Plant A,T1000,3\n"
            + "42,Plant B,T2000,\n"
            + "42.5,Plant C,T3000,1\n"
            + "true,Plant D,T4000,2\n");
    Map<String, ColumnType> cols = new LinkedHashMap<>();
    cols.put("site", ColumnType.STRING);
    cols.put("model", ColumnType.STRING);
    cols.put("floor", ColumnType.LONG);
    return FileReferenceDataTest.fileRef(name, csv, cols, Duration.ofMillis(200));
  }

  private static EnrichConfig step(String reference, String on, OnMissing onMissing) {
    return new EnrichConfig(reference, on, List.of("site", "floor"), "", onMissing);
  }

  /** Rows are [device_id, value, site, floor]; the step adds site and floor. */
  private static Enricher.Step siteAndFloor(ReferenceConfig ref, OnMissing onMissing) {
    return new Enricher.Step(
        step(ref.name(), "device_id", onMissing), ref, 0, new int[] {2, 3}, new int[] {0, 2});
  }

  private static GenericRowData row(Object key) {
    return GenericRowData.of(key, 1.5, null, null);
  }

  private static StringData s(String v) {
    return StringData.fromString(v);
  }

  @Test
  void aMatchWritesTheReferenceColumnsIntoTheRow() throws IOException {
    Enricher e =
        new Enricher(List.of(siteAndFloor(devices("devices"), OnMissing.ERROR)), null, Map.of());
    e.open();
    try {
      GenericRowData r = row(s("dev-1"));
      assertThat(e.enrich(r)).isNull();
      assertThat(r.getField(2)).isEqualTo(s("Plant A"));
      assertThat(r.getField(3)).isEqualTo(3L);
      assertThat(r.getField(1)).isEqualTo(1.5);

      GenericRowData nullFloor = row(s("42"));
      assertThat(e.enrich(nullFloor)).isNull();
      assertThat(nullFloor.getField(2)).isEqualTo(s("Plant B"));
      assertThat(nullFloor.getField(3)).isNull();
      assertThat(e.referenceVersion("devices")).isEqualTo(1);
    } finally {
      e.close();
    }
  }

  @Test
  void keepLeavesTheColumnsNullWhenThereIsNoRow() throws IOException {
    Enricher e =
        new Enricher(List.of(siteAndFloor(devices("devices"), OnMissing.KEEP)), null, Map.of());
    e.open();
    try {
      GenericRowData r = GenericRowData.of(s("dev-9"), 1.5, s("stale"), 7L);
      assertThat(e.enrich(r)).isNull();
      assertThat(r.getField(2)).isNull();
      assertThat(r.getField(3)).isNull();

      GenericRowData noKey = row(null);
      assertThat(e.enrich(noKey)).isNull();
      assertThat(noKey.getField(2)).isNull();
    } finally {
      e.close();
    }
  }

  @Test
  void errorReturnsTheReasonWithTheKeyReferenceAndField() throws IOException {
    Enricher e =
        new Enricher(List.of(siteAndFloor(devices("devices"), OnMissing.ERROR)), null, Map.of());
    e.open();
    try {
      assertThat(e.enrich(row(s("dev-9"))))
          .isEqualTo(
              "enrich: no reference row for key 'dev-9' (reference devices, field device_id)");
      assertThat(e.enrich(row(7L)))
          .isEqualTo("enrich: no reference row for key '7' (reference devices, field device_id)");
      assertThat(e.enrich(row(null)))
          .isEqualTo("enrich: no reference row for key null (reference devices, field device_id)");
    } finally {
      e.close();
    }
  }

  @Test
  void numericAndBooleanKeysAreLookedUpByTheirText() throws IOException {
    Enricher e =
        new Enricher(List.of(siteAndFloor(devices("devices"), OnMissing.ERROR)), null, Map.of());
    e.open();
    try {
      for (Object key : new Object[] {42L, 42, 42.0, s("42")}) {
        GenericRowData r = row(key);
        assertThat(e.enrich(r)).as("key %s (%s)", key, key.getClass()).isNull();
        assertThat(r.getField(2)).isEqualTo(s("Plant B"));
      }
      GenericRowData fraction = row(42.5);
      assertThat(e.enrich(fraction)).isNull();
      assertThat(fraction.getField(2)).isEqualTo(s("Plant C"));

      GenericRowData bool = row(true);
      assertThat(e.enrich(bool)).isNull();
      assertThat(bool.getField(2)).isEqualTo(s("Plant D"));

      assertThat(e.enrich(row(42.25))).contains("key '42.25'");
    } finally {
      e.close();
    }
    assertThat(Keys.text(1e20)).isEqualTo("1.0E20");
    assertThat(Keys.text(-0.0)).isEqualTo("0");
    assertThat(Keys.text(new java.math.BigDecimal("7.500"))).isEqualTo("7.5");
  }

  @Test
  void stepsOnTheSameReferenceShareOneLiveCopy() throws IOException {
    ReferenceConfig ref = devices("shared");
    EnrichConfig byDevice =
        new EnrichConfig("shared", "device_id", List.of("site"), "", OnMissing.KEEP);
    EnrichConfig byOther =
        new EnrichConfig("shared", "other_id", List.of("model"), "other_", OnMissing.KEEP);
    // rows: [device_id, other_id, site, other_model]
    Enricher e =
        new Enricher(
            List.of(
                new Enricher.Step(byDevice, ref, 0, new int[] {2}, new int[] {0}),
                new Enricher.Step(byOther, ref, 1, new int[] {3}, new int[] {1})),
            null,
            Map.of());
    e.open();
    try {
      assertThat(
              Thread.getAllStackTraces().keySet().stream()
                  .filter(t -> t.getName().equals("lakestream-reference-shared") && t.isAlive()))
          .hasSize(1);
      GenericRowData r = GenericRowData.of(s("dev-1"), 42L, null, null);
      assertThat(e.enrich(r)).isNull();
      assertThat(r.getField(2)).isEqualTo(s("Plant A"));
      assertThat(r.getField(3)).isEqualTo(s("T2000"));

      // a changed file reaches both steps
      Path csv = Path.of(ref.path());
      Path tmp = dir.resolve("shared.csv.tmp");
      Files.writeString(tmp, "device_id,site,model,floor\ndev-1,Plant Z,T1,1\n42,Plant Y,T9,1\n");
      Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      await().atMost(Duration.ofSeconds(10)).until(() -> e.referenceVersion("shared") == 2);
      assertThat(e.enrich(r)).isNull();
      assertThat(r.getField(2)).isEqualTo(s("Plant Z"));
      assertThat(r.getField(3)).isEqualTo(s("T9"));
      assertThatThrownBy(() -> e.referenceVersion("nope"))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      e.close();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> FileReferenceDataTest.refresherThread("shared").isEmpty());
  }

  @Test
  void anEnricherIsShippedSerializedAndOpenedWhereItRuns() throws Exception {
    Enricher original =
        new Enricher(
            List.of(siteAndFloor(devices("devices"), OnMissing.ERROR)),
            "kafka:9092",
            Map.of("security.protocol", "PLAINTEXT"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(original);
    }
    Enricher copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (Enricher) in.readObject();
    }
    assertThatThrownBy(() -> copy.enrich(row(s("dev-1"))))
        .isInstanceOf(IllegalStateException.class);
    copy.open();
    try {
      GenericRowData r = row(s("dev-1"));
      assertThat(copy.enrich(r)).isNull();
      assertThat(r.getField(2)).isEqualTo(s("Plant A"));
    } finally {
      copy.close();
    }
  }

  @Test
  void aReferenceThatCannotLoadFailsOpenAndClosesTheOthers() throws IOException {
    ReferenceConfig good = devices("first");
    ReferenceConfig missing =
        FileReferenceDataTest.fileRef(
            "second", dir.resolve("missing.csv"), Map.of("site", ColumnType.STRING));
    Enricher e =
        new Enricher(
            List.of(
                siteAndFloor(good, OnMissing.KEEP),
                new Enricher.Step(
                    step("second", "device_id", OnMissing.KEEP),
                    missing,
                    0,
                    new int[] {2},
                    new int[] {0})),
            null,
            Map.of());
    assertThatThrownBy(e::open)
        .isInstanceOf(ReferenceDataException.class)
        .hasMessageContaining("reference second");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> FileReferenceDataTest.refresherThread("first").isEmpty());
  }

  @Test
  void aStepIsCheckedWhenBuilt() throws IOException {
    ReferenceConfig ref = devices("devices");
    EnrichConfig cfg = step("devices", "device_id", OnMissing.KEEP);
    assertThatThrownBy(() -> new Enricher.Step(cfg, ref, 0, new int[] {1, 2}, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Enricher.Step(cfg, ref, 0, new int[] {1}, new int[] {3}))
        .isInstanceOf(IllegalArgumentException.class);
    EnrichConfig other = step("users", "device_id", OnMissing.KEEP);
    assertThatThrownBy(() -> new Enricher.Step(other, ref, 0, new int[] {1}, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
