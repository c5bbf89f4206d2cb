package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A custom Java transform applied to a source's events, found by name among the {@link
 * io.lakestream.api.transform.EventTransform} implementations of the pipeline's plugin jars.
 *
 * @param name the transform's {@link io.lakestream.api.transform.EventTransform#name()}
 * @param options free-form options handed to the transform
 */
public record JavaTransformConfig(String name, Map<String, String> options)
    implements Serializable {

  public JavaTransformConfig {
    Objects.requireNonNull(name, "name");
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }
}
