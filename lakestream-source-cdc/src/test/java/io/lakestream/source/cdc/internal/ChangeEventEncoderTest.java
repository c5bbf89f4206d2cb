package io.lakestream.source.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.data.VariableScaleDecimal;
import io.lakestream.api.ingest.RawRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ChangeEventEncoderTest {

  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .field("schema", Schema.STRING_SCHEMA)
          .field("table", Schema.STRING_SCHEMA)
          .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
          .field("ts_ms", Schema.INT64_SCHEMA)
          .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
          .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
          .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
          .build();

  private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

  private static final Schema ROW =
      SchemaBuilder.struct()
          .optional()
          .field("id", Schema.INT32_SCHEMA)
          .field("name", Schema.OPTIONAL_STRING_SCHEMA)
          .build();

  private final ChangeEventEncoder encoder = new ChangeEventEncoder("postgres_cdc h:5432/shop");

  @Test
  void streamedInsertHasTheDocumentedShape() {
    RawRecord r =
        encoder.encode(change("c", 1, null, row(ROW, 1, "ann"), "false", 23861544L, 771L));
    assertThat(json(r))
        .isEqualTo(
            "{\"id\":\"23861544:public.orders:1\",\"op\":\"c\",\"table\":\"public.orders\","
                + "\"key\":{\"id\":1},\"before\":null,\"after\":{\"id\":1,\"name\":\"ann\"},"
                + "\"lsn\":23861544,\"tx_id\":771,\"commit_time\":\"2026-11-23T14:05:00.123456Z\","
                + "\"snapshot\":false}");
    assertThat(r.id()).isEqualTo("23861544:public.orders:1");
    assertThat(r.idGenerated()).isFalse();
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("1");
    assertThat(r.origin()).isEqualTo("postgres_cdc h:5432/shop public.orders lsn 23861544");
    assertThat(r.error()).isNull();
  }

  @Test
  void deleteHasNoAfterAndUpdateKeepsBoth() {
    RawRecord d = encoder.encode(change("d", 1, row(ROW, 1, "ann"), null, "false", 100L, 5L));
    assertThat(json(d)).contains("\"before\":{\"id\":1,\"name\":\"ann\"},\"after\":null");
    RawRecord u =
        encoder.encode(change("u", 1, row(ROW, 1, "ann"), row(ROW, 1, "bob"), "false", 99L, 5L));
    assertThat(json(u))
        .contains("\"before\":{\"id\":1,\"name\":\"ann\"},\"after\":{\"id\":1,\"name\":\"bob\"}");
    assertThat(u.id()).isNotEqualTo(d.id());
  }

  @Test
  void compositeKeysAreCompactJson() {
    Schema key =
        SchemaBuilder.struct()
            .field("order_id", Schema.INT32_SCHEMA)
            .field("sku", Schema.STRING_SCHEMA)
            .build();
    Struct k = new Struct(key).put("order_id", 7).put("sku", "A-1");
    SourceRecord rec = record(k, envelope("c", null, row(ROW, 7, "x"), "false", 42L, 1L));
    RawRecord r = encoder.encode(rec);
    assertThat(new String(r.key(), StandardCharsets.UTF_8))
        .isEqualTo("{\"order_id\":7,\"sku\":\"A-1\"}");
    assertThat(r.id()).isEqualTo("42:public.orders:{\"order_id\":7,\"sku\":\"A-1\"}");
    assertThat(json(r)).contains("\"key\":{\"order_id\":7,\"sku\":\"A-1\"}");
  }

  @Test
  void singleColumnKeysReadAsInTheEvent() {
    Schema dateKey =
        SchemaBuilder.struct()
            .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").build())
            .build();
    SourceRecord rec =
        record(
            new Struct(dateKey).put("day", 20_415),
            envelope("c", null, row(ROW, 1, "x"), "false", 42L, 1L));
    RawRecord r = encoder.encode(rec);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("2025-11-23");
    assertThat(r.id()).isEqualTo("42:public.orders:2025-11-23");
    assertThat(json(r)).contains("\"key\":{\"day\":\"2025-11-23\"}");
  }

  @Test
  void snapshotIdsFollowTheRowNotTheSnapshotsLsn() {
    RawRecord first = encoder.encode(change("r", 1, null, row(ROW, 1, "ann"), "true", 500L, null));
    RawRecord again = encoder.encode(change("r", 1, null, row(ROW, 1, "ann"), "last", 900L, null));
    RawRecord changed =
        encoder.encode(change("r", 1, null, row(ROW, 1, "bob"), "true", 900L, null));
    RawRecord other = encoder.encode(change("r", 2, null, row(ROW, 2, "ann"), "true", 500L, null));
    assertThat(first.id()).matches("snapshot:public\\.orders:1:[0-9a-f]{16}");
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(changed.id()).isNotEqualTo(first.id());
    assertThat(other.id()).isNotEqualTo(first.id());
    assertThat(json(first)).contains("\"snapshot\":true").contains("\"tx_id\":null");
  }

  @Test
  void valuesAreTyped() {
    Schema vsd = VariableScaleDecimal.optionalSchema();
    Schema row =
        SchemaBuilder.struct()
            .optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("big", Schema.INT64_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("any_numeric", vsd)
            .field("ratio", Schema.FLOAT64_SCHEMA)
            .field("nan", Schema.FLOAT64_SCHEMA)
            .field("ok", Schema.BOOLEAN_SCHEMA)
            .field("at", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
            .field("local", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build())
            .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").build())
            .field("clock", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
            .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").build())
            .field("bad_doc", SchemaBuilder.string().name("io.debezium.data.Json").build())
            .field("raw", Schema.BYTES_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .build();
    Struct after =
        new Struct(row)
            .put("id", 1)
            .put("big", 9_000_000_000L)
            .put("price", new BigDecimal("12.50"))
            .put(
                "any_numeric",
                VariableScaleDecimal.fromLogical(
                    vsd, new BigDecimal("12345678901234567890.000000000001")))
            .put("ratio", 0.1)
            .put("nan", Double.NaN)
            .put("ok", true)
            .put("at", "2026-11-23T14:05:00.123456Z")
            .put("local", 1_795_442_700_000_001L)
            .put("day", 20_415)
            .put("clock", 50_700_500_000L)
            .put("doc", "{\"a\": 1.10, \"b\": [1, 2, {\"c\": null}]}")
            .put("bad_doc", "{not json")
            .put("raw", new byte[] {1, 2, 3})
            .put("tags", List.of("x", "y"));
    String json = json(encoder.encode(change("c", 1, null, after, "false", 1L, 1L)));
    assertThat(json)
        .contains(
            "\"after\":{\"id\":1,\"big\":9000000000,\"price\":12.50,"
                + "\"any_numeric\":12345678901234567890.000000000001,"
                + "\"ratio\":0.1,\"nan\":\"NaN\",\"ok\":true,"
                + "\"at\":\"2026-11-23T14:05:00.123456Z\",\"local\":\"2026-11-23T14:05:00.000001\","
                + "\"day\":\"2025-11-23\",\"clock\":\"14:05:00.5\","
                + "\"doc\":{\"a\":1.10,\"b\":[1,2,{\"c\":null}]},\"bad_doc\":\"{not json\","
                + "\"raw\":\"AQID\",\"tags\":[\"x\",\"y\"]}");
  }

  @Test
  void recordsWithoutARowChangeAreSkipped() {
    assertThat(encoder.encode(record(key(1), null))).as("tombstone").isNull();
    Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
    SourceRecord beat =
        new SourceRecord(
            Map.of(),
            Map.of(),
            "__debezium-heartbeat",
            null,
            null,
            heartbeat,
            new Struct(heartbeat).put("ts_ms", 1L));
    assertThat(encoder.encode(beat)).as("heartbeat").isNull();
    assertThat(encoder.encode(change("t", 1, null, null, "false", 1L, 1L))).as("truncate").isNull();
    assertThat(encoder.encode(change("m", 1, null, null, "false", 1L, 1L))).as("message").isNull();
  }

  private static SourceRecord change(
      String op, int id, Struct before, Struct after, String snapshot, Long lsn, Long txId) {
    return record(key(id), envelope(op, before, after, snapshot, lsn, txId));
  }

  private static Struct envelope(
      String op, Struct before, Struct after, String snapshot, Long lsn, Long txId) {
    Schema rowSchema = after != null ? after.schema() : before != null ? before.schema() : ROW;
    Schema value =
        SchemaBuilder.struct()
            .field("before", rowSchema)
            .field("after", rowSchema)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .build();
    Struct source =
        new Struct(SOURCE)
            .put("schema", "public")
            .put("table", "orders")
            .put("snapshot", snapshot)
            .put("ts_ms", 1_795_442_700_123L)
            .put("ts_us", 1_795_442_700_123_456L)
            .put("txId", txId)
            .put("lsn", lsn);
    return new Struct(value)
        .put("before", before)
        .put("after", after)
        .put("source", source)
        .put("op", op);
  }

  private static SourceRecord record(Struct key, Struct value) {
    return new SourceRecord(
        Map.of("server", "lakestream"),
        Map.of("lsn", 1L),
        "lakestream.public.orders",
        null,
        key == null ? null : key.schema(),
        key,
        value == null ? null : value.schema(),
        value);
  }

  private static Struct key(int id) {
    return new Struct(KEY).put("id", id);
  }

  private static Struct row(Schema schema, int id, String name) {
    return new Struct(schema).put("id", id).put("name", name);
  }

  private static String json(RawRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }
}
