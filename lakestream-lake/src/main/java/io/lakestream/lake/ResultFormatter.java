package io.lakestream.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link QueryResult} as an aligned text table, CSV or JSON.
 *
 * <pre>{@code
 * System.out.print(ResultFormatter.format(result, Format.TABLE));
 * ResultFormatter.write(result, Format.JSON, new Options(0, true), System.out); // NDJSON
 * }</pre>
 *
 * <p>Values are written the same way in every format where the format allows: timestamps as
 * ISO-8601 ({@code 2026-11-23T14:05:00.5Z}), lists, maps and structs as JSON text. Binary values
 * are base64 in CSV and JSON; the text table shows them like DuckDB does (printable ASCII as is,
 * other bytes as {@code \xNN}), since rejected payloads are usually text.
 */
public final class ResultFormatter {

  /** Output formats. */
  public enum Format {
    /** An aligned text table with a {@code (N rows)} footer, like psql. */
    TABLE,
    /** RFC 4180 CSV with a header line; NULL is an empty field, an empty string is {@code ""}. */
    CSV,
    /** A JSON array of objects, one per line (or NDJSON, see {@link Options#ndjson()}). */
    JSON
  }

  /**
   * Rendering choices.
   *
   * @param maxWidth widest a table cell may be, in characters; longer ones are cut and end with
   *     {@code …}. 0 or less means no limit. Only the table format cuts.
   * @param ndjson JSON as one object per line without the surrounding array
   */
  public record Options(int maxWidth, boolean ndjson) {
    /** Table cells up to {@value ResultFormatter#DEFAULT_MAX_WIDTH} characters; a JSON array. */
    public static final Options DEFAULTS = new Options(DEFAULT_MAX_WIDTH, false);
  }

  /** Default widest table cell. */
  public static final int DEFAULT_MAX_WIDTH = 60;

  private static final String ELLIPSIS = "…";
  private static final String CRLF = "\r\n";

  private ResultFormatter() {}

  /** The result in the given format with default options, ending with a line break. */
  public static String format(QueryResult result, Format format) {
    return format(result, format, Options.DEFAULTS);
  }

  /** The result in the given format, ending with a line break (unless empty NDJSON). */
  public static String format(QueryResult result, Format format, Options options) {
    StringBuilder sb = new StringBuilder();
    write(result, format, options, sb);
    return sb.toString();
  }

  /** Writes the result in the given format. */
  public static void write(QueryResult result, Format format, Options options, Appendable out) {
    try {
      switch (format) {
        case TABLE -> writeTable(result, options.maxWidth(), out);
        case CSV -> writeCsv(result, out);
        case JSON -> writeJson(result, options.ndjson(), out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Table

  private static void writeTable(QueryResult result, int maxWidth, Appendable out)
      throws IOException {
    List<QueryResult.Column> columns = result.columns();
    int n = columns.size();
    int rowCount = result.rows().size();
    if (n > 0) {
      boolean[] right = new boolean[n];
      int[] width = new int[n];
      List<String> header = new ArrayList<>(n);
      for (int c = 0; c < n; c++) {
        right[c] = isNumeric(columns.get(c).type());
        header.add(cut(tableText(columns.get(c).name()), maxWidth));
        width[c] = length(header.get(c));
      }
      List<List<String>> cells = new ArrayList<>(rowCount);
      for (List<Object> row : result.rows()) {
        List<String> line = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
          String cell = cut(tableCell(row.get(c)), maxWidth);
          width[c] = Math.max(width[c], length(cell));
          line.add(cell);
        }
        cells.add(line);
      }
      writeTableLine(header, width, right, out);
      StringBuilder rule = new StringBuilder();
      for (int c = 0; c < n; c++) {
        rule.append(c == 0 ? "-" : "-+-").append("-".repeat(width[c]));
      }
      out.append(rule).append("-\n");
      for (List<String> line : cells) {
        writeTableLine(line, width, right, out);
      }
    }
    out.append('(').append(String.valueOf(rowCount)).append(rowCount == 1 ? " row)" : " rows)");
    out.append('\n');
  }

  private static void writeTableLine(
      List<String> cells, int[] width, boolean[] right, Appendable out) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - length(cell));
      sb.append(c == 0 ? " " : " | ").append(right[c] ? pad + cell : cell + pad);
    }
    // No trailing blanks: they only get in the way of diffs and copy-paste.
    out.append(sb.toString().stripTrailing()).append('\n');
  }

  private static boolean isNumeric(String type) {
    return switch (type) {
      case "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "UHUGEINT",
          "FLOAT",
          "DOUBLE",
          "REAL" ->
          true;
      default -> type.startsWith("DECIMAL");
    };
  }

