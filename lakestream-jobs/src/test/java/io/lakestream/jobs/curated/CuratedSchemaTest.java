package io.lakestream.jobs.curated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.api.config.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CuratedSchemaTest {

  static final Path EXAMPLES = Path.of("../examples/iot/schemas");

  static final LogicalType STRING = new VarCharType(VarCharType.MAX_LENGTH);
  static final LogicalType LTZ6 = new LocalZonedTimestampType(6);

  static String example(String file) throws IOException {
    return Files.readString(EXAMPLES.resolve(file));
  }

  /** A schema whose only property is {@code p} with the given property schema. */
  static CuratedSchema single(String propertySchema) {
    return CuratedSchema.of(
        "{\"type\": \"object\", \"properties\": {\"p\": " + propertySchema + "}}", null, null);
  }

  static LogicalType typeOfSingle(String propertySchema) {
    CuratedSchema s = single(propertySchema);
    return s.rowType().getTypeAt(s.index("p"));
  }

  static LogicalType type(CuratedSchema s, String column) {
    assertThat(s.index(column)).as("position of %s", column).isNotNegative();
    return s.rowType().getTypeAt(s.index(column));
  }

  @Test
  void systemColumnsComeFirstAndAreNotNull() throws IOException {
    CuratedSchema s = CuratedSchema.of(example("sensor-reading.schema.json"), Map.of(), Map.of());

    assertThat(s.columnNames().subList(0, 3))
        .containsExactly(
            CuratedSchema.EVENT_ID, CuratedSchema.EVENT_TIME, CuratedSchema.INGEST_TIME);
    assertThat(type(s, "event_id")).isEqualTo(new VarCharType(false, VarCharType.MAX_LENGTH));
    assertThat(type(s, "event_time")).isEqualTo(new LocalZonedTimestampType(false, 3));
    assertThat(type(s, "ingest_time")).isEqualTo(new LocalZonedTimestampType(false, 3));
  }

  @Test
  void sensorReadings() throws IOException {
    CuratedSchema s = CuratedSchema.of(example("sensor-reading.schema.json"), Map.of(), Map.of());

    assertThat(s.columnNames())
        .containsExactly(
            "event_id",
            "event_time",
            "ingest_time",
            "schema_version",
            "id",
            "device_id",
            "site",
            "ts",
            "temperature",
            "humidity",
            "battery",
            "firmware");
    assertThat(type(s, "id")).isEqualTo(STRING);
    assertThat(type(s, "device_id")).isEqualTo(STRING);
    assertThat(type(s, "ts")).isEqualTo(LTZ6);
    assertThat(type(s, "temperature")).isEqualTo(new DoubleType());
    assertThat(type(s, "humidity")).isEqualTo(new DoubleType());
    assertThat(type(s, "battery")).isEqualTo(new DoubleType());
    assertThat(type(s, "firmware")).isEqualTo(STRING);
    assertThat(s.enrichmentStart()).isEqualTo(12);
    assertThat(s.addedStart()).isEqualTo(12);
  }

  @Test
  void appLogs() throws IOException {
    CuratedSchema s = CuratedSchema.of(example("app-log.schema.json"), Map.of(), Map.of());

    assertThat(s.columnNames())
        .containsExactly(
            "event_id",
            "event_time",
            "ingest_time",
            "schema_version",
            "id",
            "ts",
            "service",
            "level",
            "message",
            "host",
            "trace_id",
            "attributes");
    assertThat(type(s, "ts")).isEqualTo(LTZ6);
    assertThat(type(s, "level")).as("enum of strings").isEqualTo(STRING);
    assertThat(type(s, "attributes")).as("free-form object").isEqualTo(STRING);
  }

  @Test
  void clickEvents() throws IOException {
    CuratedSchema s = CuratedSchema.of(example("click-event.schema.json"), Map.of(), Map.of());

    assertThat(s.columnNames())
        .containsExactly(
            "event_id",
            "event_time",
            "ingest_time",
            "schema_version",
            "id",
            "user_id",
            "session_id",
            "ts",
            "page",
            "referrer",
            "action",
            "device");
    assertThat(type(s, "ts")).as("epoch millis as integer").isEqualTo(new BigIntType());
    assertThat(type(s, "action")).isEqualTo(STRING);
  }

  @Test
  void transactions() throws IOException {
    CuratedSchema s = CuratedSchema.of(example("transaction.schema.json"), Map.of(), Map.of());

    assertThat(s.columnNames())
        .containsExactly(
            "event_id",
            "event_time",
            "ingest_time",
            "schema_version",
            "id",
            "txn_id",
            "account_id",
            "user_id",
            "ts",
            "amount",
            "currency",
            "merchant",
            "status");
    assertThat(type(s, "ts")).isEqualTo(LTZ6);
    assertThat(type(s, "amount")).isEqualTo(new DoubleType());
    assertThat(type(s, "status")).isEqualTo(STRING);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sensor-reading.schema.json",
        "app-log.schema.json",
        "click-event.schema.json",
        "transaction.schema.json"
      })
  void everyPayloadColumnIsNullable(String file) throws IOException {
    CuratedSchema s = CuratedSchema.of(example(file), Map.of("score", ColumnType.DOUBLE), Map.of());

    for (int i = 3; i < s.columnNames().size(); i++) {
      assertThat(s.rowType().getTypeAt(i).isNullable()).as(s.columnNames().get(i)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sensor-reading.schema.json",
        "app-log.schema.json",
        "click-event.schema.json",
        "transaction.schema.json"
      })
  void icebergCanHoldTheExamples(String file) throws IOException {
    CuratedSchema s =
        CuratedSchema.of(
            example(file),
            Map.of("score", ColumnType.DOUBLE),
            Map.of("site_name", ColumnType.STRING));

    assertThat(FlinkSchemaUtil.toSchema(s.rowType()).getFieldNames())
        .containsExactlyElementsOf(s.columnNames());
    Schema iceberg = FlinkSchemaUtil.convert(FlinkSchemaUtil.toResolvedSchema(s.rowType()));
    assertThat(iceberg.columns()).extracting(Types.NestedField::name).isEqualTo(s.columnNames());
    assertThat(iceberg.findField("event_id").isRequired()).isTrue();
    assertThat(iceberg.findField("event_time").type()).isEqualTo(Types.TimestampType.withZone());
    assertThat(iceberg.findField("site_name").isOptional()).isTrue();
  }

  @Test
  void icebergCanHoldNestedRowsArraysAndDates() {
    CuratedSchema s =
        CuratedSchema.of(
            """
            {"type": "object", "properties": {
              "day": {"type": "string", "format": "date"},
              "at": {"type": "string", "format": "date-time"},
              "geo": {"type": "object", "properties": {
                "lat": {"type": "number"}, "tags": {"type": "array", "items": {"type": "string"}}}},
              "readings": {"type": "array", "items": {"type": "object", "properties": {
                "v": {"type": "integer"}}}}
            }}
            """,
            null,
            null);

    Schema iceberg = FlinkSchemaUtil.convert(FlinkSchemaUtil.toResolvedSchema(s.rowType()));

    assertThat(iceberg.columns()).extracting(Types.NestedField::name).isEqualTo(s.columnNames());
    assertThat(iceberg.findType("day")).isEqualTo(Types.DateType.get());
    assertThat(iceberg.findType("at")).isEqualTo(Types.TimestampType.withZone());
    assertThat(iceberg.findType("geo").typeId()).isEqualTo(Type.TypeID.STRUCT);
    assertThat(iceberg.findType("geo.lat")).isEqualTo(Types.DoubleType.get());
    assertThat(iceberg.findType("geo.tags").typeId()).isEqualTo(Type.TypeID.LIST);
    Type readings = iceberg.findType("readings");
    assertThat(readings.typeId()).isEqualTo(Type.TypeID.LIST);
    assertThat(readings.asListType().elementType().asStructType().field("v").type())
        .isEqualTo(Types.LongType.get());
  }

  @Test
  void scalarTypes() {
    assertThat(typeOfSingle("{\"type\": \"string\"}")).isEqualTo(STRING);
    assertThat(typeOfSingle("{\"type\": \"string\", \"format\": \"date-time\"}")).isEqualTo(LTZ6);
    assertThat(typeOfSingle("{\"type\": \"string\", \"format\": \"date\"}"))
        .isEqualTo(new DateType());
    assertThat(typeOfSingle("{\"type\": \"string\", \"format\": \"email\"}")).isEqualTo(STRING);
    assertThat(typeOfSingle("{\"type\": \"string\", \"enum\": [\"a\", \"b\"]}")).isEqualTo(STRING);
    assertThat(typeOfSingle("{\"type\": \"integer\"}")).isEqualTo(new BigIntType());
    assertThat(typeOfSingle("{\"type\": \"number\"}")).isEqualTo(new DoubleType());
    assertThat(typeOfSingle("{\"type\": \"boolean\"}")).isEqualTo(new BooleanType());
  }

  @Test
  void nestedObjectsBecomeRowsInSchemaOrder() {
    LogicalType t =
        typeOfSingle(
            """
            {"type": "object", "properties": {
              "zeta": {"type": "string"},
              "alpha": {"type": "object", "properties": {
                "n": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}},
              "free": {"type": "object"}
            }}
            """);

    assertThat(t).isInstanceOf(RowType.class);
    RowType row = (RowType) t;
    assertThat(row.isNullable()).isTrue();
    assertThat(row.getFieldNames()).containsExactly("zeta", "alpha", "free");
    assertThat(row.getTypeAt(0)).isEqualTo(STRING);
    assertThat(row.getTypeAt(1))
        .isEqualTo(
            new RowType(
                List.of(
                    new RowType.RowField("n", new BigIntType()),
                    new RowType.RowField("at", LTZ6))));
    assertThat(row.getTypeAt(2)).as("free-form object inside").isEqualTo(STRING);
  }

  @Test
  void objectsWithoutPropertiesAreJsonText() {
    assertThat(typeOfSingle("{\"type\": \"object\"}")).isEqualTo(STRING);
    assertThat(typeOfSingle("{\"type\": \"object\", \"additionalProperties\": true}"))
        .isEqualTo(STRING);
    assertThat(typeOfSingle("{\"type\": \"object\", \"properties\": {}}")).isEqualTo(STRING);
  }

  @Test
  void arraysOfOneKindAreArrays() {
    assertThat(typeOfSingle("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"))
        .isEqualTo(new ArrayType(STRING));
    assertThat(typeOfSingle("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}"))
        .isEqualTo(new ArrayType(new BigIntType()));
    assertThat(typeOfSingle("{\"type\": \"array\", \"items\": {\"type\": [\"number\", \"null\"]}}"))
        .isEqualTo(new ArrayType(new DoubleType()));
    assertThat(
            typeOfSingle(
                "{\"type\": \"array\", \"items\": {\"type\": \"string\", \"format\": \"date\"}}"))
        .isEqualTo(new ArrayType(new DateType()));
    assertThat(
            typeOfSingle(
                """
                {"type": "array", "items": {"type": "object", "properties": {
                  "k": {"type": "string"}}}}
                """))
        .isEqualTo(new ArrayType(new RowType(List.of(new RowType.RowField("k", STRING)))));
    assertThat(
            typeOfSingle(
                """
                {"type": "array", "items": {"type": "array", "items": {"type": "boolean"}}}
                """))
        .isEqualTo(new ArrayType(new ArrayType(new BooleanType())));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\": \"array\"}",
        "{\"type\": \"array\", \"items\": {}}",
        "{\"type\": \"array\", \"items\": true}",
        "{\"type\": \"array\", \"items\": {\"type\": \"object\"}}",
        "{\"type\": \"array\", \"items\": {\"type\": [\"string\", \"integer\"]}}",
        "{\"type\": \"array\", \"items\": {\"anyOf\": [{\"type\": \"string\"}]}}",
        "{\"type\": \"array\", \"items\": {\"type\": \"array\", \"items\": {}}}",
        "{\"type\": \"array\", \"prefixItems\": [{\"type\": \"string\"}], \"items\": {\"type\": \"string\"}}",
        "{\"type\": \"array\", \"items\": [{\"type\": \"string\"}]}"
      })
  void otherArraysAreJsonText(String schema) {
    assertThat(typeOfSingle(schema)).isEqualTo(STRING);
  }

  @Test
  void nullableTypeListsTakeTheNonNullType() {
    assertThat(typeOfSingle("{\"type\": [\"string\", \"null\"]}")).isEqualTo(STRING);
    assertThat(typeOfSingle("{\"type\": [\"null\", \"integer\"]}")).isEqualTo(new BigIntType());
    assertThat(typeOfSingle("{\"type\": [\"string\", \"null\"], \"format\": \"date-time\"}"))
        .isEqualTo(LTZ6);
    assertThat(
            typeOfSingle(
                "{\"type\": [\"object\", \"null\"], \"properties\": {\"a\": {\"type\": \"number\"}}}"))
        .isEqualTo(new RowType(List.of(new RowType.RowField("a", new DoubleType()))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\": [\"string\", \"integer\"]}",
        "{\"type\": [\"integer\", \"number\", \"null\"]}",
        "{}",
        "true",
        "{\"type\": \"null\"}",
        "{\"enum\": [\"INFO\", \"WARN\"]}",
        "{\"const\": 42}",
        "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}",
        "{\"oneOf\": [{\"type\": \"string\"}]}",
        "{\"type\": \"string\", \"allOf\": [{\"minLength\": 1}]}",
        "{\"$ref\": \"#/$defs/thing\"}",
        "{\"type\": \"decimal\"}"
      })
  void everythingElseIsJsonText(String schema) {
    assertThat(typeOfSingle(schema)).isEqualTo(STRING);
  }

  @Test
  void addedAndEnrichmentColumnsFollowInOrder() {
    Map<String, ColumnType> added = new LinkedHashMap<>();
    added.put("score", ColumnType.DOUBLE);
    added.put("seen_at", ColumnType.TIMESTAMP);
    Map<String, ColumnType> enrichment = new LinkedHashMap<>();
    enrichment.put("site_name", ColumnType.STRING);
    enrichment.put("floor", ColumnType.LONG);
    enrichment.put("active", ColumnType.BOOLEAN);

    CuratedSchema s =
        CuratedSchema.of("{\"properties\": {\"a\": {\"type\": \"string\"}}}", added, enrichment);

    assertThat(s.columnNames())
        .containsExactly(
            "event_id",
            "event_time",
            "ingest_time",
            "schema_version",
            "a",
            "score",
            "seen_at",
            "site_name",
            "floor",
            "active");
    assertThat(s.addedStart()).isEqualTo(5);
    assertThat(s.enrichmentStart()).isEqualTo(7);
    assertThat(s.index("site_name")).isEqualTo(7);
    assertThat(s.index("nope")).isEqualTo(-1);
    assertThat(type(s, "score")).isEqualTo(ColumnTypes.logicalType(ColumnType.DOUBLE));
    assertThat(type(s, "seen_at")).isEqualTo(ColumnTypes.logicalType(ColumnType.TIMESTAMP));
    assertThat(type(s, "floor")).isEqualTo(new BigIntType());
    assertThat(type(s, "active")).isEqualTo(new BooleanType());
  }

  @Test
  void schemaWithoutPropertiesHasOnlySystemColumns() {
    CuratedSchema s = CuratedSchema.of("{\"type\": \"object\"}", Map.of(), Map.of());

    assertThat(s.columnNames())
        .containsExactly("event_id", "event_time", "ingest_time", "schema_version");
    assertThat(s.enrichmentStart()).isEqualTo(4);
  }

  @Test
  void propertyNamedLikeASystemColumnClashes() {
    assertThatThrownBy(
            () ->
                CuratedSchema.of(
                    "{\"properties\": {\"event_time\": {\"type\": \"string\"}}}", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'event_time'")
        .hasMessageContaining("schema property")
        .hasMessageContaining("system column");
  }

  @Test
  void addedFieldNamedLikeAPropertyClashes() {
    assertThatThrownBy(
            () ->
                CuratedSchema.of(
                    "{\"properties\": {\"score\": {\"type\": \"number\"}}}",
                    Map.of("score", ColumnType.DOUBLE),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("added field 'score'")
        .hasMessageContaining("schema property");
  }

  @Test
  void enrichmentColumnNamedLikeAnAddedFieldOrSystemColumnClashes() {
    assertThatThrownBy(
            () ->
                CuratedSchema.of(
                    "{}", Map.of("site", ColumnType.STRING), Map.of("site", ColumnType.STRING)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enrichment column 'site'")
        .hasMessageContaining("added field");
    assertThatThrownBy(
            () -> CuratedSchema.of("{}", null, Map.of("ingest_time", ColumnType.TIMESTAMP)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enrichment column 'ingest_time'");
  }

  @Test
  void blankNamesAreRefused() {
    assertThatThrownBy(
            () -> CuratedSchema.of("{\"properties\": {\" \": {\"type\": \"string\"}}}", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank name");
    assertThatThrownBy(
            () ->
                CuratedSchema.of(
                    "{\"properties\": {\"o\": {\"type\": \"object\", \"properties\": {\"\": {}}}}}",
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank name")
        .hasMessageContaining("'o'");
  }

  @Test
  void malformedSchemaTextIsRefused() {
    assertThatThrownBy(() -> CuratedSchema.of("{\"properties\": ", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> CuratedSchema.of("", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void columnNamesCannotBeModified() throws IOException {
    CuratedSchema s = CuratedSchema.of(example("app-log.schema.json"), Map.of(), Map.of());

    assertThatThrownBy(() -> s.columnNames().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    CuratedSchema s =
        CuratedSchema.of(
            example("transaction.schema.json"),
            Map.of("risk", ColumnType.DOUBLE),
            Map.of("merchant_name", ColumnType.STRING));

    CuratedSchema copy = roundTrip(s);

    assertThat(copy).isEqualTo(s);
    assertThat(copy.rowType()).isEqualTo(s.rowType());
    assertThat(copy.index("risk")).isEqualTo(s.index("risk"));
    assertThat(copy.enrichmentStart()).isEqualTo(s.enrichmentStart());
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
