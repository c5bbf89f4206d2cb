package io.lakestream.jobs.curated;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.ColumnType;
import java.util.Map;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.DoubleType;
import org.junit.jupiter.api.Test;

class VersionColumnsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String V1 =
      "{\"properties\": {\"id\": {\"type\": \"string\"}, \"count\": {\"type\": \"integer\"}}}";

  private final CuratedSchema plan =
      CuratedSchema.of(V1, Map.of(), Map.of("site_name", ColumnType.STRING));

  @Test
  void aNewOptionalPropertyBecomesANewColumnFilledFromThePayload() throws Exception {
    VersionColumns v2 =
        VersionColumns.of(
            plan,
            "{\"properties\": {\"id\": {\"type\": \"string\"}, \"count\": {\"type\": \"integer\"},"
                + " \"humidity\": {\"type\": \"number\"}, \"note\": {\"type\": \"string\"}}}");

    assertThat(v2.conflicts()).isEmpty();
    assertThat(v2.isEmpty()).isFalse();
    assertThat(v2.fields())
        .extracting(f -> f.getName(), f -> f.getType().copy(true))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("humidity", new DoubleType()),
            org.assertj.core.groups.Tuple.tuple(
                "note", new org.apache.flink.table.types.logical.VarCharType(Integer.MAX_VALUE)));

    byte[] extra = v2.extract(MAPPER.readTree("{\"id\": \"a\", \"count\": 3, \"humidity\": 41.5}"));
    assertThat(new String(extra, java.nio.charset.StandardCharsets.UTF_8))
        .as("only the new columns travel with the row")
        .isEqualTo("{\"humidity\":41.5}");
    assertThat(v2.values(extra)).containsExactly(41.5, null);
    assertThat(v2.values(null)).containsExactly(null, null);
    assertThat(v2.extract(MAPPER.readTree("{\"id\": \"b\"}"))).isNull();
    assertThat(
            v2.values(
                v2.extract(MAPPER.readTree("{\"id\": \"c\", \"humidity\": 1, \"note\": \"x\"}"))))
        .containsExactly(1.0, StringData.fromString("x"));
  }

  @Test
  void aVersionWithNothingNewAddsNoColumn() {
    VersionColumns same = VersionColumns.of(plan, V1);
    assertThat(same.isEmpty()).isTrue();
    assertThat(same.conflicts()).isEmpty();
    VersionColumns fewer =
        VersionColumns.of(plan, "{\"properties\": {\"id\": {\"type\": \"string\"}}}");
    assertThat(fewer.isEmpty()).as("a removed property keeps its column").isTrue();
  }

  @Test
  void aChangedColumnTypeOrAClashIsAConflictNamingBothTypes() {
    VersionColumns widened =
        VersionColumns.of(
            plan,
            "{\"properties\": {\"id\": {\"type\": \"string\"}, \"count\": {\"type\": \"number\"}}}");
    assertThat(widened.conflicts())
        .singleElement()
        .satisfies(c -> assertThat(c).contains("'count'", "BIGINT", "DOUBLE"));

    VersionColumns clash =
        VersionColumns.of(plan, "{\"properties\": {\"site_name\": {\"type\": \"string\"}}}");
    assertThat(clash.conflicts())
        .singleElement()
        .satisfies(c -> assertThat(c).contains("'site_name'", "enrichment column"));
  }
}