  private static String tableCell(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof byte[] b) {
      return blobText(b);
    }
    return tableText(text(v));
  }

  // One cell, one line: control characters are shown escaped.
  private static String tableText(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20 || ch == 0x7f) {
            sb.append(String.format("\\x%02X", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.toString();
  }

  private static String blobText(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int u = b & 0xff;
      if (u >= 0x20 && u < 0x7f) {
        sb.append((char) u);
      } else {
        sb.append(String.format("\\x%02X", u));
      }
    }
    return sb.toString();
  }

  private static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String cut(String s, int maxWidth) {
    if (maxWidth <= 0 || length(s) <= maxWidth) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, maxWidth - 1)) + ELLIPSIS;
  }

  // ---------------------------------------------------------------------------------------------
  // CSV

  private static void writeCsv(QueryResult result, Appendable out) throws IOException {
    List<String> header = result.columnNames();
    for (int c = 0; c < header.size(); c++) {
      out.append(c == 0 ? "" : ",").append(csvField(header.get(c), false));
    }
    out.append(CRLF);
    for (List<Object> row : result.rows()) {
      for (int c = 0; c < row.size(); c++) {
        Object v = row.get(c);
        out.append(c == 0 ? "" : ",");
        if (v != null) {
          String s = v instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : text(v);
          // An empty string is quoted so that it differs from NULL, an empty field.
          out.append(csvField(s, true));
        }
      }
      out.append(CRLF);
    }
  }

  private static String csvField(String s, boolean quoteEmpty) {
    boolean quote =
        (quoteEmpty && s.isEmpty())
            || s.indexOf(',') >= 0
            || s.indexOf('"') >= 0
            || s.indexOf('\n') >= 0
            || s.indexOf('\r') >= 0;
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  private static void writeJson(QueryResult result, boolean ndjson, Appendable out)
      throws IOException {
    List<String> keys = uniqueKeys(result.columnNames());
    if (!ndjson) {
      out.append(result.rows().isEmpty() ? "[" : "[\n");
    }
    int i = 0;
    for (List<Object> row : result.rows()) {
      StringBuilder sb = new StringBuilder("{");
      for (int c = 0; c < row.size(); c++) {
        if (c > 0) {
          sb.append(',');
        }
        jsonString(keys.get(c), sb);
        sb.append(':');
        jsonValue(row.get(c), sb);
      }
      sb.append('}');
      boolean last = ++i == result.rows().size();
      out.append(sb).append(ndjson || last ? "\n" : ",\n");
    }
    if (!ndjson) {
      out.append("]\n");
    }
  }

  // SELECT a, a: the second becomes "a_2" rather than a duplicate key most parsers drop.
  private static List<String> uniqueKeys(List<String> names) {
    Set<String> taken = new HashSet<>(names);
    Set<String> emitted = new HashSet<>();
    List<String> keys = new ArrayList<>(names.size());
    for (String name : names) {
      String key = name;
      // A suffix must not collide with another column's own name either.
      for (int k = 2; emitted.contains(key) || (!key.equals(name) && taken.contains(key)); k++) {
        key = name + "_" + k;
      }
      emitted.add(key);
      keys.add(key);
    }
    return keys;
  }

  private static void jsonValue(Object v, StringBuilder sb) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      jsonString(d.toString(), sb); // JSON has no NaN or Infinity.
    } else if (v instanceof Float f && (f.isNaN() || f.isInfinite())) {
      jsonString(f.toString(), sb);
    } else if (v instanceof BigDecimal d) {
      sb.append(d.toPlainString());
    } else if (v instanceof Number num) {
      sb.append(num);
    } else if (v instanceof byte[] b) {
      jsonString(Base64.getEncoder().encodeToString(b), sb);
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        jsonValue(list.get(i), sb);
      }
      sb.append(']');
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        jsonString(e.getKey() == null ? "null" : text(e.getKey()), sb);
        sb.append(':');
        jsonValue(e.getValue(), sb);
      }
      sb.append('}');
    } else {
      jsonString(text(v), sb);
    }
  }

  private static void jsonString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          // U+2028/2029 are valid JSON but break JavaScript string literals; escape them too.
          if (ch < 0x20 || ch == '\u2028' || ch == '\u2029') {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    sb.append('"');
  }

  // ---------------------------------------------------------------------------------------------
  // Shared

  /** A non-null value as text; lists and maps as JSON, timestamps as ISO-8601. */
  private static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof OffsetDateTime t) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }
    if (v instanceof LocalDateTime t) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof BigInteger || v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof List<?> || v instanceof Map<?, ?>) {
      StringBuilder sb = new StringBuilder();
      jsonValue(v, sb);
      return sb.toString();
    }
    return v.toString();
  }
}
