package io.lakestream.app.alerts;

import io.lakestream.api.alert.AlertEvent;
import io.lakestream.api.alert.AlertJson;
import io.lakestream.api.config.NotifyChannelConfig;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.jobs.PipelineJob;
import io.lakestream.notify.ChannelConfig;
import io.lakestream.notify.ChannelStats;
import io.lakestream.notify.DeliveryOutcome;
import io.lakestream.notify.LogConfig;
import io.lakestream.notify.Notifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pipeline's alerts topic and hands each alert to the notification channels.
 *
 * <p>It runs beside the Flink job, not inside it, so a slow or failing receiver never slows the
 * pipeline: the job only writes alerts to Kafka. Delivery is at least once: the topic offset of an
 * alert is committed only when every channel that takes it has delivered it or given up after its
 * retries. An alert the job emits again after a failure (same alert id and status) is recognised
 * from the journal and not sent twice; receivers can also drop repeats by {@code alert_id}.
 */
public final class AlertDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final String topic;
  private final List<ChannelConfig> channels;
  private final DeliveryJournal journal;
  private final Notifier notifier;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;

  /** Deliveries not yet finished, by alert id; changed only through atomic per-key updates. */
  private final Map<String, Integer> pendingByAlert = new ConcurrentHashMap<>();

  private final Map<TopicPartition, ArrayDeque<InFlight>> inFlight = new HashMap<>();
  private final java.util.Set<String> submitted = new java.util.HashSet<>();
  private volatile boolean running = true;

  private record InFlight(long offset, String alertId, String key) {}

  private AlertDispatcher(PipelineConfig cfg, Path stateDir) {
    this.topic = cfg.alertsTopic();
    List<ChannelConfig> cs = new ArrayList<>();
    for (NotifyChannelConfig c : cfg.alerting().channels().values()) {
      cs.add(ChannelConfig.fromPipeline(c));
    }
    if (cs.isEmpty()) {
      // Alerts always reach the log, so that a pipeline without channels still shows them.
      cs.add(LogConfig.of("log"));
    }
    this.channels = List.copyOf(cs);
    this.journal = new DeliveryJournal(stateDir);
    try {
      this.notifier = Notifier.create(channels, this::outcome);
    } catch (RuntimeException e) {
      closeQuietly(journal);
      throw e;
    }
    Properties p = new Properties();
    p.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        String.valueOf(PipelineJob.ALERTING_FETCH_WAIT_MS));
    p.putAll(cfg.kafka().properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup(cfg));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "lakestream-alert-dispatcher");
    this.thread.setDaemon(true);
  }

  /**
   * Starts dispatching the pipeline's alerts.
   *
   * @param stateDir where the delivery journal lives (e.g. {@code <data>/notify})
   * @throws IllegalArgumentException when a channel's target is refused (e.g. a private address
   *     that is not allowed) or does not resolve; the message names the channel
   */
  public static AlertDispatcher start(PipelineConfig cfg, Path stateDir) {
    AlertDispatcher d = new AlertDispatcher(cfg, stateDir);
    d.consumer.subscribe(List.of(d.topic));
    d.thread.start();
    LOG.info(
        "Alerts of topic {} go to {}",
        d.topic,
        String.join(", ", d.channels.stream().map(c -> c.kind() + " '" + c.name() + "'").toList()));
    return d;
  }

  /** Kafka consumer group of the dispatcher. */
  public static String consumerGroup(PipelineConfig cfg) {
    return "lakestream-" + cfg.name() + "-notify";
  }

  /** Delivery counters per channel. */
  public Map<String, ChannelStats> stats() {
    return notifier.stats();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          handle(r);
        }
        commitFinished(false);
      }
    } catch (WakeupException e) {
      // close() asked to stop
    } catch (RuntimeException e) {
      LOG.error("The alert dispatcher stopped: {}. Alerts stay in topic {}.", e, topic, e);
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    AlertEvent alert;
    try {
      alert = AlertJson.fromBytes(r.value() == null ? new byte[0] : r.value());
    } catch (IllegalArgumentException e) {
      LOG.error(
          "Skipping record {}/{}@{} of the alerts topic: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.getMessage());
      track(tp, r.offset(), null, null);
      return;
    }
    String key = alert.alertId() + " " + alert.status().name().toLowerCase(java.util.Locale.ROOT);
    if (journal.notified(key) || submitted.contains(key)) {
      LOG.debug("Alert {} was notified before; not sending it again", key);
      track(tp, r.offset(), null, null);
      return;
    }
    int takers = (int) channels.stream().filter(c -> c.accepts(alert)).count();
    if (takers > 0) {
      pendingByAlert.merge(alert.alertId(), takers, Integer::sum);
    }
    track(tp, r.offset(), alert.alertId(), key);
    if (takers > 0) {
      submitted.add(key);
      notifier.submit(alert);
    }
  }

  /**
   * Queues a record's offset for commit: at once when {@code alertId} is null (nothing to send),
   * else once that alert's deliveries are finished.
   */
  private void track(TopicPartition tp, long offset, String alertId, String key) {
    inFlight.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(new InFlight(offset, alertId, key));
  }

  /** Called by the notifier for every outcome, on its threads. */
  private void outcome(DeliveryOutcome o) {
    if (o.status() == DeliveryOutcome.Status.RETRYING) {
      return;
    }
    journal.record(o);
    if (o.abandonedAtClose()) {
      return; // not finished: its offset stays uncommitted, so the next start sends it again
    }
    pendingByAlert.computeIfPresent(o.alertId(), (id, left) -> left <= 1 ? null : left - 1);
  }

  /** Commits, per partition, past every alert whose deliveries are all finished. */
  private void commitFinished(boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (Map.Entry<TopicPartition, ArrayDeque<InFlight>> e : inFlight.entrySet()) {
      ArrayDeque<InFlight> q = e.getValue();
      long next = -1;
      while (!q.isEmpty()
          && (q.peek().alertId() == null || !pendingByAlert.containsKey(q.peek().alertId()))) {
        InFlight done = q.poll();
        if (done.key() != null) {
          journal.markNotified(done.key());
          submitted.remove(done.key());
        }
        next = done.offset() + 1;
      }
      if (next >= 0) {
        commit.put(e.getKey(), new OffsetAndMetadata(next));
      }
    }
    if (commit.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(commit, Duration.ofSeconds(5));
    } else {
      consumer.commitAsync(
          commit,
          (offsets, error) -> {
            if (error != null) {
              LOG.warn("Could not commit alert offsets {}: {}", offsets, error.getMessage());
            }
          });
    }
  }

  /**
   * Stops reading alerts, lets deliveries in progress finish for up to {@code timeout}, and commits
   * what finished. Alerts not finished are delivered again after the next start.
   */
  public void close(Duration timeout) {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    notifier.close(timeout);
    try {
      commitFinished(true);
    } catch (RuntimeException e) {
      LOG.warn("Could not commit the last alert offsets: {}", e.getMessage());
    }
    closeQuietly(consumer);
    closeQuietly(journal);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", c, e.getMessage());
    }
  }
}
