package io.lakestream.jobs.deploy;

import io.lakestream.api.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** The pipeline's Kafka topics (raw, enriched, alerts), created where they are missing. */
public final class PipelineTopics {

  private PipelineTopics() {}

  /** An admin client for the pipeline's Kafka, with its client properties (TLS, SASL, ...). */
  public static Admin admin(PipelineConfig cfg) {
    Properties p = new Properties();
    p.putAll(cfg.kafka().properties());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka().bootstrapServers());
    return Admin.create(p);
  }

  /**
   * Creates the pipeline's topics that are missing on its Kafka cluster, with the pipeline's
   * partitions and replication factor.
   *
   * @throws IllegalStateException when the cluster cannot be reached or refuses
   */
  public static void ensure(PipelineConfig cfg) {
    try (Admin admin = admin(cfg)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      List<String> topics = new ArrayList<>(List.of(cfg.rawTopic(), cfg.enrichedTopic()));
      if (cfg.alerting().enabled()) {
        topics.add(cfg.alertsTopic());
      }
      for (String t : topics) {
        if (!existing.contains(t)) {
          missing.add(
              new NewTopic(t, cfg.kafka().partitions(), cfg.kafka().replicationFactor())
                  .configs(Map.of("compression.type", "producer")));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      Throwable why = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "cannot create Kafka topics on "
              + cfg.kafka().bootstrapServers()
              + ": "
              + why.getClass().getSimpleName()
              + ": "
              + why.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating Kafka topics", e);
    }
  }
}
