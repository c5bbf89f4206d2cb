package io.lakestream.registry.compat;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A compatibility level a subject (or the registry globally) enforces on new schema versions, named
 * as in Confluent Schema Registry.
 *
 * <p>{@code BACKWARD}: the new schema can read data written with the old one. {@code FORWARD}: the
 * old schema can read data written with the new one. {@code FULL}: both. Non-transitive levels
 * compare with the latest version only; {@code _TRANSITIVE} levels compare with every version.
 *
 * <pre>{@code
 * CompatibilityLevel level = CompatibilityLevel.parse("backward_transitive");
 * }</pre>
 */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE;

  /**
   * Parses a Confluent compatibility name, ignoring case and surrounding whitespace.
   *
   * @throws IllegalArgumentException when the name is null or not one of the seven levels; the
   *     message lists the accepted names
   */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      String normalized = name.strip().toUpperCase(Locale.ROOT);
      for (CompatibilityLevel level : values()) {
        if (level.name().equals(normalized)) {
          return level;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown compatibility level '"
            + name
            + "'; expected one of "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }

  /** Whether the new schema must be able to read data written with the compared versions. */
  public boolean checksBackward() {
    return this == BACKWARD
        || this == BACKWARD_TRANSITIVE
        || this == FULL
        || this == FULL_TRANSITIVE;
  }

  /** Whether the compared versions must be able to read data written with the new schema. */
  public boolean checksForward() {
    return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
  }

  /** Whether the new schema is compared with every existing version rather than the latest. */
  public boolean isTransitive() {
    return this == BACKWARD_TRANSITIVE || this == FORWARD_TRANSITIVE || this == FULL_TRANSITIVE;
  }
}
