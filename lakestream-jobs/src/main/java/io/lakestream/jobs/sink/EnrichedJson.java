package io.lakestream.jobs.sink;

import io.lakestream.jobs.curated.CuratedSchema;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.formats.json.JsonRowDataSerializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Serializes a source's curated rows (validated, transformed and enriched) as JSON objects for the
 * enriched topic, keyed by the source's key field so that per-key order holds there too.
 *
 * <p>Uses Flink's own JSON format, so the topic reads back with Flink's {@code json} format and the
 * same column types; timestamps are ISO-8601 with a {@code Z}, null columns are left out.
 */
public final class EnrichedJson extends RichMapFunction<RowData, EnrichedRecord> {

  private final String source;
  private final RowType curatedType;
  private final int keyIndex;
  private transient JsonRowDataSerializationSchema json;
  private transient RowData.FieldGetter key;

  /**
   * @param keyField the source's key field; its column's value becomes the Kafka key
   */
  public EnrichedJson(String source, CuratedSchema schema, String keyField) {
    this.source = source;
    this.curatedType = schema.rowType();
    this.keyIndex = schema.index(keyField);
  }

  @Override
  public void open(OpenContext ctx) throws Exception {
    json =
        new JsonRowDataSerializationSchema(
            curatedType,
            TimestampFormat.ISO_8601,
            JsonFormatOptions.MapNullKeyMode.FAIL,
            "null",
            true,
            true);
    json.open(null);
    key =
        keyIndex < 0 ? null : RowData.createFieldGetter(curatedType.getTypeAt(keyIndex), keyIndex);
  }

  @Override
  public EnrichedRecord map(RowData row) {
    EnrichedRecord r = new EnrichedRecord();
    r.id = row.getString(0).toString();
    r.source = source;
    r.eventTimeMillis = row.getTimestamp(1, 3).getMillisecond();
    r.ingestTime = row.getTimestamp(2, 3).getMillisecond();
    // The in-flight row carries origin columns after the curated ones; the serializer only reads
    // the curated positions, so no copy is needed.
    r.value = json.serialize(row);
    Object k = key == null ? null : key.getFieldOrNull(row);
    r.key = (k == null ? r.id : k.toString()).getBytes(StandardCharsets.UTF_8);
    return r;
  }
}
