package io.lakestream.api.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One source of a pipeline: how events arrive, the JSON Schema they must satisfy, the field they
 * are partitioned by and the field holding their event time.
 *
 * @param name source name, the key under {@code sources:}; also the raw-zone table name
 * @param type source type ({@code http} for now)
 * @param schemaPath the schema file as written in the pipeline file, resolved against its folder
 * @param schemaJson the JSON Schema text, read and parsed at load time; {@code null} for a source
 *     that takes its schema from a registry subject until {@code up} resolves it
 * @param keyField top-level field whose value is the Kafka and Flink key (per-key order holds)
 * @param eventTime where the event time is, how it is written, and the source's watermark
 * @param javaTransforms custom Java transforms, applied in order after validation
 * @param enrich enrichment steps, applied in order after the Java transforms
 * @param transform optional Flink SQL over the source (by its name) whose result is the curated
 *     table; {@code null} keeps every column
 * @param settings the type-specific block ({@code syslog:}, {@code mqtt:}, ...); {@code null} for
 *     {@code http} and {@code http_lines}
 * @param schemaBinding the registry subject (and pinned version, if any) of the source's schema;
 *     {@code schemaJson} is the version validation starts with
 */
public record SourceConfig(
    String name,
    String type,
    String schemaPath,
    String schemaJson,
    String keyField,
    EventTimeConfig eventTime,
    List<JavaTransformConfig> javaTransforms,
    List<EnrichConfig> enrich,
    SqlText transform,
    SourceSettings settings,
    SchemaBinding schemaBinding)
    implements Serializable {

  public SourceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(keyField, "keyField");
    Objects.requireNonNull(eventTime, "eventTime");
    if (schemaBinding == null) {
      schemaBinding = new SchemaBinding(name, null, schemaPath != null);
    }
    if (schemaJson == null && schemaBinding.fileRegistered()) {
      throw new NullPointerException("schemaJson");
    }
    javaTransforms = List.copyOf(javaTransforms);
    enrich = List.copyOf(enrich);
  }

  /** An {@code http} source (no type-specific settings). */
  public SourceConfig(
      String name,
      String type,
      String schemaPath,
      String schemaJson,
      String keyField,
      EventTimeConfig eventTime,
      List<JavaTransformConfig> javaTransforms,
      List<EnrichConfig> enrich,
      SqlText transform) {
    this(
        name,
        type,
        schemaPath,
        schemaJson,
        keyField,
        eventTime,
        javaTransforms,
        enrich,
        transform,
        null,
        null);
  }

  /** A source with type-specific settings, bound to the registry subject named after it. */
  public SourceConfig(
      String name,
      String type,
      String schemaPath,
      String schemaJson,
      String keyField,
      EventTimeConfig eventTime,
      List<JavaTransformConfig> javaTransforms,
      List<EnrichConfig> enrich,
      SqlText transform,
      SourceSettings settings) {
    this(
        name,
        type,
        schemaPath,
        schemaJson,
        keyField,
        eventTime,
        javaTransforms,
        enrich,
        transform,
        settings,
        null);
  }

  /** A copy with other type-specific settings. */
  public SourceConfig withSettings(SourceSettings newSettings) {
    return new SourceConfig(
        name,
        type,
        schemaPath,
        schemaJson,
        keyField,
        eventTime,
        javaTransforms,
        enrich,
        transform,
        newSettings,
        schemaBinding);
  }

  /** A copy that validates against another schema text (a registry version resolved at start). */
  public SourceConfig withSchemaJson(String newSchemaJson) {
    return new SourceConfig(
        name,
        type,
        schemaPath,
        newSchemaJson,
        keyField,
        eventTime,
        javaTransforms,
        enrich,
        transform,
        settings,
        schemaBinding);
  }

  /** Whether events reach this source through the HTTP gateway. */
  public boolean viaHttp() {
    return type.equals("http") || type.equals("http_lines");
  }

  /** The settings block, cast to what this source's type uses. */
  public <T extends SourceSettings> T settings(Class<T> kind) {
    return kind.cast(settings);
  }

  /** A source without processing steps. */
  public SourceConfig(
      String name,
      String type,
      String schemaPath,
      String schemaJson,
      String keyField,
      EventTimeConfig eventTime) {
    this(name, type, schemaPath, schemaJson, keyField, eventTime, List.of(), List.of(), null);
  }
}
