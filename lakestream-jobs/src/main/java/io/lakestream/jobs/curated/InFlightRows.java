package io.lakestream.jobs.curated;

import io.lakestream.jobs.ingest.RawEvent;
import io.lakestream.jobs.sink.LakeRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * Layout of the rows that flow from validation to a source's SQL view: the curated columns followed
 * by where the event came from (its original bytes and Kafka position).
 *
 * <p>The trailing columns let the stages between validation and SQL (lateness, enrichment) still
 * send an event to the error zone with its original bytes; they are dropped before the SQL view.
 */
public final class InFlightRows {

  /** Names of the trailing origin columns, in order. */
  public static final List<String> ORIGIN_COLUMNS =
      List.of("_raw_bytes", "_origin", "_topic", "_partition", "_offset", "_lane", "_extra");

  /** Position of the lane column, counted from the first origin column. */
  public static final int LANE = 5;

  /**
   * Position of the column holding, as a JSON object, the values of properties that a schema
   * version newer than the job's plan adds (see {@link VersionColumns}); {@code null} when none.
   * Counted from the first origin column.
   */
  public static final int EXTRA = 6;

  private InFlightRows() {}

  /** The in-flight row type for a source's curated schema. */
  public static RowType rowType(CuratedSchema schema) {
    List<RowType.RowField> fields = new ArrayList<>(schema.rowType().getFields());
    LogicalType[] types = {
      new VarBinaryType(VarBinaryType.MAX_LENGTH),
      new VarCharType(VarCharType.MAX_LENGTH),
      new VarCharType(VarCharType.MAX_LENGTH),
      new IntType(),
      new BigIntType(),
      new IntType(),
      new VarBinaryType(VarBinaryType.MAX_LENGTH)
    };
    for (int i = 0; i < types.length; i++) {
      fields.add(new RowType.RowField(ORIGIN_COLUMNS.get(i), types[i]));
    }
    return new RowType(false, fields);
  }

  public static TypeInformation<RowData> typeInfo(CuratedSchema schema) {
    return InternalTypeInfo.of(rowType(schema));
  }

  /**
   * An in-flight row: the curated columns of {@code curated} plus the event's origin.
   *
   * @param lane the raw-topic partition and validating task the event came through, as {@code
   *     partition * tasks + task}: events of one lane stay in order all the way (see {@link
   *     PartitionWatermarks})
   */
  public static GenericRowData of(GenericRowData curated, RawEvent e, int lane) {
    return of(curated, e, lane, null);
  }

  /**
   * An in-flight row that also carries the values of columns newer than the plan.
   *
   * @param extra a JSON object of the new columns' values, or {@code null}
   */
  public static GenericRowData of(GenericRowData curated, RawEvent e, int lane, byte[] extra) {
    int n = curated.getArity();
    GenericRowData row = new GenericRowData(n + ORIGIN_COLUMNS.size());
    for (int i = 0; i < n; i++) {
      row.setField(i, curated.getField(i));
    }
    row.setField(n, e.value);
    row.setField(n + 1, e.origin == null ? null : StringData.fromString(e.origin));
    row.setField(n + 2, e.topic == null ? null : StringData.fromString(e.topic));
    row.setField(n + 3, e.topic == null ? null : e.partition);
    row.setField(n + 4, e.topic == null ? null : e.offset);
    row.setField(n + 5, lane);
    row.setField(n + EXTRA, extra);
    return row;
  }

  /**
   * The error-zone row for an in-flight event that a stage rejected.
   *
   * @param curatedArity number of curated columns (where the origin columns start)
   */
  public static RowData error(
      RowData row, int curatedArity, String source, String stage, String reason) {
    RawEvent e = new RawEvent();
    e.id = row.getString(0).toString();
    e.source = source;
    e.ingestTime = row.getTimestamp(2, 3).getMillisecond();
    e.value = row.getBinary(curatedArity);
    e.origin = row.isNullAt(curatedArity + 1) ? null : row.getString(curatedArity + 1).toString();
    if (!row.isNullAt(curatedArity + 2)) {
      e.topic = row.getString(curatedArity + 2).toString();
      e.partition = row.getInt(curatedArity + 3);
      e.offset = row.getLong(curatedArity + 4);
    }
    return LakeRows.error(e, stage, reason, System.currentTimeMillis());
  }
}
