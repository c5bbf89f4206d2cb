package io.lakestream.lake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The columns and rows a SQL query returned, fully read into memory.
 *
 * <p>Values are plain Java objects: {@code String}, {@code Boolean}, {@code Integer}, {@code Long},
 * {@code Double}, {@code BigDecimal}, {@code BigInteger}, {@code byte[]} (binary), {@code
 * java.time.OffsetDateTime} in UTC (timestamps with time zone), {@code LocalDateTime}, {@code
 * LocalDate}, {@code LocalTime}, {@code UUID}, {@code List} (lists), {@code Map} (structs and maps)
 * or {@code null}.
 *
 * @param columns the result columns, in order
 * @param rows the rows; each has one value per column
 * @param truncated whether the query returned more rows than the row cap ({@link
 *     QueryOptions#maxRows()}) and {@code rows} holds only the first ones
 * @param filesScanned for every lake table, by SQL name ({@code raw.sensors}), how many data files
 *     its view was built over, whether or not the query read it. Fewer than the snapshot holds when
 *     the query's WHERE clause let partitions be pruned; empty for results not made by the engine
 */
public record QueryResult(
    List<Column> columns,
    List<List<Object>> rows,
    boolean truncated,
    Map<String, Integer> filesScanned) {

  /** A complete result (not truncated) with no scan information. */
  public QueryResult(List<Column> columns, List<List<Object>> rows) {
    this(columns, rows, false, Map.of());
  }

  public QueryResult {
    filesScanned =
        filesScanned == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(filesScanned));
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "row has " + row.size() + " values but there are " + columns.size() + " columns");
      }
      // Not List.copyOf: SQL values may be null.
      copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** The column names, in order. */
  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /**
   * One result column.
   *
   * @param name the column name (or alias) as the query spelled it
   * @param type the SQL type as DuckDB names it, e.g. {@code VARCHAR} or {@code TIMESTAMP WITH TIME
   *     ZONE}
   */
  public record Column(String name, String type) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }
}
