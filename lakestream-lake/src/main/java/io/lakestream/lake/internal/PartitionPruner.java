package io.lakestream.lake.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Finds, for each lake table a query reads, an Iceberg filter that its rows must pass, so that the
 * table's view can be built over only the files that may hold such rows.
 *
 * <p>The query is taken apart by DuckDB's own parser ({@code json_serialize_sql}). A table gets a
 * filter only when every place the query reads it is the single table in the FROM clause of a
 * SELECT whose WHERE clause has, among its AND-ed terms, comparisons ({@code =}, {@code <}, {@code
 * <=}, {@code >}, {@code >=}, {@code BETWEEN}) of one of the table's partition source columns (a
 * timestamp column) with a timestamp or date literal. The literals are converted by DuckDB itself,
 * in the session time zone, exactly as the comparison will convert them. Anything else (joins,
 * subqueries in FROM, OR, functions, the table's name appearing anywhere else in the query, ...)
 * leaves the table unfiltered: a filter only ever drops files that cannot hold a matching row, and
 * the predicate stays in the query, so DuckDB still filters the rows.
 */
public final class PartitionPruner {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Values beyond year 9999 (infinity and the like) are not used for pruning. */
  private static final long MAX_MICROS = 253_402_300_799_999_999L;

  private static final Set<String> TZ_TYPES = Set.of("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE");
  private static final Set<String> TS_TYPES = Set.of("TIMESTAMP", "DATETIME");

  /** Object keys whose strings cannot name a table to read. */
  private static final Set<String> HARMLESS_KEYS = Set.of("alias", "column_names", "type", "class");

  /** The keys of a table reference that name the table. */
  private static final Set<String> TABLE_REF_KEYS =
      Set.of("table_name", "schema_name", "catalog_name", "qualified_name");

  /**
   * A lake table as the query sees it.
   *
   * @param zone the schema name in SQL, e.g. {@code raw}
   * @param name the table name in SQL, e.g. {@code sensors}
   * @param schema the columns of the table's view
   * @param specs the partition specs whose source columns may be filtered on
   */
  public record Table(String zone, String name, Schema schema, List<PartitionSpec> specs) {

    String sqlName() {
      return zone + "." + name;
    }

    /** The timestamp columns that partition the table, by lower-case name. */
    Map<String, NestedField> prunableColumns() {
      Map<String, NestedField> columns = new LinkedHashMap<>();
      for (PartitionSpec spec : specs) {
        for (PartitionField field : spec.fields()) {
          NestedField column = schema.findField(field.sourceId());
          // Top-level columns only: a nested one is not reachable by a plain column reference.
          if (column != null
              && schema.columns().contains(column)
              && column.type().typeId() == Type.TypeID.TIMESTAMP) {
            columns.put(column.name().toLowerCase(Locale.ROOT), column);
          }
        }
      }
      return columns;
    }
  }

  private final Connection duck;
  private final List<Table> tables;

  private PartitionPruner(Connection duck, List<Table> tables) {
    this.duck = duck;
    this.tables = tables;
  }

  /**
   * The filters for the tables of {@code sql} that can be pruned, by SQL name ({@code
   * raw.sensors}); tables not in the map are read whole.
   *
   * @param duck a DuckDB connection in the time zone the query will run in; it is used to parse the
   *     query and convert its literals, nothing of the query is executed
   */
  public static Map<String, Expression> filters(Connection duck, String sql, List<Table> tables) {
    try {
      JsonNode root = parse(duck, sql);
      if (root == null) {
        return Map.of();
      }
      return new PartitionPruner(duck, tables).filters(root);
    } catch (SQLException | RuntimeException | java.io.IOException e) {
      // Not understood: no pruning, which is always correct.
      return Map.of();
    }
  }

  private static JsonNode parse(Connection duck, String sql)
      throws SQLException, java.io.IOException {
    try (PreparedStatement ps = duck.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      ps.setString(1, sql);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        JsonNode root = JSON.readTree(rs.getString(1));
        if (root.path("error").asBoolean(true) || root.path("statements").size() != 1) {
          return null;
        }
        return root.path("statements").get(0);
      }
    }
  }

  private Map<String, Expression> filters(JsonNode statement) throws SQLException {
    Set<String> unprunable = new HashSet<>();
    markNamedElsewhere(statement, null, unprunable);

    // Every place a lake table is read, with the filter that place applies (null: none).
    Map<String, List<Expression>> reads = new LinkedHashMap<>();
    Set<JsonNode> handled = Collections.newSetFromMap(new IdentityHashMap<>());
    List<JsonNode> selects = new ArrayList<>();
    collect(statement, "SELECT_NODE", selects);
    for (JsonNode select : selects) {
      JsonNode from = select.path("from_table");
      Table table = lakeTable(from);
      if (table == null) {
        continue;
      }
      handled.add(from);
      boolean sampled = !from.path("sample").isNull() || !select.path("sample").isNull();
      boolean timeTravel = from.has("at_clause") && !from.path("at_clause").isNull();
      Expression filter =
          sampled || timeTravel ? null : whereFilter(table, from.path("alias").asText(""), select);
      reads.computeIfAbsent(table.sqlName(), t -> new ArrayList<>()).add(filter);
    }
    List<JsonNode> baseTables = new ArrayList<>();
    collect(statement, "BASE_TABLE", baseTables);
    for (JsonNode ref : baseTables) {
      if (handled.contains(ref)) {
        continue;
      }
      String name = ref.path("table_name").asText("");
      for (Table table : tables) {
        if (table.name().equalsIgnoreCase(name)) {
          unprunable.add(table.sqlName());
        }
      }
    }

    Map<String, Expression> filters = new LinkedHashMap<>();
    for (Map.Entry<String, List<Expression>> e : reads.entrySet()) {
      if (unprunable.contains(e.getKey()) || e.getValue().contains(null)) {
        continue;
      }
      Expression any = Expressions.alwaysFalse();
      for (Expression f : e.getValue()) {
        any = Expressions.or(any, f);
      }
      filters.put(e.getKey(), any);
    }
    return filters;
  }

  /**
   * Marks the tables whose name appears in a string of the query other than a plain table reference
   * or a column reference: {@code query_table('raw.sensors')}, {@code SUMMARIZE}, string literals.
   * Such a table may be read in ways this class does not follow.
   */
  private void markNamedElsewhere(JsonNode node, String key, Set<String> unprunable) {
    if (node.isTextual()) {
      String text = node.asText().toLowerCase(Locale.ROOT);
      for (Table table : tables) {
        if (text.contains(table.name().toLowerCase(Locale.ROOT))) {
          unprunable.add(table.sqlName());
        }
      }
    } else if (node.isObject()) {
      boolean baseTable = "BASE_TABLE".equals(node.path("type").asText());
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String k = f.getKey();
        if (HARMLESS_KEYS.contains(k) || baseTable && TABLE_REF_KEYS.contains(k)) {
          continue;
        }
        markNamedElsewhere(f.getValue(), k, unprunable);
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        markNamedElsewhere(child, key, unprunable);
      }
    }
  }

  private static void collect(JsonNode node, String type, List<JsonNode> found) {
    if (node.isObject()) {
      if (type.equals(node.path("type").asText())) {
        found.add(node);
      }
      node.elements().forEachRemaining(child -> collect(child, type, found));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> collect(child, type, found));
    }
  }

  /** The lake table a FROM clause reads when it is a plain reference to one, else null. */
  private Table lakeTable(JsonNode from) {
    if (!"BASE_TABLE".equals(from.path("type").asText())) {
      return null;
    }
    String catalog = from.path("catalog_name").asText("");
    if (!catalog.isEmpty() && !catalog.equalsIgnoreCase("memory")) {
      return null;
    }
    String schema = from.path("schema_name").asText("");
    String name = from.path("table_name").asText("");
    for (Table table : tables) {
      if (table.zone().equalsIgnoreCase(schema) && table.name().equalsIgnoreCase(name)) {
        return table;
      }
    }
    return null;
  }

  /** The filter a SELECT's WHERE clause puts on its single table, or null for none. */
  private Expression whereFilter(Table table, String alias, JsonNode select) throws SQLException {
    JsonNode where = select.path("where_clause");
    if (where.isMissingNode() || where.isNull()) {
      return null;
    }
    Map<String, NestedField> columns = new LinkedHashMap<>(table.prunableColumns());
    // A select-list alias spelled like a column: leave that column alone rather than guess which
    // one the WHERE clause means.
    for (JsonNode item : select.path("select_list")) {
      columns.remove(item.path("alias").asText("").toLowerCase(Locale.ROOT));
    }
    if (columns.isEmpty()) {
      return null;
    }
    List<JsonNode> terms = new ArrayList<>();
    conjuncts(where, terms);
    Expression filter = null;
    for (JsonNode term : terms) {
      Expression e = predicate(table, alias, columns, term);
      if (e != null) {
        filter = filter == null ? e : Expressions.and(filter, e);
      }
    }
    return filter;
  }

  private static void conjuncts(JsonNode node, List<JsonNode> terms) {
    if ("CONJUNCTION".equals(node.path("class").asText())
        && "CONJUNCTION_AND".equals(node.path("type").asText())) {
      for (JsonNode child : node.path("children")) {
        conjuncts(child, terms);
      }
    } else {
      terms.add(node);
    }
  }

  private Expression predicate(
      Table table, String alias, Map<String, NestedField> columns, JsonNode term)
      throws SQLException {
    String cls = term.path("class").asText();
    String type = term.path("type").asText();
    if ("BETWEEN".equals(cls) && "COMPARE_BETWEEN".equals(type)) {
      NestedField column = column(table, alias, columns, term.path("input"));
      if (column == null) {
        return null;
      }
      Long lower = micros(column, term.path("lower"));
      Long upper = micros(column, term.path("upper"));
      if (lower == null || upper == null) {
        return null;
      }
      return Expressions.and(
          Expressions.greaterThanOrEqual(column.name(), lower),
          Expressions.lessThanOrEqual(column.name(), upper));
    }
    if (!"COMPARISON".equals(cls)) {
      return null;
    }
    JsonNode left = term.path("left");
    JsonNode right = term.path("right");
    NestedField column = column(table, alias, columns, left);
    JsonNode literal = right;
    boolean flipped = false;
    if (column == null) {
      column = column(table, alias, columns, right);
      literal = left;
      flipped = true;
    }
    if (column == null) {
      return null;
    }
    Long value = micros(column, literal);
    if (value == null) {
      return null;
    }
    String name = column.name();
    switch (type) {
      case "COMPARE_EQUAL":
        return Expressions.equal(name, value);
      case "COMPARE_LESSTHAN":
        return flipped ? Expressions.greaterThan(name, value) : Expressions.lessThan(name, value);
      case "COMPARE_LESSTHANOREQUALTO":
        return flipped
            ? Expressions.greaterThanOrEqual(name, value)
            : Expressions.lessThanOrEqual(name, value);
      case "COMPARE_GREATERTHAN":
        return flipped ? Expressions.lessThan(name, value) : Expressions.greaterThan(name, value);
      case "COMPARE_GREATERTHANOREQUALTO":
        return flipped
            ? Expressions.lessThanOrEqual(name, value)
            : Expressions.greaterThanOrEqual(name, value);
      default:
        return null;
    }
  }

  /** The prunable column a reference names, or null. */
  private static NestedField column(
      Table table, String alias, Map<String, NestedField> columns, JsonNode ref) {
    if (!"COLUMN_REF".equals(ref.path("class").asText())) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    ref.path("column_names").forEach(p -> parts.add(p.asText()));
    boolean qualifierOk;
    if (parts.size() == 1) {
      qualifierOk = true;
    } else if (parts.size() == 2) {
      qualifierOk =
          alias.isEmpty()
              ? parts.get(0).equalsIgnoreCase(table.name())
              : parts.get(0).equalsIgnoreCase(alias);
    } else if (parts.size() == 3) {
      qualifierOk =
          alias.isEmpty()
              && parts.get(0).equalsIgnoreCase(table.zone())
              && parts.get(1).equalsIgnoreCase(table.name());
    } else {
      qualifierOk = false;
    }
    if (!qualifierOk) {
      return null;
    }
    return columns.get(parts.get(parts.size() - 1).toLowerCase(Locale.ROOT));
  }

  /**
   * A literal as microseconds since the epoch, as DuckDB converts it to the column's type when
   * comparing; null when it is not a plain string, timestamp or date literal.
   */
  private Long micros(NestedField column, JsonNode literal) throws SQLException {
    boolean tz = ((Types.TimestampType) column.type()).shouldAdjustToUTC();
    String target = tz ? "TIMESTAMPTZ" : "TIMESTAMP";
    JsonNode constant = literal;
    String literalType = target; // A bare string is cast to the column's type.
    if ("CAST".equals(literal.path("class").asText())) {
      JsonNode typeExpr = literal.path("type_expr");
      if (typeExpr.path("children").size() > 0 || !typeExpr.path("schema").asText("").isEmpty()) {
        return null;
      }
      String typeName = typeExpr.path("type_name").asText("").toUpperCase(Locale.ROOT);
      if (TZ_TYPES.contains(typeName)) {
        if (!tz) {
          return null; // Which side DuckDB casts is not worth guessing.
        }
        literalType = "TIMESTAMPTZ";
      } else if (TS_TYPES.contains(typeName)) {
        literalType = "TIMESTAMP";
      } else if ("DATE".equals(typeName)) {
        literalType = "DATE";
      } else {
        return null;
      }
      constant = literal.path("child");
    }
    if (!"CONSTANT".equals(constant.path("class").asText())
        || !"STRING".equals(constant.path("literal").path("kind").asText())) {
      return null;
    }
    String text = constant.path("literal").path("text").asText();
    String sql = "SELECT epoch_us(CAST(CAST(?::VARCHAR AS " + literalType + ") AS " + target + "))";
    try (PreparedStatement ps = duck.prepareStatement(sql)) {
      ps.setString(1, text);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long value = rs.getLong(1);
        if (rs.wasNull() || Math.abs(value) > MAX_MICROS) {
          return null;
        }
        return value;
      }
    } catch (SQLException e) {
      return null; // Not a valid timestamp: DuckDB will say so when the query runs.
    }
  }
}
