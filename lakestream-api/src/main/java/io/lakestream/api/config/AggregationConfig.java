package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A window aggregation over one source (after its enrichment and transform); each becomes a table
 * {@code aggregates.<name>} with {@code window_start}, {@code window_end}, the group-by fields and
 * the measures.
 *
 * <pre>{@code
 * aggregations:
 *   sensor_stats_5m:
 *     from: sensors
 *     window: {type: tumble, size: 5m}
 *     group_by: [device_id]
 *     measures:
 *       readings: COUNT(*)
 *       p95_temperature: PERCENTILE(temperature, 0.95)
 * }</pre>
 *
 * @param name the key under {@code aggregations:}; the table name
 * @param from the source aggregated
 * @param window the window
 * @param groupBy fields (columns of the source's curated view) to group by
 * @param measures output column → Flink SQL aggregate expression, in order
 * @param where optional Flink SQL condition selecting the events aggregated
 * @param path YAML path of the aggregation, for errors found when the SQL is planned
 * @param line line of the aggregation in the pipeline file
 */
public record AggregationConfig(
    String name,
    String from,
    WindowConfig window,
    List<String> groupBy,
    Map<String, String> measures,
    String where,
    String path,
    int line)
    implements Serializable {

  public AggregationConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(window, "window");
    groupBy = List.copyOf(groupBy);
    measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
    Objects.requireNonNull(path, "path");
  }
}
