package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An anomaly detector over one numeric field of a source (each event, after enrichment and
 * transform) or of an aggregation (each window result), with one model per key.
 *
 * <pre>{@code
 * detectors:
 *   hot_devices:
 *     on: sensors
 *     field: temperature_c
 *     type: threshold
 *     above: 80
 *     severity: critical
 *   odd_temperature:
 *     on: sensor_stats_5m        # an aggregation: scored when each window closes
 *     field: avg_temperature
 *     key: device_id
 *     type: rcf
 * }</pre>
 *
 * @param name the key under {@code detectors:}; appears in every alert
 * @param on the source or aggregation watched
 * @param onAggregation whether {@code on} names an aggregation (else a source)
 * @param field the numeric column scored
 * @param key columns whose values select the model (one per distinct combination); empty for one
 *     model in all
 * @param type {@code threshold}, {@code rate_of_change}, {@code robust} or {@code rcf}
 * @param params the type's settings as written (numbers as Double, whole numbers as Integer, times
 *     as Duration, switches as Boolean, words as String), only those given; absent ones take the
 *     detector's defaults
 * @param severity severity of its alerts
 * @param cooldown after an incident resolves, how long (event time) new anomalies of the same key
 *     open no new alert
 * @param resolveAfter consecutive normal points that resolve an incident
 * @param resolveQuiet event time without an anomalous point that resolving also needs
 * @param path YAML path, for problems found when the job is planned
 * @param line line in the pipeline file
 */
public record DetectorConfig(
    String name,
    String on,
    boolean onAggregation,
    String field,
    List<String> key,
    String type,
    Map<String, Object> params,
    Severity severity,
    Duration cooldown,
    int resolveAfter,
    Duration resolveQuiet,
    String path,
    int line)
    implements Serializable {

  /** Detector types this version knows, as written in the pipeline file. */
  public static final List<String> TYPES = List.of("threshold", "rate_of_change", "robust", "rcf");

  public DetectorConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(on, "on");
    Objects.requireNonNull(field, "field");
    key = List.copyOf(key);
    Objects.requireNonNull(type, "type");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(cooldown, "cooldown");
    Objects.requireNonNull(resolveQuiet, "resolveQuiet");
    if (resolveAfter < 1) {
      throw new IllegalArgumentException("resolveAfter must be >= 1");
    }
  }
}
