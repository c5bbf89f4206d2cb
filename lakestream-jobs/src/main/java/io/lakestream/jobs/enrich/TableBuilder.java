package io.lakestream.jobs.enrich;

import java.util.HashMap;
import java.util.Map;

/**
 * The rows of one read of a reference table being collected by key, skipping rows without a key and
 * warning about keys that appear twice.
 */
final class TableBuilder {

  private final String keyColumn;
  private final RowConverter converter;
  private final LoadWarnings warnings;
  private final HashMap<String, Object[]> rows = new HashMap<>();
  private final HashMap<Object, Object> canonical = new HashMap<>();

  TableBuilder(String keyColumn, RowConverter converter, LoadWarnings warnings) {
    this.keyColumn = keyColumn;
    this.converter = converter;
    this.warnings = warnings;
  }

  /**
   * Adds a row.
   *
   * @param rawKey the value of the key column, as read
   * @param where the row, for warnings
   */
  void add(Object rawKey, RowConverter.RawRow raw, String where) {
    String key = Keys.text(rawKey);
    if (key == null || key.isBlank()) {
      warnings.warn(where, "no value in the key column " + keyColumn + ", so the row is skipped");
      return;
    }
    Object[] values = converter.convert(raw, where, warnings, canonical);
    if (rows.put(key, values) != null) {
      warnings.warn(where, "key '" + key + "' appears again; this later row replaces the earlier");
    }
  }

  /** The rows read; the map is not changed afterwards, so it can be shared as a snapshot. */
  Map<String, Object[]> rows() {
    return rows;
  }
}
