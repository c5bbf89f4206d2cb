package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.gateway.http.HttpGateway;
import io.lakestream.lake.LakeCatalog;
import io.lakestream.lake.LakeInventory;
import io.lakestream.lake.LakeInventory.ColumnInfo;
import io.lakestream.lake.LakeInventory.TableInfo;
import io.lakestream.lake.QueryResult;
import io.lakestream.lake.ResultFormatter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream tables}: the lake's zones and tables with row counts and last commits. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = {
      "List the lake's zones and tables: rows, data files, size, snapshots, last commit and"
          + " partitioning of each table's current snapshot.",
      "Zones are Iceberg namespaces, listed in the order data flows: raw, curated, aggregates,"
          + " errors, alerts, then any other. The numbers come from the snapshot summaries, so"
          + " listing is quick and safe while 'up' is running.",
    },
    footer = {
      "",
      "Examples:",
      "  lakestream tables",
      "  lakestream tables --zone raw --schema",
      "  lakestream tables --format json -d /srv/lakestream/data"
    })
final class TablesCommand implements Callable<Integer> {

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ISO_INSTANT;

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description =
          "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). CSV and JSON give"
              + " sizes in bytes and commit times to the millisecond.")
  ResultFormatter.Format format = ResultFormatter.Format.TABLE;

  @Option(
      names = "--schema",
      description = "Also show each table's columns and their Iceberg types.")
  boolean schema;

  @Option(
      names = "--history",
      description =
          "Also show each table's schema history (every Iceberg schema, when it was first written"
              + " and the columns it added) and, for a source's raw and curated tables, the"
              + " versions of its schema-registry subject (read from the registry of a running"
              + " 'up'; set LAKESTREAM_API_KEY when API keys are configured).")
  boolean history;

  @Option(
      names = {"-z", "--zone"},
      paramLabel = "ZONE",
      description = "Only the tables of this zone, e.g. raw or errors.")
  String zone;

  @Override
  public Integer call() {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = loaded.get();
    if (!pipeline.lakeExistsOrReport(cfg)) {
      return 1;
    }
    try (LakeCatalog lake = LakeCatalog.open(cfg.lake())) {
      List<TableInfo> tables = LakeInventory.tables(lake.catalog(), zone);
      if (tables.isEmpty() && zone != null) {
        List<String> zones = LakeInventory.zones(lake.catalog());
        if (!zones.contains(zone)) {
          System.err.println(
              "error: no zone '"
                  + zone
                  + "' in the lake; "
                  + (zones.isEmpty()
                      ? "it has none yet: start the pipeline with './lakestream up'"
                      : "zones: " + String.join(", ", zones))
                  + ".");
          return 1;
        }
      }
      print(tables);
      if (tables.isEmpty()) {
        hint();
      } else if (history) {
        printHistory(cfg, lake, tables);
      }
      System.out.flush();
      return 0;
    } catch (IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private void print(List<TableInfo> tables) {
    if (format == ResultFormatter.Format.TABLE) {
      if (!tables.isEmpty()) {
        System.out.print(table(tables, schema, Instant.now()));
      }
    } else {
      System.out.print(ResultFormatter.format(result(tables, schema), format));
    }
  }

  private void printHistory(PipelineConfig cfg, LakeCatalog lake, List<TableInfo> tables) {
    String registryUrl = PipelineOptions.gatewayUrl(cfg) + HttpGateway.REGISTRY_PATH;
    String key = PipelineOptions.apiKey(cfg);
    StringBuilder sb = new StringBuilder("\nSchema history\n");
    Map<String, Object> registryAnswers = new LinkedHashMap<>();
    for (TableInfo t : tables) {
      if (t.problem() != null) {
        continue;
      }
      Table table = lake.catalog().loadTable(TableIdentifier.of(t.zone(), t.table()));
      SourceConfig source =
          t.zone().equals("raw") || t.zone().equals("curated")
              ? cfg.sources().get(t.table())
              : null;
      String subject = source == null ? null : source.schemaBinding().subject();
      sb.append("  ").append(t.zone()).append('.').append(t.table());
      if (subject != null) {
        sb.append("  (registry subject '").append(subject).append("')");
      }
      sb.append('\n');
      for (SchemaHistory.LakeSchema ls : SchemaHistory.lake(table)) {
        sb.append("    lake schema ")
            .append(ls.schemaId())
            .append(", first written ")
            .append(
                ls.firstCommit() == null
                    ? "never"
                    : SECONDS.format(ls.firstCommit().truncatedTo(ChronoUnit.SECONDS)))
            .append(", ")
            .append(ls.columns())
            .append(" columns");
        changes(ls.changes(), sb);
      }
      if (subject != null && t.zone().equals("curated")) {
        Object answer =
            registryAnswers.computeIfAbsent(subject, s -> registryVersions(registryUrl, s, key));
        if (answer instanceof String problem) {
          sb.append("    registry: ").append(problem).append('\n');
        } else {
          @SuppressWarnings("unchecked")
          List<SchemaHistory.RegistryVersion> versions =
              (List<SchemaHistory.RegistryVersion>) answer;
          for (SchemaHistory.RegistryVersion v : versions) {
            sb.append("    registry version ")
                .append(v.version())
                .append(" (id ")
                .append(v.id())
                .append(')');
            changes(v.changes(), sb);
          }
        }
      }
    }
    // Keep JSON and CSV on stdout parseable.
    (format == ResultFormatter.Format.TABLE ? System.out : System.err).print(sb);
  }

  /** The subject's versions, or why they cannot be read. */
  private static Object registryVersions(String url, String subject, String key) {
    try {
      return SchemaHistory.registry(url, subject, key);
    } catch (java.io.IOException | RuntimeException e) {
      return "not readable at "
          + url
          + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "); start 'up' to see the subject's versions here";
    }
  }

  private static void changes(List<String> changes, StringBuilder sb) {
    if (!changes.isEmpty()) {
      sb.append(": ").append(String.join(", ", changes));
    }
    sb.append('\n');
  }

  // In CSV and JSON the output stays parseable: the hint goes to stderr.
  private void hint() {
    String text =
        zone != null
            ? "no tables in zone " + zone + " yet."
            : "no tables yet: start the pipeline with './lakestream up'; it creates raw.<source>"
                + " and errors.records, and posted events show up after the first checkpoint.";
    (format == ResultFormatter.Format.TABLE ? System.out : System.err).println(text);
  }

  /** The tables as rows for CSV and JSON: raw numbers, full timestamps, columns as a list. */
  static QueryResult result(List<TableInfo> tables, boolean withSchema) {
    boolean problems = tables.stream().anyMatch(t -> t.problem() != null);
    List<QueryResult.Column> columns = new ArrayList<>();
    columns.add(new QueryResult.Column("zone", "VARCHAR"));
    columns.add(new QueryResult.Column("table", "VARCHAR"));
    columns.add(new QueryResult.Column("rows", "BIGINT"));
    columns.add(new QueryResult.Column("files", "BIGINT"));
    columns.add(new QueryResult.Column("size_bytes", "BIGINT"));
    columns.add(new QueryResult.Column("snapshots", "INTEGER"));
    columns.add(new QueryResult.Column("last_commit", "TIMESTAMP WITH TIME ZONE"));
    columns.add(new QueryResult.Column("partitioning", "VARCHAR"));
    if (withSchema) {
      columns.add(new QueryResult.Column("columns", "STRUCT[]"));
    }
    if (problems) {
      columns.add(new QueryResult.Column("problem", "VARCHAR"));
    }
    List<List<Object>> rows = new ArrayList<>();
    for (TableInfo t : tables) {
      List<Object> row = new ArrayList<>();
      row.add(t.zone());
      row.add(t.table());
      row.add(t.rows());
      row.add(t.dataFiles());
      row.add(t.sizeBytes());
      row.add(t.snapshots());
      row.add(t.lastCommit() == null ? null : t.lastCommit().atOffset(ZoneOffset.UTC));
      row.add(t.partitioning());
      if (withSchema) {
        List<Map<String, Object>> cols = new ArrayList<>();
        for (ColumnInfo c : t.columns()) {
          Map<String, Object> col = new LinkedHashMap<>();
          col.put("name", c.name());
          col.put("type", c.type());
          col.put("required", c.required());
          col.put("doc", c.doc());
          cols.add(col);
        }
        row.add(cols);
      }
      if (problems) {
        row.add(t.problem());
      }
      rows.add(row);
    }
    return new QueryResult(columns, rows);
  }

  /**
   * The tables as an aligned text table in the style of {@code sql}, with each table's columns
   * under it when {@code withSchema}, and a footer with the totals.
   */
  static String table(List<TableInfo> tables, boolean withSchema, Instant now) {
    boolean problems = tables.stream().anyMatch(t -> t.problem() != null);
    List<String> header =
        new ArrayList<>(
            List.of(
                "zone",
                "table",
                "rows",
                "files",
                "size",
                "snapshots",
                "last commit",
                "partitioning"));
    if (problems) {
      header.add("problem");
    }
    boolean[] right = {false, false, true, true, true, true, false, false, false};
    List<List<String>> lines = new ArrayList<>();
    for (TableInfo t : tables) {
      List<String> line = new ArrayList<>();
      line.add(t.zone());
      line.add(t.table());
      if (t.problem() != null) {
        line.addAll(List.of("?", "?", "?", "?", "?", ""));
      } else {
        line.add(String.valueOf(t.rows()));
        line.add(String.valueOf(t.dataFiles()));
        line.add(humanSize(t.sizeBytes()));
        line.add(String.valueOf(t.snapshots()));
        line.add(
            t.lastCommit() == null
                ? "never"
                : SECONDS.format(t.lastCommit().truncatedTo(ChronoUnit.SECONDS))
                    + " ("
                    + age(t.lastCommit(), now)
                    + ")");
        line.add(t.partitioning().isEmpty() ? "unpartitioned" : t.partitioning());
      }
      if (problems) {
        line.add(t.problem() == null ? "" : oneLine(t.problem()));
      }
      lines.add(line);
    }
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = header.get(c).length();
      for (List<String> line : lines) {
        width[c] = Math.max(width[c], line.get(c).length());
      }
    }

    StringBuilder sb = new StringBuilder();
    tableLine(header, width, right, sb);
    for (int c = 0; c < width.length; c++) {
      sb.append(c == 0 ? "-" : "-+-").append("-".repeat(width[c]));
    }
    sb.append("-\n");
    // Columns of a table start under its name, a little indented.
    String indent = " ".repeat(1 + width[0] + 3 + 2);
    long rowTotal = 0;
    long sizeTotal = 0;
    for (int i = 0; i < tables.size(); i++) {
      TableInfo t = tables.get(i);
      tableLine(lines.get(i), width, right, sb);
      rowTotal += t.rows();
      sizeTotal += t.sizeBytes();
      if (withSchema) {
        schemaLines(t.columns(), indent, sb);
      }
    }
    sb.append('(')
        .append(tables.size())
        .append(tables.size() == 1 ? " table, " : " tables, ")
        .append(rowTotal)
        .append(rowTotal == 1 ? " row, " : " rows, ")
        .append(humanSize(sizeTotal))
        .append(")\n");
    return sb.toString();
  }

  private static void tableLine(
      List<String> cells, int[] width, boolean[] right, StringBuilder out) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - cell.length());
      sb.append(c == 0 ? " " : " | ").append(right[c] ? pad + cell : cell + pad);
    }
    out.append(sb.toString().stripTrailing()).append('\n');
  }

  private static void schemaLines(List<ColumnInfo> columns, String indent, StringBuilder out) {
    int nameWidth = columns.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    int typeWidth = columns.stream().mapToInt(c -> typeCell(c).length()).max().orElse(0);
    for (ColumnInfo c : columns) {
      String line =
          indent
              + pad(c.name(), nameWidth)
              + "  "
              + pad(typeCell(c), typeWidth)
              + (c.doc() == null ? "" : "  " + oneLine(c.doc()));
      out.append(line.stripTrailing()).append('\n');
    }
  }

  private static String typeCell(ColumnInfo c) {
    return c.required() ? c.type() + " not null" : c.type();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** A byte count for people: {@code 512 B}, {@code 4.1 KB}, {@code 12.3 MB} (1 KB = 1024 B). */
  static String humanSize(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
    double value = bytes / 1024.0;
    int unit = 0;
    // 1023.96 KB would print as "1024.0 KB": move up a unit before rounding gets there.
    while (value >= 1023.95 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** How long ago {@code then} was, in the largest whole unit: {@code 42s ago}, {@code 3m ago}. */
  static String age(Instant then, Instant now) {
    long s = Duration.between(then, now).getSeconds();
    if (s < -60) {
      return "in the future"; // The committer's clock is ahead of this one.
    }
    if (s < 1) {
      return "just now";
    }
    if (s < 60) {
      return s + "s ago";
    }
    if (s < 3600) {
      return s / 60 + "m ago";
    }
    if (s < 86_400) {
      return s / 3600 + "h ago";
    }
    return s / 86_400 + "d ago";
  }
}
