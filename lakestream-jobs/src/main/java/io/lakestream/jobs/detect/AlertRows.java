package io.lakestream.jobs.detect;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.config.DetectorConfig;
import io.lakestream.detect.AlertLifecycle;
import io.lakestream.detect.Score;
import io.lakestream.lake.LakeSchemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/** Alert events as rows of the lake's alerts table, and back. */
public final class AlertRows {

  /** Row type of {@code alerts.events}. */
  public static final RowType ROW_TYPE = FlinkSchemaUtil.convert(LakeSchemas.ALERTS_SCHEMA);

  private AlertRows() {}

  public static TypeInformation<RowData> typeInfo() {
    return InternalTypeInfo.of(ROW_TYPE);
  }

  /**
   * The incident's id: the same for its open and resolved events, and the same again if the job
   * replays the events after a failure, so receivers can drop a repeated notification.
   */
  public static String alertId(
      String pipeline, String detector, String key, long incidentStartMillis, long sequence) {
    String identity =
        pipeline + '\0' + detector + '\0' + key + '\0' + incidentStartMillis + '\0' + sequence;
    return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The alert event of a lifecycle transition, as an alerts-table row. */
  public static RowData row(
      String pipeline,
      DetectorConfig d,
      String key,
      AlertLifecycle.Transition t,
      long detectionMillis) {
    boolean open = t.kind() == AlertLifecycle.Transition.Kind.OPENED;
    Score s = t.score();
    StringData[] ids = new StringData[t.eventIds().size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = StringData.fromString(t.eventIds().get(i));
    }
    return GenericRowData.of(
        StringData.fromString(
            alertId(pipeline, d.name(), key, t.incidentStartMillis(), t.sequence())),
        StringData.fromString(open ? "open" : "resolved"),
        StringData.fromString(pipeline),
        StringData.fromString(d.name()),
        StringData.fromString(d.type()),
        StringData.fromString(d.on()),
        StringData.fromString(d.field()),
        StringData.fromString(key),
        s.value(),
        s.score(),
        finite(s.expected()),
        finite(s.low()),
        finite(s.high()),
        TimestampData.fromEpochMillis(t.eventTimeMillis()),
        TimestampData.fromEpochMillis(detectionMillis),
        StringData.fromString(d.severity().yamlName()),
        new GenericArrayData(ids),
        StringData.fromString(message(d, key, t)));
  }

  /** One sentence for people: what, where, how far off, and which detector said so. */
  static String message(DetectorConfig d, String key, AlertLifecycle.Transition t) {
    Score s = t.score();
    String where = d.on() + "." + d.field() + (key.isEmpty() ? "" : " for " + key);
    String range = range(s);
    if (t.kind() == AlertLifecycle.Transition.Kind.RESOLVED) {
      return "resolved: "
          + where
          + " is back to normal ("
          + number(s.value())
          + (range.isEmpty() ? "" : ", normal " + range)
          + ") [detector "
          + d.name()
          + "]";
    }
    String how;
    if (!Double.isNaN(s.high()) && s.value() > s.high()) {
      how = "above the normal range " + range;
    } else if (!Double.isNaN(s.low()) && s.value() < s.low()) {
      how = "below the normal range " + range;
    } else if (!Double.isNaN(s.expected())) {
      how = "unusual (expected about " + number(s.expected()) + ")";
    } else {
      how = "unusual";
    }
    return where
        + " = "
        + number(s.value())
        + " is "
        + how
        + " [detector "
        + d.name()
        + ", "
        + d.type()
        + ", score "
        + number(s.score())
        + "]";
  }

  private static String range(Score s) {
    if (Double.isNaN(s.low()) && Double.isNaN(s.high())) {
      return "";
    }
    return (Double.isNaN(s.low()) ? "…" : number(s.low()))
        + " to "
        + (Double.isNaN(s.high()) ? "…" : number(s.high()));
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    // Four significant digits without trailing zeros: 78.4, 0.12, 1.235e+06.
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** An alerts-table row as the event the alerts topic and the channels carry. */
  public static AlertEvent toEvent(RowData r) {
    ArrayData idsData = r.getArray(16);
    List<String> ids = new ArrayList<>(idsData.size());
    for (int i = 0; i < idsData.size(); i++) {
      ids.add(idsData.getString(i).toString());
    }
    return new AlertEvent(
        r.getString(0).toString(),
        AlertEvent.Status.valueOf(r.getString(1).toString().toUpperCase(Locale.ROOT)),
        r.getString(2).toString(),
        r.getString(3).toString(),
        r.getString(4).toString(),
        r.getString(5).toString(),
        r.getString(6).toString(),
        r.getString(7).toString(),
        r.getDouble(8),
        r.getDouble(9),
        r.isNullAt(10) ? null : r.getDouble(10),
        r.isNullAt(11) ? null : r.getDouble(11),
        r.isNullAt(12) ? null : r.getDouble(12),
        r.getTimestamp(13, 6).getMillisecond(),
        r.getTimestamp(14, 6).getMillisecond(),
        r.getString(15).toString(),
        ids,
        r.getString(17).toString());
  }
}
