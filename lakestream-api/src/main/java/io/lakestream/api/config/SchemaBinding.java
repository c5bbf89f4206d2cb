package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a source's schema lives in the schema registry.
 *
 * <p>A source that names a schema file is bound to the subject {@code subject} (its own name unless
 * the pipeline file says otherwise); {@code up} registers the file there at start. A source that
 * names only a subject takes its schema from the registry.
 *
 * @param subject registry subject holding the source's schema versions
 * @param version the pinned version, or {@code null} to validate against the latest one
 * @param fileRegistered whether the source's schema file is registered under the subject at start
 */
public record SchemaBinding(String subject, Integer version, boolean fileRegistered)
    implements Serializable {

  public SchemaBinding {
    Objects.requireNonNull(subject, "subject");
    if (version != null && version < 1) {
      throw new IllegalArgumentException("version must be 1 or more, got " + version);
    }
  }

  /** Whether validation follows the subject's latest version (new versions apply live). */
  public boolean followsLatest() {
    return version == null;
  }
}
