package io.lakestream.jobs.enrich;

import io.lakestream.api.config.ReferenceConfig;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader of a reference table held in a database: a whole table or the result of a query, read
 * over a new JDBC connection on every refresh.
 */
final class JdbcTableReader implements SnapshotReader {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceData.class);
  private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password\\s*=\\s*)[^&;]*");
  private static final int FETCH_SIZE = 1000;

  private final ReferenceConfig cfg;
  private final RowConverter converter;
  private final String shownUrl;

  JdbcTableReader(ReferenceConfig cfg) {
    this.cfg = cfg;
    this.converter = new RowConverter(cfg);
    this.shownUrl = redact(cfg.url());
  }

  /** The text with passwords given in a URL hidden (drivers repeat the URL in messages). */
  private static String redact(String text) {
    return PASSWORD_IN_URL.matcher(text).replaceAll("$1***");
  }

  @Override
  public String describe() {
    return shownUrl + (cfg.table() != null ? " table " + cfg.table() : " query");
  }

  /** A database cannot say cheaply whether a table changed; equal re-reads are not swapped in. */
  @Override
  public boolean compareBeforeSwap() {
    return true;
  }

  @Override
  public Snapshot readIfChanged() {
    Properties props = new Properties();
    props.putAll(cfg.properties());
    // A new connection per read: nothing to keep alive or to find broken between refreshes.
    try (Connection conn = DriverManager.getConnection(cfg.url(), props)) {
      String sql = cfg.query() != null ? cfg.query() : tableQuery(conn.getMetaData());
      boolean autoCommit = conn.getAutoCommit();
      if (autoCommit) {
        // PostgreSQL streams a result in fetch-size batches only inside a transaction; otherwise it
        // would hold the whole result in memory next to the table being built.
        conn.setAutoCommit(false);
      }
      try (Statement st = conn.createStatement()) {
        st.setFetchSize(FETCH_SIZE);
        try (ResultSet rs = st.executeQuery(sql)) {
          return read(rs);
        }
      } finally {
        conn.rollback(); // read only: nothing to keep
      }
    } catch (SQLException e) {
      throw new ReferenceDataException(
          "reference "
              + cfg.name()
              + ": cannot read "
              + describe()
              + ": "
              + redact(String.valueOf(e.getMessage()))
              + hint(e),
          e);
    }
  }

  private String hint(SQLException e) {
    if ("08001".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("suitable")) {
      return ". No JDBC driver on the class path takes this URL (PostgreSQL and SQLite are"
          + " included); check reference."
          + cfg.name()
          + ".url or add the driver's jar.";
    }
    return ". Check reference."
        + cfg.name()
        + " (url, properties, "
        + (cfg.table() != null ? "table" : "query")
        + ") and that the database is reachable.";
  }

  private String tableQuery(DatabaseMetaData meta) throws SQLException {
    String q = meta.getIdentifierQuoteString();
    q = q == null || q.isBlank() ? "" : q.strip();
    StringBuilder sql = new StringBuilder("SELECT ").append(quote(cfg.key(), q));
    for (String column : converter.names()) {
      sql.append(", ").append(quote(column, q));
    }
    sql.append(" FROM ");
    // schema.table: each part is an identifier of its own
    String[] parts = cfg.table().split("\\.");
    for (int i = 0; i < parts.length; i++) {
      sql.append(i == 0 ? "" : ".").append(quote(parts[i], q));
    }
    return sql.toString();
  }

  private static String quote(String identifier, String q) {
    if (q.isEmpty()) {
      return identifier;
    }
    return q + identifier.replace(q, q + q) + q;
  }

  private Snapshot read(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    List<String> labels = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      labels.add(meta.getColumnLabel(i));
    }
    List<String> missing = new ArrayList<>();
    int keyIndex = indexOf(labels, cfg.key(), missing);
    int[] columns = new int[converter.width()];
    for (int c = 0; c < columns.length; c++) {
      columns[c] = indexOf(labels, converter.names().get(c), missing);
    }
    if (!missing.isEmpty()) {
      throw new ReferenceDataException(
          "reference "
              + cfg.name()
              + ": the result of "
              + describe()
              + " lacks the column(s) "
              + String.join(", ", missing)
              + "; it has "
              + String.join(", ", labels)
              + ". Check reference."
              + cfg.name()
              + ".key and .columns"
              + (cfg.query() != null ? " against the query (name columns with AS)." : "."));
    }
    LoadWarnings warnings = LoadWarnings.held(LOG, cfg.name(), describe());
    TableBuilder table = new TableBuilder(cfg.key(), converter, warnings);
    Object[] raw = new Object[columns.length];
    long row = 0;
    while (rs.next()) {
      row++;
      Object key = rs.getObject(keyIndex);
      for (int c = 0; c < columns.length; c++) {
        raw[c] = rs.getObject(columns[c]);
      }
      String where = key == null ? "row " + row : "key '" + Keys.text(key) + "'";
      table.add(key, c -> raw[c], where);
    }
    return new Snapshot(table.rows(), warnings);
  }

  /** The 1-based position of a label: exact first, then ignoring case as SQL mostly does. */
  private static int indexOf(List<String> labels, String name, List<String> missing) {
    int i = labels.indexOf(name);
    if (i < 0) {
      for (int j = 0; j < labels.size() && i < 0; j++) {
        if (labels.get(j).equalsIgnoreCase(name)) {
          i = j;
        }
      }
    }
    if (i < 0) {
      missing.add(name);
      return 0;
    }
    return i + 1;
  }
}
