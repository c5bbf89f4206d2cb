package io.lakestream.detect;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Scores a CSV file with one detector, the way the job scores a stream: what the {@code detect}
 * command runs.
 *
 * <p>Input: a header row, then one point per row. The time column holds ISO-8601 instants ({@code
 * 2026-11-23T10:04:59Z}, with an offset or a zone), local date-times ({@code 2026-11-23T10:04:59}
 * or with a space instead of the {@code T}; dates alone mean midnight), read in {@link #zone()},
 * UTC unless set — or epoch numbers. The first time value decides: if it is a number, every row
 * must be a number, in the unit its size suggests (below 1e11 seconds, then milliseconds below
 * 1e14, microseconds below 1e17, else nanoseconds; fractions allowed). The value column holds
 * decimal numbers with a '.' ({@code -12.5}, {@code 3e4}). Blank lines are ignored.
 *
 * <p>Rows are sorted by event time (stable: rows with equal times keep file order) and fed to one
 * model and one {@link AlertLifecycle} per key — per value of the optional key column, else one for
 * the file. A row's event id for the lifecycle is {@code line:N}.
 *
 * <p>Bad rows are never skipped: a time or value that does not parse, or a row without enough
 * fields, makes {@link #score} throw {@link InvalidCsvException} listing every such problem with
 * its line, column and text.
 *
 * <p>Output ({@link Result#writeCsv}): {@code timestamp,value,anomaly_score,alert} in event-time
 * order ({@code timestamp,key,value,anomaly_score,alert} with a key column), where timestamp is an
 * ISO-8601 UTC instant and alert is 1 on exactly the rows that opened an incident, else 0.
 */
public final class OfflineScorer {

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern EPOCH = Pattern.compile("[+-]?\\d+(\\.\\d+)?");
  private static final int MAX_PROBLEMS = 1000;

  private final DetectorKind kind;
  private final AlertLifecycle.Params lifecycle;
  private final String timeColumn;
  private final String valueColumn;
  private final String keyColumn;
  private final ZoneId zone;

  /**
   * A scorer with the given columns.
   *
   * @param kind the detector
   * @param lifecycle the alert lifecycle parameters
   * @param timeColumn header name of the event-time column
   * @param valueColumn header name of the value column
   * @param keyColumn header name of the key column, or null for one model over the whole file
   * @param zone zone of local date-times in the time column
   */
  public OfflineScorer(
      DetectorKind kind,
      AlertLifecycle.Params lifecycle,
      String timeColumn,
      String valueColumn,
      String keyColumn,
      ZoneId zone) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    this.timeColumn = Objects.requireNonNull(timeColumn, "timeColumn");
    this.valueColumn = Objects.requireNonNull(valueColumn, "valueColumn");
    this.keyColumn = keyColumn;
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** A scorer with default lifecycle, no key column and UTC local times. */
  public static OfflineScorer of(DetectorKind kind, String timeColumn, String valueColumn) {
    return new OfflineScorer(
        kind, AlertLifecycle.Params.defaults(), timeColumn, valueColumn, null, ZoneOffset.UTC);
  }

  /** This scorer with a key column (one model per key), or none when null. */
  public OfflineScorer withKeyColumn(String column) {
    return new OfflineScorer(kind, lifecycle, timeColumn, valueColumn, column, zone);
  }

  /** This scorer with other lifecycle parameters. */
  public OfflineScorer withLifecycle(AlertLifecycle.Params params) {
    return new OfflineScorer(kind, params, timeColumn, valueColumn, keyColumn, zone);
  }

  /** This scorer reading local date-times in {@code z}. */
  public OfflineScorer withZone(ZoneId z) {
    return new OfflineScorer(kind, lifecycle, timeColumn, valueColumn, keyColumn, z);
  }

  /** The zone local date-times are read in. */
  public ZoneId zone() {
    return zone;
  }

  /** One problem with the input. */
  public record Problem(long line, String column, String text, String reason) {
    @Override
    public String toString() {
      return "line "
          + line
          + (column == null ? "" : ", column '" + column + "'")
          + (text == null ? "" : ": '" + text + "'")
          + " "
          + reason;
    }
  }

  /** The input has bad rows; {@link #problems()} lists them all (the first 1000). */
  public static final class InvalidCsvException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    InvalidCsvException(List<Problem> problems, long total) {
      super(message(problems, total));
      this.problems = List.copyOf(problems);
    }

    private static String message(List<Problem> problems, long total) {
      StringBuilder b = new StringBuilder();
      b.append(total).append(total == 1 ? " bad row" : " bad rows").append(" in the CSV input:");
      for (int i = 0; i < Math.min(20, problems.size()); i++) {
        b.append("\n  ").append(problems.get(i));
      }
      if (total > 20) {
        b.append("\n  … and ").append(total - 20).append(" more");
      }
      return b.toString();
    }

    /** The problems, in file order. */
    public List<Problem> problems() {
      return problems;
    }
  }

  /**
   * One scored row.
   *
   * @param line the row's line in the file
   * @param key its key, or "" without a key column
   * @param eventTimeMillis its event time
   * @param score the detector's verdict
   * @param transition what the lifecycle made of it, or null
   */
  public record ScoredRow(
      long line,
      String key,
      long eventTimeMillis,
      Score score,
      AlertLifecycle.Transition transition) {

    /** Whether this row opened an incident. */
    public boolean alert() {
      return transition != null && transition.kind() == AlertLifecycle.Transition.Kind.OPENED;
    }
  }

  /**
   * The scored file.
   *
   * @param rows every row in event-time order
   * @param keyed whether a key column was used
   * @param keys number of distinct keys
   */
  public record Result(List<ScoredRow> rows, boolean keyed, int keys) {

    /** Number of incidents opened. */
    public long alerts() {
      return rows.stream().filter(ScoredRow::alert).count();
    }

    /** Writes {@code timestamp[,key],value,anomaly_score,alert} rows with a header. */
    public void writeCsv(Writer out) throws IOException {
      out.write(
          keyed
              ? "timestamp,key,value,anomaly_score,alert\n"
              : "timestamp,value,anomaly_score,alert\n");
      StringBuilder b = new StringBuilder();
      for (ScoredRow r : rows) {
        b.setLength(0);
        b.append(Instant.ofEpochMilli(r.eventTimeMillis())).append(',');
        if (keyed) {
          b.append(CsvReader.quote(r.key())).append(',');
        }
        b.append(r.score().value()).append(',');
        b.append(r.score().score()).append(',');
        b.append(r.alert() ? '1' : '0').append('\n');
        out.write(b.toString());
      }
      out.flush();
    }
  }

  private record Point(long line, String key, long time, double value) {}

  /**
   * Reads, sorts and scores the CSV.
   *
   * @throws IllegalArgumentException when the header lacks a named column (the message lists the
   *     header's columns)
   * @throws InvalidCsvException when rows are bad; nothing is scored then
   * @throws IOException when reading fails
   */
  public Result score(Reader csv) throws IOException, InvalidCsvException {
    CsvReader reader = new CsvReader(csv);
    List<Problem> problems = new ArrayList<>();
    long[] total = {0};
    List<Point> points = new ArrayList<>();
    CsvReader.Row header;
    try {
      header = reader.next();
      if (header == null) {
        throw new IllegalArgumentException("the CSV input is empty: expected a header row");
      }
      List<String> names = header.fields();
      int t = column(names, timeColumn, "time");
      int v = column(names, valueColumn, "value");
      int k = keyColumn == null ? -1 : column(names, keyColumn, "key");
      int needed = Math.max(t, Math.max(v, k)) + 1;
      TimeParser times = new TimeParser(zone);
      CsvReader.Row row;
      while ((row = reader.next()) != null) {
        List<String> f = row.fields();
        if (f.size() < needed) {
          problem(
              problems,
              total,
              row.line(),
              null,
              null,
              "has " + f.size() + " fields, the header has " + names.size());
          continue;
        }
        String timeText = f.get(t).trim();
        String valueText = f.get(v).trim();
        long time = 0;
        boolean ok = true;
        try {
          time = times.parse(timeText, row.line());
        } catch (IllegalArgumentException e) {
          problem(problems, total, row.line(), names.get(t), timeText, e.getMessage());
          ok = false;
        }
        double value = Double.NaN;
        if (NUMBER.matcher(valueText).matches()) {
          value = Double.parseDouble(valueText);
        }
        if (!Double.isFinite(value)) {
          problem(
              problems,
              total,
              row.line(),
              names.get(v),
              valueText,
              valueText.isEmpty()
                  ? "is empty, expected a number"
                  : "is not a finite number with a '.' decimal point");
          ok = false;
        }
        if (ok) {
          points.add(new Point(row.line(), k < 0 ? "" : f.get(k), time, value));
        }
      }
    } catch (CsvReader.UnclosedQuoteException e) {
      problem(problems, total, e.line, null, null, "opens a quoted field that is never closed");
    }
    if (total[0] > 0) {
      throw new InvalidCsvException(problems, total[0]);
    }
    points.sort(Comparator.comparingLong(Point::time));
    Map<String, Detector> detectors = new HashMap<>();
    Map<String, AlertLifecycle> lifecycles = new LinkedHashMap<>();
    List<ScoredRow> rows = new ArrayList<>(points.size());
    for (Point p : points) {
      Detector d = detectors.computeIfAbsent(p.key(), x -> kind.create());
      AlertLifecycle l = lifecycles.computeIfAbsent(p.key(), x -> new AlertLifecycle(lifecycle));
      Score s = d.update(p.time(), p.value());
      AlertLifecycle.Transition tr = l.observe(p.time(), "line:" + p.line(), s);
      rows.add(new ScoredRow(p.line(), p.key(), p.time(), s, tr));
    }
    return new Result(rows, keyColumn != null, detectors.size());
  }

  private static void problem(
      List<Problem> problems, long[] total, long line, String column, String text, String reason) {
    total[0]++;
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(new Problem(line, column, text, reason));
    }
  }

  private static int column(List<String> names, String wanted, String role) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(wanted)) {
        return i;
      }
    }
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).trim().equalsIgnoreCase(wanted.trim())) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "the CSV header has no "
            + role
            + " column '"
            + wanted
            + "'; its columns are: "
            + String.join(", ", names));
  }

  /** Parses one time column; the first value decides between epoch numbers and ISO-8601 text. */
  static final class TimeParser {
    private final ZoneId zone;
    private Boolean epoch;
    private double unitMillis;
    private String unitName;
    private long firstLine;

    TimeParser(ZoneId zone) {
      this.zone = zone;
    }

    long parse(String text, long line) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("is empty, expected an event time");
      }
      boolean numeric = EPOCH.matcher(text).matches();
      if (epoch == null) {
        epoch = numeric;
        firstLine = line;
        if (numeric) {
          double a = Math.abs(Double.parseDouble(text));
          if (a < 1e11) {
            unitMillis = 1000;
            unitName = "epoch seconds";
          } else if (a < 1e14) {
            unitMillis = 1;
            unitName = "epoch milliseconds";
          } else if (a < 1e17) {
            unitMillis = 1e-3;
            unitName = "epoch microseconds";
          } else {
            unitMillis = 1e-6;
            unitName = "epoch nanoseconds";
          }
        }
      }
      if (epoch) {
        if (!numeric) {
          throw new IllegalArgumentException(
              "is not a number, but the time column holds "
                  + unitName
                  + " (as on line "
                  + firstLine
                  + ")");
        }
        return Math.round(Double.parseDouble(text) * unitMillis);
      }
      if (numeric) {
        throw new IllegalArgumentException(
            "is a number, but the time column holds ISO-8601 times (as on line " + firstLine + ")");
      }
      return parseIso(text);
    }

    private long parseIso(String text) {
      String s =
          text.length() > 10 && text.charAt(10) == ' '
              ? text.substring(0, 10) + 'T' + text.substring(11)
              : text;
      try {
        return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        // try the next form
      }
      try {
        return ZonedDateTime.parse(s, DateTimeFormatter.ISO_ZONED_DATE_TIME)
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        // try the next form
      }
      try {
        return LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .atZone(zone)
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        // try the next form
      }
      try {
        return LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE)
            .atStartOfDay(zone)
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            "is not an ISO-8601 time (e.g. 2026-11-23T10:04:59Z, 2026-11-23 10:04:59) or epoch number");
      }
    }
  }
}
