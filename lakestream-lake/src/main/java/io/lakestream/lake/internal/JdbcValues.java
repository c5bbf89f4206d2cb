package io.lakestream.lake.internal;

import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Struct;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads DuckDB JDBC values as plain Java values, so results outlive the connection and formatters
 * need not know driver classes (blobs, arrays, structs, JSON nodes).
 */
public final class JdbcValues {

  private JdbcValues() {}

  /** The value of a column of the current row. */
  public static Object read(ResultSet rs, int column, String typeName) throws SQLException {
    // The driver gives java.sql.Timestamp for TIMESTAMP, whose toString and conversions depend
    // on the JVM time zone; LocalDateTime keeps the stored wall-clock value.
    if (typeName.equals("TIMESTAMP")
        || typeName.equals("TIMESTAMP_NS")
        || typeName.equals("TIMESTAMP_MS")
        || typeName.equals("TIMESTAMP_S")) {
      return rs.getObject(column, LocalDateTime.class);
    }
    return plain(rs.getObject(column));
  }

  /** A driver value as a plain Java value. */
  public static Object plain(Object value) throws SQLException {
    if (value == null) {
      return null;
    }
    if (value instanceof OffsetDateTime t) {
      return t.withOffsetSameInstant(ZoneOffset.UTC);
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime();
    }
    if (value instanceof Blob b) {
      long len = b.length();
      return len == 0 ? new byte[0] : b.getBytes(1, Math.toIntExact(len));
    }
    if (value instanceof Array a) {
      Object[] items = (Object[]) a.getArray();
      List<Object> list = new ArrayList<>(items.length);
      for (Object item : items) {
        list.add(plain(item));
      }
      return list;
    }
    if (value instanceof org.duckdb.DuckDBStruct s) {
      return plainMap(s.getMap());
    }
    if (value instanceof Struct s) {
      return plain(java.util.Arrays.asList(s.getAttributes()));
    }
    if (value instanceof Map<?, ?> m) {
      return plainMap(m);
    }
    if (value instanceof List<?> l) {
      List<Object> list = new ArrayList<>(l.size());
      for (Object item : l) {
        list.add(plain(item));
      }
      return list;
    }
    if (value instanceof org.duckdb.JsonNode j) {
      return j.toString();
    }
    return value;
  }

  private static Map<Object, Object> plainMap(Map<?, ?> map) throws SQLException {
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.put(plain(e.getKey()), plain(e.getValue()));
    }
    return out;
  }
}
