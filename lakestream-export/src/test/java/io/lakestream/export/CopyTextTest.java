package io.lakestream.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.export.internal.CopyText;
import io.lakestream.export.internal.PgTypes;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class CopyTextTest {

  private static String field(Object value, org.apache.iceberg.types.Type type) {
    StringBuilder sb = new StringBuilder();
    CopyText.appendField(sb, value, type);
    return sb.toString();
  }

  @Test
  void escapesTheCharactersCopyTextGivesAMeaning() {
    assertThat(field("a\tb\nc\rd\\e\\N", Types.StringType.get()))
        .isEqualTo("a\\tb\\nc\\rd\\\\e\\\\N");
    assertThat(field("\"quoted\" é 🚀", Types.StringType.get())).isEqualTo("\"quoted\" é 🚀");
    assertThat(field(null, Types.StringType.get())).isEqualTo("\\N");
  }

  @Test
  void writesScalarsAsPostgresReadsThem() {
    assertThat(field(true, Types.BooleanType.get())).isEqualTo("t");
    assertThat(field(Double.NaN, Types.DoubleType.get())).isEqualTo("NaN");
    assertThat(field(Double.NEGATIVE_INFINITY, Types.DoubleType.get())).isEqualTo("-Infinity");
    assertThat(field(0.1, Types.DoubleType.get())).isEqualTo("0.1");
    assertThat(field(new BigDecimal("1E+3"), Types.DecimalType.of(10, 0))).isEqualTo("1000");
    assertThat(field(ByteBuffer.wrap(new byte[] {0, (byte) 0xff}), Types.BinaryType.get()))
        .isEqualTo("\\\\x00ff");
  }

  @Test
  void nestedValuesBecomeJson() {
    Types.StructType struct =
        Types.StructType.of(
            Types.NestedField.optional(1, "a", Types.IntegerType.get()),
            Types.NestedField.optional(
                2, "tags", Types.ListType.ofOptional(3, Types.StringType.get())),
            Types.NestedField.optional(
                4,
                "m",
                Types.MapType.ofOptional(5, 6, Types.StringType.get(), Types.DoubleType.get())));
    GenericRecord r = GenericRecord.create(struct);
    r.set(0, 7);
    r.set(1, List.of("x\ty", "\"q\""));
    r.set(2, Map.of("k", Double.POSITIVE_INFINITY));
    assertThat(CopyText.json(r, struct))
        .isEqualTo("{\"a\":7,\"tags\":[\"x\\ty\",\"\\\"q\\\"\"],\"m\":{\"k\":\"Infinity\"}}");
    // and the JSON's own backslashes are escaped once more for COPY
    assertThat(field(r, struct)).contains("x\\\\ty");
  }

  @Test
  void refusesNul() {
    assertThatThrownBy(() -> field("a\0b", Types.StringType.get())).hasMessageContaining("NUL");
  }

  @Test
  void mapsTypesAndWidensOnlySafely() {
    assertThat(PgTypes.of(Types.TimestampType.withZone())).isEqualTo("timestamp with time zone");
    assertThat(PgTypes.of(Types.DecimalType.of(12, 3))).isEqualTo("numeric(12,3)");
    assertThat(PgTypes.widening("integer", "bigint")).contains("bigint");
    assertThat(PgTypes.widening("numeric(10,2)", "numeric(12,2)")).contains("numeric(12,2)");
    assertThat(PgTypes.widening("text", "text")).isEmpty();
    assertThatThrownBy(() -> PgTypes.widening("bigint", "text"))
        .isInstanceOf(PgTypes.IncompatibleTypeException.class);
    assertThat(PgTypes.quote("we\"ird")).isEqualTo("\"we\"\"ird\"");
  }
}
