package io.lakestream.jobs.schema;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * The registry versions a job was planned with, one per source, and where to find newer ones.
 *
 * @param access how tasks read the registry
 * @param sources the plan of each source, by source name
 */
public record SchemaPlan(RegistryAccess access, Map<String, Source> sources)
    implements Serializable {

  public SchemaPlan {
    Objects.requireNonNull(access, "access");
    sources = Map.copyOf(sources);
  }

  /**
   * One source's plan.
   *
   * @param subject the registry subject of its schema
   * @param pinnedVersion the version it is pinned to, or {@code null} to follow the latest
   * @param version the version the job's SQL and curated layout were planned with
   * @param id that version's global registry id
   */
  public record Source(String subject, Integer pinnedVersion, int version, int id)
      implements Serializable {}
}
