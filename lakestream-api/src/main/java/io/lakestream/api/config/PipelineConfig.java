package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole pipeline file, loaded and validated: its sources, Kafka, gateway and lake settings.
 *
 * <p>Built by {@link PipelineLoader}; every field is already checked, so engines can use it as is.
 * It is serializable so a Flink job can carry it to task managers on a real cluster.
 *
 * <pre>{@code
 * PipelineConfig cfg = PipelineLoader.load(Path.of("pipeline.yaml"), Map.of("data_dir", "./data"));
 * cfg.sources().get("sensors").keyField(); // "device_id"
 * }</pre>
 *
 * @param name pipeline name ({@code pipeline:}); letters, digits, '-' and '_'
 * @param checkpointInterval how often Flink checkpoints; lake commits happen on checkpoints
 * @param parallelism Flink parallelism of the job
 * @param dedupWindow how long an event id is remembered to drop re-posted duplicates
 * @param kafka Kafka connection and topic settings
 * @param gateway ingestion gateway settings
 * @param lake Iceberg catalog and warehouse settings
 * @param sources sources by name, in file order
 * @param references reference tables for enrichment, by name
 * @param aggregations window aggregations, by name (= table name in the aggregates zone)
 * @param joins interval joins, by name (= table name in the curated zone)
 * @param plugins absolute paths of jars holding custom Java transforms
 * @param alerting anomaly detectors and notification channels
 * @param search what the full-text search index holds ({@link SearchConfig#NONE} when none)
 */
public record PipelineConfig(
    String name,
    Duration checkpointInterval,
    int parallelism,
    Duration dedupWindow,
    KafkaConfig kafka,
    GatewayConfig gateway,
    LakeConfig lake,
    Map<String, SourceConfig> sources,
    Map<String, ReferenceConfig> references,
    Map<String, AggregationConfig> aggregations,
    Map<String, JoinConfig> joins,
    List<String> plugins,
    AlertingConfig alerting,
    SearchConfig search)
    implements Serializable {

  public PipelineConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(dedupWindow, "dedupWindow");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(lake, "lake");
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    references = Collections.unmodifiableMap(new LinkedHashMap<>(references));
    aggregations = Collections.unmodifiableMap(new LinkedHashMap<>(aggregations));
    joins = Collections.unmodifiableMap(new LinkedHashMap<>(joins));
    plugins = List.copyOf(plugins);
    Objects.requireNonNull(alerting, "alerting");
    Objects.requireNonNull(search, "search");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1");
    }
  }

  /** A pipeline without a search index. */
  public PipelineConfig(
      String name,
      Duration checkpointInterval,
      int parallelism,
      Duration dedupWindow,
      KafkaConfig kafka,
      GatewayConfig gateway,
      LakeConfig lake,
      Map<String, SourceConfig> sources,
      Map<String, ReferenceConfig> references,
      Map<String, AggregationConfig> aggregations,
      Map<String, JoinConfig> joins,
      List<String> plugins,
      AlertingConfig alerting) {
    this(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        SearchConfig.NONE);
  }

  /** A pipeline without detectors. */
  public PipelineConfig(
      String name,
      Duration checkpointInterval,
      int parallelism,
      Duration dedupWindow,
      KafkaConfig kafka,
      GatewayConfig gateway,
      LakeConfig lake,
      Map<String, SourceConfig> sources,
      Map<String, ReferenceConfig> references,
      Map<String, AggregationConfig> aggregations,
      Map<String, JoinConfig> joins,
      List<String> plugins) {
    this(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        AlertingConfig.NONE);
  }

  /** A pipeline that only validates and lands its sources (no enrichment, windows or joins). */
  public PipelineConfig(
      String name,
      Duration checkpointInterval,
      int parallelism,
      Duration dedupWindow,
      KafkaConfig kafka,
      GatewayConfig gateway,
      LakeConfig lake,
      Map<String, SourceConfig> sources) {
    this(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        Map.of(),
        Map.of(),
        Map.of(),
        List.of());
  }

  /** A copy with other Kafka settings (e.g. the embedded broker's address filled in). */
  public PipelineConfig withKafka(KafkaConfig newKafka) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        newKafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with other gateway settings (e.g. command-line overrides). */
  public PipelineConfig withGateway(GatewayConfig newGateway) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        newGateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with another checkpoint interval. */
  public PipelineConfig withCheckpointInterval(Duration interval) {
    return new PipelineConfig(
        name,
        interval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with other sources (e.g. their schemas resolved from the registry). */
  public PipelineConfig withSources(Map<String, SourceConfig> newSources) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        newSources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with other reference tables (e.g. pointed at other files). */
  public PipelineConfig withReferences(Map<String, ReferenceConfig> newReferences) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        newReferences,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with other lake settings (e.g. extra catalog properties of the embedded mode). */
  public PipelineConfig withLake(LakeConfig newLake) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        newLake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with another parallelism (e.g. chosen when submitting to a cluster). */
  public PipelineConfig withParallelism(int newParallelism) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        newParallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        search);
  }

  /** A copy with another search block. */
  public PipelineConfig withSearch(SearchConfig newSearch) {
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        alerting,
        newSearch);
  }

  /** Kafka topic that the gateway writes every accepted event to. */
  public String rawTopic() {
    return kafka.topicPrefix() + name + ".raw";
  }

  /** Kafka topic that the job writes alert events to (see {@code AlertJson}). */
  public String alertsTopic() {
    return kafka.topicPrefix() + name + ".alerts";
  }

  /** Kafka topic that the job writes validated (later: enriched) events to. */
  public String enrichedTopic() {
    return kafka.topicPrefix() + name + ".enriched";
  }
}
