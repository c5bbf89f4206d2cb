package io.lakestream.jobs.curated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.ColumnType;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CuratedRowConverterTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String SCHEMA =
      """
      {"type": "object", "properties": {
        "s": {"type": "string"},
        "n": {"type": "integer"},
        "x": {"type": "number"},
        "b": {"type": "boolean"},
        "at": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "free": {"type": "object"},
        "any": {"type": ["string", "integer"]},
        "geo": {"type": "object", "properties": {
          "lat": {"type": "number"},
          "name": {"type": "string"},
          "inner": {"type": "object", "properties": {"z": {"type": "integer"}}}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "nums": {"type": "array", "items": {"type": "integer"}},
        "pts": {"type": "array", "items": {"type": "object", "properties": {
          "v": {"type": "number"}}}},
        "mixed": {"type": "array"}
      }}
      """;

  private static final CuratedSchema TEST_SCHEMA = CuratedSchema.of(SCHEMA, added(), enrichment());

  private final CuratedRowConverter converter = new CuratedRowConverter(TEST_SCHEMA);

  private static Map<String, ColumnType> added() {
    Map<String, ColumnType> m = new LinkedHashMap<>();
    m.put("score", ColumnType.DOUBLE);
    m.put("seen", ColumnType.LONG);
    m.put("when", ColumnType.TIMESTAMP);
    m.put("flag", ColumnType.BOOLEAN);
    m.put("label", ColumnType.STRING);
    return m;
  }

  private static Map<String, ColumnType> enrichment() {
    Map<String, ColumnType> m = new LinkedHashMap<>();
    m.put("site_name", ColumnType.STRING);
    m.put("floor", ColumnType.LONG);
    return m;
  }

  private GenericRowData convert(String payloadJson) throws Exception {
    return converter.convert("e-1", 1_000L, 2_000L, MAPPER.readTree(payloadJson));
  }

  private Object field(String payloadJson, String column) throws Exception {
    return convert(payloadJson).getField(TEST_SCHEMA.index(column));
  }

  /** The value of a one-property payload {@code {"<column>": <json>}}. */
  private Object value(String column, String json) throws Exception {
    return field("{\"" + column + "\": " + json + "}", column);
  }

  private static TimestampData reference(String rfc3339) {
    Instant i = OffsetDateTime.parse(rfc3339).toInstant().truncatedTo(ChronoUnit.MICROS);
    return TimestampData.fromInstant(i);
  }

  private static StringData str(String s) {
    return StringData.fromString(s);
  }

  @Test
  void fillsSystemColumns() throws Exception {
    GenericRowData row = convert("{}");

    assertThat(row.getArity()).isEqualTo(TEST_SCHEMA.columnNames().size());
    assertThat(row.getString(0)).isEqualTo(str("e-1"));
    assertThat(row.getTimestamp(1, 3)).isEqualTo(TimestampData.fromEpochMillis(1_000L));
    assertThat(row.getTimestamp(2, 3)).isEqualTo(TimestampData.fromEpochMillis(2_000L));
    for (int i = 3; i < row.getArity(); i++) {
      assertThat(row.isNullAt(i)).as(TEST_SCHEMA.columnNames().get(i)).isTrue();
    }
  }

  @Test
  void convertsTheSensorExample() throws Exception {
    CuratedSchema sensors =
        CuratedSchema.of(
            Files.readString(CuratedSchemaTest.EXAMPLES.resolve("sensor-reading.schema.json")),
            Map.of(),
            Map.of());
    JsonNode payload =
        MAPPER.readTree(
            """
            {"id": "r-1", "device_id": "th-berlin-0042", "site": "berlin-dc1",
             "ts": "2026-11-23T15:05:00.123+01:00", "temperature": 21.5, "humidity": 40,
             "firmware": "2.4.1"}
            """);

    GenericRowData row = new CuratedRowConverter(sensors).convert("r-1", 5L, 6L, payload);

    assertThat(row.getField(sensors.index("id"))).isEqualTo(str("r-1"));
    assertThat(row.getField(sensors.index("device_id"))).isEqualTo(str("th-berlin-0042"));
    assertThat(row.getField(sensors.index("ts")))
        .isEqualTo(TimestampData.fromInstant(Instant.parse("2026-11-23T14:05:00.123Z")));
    assertThat(row.getField(sensors.index("temperature"))).isEqualTo(21.5);
    assertThat(row.getField(sensors.index("humidity"))).isEqualTo(40.0);
    assertThat(row.getField(sensors.index("battery"))).isNull();
    assertThat(row.getField(sensors.index("firmware"))).isEqualTo(str("2.4.1"));
  }

  @Test
  void convertsScalars() throws Exception {
    GenericRowData row =
        convert(
            """
            {"s": "hello", "n": 42, "x": 1.25, "b": true, "day": "2024-02-29",
             "at": "2026-11-23T14:05:00Z"}
            """);

    assertThat(row.getField(TEST_SCHEMA.index("s"))).isEqualTo(str("hello"));
    assertThat(row.getField(TEST_SCHEMA.index("n"))).isEqualTo(42L);
    assertThat(row.getField(TEST_SCHEMA.index("x"))).isEqualTo(1.25);
    assertThat(row.getField(TEST_SCHEMA.index("b"))).isEqualTo(true);
    assertThat(row.getField(TEST_SCHEMA.index("day")))
        .isEqualTo((int) LocalDate.of(2024, 2, 29).toEpochDay());
    assertThat(row.getField(TEST_SCHEMA.index("at")))
        .isEqualTo(TimestampData.fromInstant(Instant.parse("2026-11-23T14:05:00Z")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-23T14:05:00Z",
        "2026-11-23T14:05:00.1Z",
        "2026-11-23T14:05:00.123456Z",
        "2026-11-23T14:05:00.123456789Z",
        "2026-11-23T14:05:00.000001Z",
        "2026-11-23T15:05:00+01:00",
        "2026-11-23T09:35:00.5-04:30",
        "2026-11-23T14:05:00.999+14:00",
        "2026-11-23T14:05:00-00:00",
        "1969-12-31T23:59:59.999999Z",
        "1900-01-01T00:00:00.1234567+05:45",
        "2024-02-29T00:00:00Z",
        "2026-11-23T14:05Z",
        "2026-11-23T14:05:00+01:00:30"
      })
  void readsRfc3339Timestamps(String text) throws Exception {
    assertThat(value("at", "\"" + text + "\"")).isEqualTo(reference(text));
  }

  @Test
  void readsLowercaseTimestampsButNotSpaceSeparatedOnes() throws Exception {
    assertThat(value("at", "\"2026-11-23t14:05:00.25z\""))
        .isEqualTo(reference("2026-11-23T14:05:00.25Z"));
    // Not RFC 3339's date-time (the schema's format check rejects it before): no value.
    assertThat(value("at", "\"2026-11-23 14:05:00+02:00\"")).isNull();
  }

  @Test
  void keepsMicrosecondsOfTimestamps() throws Exception {
    TimestampData t = (TimestampData) value("at", "\"2026-11-23T14:05:00.123456789Z\"");

    assertThat(t.getMillisecond())
        .isEqualTo(Instant.parse("2026-11-23T14:05:00.123Z").toEpochMilli());
    assertThat(t.getNanoOfMillisecond()).isEqualTo(456_000);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"not a time\"",
        "\"2026-11-23\"",
        "\"2026-11-23T14:05:00\"",
        "\"2026-02-30T14:05:00Z\"",
        "\"2026-11-23T24:05:00Z\"",
        "\"2026-11-23T14:05:00.1234567890Z\"",
        "\"\"",
        "1700000000000",
        "true",
        "{\"at\": \"2026-11-23T14:05:00Z\"}",
        "[\"2026-11-23T14:05:00Z\"]"
      })
  void timestampsThatDoNotParseAreNull(String json) throws Exception {
    assertThat(value("at", json)).isNull();
  }

  @Test
  void readsDates() throws Exception {
    assertThat(value("day", "\"1970-01-01\"")).isEqualTo(0);
    assertThat(value("day", "\"1969-12-31\"")).isEqualTo(-1);
    assertThat(value("day", "\"2026-11-23\""))
        .isEqualTo((int) LocalDate.of(2026, 11, 23).toEpochDay());
    assertThat(value("day", "\"0001-01-01\"")).isEqualTo((int) LocalDate.of(1, 1, 1).toEpochDay());
    assertThat(value("day", "\"+10000-01-01\""))
        .isEqualTo((int) LocalDate.of(10000, 1, 1).toEpochDay());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"2023-02-29\"",
        "\"2026-13-01\"",
        "\"2026-11-23T00:00:00Z\"",
        "\"23.11.2026\"",
        "\"+999999999-12-31\"",
        "20261123",
        "{}"
      })
  void datesThatDoNotParseAreNull(String json) throws Exception {
    assertThat(value("day", json)).isNull();
  }

  @Test
  void jsonNullAndMissingAreNull() throws Exception {
    GenericRowData row =
        convert(
            """
            {"s": null, "n": null, "at": null, "geo": null, "tags": null, "free": null,
             "score": null}
            """);

    for (int i = 3; i < row.getArity(); i++) {
      assertThat(row.isNullAt(i)).as(TEST_SCHEMA.columnNames().get(i)).isTrue();
    }
  }

  @Test
  void payloadThatIsNoObjectGivesOnlySystemColumns() throws Exception {
    for (JsonNode payload :
        List.of(MAPPER.readTree("[1, 2]"), MAPPER.readTree("\"text\""), MAPPER.nullNode())) {
      GenericRowData row = converter.convert("e-2", 1L, 2L, payload);
      assertThat(row.getString(0)).isEqualTo(str("e-2"));
      assertThat(row.isNullAt(TEST_SCHEMA.index("s"))).isTrue();
    }
    assertThat(converter.convert("e-3", 1L, 2L, null).isNullAt(3)).isTrue();
  }

  @Test
  void integers() throws Exception {
    assertThat(value("n", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(value("n", "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(value("n", "42.0")).as("whole number written with a fraction").isEqualTo(42L);
    assertThat(value("n", "1e3")).isEqualTo(1000L);
    assertThat(value("n", "\"42\"")).as("number as text").isEqualTo(42L);
    assertThat(value("n", "\" -7 \"")).isEqualTo(-7L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "42.5",
        "1e300",
        "\"abc\"",
        "\"42abc\"",
        "\"9223372036854775808\"",
        "\"\"",
        "\"-\"",
        "true",
        "[1]",
        "{\"n\": 1}"
      })
  void integersThatDoNotFitAreNull(String json) throws Exception {
    assertThat(value("n", json)).isNull();
  }

  @Test
  void bigIntegersStayExactWhenTheMapperReadsBigDecimals() {
    ObjectMapper decimals =
        new ObjectMapper()
            .enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    JsonNode payload =
        decimals
            .createObjectNode()
            .set(
                "n",
                decimals
                    .getNodeFactory()
                    .numberNode(new java.math.BigDecimal("9007199254740993.000")));
    JsonNode tooBig =
        decimals
            .createObjectNode()
            .set(
                "n",
                decimals
                    .getNodeFactory()
                    .numberNode(new java.math.BigDecimal("9223372036854775808.0")));
    JsonNode fraction =
        decimals
            .createObjectNode()
            .set("n", decimals.getNodeFactory().numberNode(new java.math.BigDecimal("1.5")));

    int n = TEST_SCHEMA.index("n");
    assertThat(converter.convert("e", 0, 0, payload).getField(n)).isEqualTo(9007199254740993L);
    assertThat(converter.convert("e", 0, 0, tooBig).getField(n)).isNull();
    assertThat(converter.convert("e", 0, 0, fraction).getField(n)).isNull();
  }

  @Test
  void doublesAndBooleans() throws Exception {
    assertThat(value("x", "7")).isEqualTo(7.0);
    assertThat(value("x", "-1.5e-3")).isEqualTo(-0.0015);
    assertThat(value("x", "123456789012345678901234567890")).isEqualTo(1.2345678901234568E29);
    assertThat(value("x", "\"2.5\"")).isEqualTo(2.5);
    assertThat(value("x", "\"NaN\"")).isNull();
    assertThat(value("x", "\"1.5d\"")).isNull();
    assertThat(value("x", "\"1-2\"")).isNull();
    assertThat(value("x", "false")).isNull();
    assertThat(value("x", "{}")).isNull();
    assertThat(value("b", "false")).isEqualTo(false);
    assertThat(value("b", "\"TRUE\"")).isEqualTo(true);
    assertThat(value("b", "1")).isNull();
    assertThat(value("b", "\"yes\"")).isNull();
  }

  @Test
  void stringColumnsHoldTextOrJsonText() throws Exception {
    assertThat(value("s", "\"plain \\\"quoted\\\" text\"")).isEqualTo(str("plain \"quoted\" text"));
    assertThat(value("s", "\"\"")).isEqualTo(str(""));
    assertThat(value("s", "12")).isEqualTo(str("12"));
    assertThat(value("s", "true")).isEqualTo(str("true"));
    assertThat(value("free", "{\"user\": \"u1\", \"n\": [1, 2.5, null], \"q\": \"a\\\"b\"}"))
        .isEqualTo(str("{\"user\":\"u1\",\"n\":[1,2.5,null],\"q\":\"a\\\"b\"}"));
    assertThat(value("free", "\"not an object\"")).isEqualTo(str("not an object"));
    assertThat(value("any", "\"text\"")).as("JSON string as plain text").isEqualTo(str("text"));
    assertThat(value("any", "17")).isEqualTo(str("17"));
    assertThat(value("mixed", "[1, \"a\", {\"b\": null}]"))
        .isEqualTo(str("[1,\"a\",{\"b\":null}]"));
  }

  @Test
  void nestedObjectsBecomeRows() throws Exception {
    Object geo =
        value(
            "geo",
            "{\"name\": \"dc1\", \"lat\": 52.5, \"extra\": 1, \"inner\": {\"z\": \"oops\"}}");

    assertThat(geo).isInstanceOf(GenericRowData.class);
    GenericRowData row = (GenericRowData) geo;
    assertThat(row.getArity()).isEqualTo(3);
    assertThat(row.getField(0)).isEqualTo(52.5);
    assertThat(row.getField(1)).isEqualTo(str("dc1"));
    assertThat(((GenericRowData) row.getField(2)).getArity()).isEqualTo(1);
    assertThat(((GenericRowData) row.getField(2)).getField(0)).as("wrong type inside").isNull();
    assertThat(value("geo", "\"dc1\"")).as("not an object").isNull();
    assertThat(value("geo", "[]")).isNull();
  }

  @Test
  void arraysBecomeArrayData() throws Exception {
    GenericArrayData tags = (GenericArrayData) value("tags", "[\"a\", null, 3, \"b\"]");
    assertThat(tags.size()).isEqualTo(4);
    assertThat(tags.getString(0)).isEqualTo(str("a"));
    assertThat(tags.isNullAt(1)).isTrue();
    assertThat(tags.getString(2)).isEqualTo(str("3"));
    assertThat(tags.getString(3)).isEqualTo(str("b"));

    GenericArrayData nums = (GenericArrayData) value("nums", "[1, -2, \"x\", 1e40]");
    assertThat(nums.getLong(0)).isEqualTo(1L);
    assertThat(nums.getLong(1)).isEqualTo(-2L);
    assertThat(nums.isNullAt(2)).isTrue();
    assertThat(nums.isNullAt(3)).isTrue();

    GenericArrayData pts = (GenericArrayData) value("pts", "[{\"v\": 1.5}, null, 7]");
    assertThat(pts.getRow(0, 1).getDouble(0)).isEqualTo(1.5);
    assertThat(pts.isNullAt(1)).isTrue();
    assertThat(pts.isNullAt(2)).isTrue();

    assertThat(((ArrayData) value("tags", "[]")).size()).isZero();
    assertThat(value("tags", "\"a\"")).as("not an array").isNull();
    assertThat(value("tags", "{\"0\": \"a\"}")).isNull();
  }

  @Test
  void addedFieldsAreReadAsColumnTypesReadsThem() throws Exception {
    GenericRowData row =
        convert(
            """
            {"score": 3, "seen": "42", "when": 1700000000123, "flag": "yes", "label": 12.5}
            """);

    assertThat(row.getField(TEST_SCHEMA.index("score"))).isEqualTo(3.0);
    assertThat(row.getField(TEST_SCHEMA.index("seen"))).isEqualTo(42L);
    assertThat(row.getField(TEST_SCHEMA.index("when")))
        .isEqualTo(TimestampData.fromEpochMillis(1_700_000_000_123L));
    assertThat(row.getField(TEST_SCHEMA.index("flag"))).isEqualTo(true);
    assertThat(row.getField(TEST_SCHEMA.index("label"))).isEqualTo(str("12.5"));

    assertThat(value("seen", "42.0")).isEqualTo(42L);
    assertThat(value("seen", "42.5")).isNull();
    assertThat(value("seen", "9223372036854775808")).isNull();
    assertThat(value("seen", "\"x\"")).isNull();
    assertThat(value("seen", "\"\"")).isNull();
    assertThat(value("when", "\"2026-11-23T15:05:00.5+01:00\""))
        .isEqualTo(reference("2026-11-23T14:05:00.5Z"));
    assertThat(value("when", "\"yesterday\"")).isNull();
    assertThat(value("when", "99999999999999999999")).isNull();
    assertThat(value("flag", "false")).isEqualTo(false);
    assertThat(value("flag", "\"maybe\"")).isNull();
    assertThat(value("score", "\"2.5\"")).isEqualTo(2.5);
    assertThat(value("score", "[]")).isNull();
    assertThat(value("label", "{\"a\": 1}")).isEqualTo(str("{\"a\":1}"));
  }

  @Test
  void enrichmentColumnsAreLeftNull() throws Exception {
    GenericRowData row = convert("{\"site_name\": \"Berlin\", \"floor\": 3}");

    assertThat(row.isNullAt(TEST_SCHEMA.index("site_name"))).isTrue();
    assertThat(row.isNullAt(TEST_SCHEMA.index("floor"))).isTrue();
  }

  @Test
  void rowsMatchTheRowTypeForFlinkSerialization() throws Exception {
    GenericRowData row =
        convert(
            """
            {"s": "hello", "n": 42, "x": 1.25, "b": true, "day": "2024-02-29",
             "at": "2026-11-23T14:05:00.123456Z", "free": {"k": [1]}, "any": 5,
             "geo": {"lat": 1.0, "name": "n", "inner": {"z": 3}},
             "tags": ["a", null], "nums": [1, null, 3], "pts": [{"v": 2.0}, null],
             "mixed": [1, "x"], "score": 1.5, "seen": 7, "when": "2026-11-23T14:05:00Z",
             "flag": false, "label": "l"}
            """);
    RowDataSerializer serializer = new RowDataSerializer(TEST_SCHEMA.rowType());

    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(row, out);
    RowData back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

    assertThat(back.getArity()).isEqualTo(row.getArity());
    assertThat(back.getString(TEST_SCHEMA.index("s"))).isEqualTo(str("hello"));
    assertThat(back.getTimestamp(TEST_SCHEMA.index("at"), 6))
        .isEqualTo(reference("2026-11-23T14:05:00.123456Z"));
    assertThat(back.getRow(TEST_SCHEMA.index("geo"), 3).getRow(2, 1).getLong(0)).isEqualTo(3L);
    assertThat(back.getArray(TEST_SCHEMA.index("nums")).getLong(2)).isEqualTo(3L);
    assertThat(back.getArray(TEST_SCHEMA.index("pts")).getRow(0, 1).getDouble(0)).isEqualTo(2.0);
    assertThat(back.isNullAt(TEST_SCHEMA.index("site_name"))).isTrue();
  }

  @Test
  void neverThrowsForOddValues() throws Exception {
    List<String> odd =
        List.of(
            "null",
            "\"\"",
            "\"text\"",
            "\"2026-11-23T14:05:00Z\"",
            "\"9999-99-99\"",
            "0",
            "-0.0",
            "1e309",
            "-1e309",
            "123456789012345678901234567890",
            "1.5",
            "true",
            "[]",
            "[null, [], {}, \"x\", 1]",
            "{}",
            "{\"lat\": [], \"inner\": 5, \"v\": {}}");
    for (String column : TEST_SCHEMA.columnNames().subList(3, TEST_SCHEMA.columnNames().size())) {
      for (String json : odd) {
        assertThatCode(() -> value(column, json))
            .as("%s = %s", column, json)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    CuratedRowConverter copy = CuratedSchemaTest.roundTrip(converter);

    GenericRowData row =
        copy.convert("e-9", 1L, 2L, MAPPER.readTree("{\"n\": 5, \"geo\": {\"lat\": 2.0}}"));

    assertThat(copy.schema()).isEqualTo(TEST_SCHEMA);
    assertThat(row.getField(TEST_SCHEMA.index("n"))).isEqualTo(5L);
    assertThat(((GenericRowData) row.getField(TEST_SCHEMA.index("geo"))).getField(0))
        .isEqualTo(2.0);
  }
}
