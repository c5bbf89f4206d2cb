package io.lakestream.jobs.detect;

import io.lakestream.api.config.DetectorConfig;
import io.lakestream.jobs.sql.SqlStatements;
import java.util.stream.Collectors;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The points a detector scores, as the SQL selects them from the source's curated view or the
 * aggregation's result: one row per event or window with the model key, the value, the event time
 * and the event id.
 */
public final class DetectorInput {

  public static final int KEY = 0;
  public static final int VALUE = 1;
  public static final int TIME = 2;
  public static final int EVENT_ID = 3;

  /** The rows' type: key, value, event time, event id (null for windows). */
  public static final DataType ROW_DATA_TYPE =
      DataTypes.ROW(
          DataTypes.FIELD("det_key", DataTypes.STRING()),
          DataTypes.FIELD("det_value", DataTypes.DOUBLE()),
          DataTypes.FIELD("det_time", DataTypes.TIMESTAMP_LTZ(3)),
          DataTypes.FIELD("det_event_id", DataTypes.STRING()));

  public static final RowType ROW_TYPE = (RowType) ROW_DATA_TYPE.getLogicalType();

  private DetectorInput() {}

  /**
   * The query over {@code view} (quoted) that yields the detector's points. A source's points are
   * timed by their event time, an aggregation's by the end of their window. Rows whose value is
   * null are left out: there is nothing to score.
   */
  public static String select(DetectorConfig d, String view, boolean hasEventId) {
    String key =
        d.key().isEmpty()
            ? "''"
            : d.key().stream()
                .map(k -> "COALESCE(CAST(" + SqlStatements.quote(k) + " AS STRING), '')")
                .collect(Collectors.joining(" || '|' || "));
    String time = d.onAggregation() ? "window_end" : "event_time";
    String id =
        !d.onAggregation() && hasEventId ? "CAST(event_id AS STRING)" : "CAST(NULL AS STRING)";
    String field = SqlStatements.quote(d.field());
    return "SELECT CAST("
        + key
        + " AS STRING) AS det_key, CAST("
        + field
        + " AS DOUBLE) AS det_value, CAST("
        + SqlStatements.quote(time)
        + " AS TIMESTAMP_LTZ(3)) AS det_time, "
        + id
        + " AS det_event_id FROM "
        + view
        + " WHERE "
        + field
        + " IS NOT NULL";
  }
}
