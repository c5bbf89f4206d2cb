package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pipeline's anomaly detectors and the channels their alerts go to.
 *
 * @param detectors detectors by name, in file order
 * @param channels notification channels by name, in file order
 */
public record AlertingConfig(
    Map<String, DetectorConfig> detectors, Map<String, NotifyChannelConfig> channels)
    implements Serializable {

  /** No detectors, no channels. */
  public static final AlertingConfig NONE = new AlertingConfig(Map.of(), Map.of());

  public AlertingConfig {
    detectors = Collections.unmodifiableMap(new LinkedHashMap<>(detectors));
    channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
  }

  /** Whether the pipeline has any detector. */
  public boolean enabled() {
    return !detectors.isEmpty();
  }
}
