package io.lakestream.source.mqtt.internal;

import io.lakestream.api.config.MqttSettings;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.ingest.SourceCounters;
import java.util.Objects;

/**
 * Where messages of one mqtt source go: the source's name, key field, device-id settings and
 * counters.
 *
 * @param deviceIdLevel 0-based topic level copied into {@code deviceIdField}, or {@code null}
 */
public record Route(
    String source,
    String keyField,
    Integer deviceIdLevel,
    String deviceIdField,
    SourceCounters counters) {

  public Route {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(keyField, "keyField");
    Objects.requireNonNull(deviceIdField, "deviceIdField");
    Objects.requireNonNull(counters, "counters");
  }

  /** The route of an mqtt source. */
  public static Route of(SourceConfig source, SourceCounters counters) {
    MqttSettings s = source.settings(MqttSettings.class);
    return new Route(
        source.name(), source.keyField(), s.deviceIdLevel(), s.deviceIdField(), counters);
  }
}
