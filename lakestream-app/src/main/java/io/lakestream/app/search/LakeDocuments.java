package io.lakestream.app.search;

import io.lakestream.api.config.SearchConfig;
import io.lakestream.lake.LakeSchemas;
import io.lakestream.search.IndexDoc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;

/**
 * The search documents the lake holds, for {@code reindex}: each indexed source's curated table,
 * {@code alerts.events} and {@code errors.records}, each at its current snapshot and only rows
 * within the retention. Rows are streamed file by file; nothing is loaded whole.
 */
public final class LakeDocuments implements AutoCloseable {

  /** One table to read. */
  public record Part(
      TableIdentifier table, Snapshot snapshot, String timeColumn, Function<Record, IndexDoc> doc) {
    /** Rows in the snapshot (from its summary; deleted rows included), or -1 when unknown. */
    public long estimatedRows() {
      if (snapshot == null || snapshot.summary() == null) {
        return -1;
      }
      String n = snapshot.summary().get("total-records");
      return n == null ? -1 : Long.parseLong(n);
    }
  }

  private final Catalog catalog;
  private final List<Part> parts;
  private final Instant cutoff;
  private final List<CloseableIterable<Record>> open = new ArrayList<>();

  private LakeDocuments(Catalog catalog, List<Part> parts, Instant cutoff) {
    this.catalog = catalog;
    this.parts = parts;
    this.cutoff = cutoff;
  }

  /**
   * The tables the search block covers, at their current snapshots. A table that does not exist yet
   * (nothing written) is left out.
   */
  public static LakeDocuments of(Catalog catalog, SearchConfig search, Instant now) {
    List<Part> parts = new ArrayList<>();
    for (String source : search.sources().keySet()) {
      add(
          catalog,
          parts,
          LakeSchemas.curatedTable(source),
          "event_time",
          r -> SearchDocs.curated(source, r));
    }
    if (search.alerts()) {
      add(catalog, parts, LakeSchemas.ALERTS_TABLE, "event_time", SearchDocs::alert);
    }
    if (search.errors()) {
      add(catalog, parts, LakeSchemas.ERRORS_TABLE, "error_time", SearchDocs::error);
    }
    return new LakeDocuments(catalog, parts, now.minus(search.retention()));
  }

  private static void add(
      Catalog catalog,
      List<Part> parts,
      TableIdentifier id,
      String timeColumn,
      Function<Record, IndexDoc> doc) {
    try {
      Table t = catalog.loadTable(id);
      parts.add(new Part(id, t.currentSnapshot(), timeColumn, doc));
    } catch (NoSuchTableException e) {
      // nothing written yet
    }
  }

  /** The tables read, in order. */
  public List<Part> parts() {
    return parts;
  }

  /** Sum of the tables' row counts, or -1 when one is unknown; an upper bound for progress. */
  public long estimatedRows() {
    long sum = 0;
    for (Part p : parts) {
      long n = p.estimatedRows();
      if (n < 0) {
        return -1;
      }
      sum += n;
    }
    return sum;
  }

  /** The snapshot of {@code errors.records} that was read, or {@code null}. */
  public Long errorsSnapshot() {
    for (Part p : parts) {
      if (p.table().equals(LakeSchemas.ERRORS_TABLE) && p.snapshot() != null) {
        return p.snapshot().snapshotId();
      }
    }
    return null;
  }

  /**
   * Every document within the retention, table after table. The scan skips files that hold only
   * expired rows; the rest are checked row by row.
   */
  public Iterator<IndexDoc> documents() {
    long cutoffMillis = cutoff.toEpochMilli();
    return new Iterator<>() {
      private int next;
      private CloseableIterator<Record> rows;
      private Function<Record, IndexDoc> doc;
      private IndexDoc ahead;

      @Override
      public boolean hasNext() {
        while (ahead == null) {
          if (rows != null && rows.hasNext()) {
            IndexDoc d = doc.apply(rows.next());
            if (d.eventTimeMillis() >= cutoffMillis) {
              ahead = d;
            }
            continue;
          }
          if (next >= parts.size()) {
            return false;
          }
          Part p = parts.get(next++);
          if (p.snapshot() == null) {
            continue;
          }
          Table t = catalog.loadTable(p.table());
          CloseableIterable<Record> it =
              IcebergGenerics.read(t)
                  .useSnapshot(p.snapshot().snapshotId())
                  .where(Expressions.greaterThanOrEqual(p.timeColumn(), cutoffMillis * 1000L))
                  .build();
          open.add(it);
          rows = it.iterator();
          doc = p.doc();
        }
        return true;
      }

      @Override
      public IndexDoc next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        IndexDoc d = ahead;
        ahead = null;
        return d;
      }
    };
  }

  @Override
  public void close() {
    for (CloseableIterable<Record> it : open) {
      try {
        it.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
