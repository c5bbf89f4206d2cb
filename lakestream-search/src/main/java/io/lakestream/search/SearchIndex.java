package io.lakestream.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.ExitableDirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.QueryTimeoutImpl;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.ControlledRealTimeReopenThread;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MultiCollectorManager;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded, thread-safe Lucene index of events on a local directory.
 *
 * <h2>Layout</h2>
 *
 * {@code root/CURRENT} names the active index directory ({@code root/index-N}); it is replaced
 * atomically (write a temporary file, then an atomic rename) when {@link #reindex} swaps in a
 * rebuilt index, so a crash leaves either the old or the new index active, never half of one.
 * Directories other than the active one are leftovers and are deleted at open.
 *
 * <h2>Writes</h2>
 *
 * {@link #index(List)} calls {@code IndexWriter.updateDocument(new Term("id", id), doc)}: a replay
 * replaces instead of doubling. Writes are buffered in RAM and flushed into segments by Lucene;
 * they become durable only at {@link #commit(Map)}, which also stores caller data such as the Kafka
 * offsets the index is complete up to. After a crash, {@link #lastCommitData()} returns that data,
 * the caller resumes consumption there, and the replayed events overwrite themselves: at-least-once
 * delivery plus idempotent writes gives exactly-once index contents. {@link #close()} commits too
 * (carrying the last commit data), which is safe for the same reason.
 *
 * <h2>Near-real-time</h2>
 *
 * A {@link SearcherManager} opened on the writer is refreshed by a {@link
 * ControlledRealTimeReopenThread} at most {@link Config#refreshInterval()} after a change (100 ms
 * by default), without committing: a document is searchable well under a second after {@code index}
 * returns. {@link #waitForSearchable(long, Duration)} forces and waits for a refresh covering a
 * write.
 *
 * <h2>Retention</h2>
 *
 * {@link #deleteOlderThan(Instant)} deletes on {@code event_time}: operators search by event time,
 * and late events that are already older than the retention would otherwise linger for a full
 * period. It counts and deletes while writes are held off, so the count is exact.
 *
 * <h2>Reindex</h2>
 *
 * {@link #reindex} builds a fresh index in a sibling directory from an iterator (e.g. a scan of the
 * lake), possibly with a new schema, while searches keep using the old one; writes made during the
 * rebuild go to both, so nothing indexed meanwhile is lost. When done it commits, repoints {@code
 * CURRENT}, and swaps; searches in flight finish on the old reader.
 *
 * <h2>Searches</h2>
 *
 * See {@link #search(SearchRequest)}: each search runs on a point-in-time reader wrapped in an
 * {@link ExitableDirectoryReader} with its own timeout, so a slow search stops (with partial
 * results, flagged) without affecting others.
 */
public final class SearchIndex implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);
  private static final String CURRENT = "CURRENT";
  private static final String PREFIX = "index-";
  private static final Set<String> HIT_FIELDS =
      Set.of(
          IndexSchema.ID,
          IndexSchema.SOURCE,
          IndexSchema.EVENT_TIME,
          IndexSchema.INGEST_TIME,
          IndexSchema.STORED_SOURCE);

  /**
   * Tuning of an index.
   *
   * @param refreshInterval longest time between a write and its visibility to searches
   * @param ramBufferMb RAM buffered before Lucene flushes a segment
   * @param limits bounds on queries
   */
  public record Config(Duration refreshInterval, double ramBufferMb, SearchLimits limits) {
    /** 100 ms refresh, 64 MB buffer, default limits. */
    public static final Config DEFAULT =
        new Config(Duration.ofMillis(100), 64, SearchLimits.DEFAULT);

    /** A copy with other limits. */
    public Config withLimits(SearchLimits l) {
      return new Config(refreshInterval, ramBufferMb, l);
    }
  }

  /** Progress callback of {@link #reindex}. */
  @FunctionalInterface
  public interface ReindexProgress {
    /** Called after every batch with the number of documents written so far. */
    void indexed(long documents);
  }

  private final Path root;
  private final Config config;
  private final LongSupplier clock;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Object commitLock = new Object();
  private final Object reindexLock = new Object();
  private volatile Generation active;
  private volatile Generation building;
  private volatile Map<String, String> lastCommitData;
  private volatile boolean closed;

  private SearchIndex(Path root, Generation active, Config config, LongSupplier clock) {
    this.root = root;
    this.active = active;
    this.config = config;
    this.clock = clock;
    this.lastCommitData =
        Map.copyOf(
            active.writer.getLiveCommitData() == null
                ? Map.of()
                : toMap(active.writer.getLiveCommitData()));
  }

  /** Opens (or creates) the index under {@code root} with default tuning. */
  public static SearchIndex open(Path root, IndexSchema schema) throws IOException {
    return open(root, schema, Config.DEFAULT);
  }

  /** Opens (or creates) the index under {@code root}. */
  public static SearchIndex open(Path root, IndexSchema schema, Config config) throws IOException {
    return open(root, schema, config, System::currentTimeMillis);
  }

  /** Opens (or creates) the index under {@code root}, with a clock for {@code now} in queries. */
  static SearchIndex open(Path root, IndexSchema schema, Config config, LongSupplier clock)
      throws IOException {
    Files.createDirectories(root);
    Path pointer = root.resolve(CURRENT);
    String name =
        Files.exists(pointer)
            ? Files.readString(pointer, StandardCharsets.UTF_8).strip()
            : PREFIX + "1";
    if (!name.startsWith(PREFIX)) {
      throw new IOException("corrupt " + pointer + ": '" + name + "'");
    }
    if (!Files.exists(pointer)) {
      writePointer(root, name);
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, PREFIX + "*")) {
      for (Path d : dirs) {
        if (!d.getFileName().toString().equals(name)) {
          LOG.info("deleting leftover index directory {}", d);
          deleteRecursively(d);
        }
      }
    }
    Generation g = Generation.open(root.resolve(name), schema, config, clock);
    return new SearchIndex(root, g, config, clock);
  }

  /** The schema of the active index. */
  public IndexSchema schema() {
    return active.schema;
  }

  /**
   * Adds or replaces (by id) the documents.
   *
   * @return a write generation to pass to {@link #waitForSearchable(long, Duration)}
   */
  public long index(List<IndexDoc> docs) throws IOException {
    lock.readLock().lock();
    try {
      ensureOpen();
      Generation g = active;
      Generation b = building;
      long seq = -1;
      for (IndexDoc d : docs) {
        Term key = new Term(IndexSchema.ID, d.id());
        seq = g.writer.updateDocument(key, g.mapper.toDocument(d));
        if (b != null) {
          b.writer.updateDocument(key, b.mapper.toDocument(d));
        }
      }
      return seq < 0 ? g.writer.getMaxCompletedSequenceNumber() : seq;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Waits until a search sees every write up to {@code generation} (triggering a refresh now).
   * Generations belong to one index instance: after a {@link #reindex} swap, wait on new ones.
   *
   * @return whether it became searchable within the timeout
   */
  public boolean waitForSearchable(long generation, Duration timeout) throws InterruptedException {
    return active.reopener.waitForGeneration(
        generation, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
  }

  /**
   * Makes every write so far durable, together with {@code userData} (e.g. Kafka offsets), which
   * replaces the previous commit data and is returned by {@link #lastCommitData()}, also after a
   * restart.
   */
  public void commit(Map<String, String> userData) throws IOException {
    synchronized (commitLock) {
      lock.readLock().lock();
      try {
        ensureOpen();
        Map<String, String> data = Map.copyOf(userData);
        active.writer.setLiveCommitData(data.entrySet());
        active.writer.commit();
        lastCommitData = data;
      } finally {
        lock.readLock().unlock();
      }
    }
  }

  /** The user data of the last commit (empty for a new index). */
  public Map<String, String> lastCommitData() {
    return lastCommitData;
  }

  /**
   * Deletes every document whose {@code event_time} is before {@code cutoff}. Writes wait while it
   * runs (a count and a delete by query: milliseconds). Durable at the next commit.
   *
   * @return how many documents were deleted
   */
  public long deleteOlderThan(Instant cutoff) throws IOException {
    Query expired =
        LongPoint.newRangeQuery(IndexSchema.EVENT_TIME, Long.MIN_VALUE, cutoff.toEpochMilli() - 1);
    lock.writeLock().lock();
    try {
      ensureOpen();
      Generation g = active;
      g.manager.maybeRefreshBlocking();
      long count;
      IndexSearcher s = g.manager.acquire();
      try {
        count = s.count(expired);
      } finally {
        g.manager.release(s);
      }
      if (count > 0) {
        g.writer.deleteDocuments(expired);
      }
      Generation b = building;
      if (b != null) {
        b.writer.deleteDocuments(expired);
      }
      g.manager.maybeRefresh();
      return count;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Rebuilds the index from {@code docs} with the same schema; see {@link #reindex(Iterator,
   * IndexSchema, Map, ReindexProgress)}.
   */
  public long reindex(Iterator<IndexDoc> docs, ReindexProgress progress) throws IOException {
    return reindex(docs, null, null, progress);
  }

  /**
   * Builds a fresh index from {@code docs} in a sibling directory and swaps it in atomically.
   * Searches keep answering from the old index meanwhile; {@link #index} calls made during the
   * rebuild are applied to both indexes, {@link #deleteOlderThan} too.
   *
   * @param docs the documents (e.g. read back from the lake); duplicates by id collapse
   * @param newSchema the schema of the new index, or {@code null} to keep the current one
   * @param commitData commit user data of the new index, or {@code null} to carry over {@link
   *     #lastCommitData()} (correct when {@code docs} covers everything up to those offsets)
   * @param progress called after every batch, may be {@code null}
   * @return the number of documents read from {@code docs}
   */
  public long reindex(
      Iterator<IndexDoc> docs,
      IndexSchema newSchema,
      Map<String, String> commitData,
      ReindexProgress progress)
      throws IOException {
    synchronized (reindexLock) {
      ensureOpen();
      Generation old = active;
      String name = PREFIX + (number(old.dir) + 1);
      Path dir = root.resolve(name);
      deleteRecursively(dir);
      Generation fresh =
          Generation.open(dir, newSchema == null ? old.schema : newSchema, config, clock);
      lock.writeLock().lock();
      try {
        building = fresh;
      } finally {
        lock.writeLock().unlock();
      }
      long n = 0;
      try {
        while (docs.hasNext()) {
          IndexDoc d = docs.next();
          fresh.writer.updateDocument(new Term(IndexSchema.ID, d.id()), fresh.mapper.toDocument(d));
          n++;
          if (n % 10_000 == 0 && progress != null) {
            progress.indexed(n);
          }
        }
        if (progress != null) {
          progress.indexed(n);
        }
      } catch (IOException | RuntimeException e) {
        lock.writeLock().lock();
        try {
          building = null;
        } finally {
          lock.writeLock().unlock();
        }
        fresh.abandon();
        deleteRecursively(dir);
        throw e;
      }
      lock.writeLock().lock();
      try {
        ensureOpen();
        Map<String, String> data = commitData == null ? lastCommitData : Map.copyOf(commitData);
        fresh.writer.setLiveCommitData(data.entrySet());
        fresh.writer.commit();
        fresh.manager.maybeRefreshBlocking();
        writePointer(root, name);
        active = fresh;
        building = null;
        lastCommitData = data;
      } finally {
        lock.writeLock().unlock();
      }
      old.abandon();
      deleteRecursively(old.dir);
      LOG.info("reindexed {} documents into {}", n, dir);
      return n;
    }
  }

  /** Number of documents matching a query (no limits on the window; the timeout applies). */
  public long count(String query) throws IOException {
    return search(SearchRequest.of(query).withPage(0, 0)).totalHits();
  }

  /**
   * Runs a search.
   *
   * <p>Total hits are exact (every match is visited, which facets need anyway). Sorting by time
   * (default) is {@code event_time} descending then id; by relevance, BM25 score then the same.
   * Pages are {@code offset/limit} up to {@link SearchLimits#maxWindow()} hits deep, beyond that
   * {@link SearchRequest#searchAfter()} cursors. Facets count the values of keyword fields over all
   * matching documents from their doc values.
   *
   * @throws SearchException for anything wrong with the request (syntax, unknown field, limits)
   */
  public SearchResult search(SearchRequest request) throws IOException {
    SearchLimits limits = config.limits();
    if (request.limit() < 0 || request.limit() > limits.maxLimit()) {
      throw new SearchException("limit must be between 0 and " + limits.maxLimit());
    }
    if (request.offset() < 0 || request.offset() + request.limit() > limits.maxWindow()) {
      throw new SearchException(
          "offset + limit must be at most "
              + limits.maxWindow()
              + "; page deeper with search-after cursors");
    }
    if (request.searchAfter() != null && request.offset() != 0) {
      throw new SearchException("offset must be 0 with a search-after cursor");
    }
    if (!request.facets().isEmpty() && (request.facetSize() < 1 || request.facetSize() > 10_000)) {
      throw new SearchException("facetSize must be between 1 and 10000");
    }
    for (int attempt = 0; ; attempt++) {
      ensureOpen();
      Generation g = active;
      IndexSearcher s;
      try {
        s = g.manager.acquire();
      } catch (AlreadyClosedException e) {
        if (attempt < 5) {
          continue; // swapped by a reindex meanwhile
        }
        throw e;
      }
      try {
        return search(g, s, request);
      } finally {
        g.manager.release(s);
      }
    }
  }

  private SearchResult search(Generation g, IndexSearcher pooled, SearchRequest request)
      throws IOException {
    long start = System.nanoTime();
    for (String f : request.facets()) {
      if (g.schema.kindOf(f) != FieldKind.KEYWORD) {
        throw new SearchException("facets work on keyword fields only; '" + f + "' is not one");
      }
    }
    Query query = g.compiler().compile(request.query());
    Duration budget = request.timeout() != null ? request.timeout() : config.limits().timeout();
    QueryTimeoutImpl timeout = new QueryTimeoutImpl(budget.toMillis());
    DirectoryReader reader =
        new ExitableDirectoryReader((DirectoryReader) pooled.getIndexReader(), timeout);
    IndexSearcher searcher = new IndexSearcher(reader);
    searcher.setTimeout(timeout);

    boolean relevance = request.sort() == SearchRequest.Sort.RELEVANCE;
    SortField time = new SortField(IndexSchema.EVENT_TIME, SortField.Type.LONG, true);
    SortField id = new SortField(IndexSchema.ID, SortField.Type.STRING);
    Sort sort = relevance ? new Sort(SortField.FIELD_SCORE, time, id) : new Sort(time, id);
    FieldDoc after = request.searchAfter() == null ? null : decodeCursor(request);
    int window = after != null ? request.limit() : request.offset() + request.limit();

    TopFieldCollectorManager top =
        new TopFieldCollectorManager(sort, Math.max(1, window), after, Integer.MAX_VALUE);
    TopFieldDocs docs;
    FacetsCollector facets = null;
    boolean timedOut = false;
    try {
      if (request.facets().isEmpty()) {
        docs = searcher.search(query, top);
      } else {
        Object[] r =
            searcher.search(query, new MultiCollectorManager(top, new FacetsCollectorManager()));
        docs = (TopFieldDocs) r[0];
        facets = (FacetsCollector) r[1];
      }
    } catch (ExitableDirectoryReader.ExitingReaderException e) {
      return new SearchResult(
          0, List.of(), Map.of(), true, (System.nanoTime() - start) / 1_000_000, null);
    } catch (IndexSearcher.TooManyClauses e) {
      throw new SearchException(
          "query expands to too many clauses; the limit is " + IndexSearcher.getMaxClauseCount(),
          -1,
          e);
    }
    timedOut = searcher.timedOut();

    List<SearchResult.Hit> hits = new ArrayList<>();
    int from = after != null ? 0 : request.offset();
    FieldDoc last = null;
    for (int i = from; i < Math.min(window, docs.scoreDocs.length); i++) {
      FieldDoc fd = (FieldDoc) docs.scoreDocs[i];
      Document d = pooled.storedFields().document(fd.doc, HIT_FIELDS);
      IndexableField src = d.getField(IndexSchema.SOURCE);
      hits.add(
          new SearchResult.Hit(
              d.get(IndexSchema.ID),
              src == null ? null : src.stringValue(),
              d.getField(IndexSchema.EVENT_TIME).numericValue().longValue(),
              d.getField(IndexSchema.INGEST_TIME).numericValue().longValue(),
              relevance ? (Float) fd.fields[0] : Float.NaN,
              d.get(IndexSchema.STORED_SOURCE)));
      last = fd;
    }
    Map<String, Map<String, Long>> facetCounts = new LinkedHashMap<>();
    if (facets != null) {
      try {
        for (String f : request.facets()) {
          facetCounts.put(f, countValues(facets, f, request.facetSize()));
        }
      } catch (ExitableDirectoryReader.ExitingReaderException e) {
        timedOut = true;
      }
    }
    return new SearchResult(
        docs.totalHits.value,
        hits,
        facetCounts,
        timedOut,
        (System.nanoTime() - start) / 1_000_000,
        last == null ? null : encodeCursor(request.sort(), last));
  }

  /** Counts values of a keyword field over the matching documents, per segment by ordinal. */
  private static Map<String, Long> countValues(FacetsCollector fc, String field, int size)
      throws IOException {
    Map<String, Long> totals = new HashMap<>();
    for (FacetsCollector.MatchingDocs md : fc.getMatchingDocs()) {
      SortedSetDocValues dv = md.context.reader().getSortedSetDocValues(field);
      if (dv == null || md.bits == null) {
        continue;
      }
      DocIdSetIterator it = md.bits.iterator();
      if (it == null) {
        continue;
      }
      long valueCount = dv.getValueCount();
      if (valueCount <= (1 << 20)) {
        int[] counts = new int[(int) valueCount];
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          if (dv.advanceExact(doc)) {
            for (int k = dv.docValueCount(); k > 0; k--) {
              counts[(int) dv.nextOrd()]++;
            }
          }
        }
        for (int ord = 0; ord < counts.length; ord++) {
          if (counts[ord] > 0) {
            totals.merge(dv.lookupOrd(ord).utf8ToString(), (long) counts[ord], Long::sum);
          }
        }
      } else {
        Map<Long, Long> counts = new HashMap<>();
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          if (dv.advanceExact(doc)) {
            for (int k = dv.docValueCount(); k > 0; k--) {
              counts.merge(dv.nextOrd(), 1L, Long::sum);
            }
          }
        }
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
          totals.merge(dv.lookupOrd(e.getKey()).utf8ToString(), e.getValue(), Long::sum);
        }
      }
    }
    Map<String, Long> out = new LinkedHashMap<>();
    totals.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(size)
        .forEachOrdered(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static String encodeCursor(SearchRequest.Sort sort, FieldDoc fd) {
    String raw;
    if (sort == SearchRequest.Sort.RELEVANCE) {
      raw =
          "r:"
              + Integer.toHexString(Float.floatToIntBits((Float) fd.fields[0]))
              + ":"
              + fd.fields[1]
              + ":"
              + ((BytesRef) fd.fields[2]).utf8ToString();
    } else {
      raw = "t:" + fd.fields[0] + ":" + ((BytesRef) fd.fields[1]).utf8ToString();
    }
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static FieldDoc decodeCursor(SearchRequest request) {
    try {
      String raw =
          new String(Base64.getUrlDecoder().decode(request.searchAfter()), StandardCharsets.UTF_8);
      if (request.sort() == SearchRequest.Sort.RELEVANCE && raw.startsWith("r:")) {
        String[] p = raw.split(":", 4);
        float score = Float.intBitsToFloat(Integer.parseUnsignedInt(p[1], 16));
        return new FieldDoc(
            Integer.MAX_VALUE,
            score,
            new Object[] {score, Long.parseLong(p[2]), new BytesRef(p[3])});
      }
      if (request.sort() == SearchRequest.Sort.TIME && raw.startsWith("t:")) {
        String[] p = raw.split(":", 3);
        return new FieldDoc(
            Integer.MAX_VALUE, Float.NaN, new Object[] {Long.parseLong(p[1]), new BytesRef(p[2])});
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      // fall through
    }
    throw new SearchException("invalid search-after cursor for sort " + request.sort());
  }

  /** Documents, deleted documents, segments and size on disk of the active index. */
  public IndexStats stats() throws IOException {
    ensureOpen();
    Generation g = active;
    g.manager.maybeRefreshBlocking();
    IndexSearcher s = g.manager.acquire();
    try {
      IndexReader r = s.getIndexReader();
      return new IndexStats(
          r.numDocs(), r.numDeletedDocs(), r.leaves().size(), sizeOf(g.dir), g.dir);
    } finally {
      g.manager.release(s);
    }
  }

  /** Stops refreshing, commits (with the last commit data) and releases the directory. */
  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Generation b = building;
      if (b != null) {
        b.abandon();
      }
      active.close();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new AlreadyClosedException("search index " + root + " is closed");
    }
  }

  private static Map<String, String> toMap(Iterable<Map.Entry<String, String>> entries) {
    Map<String, String> m = new HashMap<>();
    for (Map.Entry<String, String> e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  private static int number(Path dir) {
    return Integer.parseInt(dir.getFileName().toString().substring(PREFIX.length()));
  }

  private static void writePointer(Path root, String name) throws IOException {
    Path tmp = root.resolve(CURRENT + ".tmp");
    Files.writeString(
        tmp,
        name + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    try {
      Files.move(
          tmp,
          root.resolve(CURRENT),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, root.resolve(CURRENT), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    long[] total = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            total[0] += attrs.size();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE;
          }
        });
    return total[0];
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException ignored) {
      // already gone
    } catch (IOException e) {
      LOG.warn("could not delete {} (deleted at next open): {}", dir, e.toString());
    }
  }

  /** StandardAnalyzer with a position gap between values, so phrases never span two values. */
  private static final class TextAnalyzer extends DelegatingAnalyzerWrapper {
    private final Analyzer standard = new StandardAnalyzer();

    TextAnalyzer() {
      super(PER_FIELD_REUSE_STRATEGY);
    }

    @Override
    protected Analyzer getWrappedAnalyzer(String fieldName) {
      return standard;
    }

    @Override
    public int getPositionIncrementGap(String fieldName) {
      return 100;
    }
  }

  /** One physical index: directory, writer, searcher manager and its refresh thread. */
  private static final class Generation {
    final Path dir;
    final IndexSchema schema;
    final DocumentMapper mapper;
    final Analyzer analyzer;
    final Directory directory;
    final IndexWriter writer;
    final SearcherManager manager;
    final ControlledRealTimeReopenThread<IndexSearcher> reopener;
    final SearchLimits limits;
    final LongSupplier clock;

    private Generation(
        Path dir,
        IndexSchema schema,
        Analyzer analyzer,
        Directory directory,
        IndexWriter writer,
        SearcherManager manager,
        ControlledRealTimeReopenThread<IndexSearcher> reopener,
        SearchLimits limits,
        LongSupplier clock) {
      this.dir = dir;
      this.schema = schema;
      this.mapper = new DocumentMapper(schema);
      this.analyzer = analyzer;
      this.directory = directory;
      this.writer = writer;
      this.manager = manager;
      this.reopener = reopener;
      this.limits = limits;
      this.clock = clock;
    }

    static Generation open(Path dir, IndexSchema schema, Config config, LongSupplier clock)
        throws IOException {
      Files.createDirectories(dir);
      Map<String, Analyzer> perField = new HashMap<>();
      KeywordAnalyzer keyword = new KeywordAnalyzer();
      perField.put(IndexSchema.ID, keyword);
      perField.put(IndexSchema.SOURCE, keyword);
      for (String f : schema.keywordFields()) {
        perField.put(f, keyword);
      }
      Analyzer analyzer = new PerFieldAnalyzerWrapper(new TextAnalyzer(), perField);
      Directory directory = FSDirectory.open(dir);
      IndexWriter writer = null;
      try {
        IndexWriterConfig iwc = new IndexWriterConfig(analyzer);
        iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        iwc.setRAMBufferSizeMB(config.ramBufferMb());
        iwc.setCommitOnClose(true);
        writer = new IndexWriter(directory, iwc);
        SearcherManager manager = new SearcherManager(writer, true, false, null);
        double stale = Math.max(0.001, config.refreshInterval().toMillis() / 1000.0);
        ControlledRealTimeReopenThread<IndexSearcher> reopener =
            new ControlledRealTimeReopenThread<>(writer, manager, stale, Math.min(stale, 0.005));
        reopener.setName("lakestream-search-refresh-" + dir.getFileName());
        reopener.setDaemon(true);
        reopener.start();
        return new Generation(
            dir, schema, analyzer, directory, writer, manager, reopener, config.limits(), clock);
      } catch (IOException | RuntimeException e) {
        if (writer != null) {
          writer.rollback();
        }
        directory.close();
        throw e;
      }
    }

    QueryCompiler compiler() {
      return new QueryCompiler(schema, analyzer, limits, clock);
    }

    /** Commits (commit-on-close) and releases everything. */
    void close() throws IOException {
      reopener.close();
      try {
        manager.close();
        writer.close();
      } finally {
        directory.close();
      }
    }

    /** Releases everything without committing (an index being thrown away). */
    void abandon() {
      try {
        reopener.close();
        manager.close();
        writer.rollback();
        directory.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing index {}: {}", dir, e.toString());
      }
    }
  }
}
