package io.lakestream.jobs.sql;

import io.lakestream.api.config.AggregationConfig;
import io.lakestream.api.config.JoinConfig;
import io.lakestream.api.config.WindowConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Flink SQL that the declarative parts of a pipeline file (aggregations, joins) stand for.
 *
 * <p>Kept apart from planning so the generated text can be read and tested on its own ({@code
 * lakestream validate} reports planning errors against the YAML path they came from).
 */
public final class SqlStatements {

  /** Name of the view holding a source's curated rows (after its transform). */
  public static String curatedView(String source) {
    return source + "$curated";
  }

  /** Name of the view holding an aggregation's filtered input (when it has a {@code where}). */
  public static String aggregationInputView(String aggregation) {
    return aggregation + "$input";
  }

  private SqlStatements() {}

  /** An identifier in back quotes, safe for any name. */
  public static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  /**
   * An interval literal for a duration, in the largest unit that divides it exactly, e.g. {@code
   * INTERVAL '5' MINUTE(3)} or {@code INTERVAL '1.5' SECOND(3, 3)}.
   */
  public static String interval(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 != 0) {
      String secs = java.math.BigDecimal.valueOf(millis, 3).toPlainString();
      int lead = Math.max(2, Long.toString(millis / 1000).length());
      return "INTERVAL '" + secs + "' SECOND(" + lead + ", 3)";
    }
    long s = millis / 1000;
    String unit;
    long n;
    if (s != 0 && s % 86_400 == 0) {
      unit = "DAY";
      n = s / 86_400;
    } else if (s != 0 && s % 3600 == 0) {
      unit = "HOUR";
      n = s / 3600;
    } else if (s != 0 && s % 60 == 0) {
      unit = "MINUTE";
      n = s / 60;
    } else {
      unit = "SECOND";
      n = s;
    }
    int precision = Math.max(2, Long.toString(n).length());
    return "INTERVAL '" + n + "' " + unit + "(" + precision + ")";
  }

  /** The filtered input of an aggregation, or {@code null} when it has no {@code where}. */
  public static String aggregationInput(AggregationConfig a) {
    if (a.where() == null) {
      return null;
    }
    return "SELECT * FROM " + quote(curatedView(a.from())) + " WHERE " + a.where();
  }

  /**
   * The window aggregation: one row per window and group, with {@code window_start} and {@code
   * window_end} (timestamps with time zone), the group-by fields and the measures.
   */
  public static String aggregation(AggregationConfig a) {
    String input =
        quote(a.where() == null ? curatedView(a.from()) : aggregationInputView(a.name()));
    WindowConfig w = a.window();
    String time = "DESCRIPTOR(" + quote("event_time") + ")";
    String tvf =
        switch (w.type()) {
          case TUMBLE -> "TUMBLE(TABLE " + input + ", " + time + ", " + interval(w.size()) + ")";
          case HOP ->
              "HOP(TABLE "
                  + input
                  + ", "
                  + time
                  + ", "
                  + interval(w.slide())
                  + ", "
                  + interval(w.size())
                  + ")";
          case SESSION ->
              "SESSION(TABLE "
                  + input
                  + (a.groupBy().isEmpty()
                      ? ""
                      // Parenthesised: without them a second key reads as the next argument.
                      : " PARTITION BY (" + String.join(", ", quoted(a.groupBy())) + ")")
                  + ", "
                  + time
                  + ", "
                  + interval(w.gap())
                  + ")";
        };
    List<String> select = new ArrayList<>();
    select.add("CAST(window_start AS TIMESTAMP_LTZ(3)) AS " + quote("window_start"));
    select.add("CAST(window_end AS TIMESTAMP_LTZ(3)) AS " + quote("window_end"));
    select.addAll(quoted(a.groupBy()));
    for (Map.Entry<String, String> m : a.measures().entrySet()) {
      select.add("(" + m.getValue() + ") AS " + quote(m.getKey()));
    }
    List<String> groupBy = new ArrayList<>(List.of("window_start", "window_end"));
    groupBy.addAll(quoted(a.groupBy()));
    return "SELECT "
        + String.join(", ", select)
        + " FROM TABLE("
        + tvf
        + ") GROUP BY "
        + String.join(", ", groupBy);
  }

  /**
   * The interval join: {@code event_time} (the left event's), both event ids, the right event's
   * time, then the selected columns — by default every other column of both sides, prefixed with
   * its source's name.
   *
   * @param leftColumns the left view's columns, for the default selection
   * @param rightColumns the right view's columns, for the default selection
   */
  public static String join(JoinConfig j, List<String> leftColumns, List<String> rightColumns) {
    String l = quote(j.left());
    String r = quote(j.right());
    String lt = l + "." + quote("event_time");
    String rt = r + "." + quote("event_time");
    List<String> select = new ArrayList<>();
    select.add("CAST(" + lt + " AS TIMESTAMP_LTZ(3)) AS " + quote("event_time"));
    select.add(l + "." + quote("event_id") + " AS " + quote(j.left() + "_event_id"));
    select.add(r + "." + quote("event_id") + " AS " + quote(j.right() + "_event_id"));
    select.add("CAST(" + rt + " AS TIMESTAMP_LTZ(3)) AS " + quote(j.right() + "_event_time"));
    if (j.select().isEmpty()) {
      addPrefixed(select, j.left(), leftColumns);
      addPrefixed(select, j.right(), rightColumns);
    } else {
      j.select().forEach((name, expr) -> select.add("(" + expr + ") AS " + quote(name)));
    }
    String within = interval(j.within());
    String lower =
        j.direction() == JoinConfig.Direction.AFTER ? lt : "(" + lt + " - " + within + ")";
    String upper =
        j.direction() == JoinConfig.Direction.BEFORE ? lt : "(" + lt + " + " + within + ")";
    return "SELECT "
        + String.join(", ", select)
        + " FROM "
        + quote(curatedView(j.left()))
        + " AS "
        + l
        + " JOIN "
        + quote(curatedView(j.right()))
        + " AS "
        + r
        + " ON "
        + l
        + "."
        + quote(j.leftField())
        + " = "
        + r
        + "."
        + quote(j.rightField())
        + " AND "
        + rt
        + " BETWEEN "
        + lower
        + " AND "
        + upper;
  }

  private static final List<String> SKIPPED_IN_JOINS =
      List.of("event_id", "event_time", "ingest_time");

  private static void addPrefixed(List<String> select, String source, List<String> columns) {
    for (String c : columns) {
      if (!SKIPPED_IN_JOINS.contains(c)) {
        select.add(quote(source) + "." + quote(c) + " AS " + quote(source + "_" + c));
      }
    }
  }

  private static List<String> quoted(List<String> names) {
    return names.stream().map(SqlStatements::quote).toList();
  }
}
