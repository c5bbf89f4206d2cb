package io.lakestream.app.search;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SearchConfig;
import io.lakestream.api.event.EventHeaders;
import io.lakestream.lake.LakeSchemas;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexSchema;
import io.lakestream.search.SearchIndex;
import io.lakestream.search.SearchRequest;
import io.lakestream.search.SearchResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's search index, fed while {@code up} runs.
 *
 * <h2>Feed</h2>
 *
 * One thread reads the enriched topic (events of the indexed sources, after validation and
 * enrichment) and, when alerts are indexed, the alerts topic, and writes each batch to the Lucene
 * index, where it is searchable within the index's refresh interval (100 ms). The consumer belongs
 * to no group: how far the index is complete is stored with the index itself, as Kafka offsets in
 * the commit data of each Lucene commit (every {@link #COMMIT_EVERY} and at stop). After a crash
 * the feed resumes from the last commit and re-reads what came after it; documents are keyed by
 * event id, so what is read twice replaces itself: nothing is lost and nothing doubles.
 *
 * <p>Rejected records are only in the lake's error zone, so when errors are indexed a second thread
 * reads the appends to {@code errors.records} since the last indexed snapshot, after each lake
 * commit (so they are searchable one checkpoint interval after they were rejected).
 *
 * <h2>Retention</h2>
 *
 * Documents whose event time is older than the retention are deleted at start and every {@link
 * #RETENTION_EVERY}.
 */
public final class SearchService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SearchService.class);

  /** How often the index is committed together with the offsets it is complete up to. */
  public static final Duration COMMIT_EVERY = Duration.ofSeconds(5);

  /** How often expired documents are deleted. */
  public static final Duration RETENTION_EVERY = Duration.ofMinutes(10);

  /** How often the error zone is checked for new rejected records. */
  static final Duration ERRORS_EVERY = Duration.ofSeconds(2);

  /** Commit data: the field settings the index was built with. */
  static final String SCHEMA_KEY = "lakestream.schema";

  /** Commit data: the newest {@code errors.records} snapshot whose appends are indexed. */
  static final String ERRORS_SNAPSHOT_KEY = "lakestream.errors.snapshot";

  /** Commit data prefix of an offset: {@code kafka:<topic>:<partition>} = next offset to read. */
  static final String OFFSET_PREFIX = "kafka:";

  private final PipelineConfig cfg;
  private final SearchConfig search;
  private final SearchIndex index;
  private final Catalog catalog;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Long> offsets = new HashMap<>();
  private final String schemaFingerprint;
  private final Thread feed;
  private final Thread errorsThread;
  private final OpenSearchFeed opensearch;
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile Long errorsSnapshot;
  private volatile boolean running = true;
  private volatile Instant lastRetention = Instant.EPOCH;

  private SearchService(
      PipelineConfig cfg, SearchIndex index, Catalog catalog, Clock clock, boolean startThreads) {
    this.cfg = cfg;
    this.search = cfg.search();
    this.index = index;
    this.catalog = catalog;
    this.clock = clock;
    Map<String, String> data = index.lastCommitData();
    String built = data.get(SCHEMA_KEY);
    String wanted = SearchDocs.fingerprint(SearchDocs.schema(search));
    if (built != null && !built.equals(wanted)) {
      LOG.warn(
          "The search index was built with other field settings than the pipeline file now"
              + " declares; new events are indexed with the new settings, older ones keep the old"
              + " ones. Stop and run 'lakestream reindex <pipeline.yaml>' to rebuild it from the"
              + " lake.\n  index:    {}\n  pipeline: {}",
          built,
          wanted);
    }
    this.schemaFingerprint = built == null ? wanted : built;
    String s = data.get(ERRORS_SNAPSHOT_KEY);
    this.errorsSnapshot = s == null ? null : Long.valueOf(s);
    List<String> topics = topics(cfg);
    if (topics.isEmpty() || !startThreads) {
      this.consumer = null;
      this.feed = null;
    } else {
      this.consumer = consumer(cfg, "search");
      assign(consumer, topics, data, OFFSET_PREFIX, offsets);
      this.feed = new Thread(this::runFeed, "lakestream-search-feed");
      this.feed.setDaemon(true);
    }
    try {
      this.opensearch =
          search.opensearch() != null && startThreads
              ? OpenSearchFeed.start(cfg, SearchDocs.schema(search), data)
              : null;
    } catch (RuntimeException e) {
      if (consumer != null) {
        consumer.close();
      }
      throw e;
    }
    if (search.errors() && startThreads) {
      this.errorsThread = new Thread(this::runErrors, "lakestream-search-errors");
      this.errorsThread.setDaemon(true);
    } else {
      this.errorsThread = null;
    }
  }

  /**
   * Opens the index under {@code dir} and starts feeding it.
   *
   * @param catalog the lake, for the error zone
   */
  public static SearchService start(PipelineConfig cfg, Path dir, Catalog catalog)
      throws IOException {
    SearchIndex index = SearchIndex.open(dir, SearchDocs.schema(cfg.search()));
    SearchService s;
    try {
      s = new SearchService(cfg, index, catalog, Clock.systemUTC(), true);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
    s.applyRetention();
    if (s.feed != null) {
      s.feed.start();
    }
    if (s.errorsThread != null) {
      s.errorsThread.start();
    }
    LOG.info(
        "Search index at {} holds {} documents; indexing {}{}{}",
        dir,
        index.stats().documents(),
        cfg.search().sources().isEmpty()
            ? "no source"
            : String.join(", ", cfg.search().sources().keySet()),
        cfg.search().alerts() ? ", alerts" : "",
        cfg.search().errors() ? ", rejected records" : "");
    return s;
  }

  /** Runs a search. */
  public SearchResult search(SearchRequest request) throws IOException {
    return index.search(request);
  }

  /** The index, for statistics and tests. */
  public SearchIndex index() {
    return index;
  }

  /** Documents written by the feed since start (replays included). */
  public long indexed() {
    return indexed.get();
  }

  /** Records the feed could not turn into documents (logged). */
  public long skipped() {
    return skipped.get();
  }

  /** The topics the feeds read: the enriched topic and, when alerts are indexed, the alerts'. */
  static List<String> topics(PipelineConfig cfg) {
    List<String> topics = new ArrayList<>();
    if (!cfg.search().sources().isEmpty()) {
      topics.add(cfg.enrichedTopic());
    }
    if (cfg.search().alerts() && cfg.alerting().enabled()) {
      topics.add(cfg.alertsTopic());
    }
    return topics;
  }

  /** A consumer in no group: the feeds keep their offsets in the index's commit data. */
  static KafkaConsumer<byte[], byte[]> consumer(PipelineConfig cfg, String what) {
    Properties p = new Properties();
    // A short fetch wait keeps the time from acknowledgement to searchable low.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    p.putAll(cfg.kafka().properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka().bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "lakestream-" + cfg.name() + "-" + what);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Assigns every partition of the topics and seeks each to its offset in {@code data} (key {@code
   * prefix + topic + ":" + partition}), or to the beginning when it has none.
   */
  static void assign(
      KafkaConsumer<byte[], byte[]> consumer,
      List<String> topics,
      Map<String, String> data,
      String prefix,
      Map<TopicPartition, Long> offsets) {
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
      if (infos == null) {
        throw new IllegalStateException("Kafka topic " + t + " does not exist");
      }
      for (PartitionInfo i : infos) {
        parts.add(new TopicPartition(t, i.partition()));
      }
    }
    consumer.assign(parts);
    List<TopicPartition> fromStart = new ArrayList<>();
    for (TopicPartition tp : parts) {
      String o = data.get(prefix + tp.topic() + ":" + tp.partition());
      if (o == null) {
        fromStart.add(tp);
      } else {
        long next = Long.parseLong(o);
        consumer.seek(tp, next);
        offsets.put(tp, next);
      }
    }
    if (!fromStart.isEmpty()) {
      consumer.seekToBeginning(fromStart);
    }
  }

  private void runFeed() {
    long lastCommit = System.nanoTime();
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          List<IndexDoc> docs = new ArrayList<>(records.count());
          Map<TopicPartition, Long> read = new HashMap<>();
          for (ConsumerRecord<byte[], byte[]> r : records) {
            IndexDoc d = toDoc(r);
            if (d != null) {
              docs.add(d);
            }
            read.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
          }
          if (!docs.isEmpty()) {
            index.index(docs);
            indexed.addAndGet(docs.size());
          }
          // Only what is in the index counts as read: a failed write is read again next start.
          offsets.putAll(read);
        }
        if (System.nanoTime() - lastCommit >= COMMIT_EVERY.toNanos()) {
          commit();
          lastCommit = System.nanoTime();
        }
        if (Duration.between(lastRetention, clock.instant()).compareTo(RETENTION_EVERY) >= 0) {
          applyRetention();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (Exception e) {
      if (running) {
        LOG.error(
            "The search feed stopped: {}. Searches still answer from what is indexed; restart"
                + " 'up' to resume indexing (it continues where the index was last committed).",
            e.toString(),
            e);
      }
    }
  }

  private IndexDoc toDoc(ConsumerRecord<byte[], byte[]> r) {
    return toDoc(cfg, r, skipped);
  }

  /**
   * The document of a record of the enriched or alerts topic; {@code null} for events of sources
   * that are not indexed, and for records that cannot be read (counted in {@code skipped}, logged).
   */
  static IndexDoc toDoc(PipelineConfig cfg, ConsumerRecord<byte[], byte[]> r, AtomicLong skipped) {
    try {
      if (r.topic().equals(cfg.alertsTopic())) {
        return SearchDocs.alert(r.value());
      }
      String source = header(r, EventHeaders.SOURCE);
      if (source == null || !cfg.search().sources().containsKey(source)) {
        return null;
      }
      String id = header(r, EventHeaders.ID);
      String ingest = header(r, EventHeaders.INGEST_TIME);
      return SearchDocs.event(
          id, source, ingest == null ? r.timestamp() : Long.parseLong(ingest), r.value());
    } catch (RuntimeException e) {
      long n = skipped.incrementAndGet();
      if (n <= 10 || n % 10_000 == 0) {
        LOG.warn(
            "Search feed: cannot index {} offset {} of partition {} ({}); skipped, {} so far",
            r.topic(),
            r.offset(),
            r.partition(),
            e.getMessage(),
            n);
      }
      return null;
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private void commit() throws IOException {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(SCHEMA_KEY, schemaFingerprint);
    Long snap = errorsSnapshot;
    if (snap != null) {
      data.put(ERRORS_SNAPSHOT_KEY, Long.toString(snap));
    }
    offsets.forEach((tp, o) -> data.put(OFFSET_PREFIX + tp.topic() + ":" + tp.partition(), "" + o));
    if (opensearch != null) {
      data.putAll(opensearch.commitData());
    }
    // Offsets of partitions this run did not read yet stay as they were.
    index.lastCommitData().forEach(data::putIfAbsent);
    index.commit(data);
  }

  private void applyRetention() {
    lastRetention = clock.instant();
    Instant cutoff = lastRetention.minus(search.retention());
    try {
      if (opensearch != null) {
        opensearch.deleteOlderThan(cutoff);
      }
      long n = index.deleteOlderThan(cutoff);
      if (n > 0) {
        LOG.info("Search retention: deleted {} documents older than {}", n, cutoff);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Search retention failed ({}); it is tried again in {}", e, RETENTION_EVERY);
    }
  }

  private void runErrors() {
    while (running) {
      try {
        indexNewErrors();
      } catch (RuntimeException | IOException e) {
        LOG.warn("Search: cannot read the error zone ({}); trying again shortly", e.toString());
      }
      try {
        Thread.sleep(ERRORS_EVERY.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Indexes the rejected records appended since the last indexed snapshot. */
  void indexNewErrors() throws IOException {
    Table table;
    try {
      table = catalog.loadTable(LakeSchemas.ERRORS_TABLE);
    } catch (NoSuchTableException e) {
      return;
    }
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null || (errorsSnapshot != null && errorsSnapshot == current.snapshotId())) {
      return;
    }
    Long from = errorsSnapshot;
    boolean incremental = from != null && table.snapshot(from) != null;
    IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table);
    if (incremental) {
      scan = scan.appendsBetween(from, current.snapshotId());
    } else {
      scan = scan.useSnapshot(current.snapshotId());
    }
    long n = indexRows(scan);
    errorsSnapshot = current.snapshotId();
    if (n > 0) {
      LOG.debug("Search: indexed {} rejected records up to snapshot {}", n, current.snapshotId());
    }
  }

  private long indexRows(IcebergGenerics.ScanBuilder scan) throws IOException {
    long cutoff = clock.instant().minus(search.retention()).toEpochMilli();
    long n = 0;
    List<IndexDoc> batch = new ArrayList<>();
    try (CloseableIterable<Record> rows = scan.build()) {
      for (Record r : rows) {
        IndexDoc d = SearchDocs.error(r);
        if (d.eventTimeMillis() < cutoff) {
          continue;
        }
        batch.add(d);
        if (batch.size() >= 1000) {
          index.index(batch);
          if (opensearch != null) {
            opensearch.send(new ArrayList<>(batch));
          }
          n += batch.size();
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      index.index(batch);
      if (opensearch != null) {
        opensearch.send(batch);
      }
      n += batch.size();
    }
    indexed.addAndGet(n);
    return n;
  }

  /** Stops feeding, commits what is indexed with its offsets, and closes the index. */
  @Override
  public void close() throws IOException {
    running = false;
    if (errorsThread != null) {
      errorsThread.interrupt();
      join(errorsThread);
    }
    if (feed != null) {
      consumer.wakeup();
      join(feed);
    }
    if (opensearch != null) {
      opensearch.close();
    }
    try {
      if (feed != null || errorsThread != null) {
        commit();
      }
    } finally {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
      index.close();
    }
  }

  private static void join(Thread t) {
    try {
      t.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What {@link #reindex} did. */
  public record ReindexReport(long documents, long tablesRead, IndexSchema schema) {}

  /** Progress of {@link #reindex}: documents written so far, and the estimated total (or -1). */
  @FunctionalInterface
  public interface ReindexProgress {
    void indexed(long documents, long estimatedTotal);
  }

  /**
   * Rebuilds the index under {@code dir} from the lake with the pipeline file's field settings:
   * each indexed source's curated table, and alerts and rejected records when they are indexed,
   * within the retention. Must not run while {@code up} uses the index (the caller holds the data
   * directory's lock). The Kafka offsets the old index was complete up to are kept, so the next
   * {@code up} continues from there; what it reads again replaces itself.
   */
  public static ReindexReport reindex(
      PipelineConfig cfg, Path dir, Catalog catalog, ReindexProgress progress) throws IOException {
    IndexSchema schema = SearchDocs.schema(cfg.search());
    try (SearchIndex index = SearchIndex.open(dir, schema);
        LakeDocuments lake = LakeDocuments.of(catalog, cfg.search(), Instant.now())) {
      Map<String, String> data = new LinkedHashMap<>(index.lastCommitData());
      data.put(SCHEMA_KEY, SearchDocs.fingerprint(schema));
      Long errors = lake.errorsSnapshot();
      if (errors != null) {
        data.put(ERRORS_SNAPSHOT_KEY, Long.toString(errors));
      } else {
        data.remove(ERRORS_SNAPSHOT_KEY);
      }
      long total = lake.estimatedRows();
      long n =
          index.reindex(
              lake.documents(),
              schema,
              data,
              progress == null ? null : done -> progress.indexed(done, total));
      return new ReindexReport(n, lake.parts().size(), schema);
    }
  }

  /** The schema of the index the pipeline file declares. */
  public static IndexSchema schemaOf(PipelineConfig cfg) {
    return SearchDocs.schema(cfg.search());
  }
}
