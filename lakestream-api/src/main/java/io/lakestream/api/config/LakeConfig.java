package io.lakestream.api.config;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * Iceberg lake settings.
 *
 * @param warehouse warehouse location (a local path or a URI such as {@code s3://bucket/lake})
 * @param catalogUri JDBC URI of the Iceberg JDBC catalog, {@code jdbc:sqlite:...} when embedded
 * @param catalogProperties extra Iceberg catalog properties passed through as is
 * @param export tables mirrored into PostgreSQL, or {@code null}
 * @param maintenance table upkeep settings; {@code null} for the defaults
 */
public record LakeConfig(
    String warehouse,
    String catalogUri,
    Map<String, String> catalogProperties,
    ExportSettings export,
    MaintenanceSettings maintenance)
    implements Serializable {

  public LakeConfig {
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(catalogUri, "catalogUri");
    catalogProperties =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(catalogProperties));
    if (maintenance == null) {
      maintenance = MaintenanceSettings.defaults();
    }
  }

  /** A lake without exports, with the default upkeep. */
  public LakeConfig(String warehouse, String catalogUri, Map<String, String> catalogProperties) {
    this(warehouse, catalogUri, catalogProperties, null, null);
  }
}
