package io.lakestream.app.export;

import io.lakestream.api.config.ExportSettings;
import io.lakestream.app.embedded.Periodic;
import io.lakestream.export.ExportConfig;
import io.lakestream.export.ExportListener;
import io.lakestream.export.ExportResult;
import io.lakestream.export.PostgresExport;
import io.lakestream.export.TableExportResult;
import io.lakestream.export.TableSpec;
import java.time.Duration;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's {@code lake.export} settings put to work: one export run (the {@code export}
 * command), or runs every {@code every} while {@code up} is running.
 */
public final class WarehouseExport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarehouseExport.class);

  private final Periodic timer; // null: by hand only

  private WarehouseExport(Periodic timer) {
    this.timer = timer;
  }

  /** The exporter for the settings, optionally limited to some tables. */
  public static PostgresExport exporter(ExportSettings s, List<String> onlyTables) {
    List<TableSpec> specs =
        s.tables().stream()
            .filter(t -> onlyTables.isEmpty() || onlyTables.contains(t.table()))
            .map(t -> TableSpec.of(t.table(), t.key().toArray(String[]::new)))
            .toList();
    return new PostgresExport(
        new ExportConfig(s.url(), s.user(), s.password(), s.schema(), specs, 0));
  }

  /** Runs the export once. */
  public static ExportResult runOnce(
      ExportSettings s, Catalog catalog, List<String> onlyTables, ExportListener listener) {
    return exporter(s, onlyTables).export(catalog, listener);
  }

  /**
   * Exports every {@code every} until closed; a failed run is logged and retried at the next tick.
   * Nothing runs when {@code every} is {@code null}.
   */
  public static WarehouseExport schedule(ExportSettings s, Catalog catalog) {
    if (s.every() == null) {
      LOG.info("Export to {} runs by hand only ('lakestream export')", s.url());
      return new WarehouseExport(null);
    }
    Periodic timer =
        Periodic.every(
            "lakestream-export", s.every(), Duration.ofSeconds(30), () -> runLogged(s, catalog));
    LOG.info(
        "Exporting {} to {} every {}",
        s.tables().stream().map(ExportSettings.Table::table).toList(),
        s.url(),
        s.every());
    return new WarehouseExport(timer);
  }

  private static void runLogged(ExportSettings s, Catalog catalog) {
    try {
      ExportResult r = runOnce(s, catalog, List.of(), ExportListener.NONE);
      for (TableExportResult t : r.tables()) {
        if (t.rowsRead() > 0) {
          LOG.info(
              "Exported {} new rows of {} to {} ({} inserted, {} rows/s)",
              t.rowsRead(),
              t.table(),
              t.target(),
              t.rowsInserted(),
              Math.round(t.rowsPerSecond()));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Export to {} failed, retrying in {}: {}", s.url(), s.every(), e.getMessage());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.close();
    }
  }
}
