package io.lakestream.app.search;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SearchConfig;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexSchema;
import io.lakestream.search.opensearch.OpenSearchSink;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the same documents as the embedded index to an OpenSearch/Elasticsearch cluster through its
 * bulk API (experimental; see docs/search-opensearch.md).
 *
 * <p>It reads the topics with its own consumer, so a slow or unreachable cluster never holds up the
 * embedded index: it falls behind and catches up. Its offsets are kept in the embedded index's
 * commit data under {@value #OFFSET_PREFIX}, published only after the cluster acknowledged the
 * documents before them; documents carry the event id as {@code _id}, so what is sent again after a
 * restart replaces itself. A batch the cluster cannot take is retried with backoff until it can or
 * {@code up} stops; documents it refuses for good (a mapping error) are logged and counted.
 */
final class OpenSearchFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenSearchFeed.class);

  /** Commit-data prefix of this feed's offsets. */
  static final String OFFSET_PREFIX = "opensearch:kafka:";

  private final PipelineConfig cfg;
  private final OpenSearchSink sink;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Long> offsets = new ConcurrentHashMap<>();
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean running = true;

  private OpenSearchFeed(
      PipelineConfig cfg, OpenSearchSink sink, List<String> topics, Map<String, String> data) {
    this.cfg = cfg;
    this.sink = sink;
    if (topics.isEmpty()) {
      this.consumer = null;
      this.thread = null;
    } else {
      this.consumer = SearchService.consumer(cfg, "opensearch");
      SearchService.assign(consumer, topics, data, OFFSET_PREFIX, offsets);
      this.thread = new Thread(this::run, "lakestream-opensearch-feed");
      this.thread.setDaemon(true);
    }
  }

  /**
   * Connects to the cluster (creating the index with its mapping when missing) and starts the feed.
   *
   * @param data the embedded index's last commit data (this feed's offsets)
   * @throws IllegalStateException when the cluster cannot be reached or its index has an
   *     incompatible mapping; the message says which
   */
  static OpenSearchFeed start(PipelineConfig cfg, IndexSchema schema, Map<String, String> data) {
    SearchConfig.OpenSearch os = cfg.search().opensearch();
    OpenSearchSink.Config base = OpenSearchSink.Config.of(URI.create(os.url()), os.index());
    OpenSearchSink.Config config =
        new OpenSearchSink.Config(
            base.url(),
            base.index(),
            os.user(),
            os.password(),
            base.requestTimeout(),
            base.maxAttempts(),
            base.initialBackoff(),
            base.maxBackoff());
    OpenSearchSink sink;
    try {
      sink = OpenSearchSink.open(config, schema);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot use OpenSearch index '"
              + os.index()
              + "' at "
              + os.url()
              + " (search.opensearch): "
              + e.getMessage(),
          e);
    }
    OpenSearchFeed f;
    try {
      f = new OpenSearchFeed(cfg, sink, SearchService.topics(cfg), data);
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
    if (f.thread != null) {
      f.thread.start();
    }
    LOG.info("Search documents also go to OpenSearch index '{}' at {}", os.index(), os.url());
    return f;
  }

  /** Offsets to store with the next commit of the embedded index. */
  Map<String, String> commitData() {
    Map<String, String> out = new HashMap<>();
    offsets.forEach((tp, o) -> out.put(OFFSET_PREFIX + tp.topic() + ":" + tp.partition(), "" + o));
    return out;
  }

  /** Documents the cluster acknowledged since start. */
  long sent() {
    return sent.get();
  }

  /** Documents the cluster refused for good since start. */
  long rejected() {
    return rejected.get();
  }

  private void run() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        List<IndexDoc> docs = new ArrayList<>(records.count());
        Map<TopicPartition, Long> read = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          IndexDoc d = SearchService.toDoc(cfg, r, skipped);
          if (d != null) {
            docs.add(d);
          }
          read.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        }
        if (!send(docs)) {
          return;
        }
        offsets.putAll(read);
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        LOG.error("The OpenSearch feed stopped: {}; restart 'up' to resume it", e.toString(), e);
      }
    }
  }

  /**
   * Sends until the cluster took every document (or refused some for good), retrying with backoff
   * while it cannot be reached. Also used for rejected records from the lake.
   *
   * @return false when stopped before the documents were acknowledged
   */
  boolean send(List<IndexDoc> docs) {
    if (docs.isEmpty()) {
      return true;
    }
    long pause = 1_000;
    while (running) {
      try {
        OpenSearchSink.SendResult r = sink.send(docs);
        sent.addAndGet(r.indexed());
        if (!r.rejected().isEmpty()) {
          long n = rejected.addAndGet(r.rejected().size());
          OpenSearchSink.Rejected first = r.rejected().get(0);
          LOG.warn(
              "OpenSearch refused {} document(s) for good ({} so far), e.g. {}: {} {}",
              r.rejected().size(),
              n,
              first.id(),
              first.status(),
              first.reason());
        }
        return true;
      } catch (IOException e) {
        LOG.warn(
            "OpenSearch cannot take {} documents ({}); retrying in {} s. The embedded index is"
                + " not affected.",
            docs.size(),
            e.getMessage(),
            pause / 1000);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
        pause = Math.min(pause * 2, 60_000);
      }
    }
    return false;
  }

  /** Deletes the cluster's documents older than the cutoff (retention). */
  void deleteOlderThan(Instant cutoff) {
    try {
      long n = sink.deleteOlderThan(cutoff);
      if (n > 0) {
        LOG.info("OpenSearch retention: deleted {} documents older than {}", n, cutoff);
      }
    } catch (IOException e) {
      LOG.warn("OpenSearch retention failed ({}); it is tried again later", e.getMessage());
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      consumer.wakeup();
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      consumer.close(Duration.ofSeconds(5));
    }
    sink.close();
  }
}
