package io.lakestream.jobs.enrich;

import io.lakestream.api.config.ColumnType;
import io.lakestream.api.config.ReferenceConfig;
import io.lakestream.jobs.curated.ColumnTypes;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.table.data.StringData;

/**
 * The conversion of one reference row's raw values (text, JSON values, JDBC objects) into Flink
 * internal values in the order of the reference's columns, a bad value becoming {@code null} with a
 * warning.
 */
final class RowConverter {

  private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,19}");

  /** The raw value of the row's column at an index of the reference's columns. */
  @FunctionalInterface
  interface RawRow {
    Object get(int column);
  }

  private final String[] names;
  private final ColumnType[] types;

  RowConverter(ReferenceConfig cfg) {
    this.names = cfg.columns().keySet().toArray(String[]::new);
    this.types = cfg.columns().values().toArray(ColumnType[]::new);
  }

  /** The reference's column names, in order. */
  List<String> names() {
    return List.of(names);
  }

  int width() {
    return names.length;
  }

  /**
   * The row's values as Flink internal values.
   *
   * @param where the row, for warnings ({@code devices.csv:12}, {@code key 'x'})
   * @param canonical equal values seen so far in this load, to share one instance; may be null
   */
  Object[] convert(RawRow raw, String where, LoadWarnings warnings, Map<Object, Object> canonical) {
    Object[] out = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      Object value = raw.get(i);
      try {
        Object v = internal(types[i], value);
        // Reference columns repeat (sites, models, segments): one shared instance per distinct
        // value keeps a large table several times smaller, in every parallel task.
        out[i] = v == null || canonical == null ? v : canonical.computeIfAbsent(v, k -> k);
      } catch (IllegalArgumentException e) {
        warnings.warn(
            where,
            "column "
                + names[i]
                + ": cannot read "
                + show(value)
                + " as "
                + types[i].yamlName()
                + ", so it is left null");
      }
    }
    return out;
  }

  private static String show(Object value) {
    String s = String.valueOf(value);
    if (s.length() > 60) {
      s = s.substring(0, 57) + "...";
    }
    return value instanceof String || value instanceof StringData ? "'" + s + "'" : s;
  }

  private static Object internal(ColumnType type, Object value) {
    if (type == ColumnType.TIMESTAMP) {
      value = instantLike(value);
    }
    Object v = ColumnTypes.toInternal(type, value);
    if (v instanceof StringData s) {
      // One value is shared by every event enriched with this row; building its binary form now
      // means no task thread ever writes into it lazily later.
      s.toBytes();
    }
    return v;
  }

  /** Epoch milliseconds as text (CSV), and JDBC's java.time values, in a form toInternal takes. */
  private static Object instantLike(Object value) {
    if (value instanceof String s && EPOCH_MILLIS.matcher(s.strip()).matches()) {
      try {
        return Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        return value; // out of range: toInternal says so
      }
    }
    if (value instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (value instanceof LocalDateTime t) {
      // a timestamp without a zone (SQL TIMESTAMP): taken as UTC, as pipeline timestamps are
      return t.toInstant(ZoneOffset.UTC);
    }
    return value;
  }
}
