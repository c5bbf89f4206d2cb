package io.lakestream.jobs.sink;

import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.validate.ValidatedEvent;
import io.lakestream.lake.LakeSchemas;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/** Turns events into Flink rows laid out exactly as {@link LakeSchemas} declares the tables. */
public final class LakeRows {

  /** Row type of raw-zone tables. */
  public static final RowType RAW_ROW_TYPE = FlinkSchemaUtil.convert(LakeSchemas.RAW_SCHEMA);

  /** Row type of the error-zone table. */
  public static final RowType ERROR_ROW_TYPE = FlinkSchemaUtil.convert(LakeSchemas.ERRORS_SCHEMA);

  /** Schema version written for events validated without the schema registry. */
  public static final int SCHEMA_VERSION = 1;

  public static TypeInformation<RowData> rawTypeInfo() {
    return InternalTypeInfo.of(RAW_ROW_TYPE);
  }

  public static TypeInformation<RowData> errorTypeInfo() {
    return InternalTypeInfo.of(ERROR_ROW_TYPE);
  }

  /** A raw-zone row for a validated event, at {@link #SCHEMA_VERSION}. */
  public static RowData raw(ValidatedEvent e) {
    return raw(e, SCHEMA_VERSION);
  }

  /** A raw-zone row for an event validated against the given registry version. */
  public static RowData raw(ValidatedEvent e, int schemaVersion) {
    return GenericRowData.of(
        StringData.fromString(e.id),
        StringData.fromString(e.source),
        e.key == null ? null : StringData.fromString(e.key),
        micros(e.eventTimeMicros),
        TimestampData.fromEpochMillis(e.ingestTime),
        schemaVersion,
        StringData.fromBytes(e.value));
  }

  /** An error-zone row for a rejected event. */
  public static RowData error(RawEvent e, String stage, String reason, long errorTimeMillis) {
    return GenericRowData.of(
        StringData.fromString(e.id),
        StringData.fromString(e.source),
        StringData.fromString(stage),
        StringData.fromString(reason),
        TimestampData.fromEpochMillis(e.ingestTime),
        TimestampData.fromEpochMillis(errorTimeMillis),
        StringData.fromString(text(e.value)),
        e.value,
        e.origin == null ? null : StringData.fromString(e.origin),
        e.topic == null ? null : StringData.fromString(e.topic),
        e.topic == null ? null : e.partition,
        e.topic == null ? null : e.offset);
  }

  private static TimestampData micros(long micros) {
    long millis = Math.floorDiv(micros, 1000L);
    int nanosOfMilli = (int) Math.floorMod(micros, 1000L) * 1000;
    return TimestampData.fromEpochMillis(millis, nanosOfMilli);
  }

  /** The bytes as text; bytes that are not UTF-8 are shown with replacement characters. */
  private static String text(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException ex) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private LakeRows() {}
}
