package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A reference table that events are enriched from: a file, a JDBC table or query, or a compacted
 * Kafka topic, read whole and kept in memory, and re-read while the pipeline runs.
 *
 * <pre>{@code
 * reference:
 *   devices:
 *     type: file
 *     path: reference/devices.csv
 *     key: device_id
 *     columns: {site: string, model: string, floor: long}
 * }</pre>
 *
 * @param name the key under {@code reference:}
 * @param type where the rows come from
 * @param path {@link Type#FILE}: absolute path of a {@code .csv} (header row), {@code .json} (array
 *     of objects) or {@code .ndjson}/{@code .jsonl} (one object per line) file
 * @param url {@link Type#JDBC}: the JDBC URL
 * @param table {@link Type#JDBC}: table to read whole (or {@code query})
 * @param query {@link Type#JDBC}: SELECT to run instead of reading a table
 * @param topic {@link Type#KAFKA}: compacted topic; record key = lookup key, value = JSON object,
 *     empty value = row deleted
 * @param properties {@link Type#JDBC}: driver properties (user, password, ...); {@link Type#KAFKA}:
 *     consumer properties
 * @param key column holding the lookup key ({@link Type#KAFKA}: the record key is used)
 * @param columns columns to load, with their types, in order
 * @param refresh {@link Type#FILE}/{@link Type#JDBC}: how often to look for changes
 */
public record ReferenceConfig(
    String name,
    Type type,
    String path,
    String url,
    String table,
    String query,
    String topic,
    Map<String, String> properties,
    String key,
    Map<String, ColumnType> columns,
    Duration refresh)
    implements Serializable {

  public ReferenceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(refresh, "refresh");
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    switch (type) {
      case FILE -> Objects.requireNonNull(path, "path");
      case JDBC -> {
        Objects.requireNonNull(url, "url");
        if ((table == null) == (query == null)) {
          throw new IllegalArgumentException("exactly one of table and query is needed");
        }
      }
      case KAFKA -> Objects.requireNonNull(topic, "topic");
    }
    if (type != Type.KAFKA) {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Where a reference table's rows come from. */
  public enum Type {
    FILE("file"),
    JDBC("jdbc"),
    KAFKA("kafka");

    private final String yamlName;

    Type(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
