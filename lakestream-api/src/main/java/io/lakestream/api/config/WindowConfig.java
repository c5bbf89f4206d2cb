package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * An event-time window.
 *
 * @param type tumbling, hopping (sliding) or session
 * @param size window length ({@link Type#TUMBLE}, {@link Type#HOP})
 * @param slide how far each hopping window starts after the previous one ({@link Type#HOP})
 * @param gap inactivity that closes a session ({@link Type#SESSION})
 */
public record WindowConfig(Type type, Duration size, Duration slide, Duration gap)
    implements Serializable {

  public WindowConfig {
    Objects.requireNonNull(type, "type");
    switch (type) {
      case TUMBLE -> Objects.requireNonNull(size, "size");
      case HOP -> {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(slide, "slide");
      }
      case SESSION -> Objects.requireNonNull(gap, "gap");
    }
  }

  /** Window kinds, named as in Flink SQL's window table functions. */
  public enum Type {
    TUMBLE("tumble"),
    HOP("hop"),
    SESSION("session");

    private final String yamlName;

    Type(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
