package io.lakestream.source.cdc;

import io.lakestream.api.config.CdcSettings;
import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.SourceConfig;
import java.time.Duration;
import java.util.List;

/** Source configs and options for the tests. */
final class Sources {

  private Sources() {}

  static CdcSettings settings(
      String host, int port, String database, String user, List<String> tables, String snapshot) {
    return new CdcSettings(
        host, port, database, user, null, tables, database + "_slot", database + "_pub", snapshot);
  }

  static SourceConfig config(String name, CdcSettings settings) {
    return new SourceConfig(
        name,
        PostgresCdcSource.TYPE,
        "schemas/cdc.json",
        "{\"type\":\"object\"}",
        "key",
        new EventTimeConfig("commit_time", EventTimeConfig.TimeFormat.ISO8601),
        List.of(),
        List.of(),
        null,
        settings);
  }

  /** Production timings, but a short close grace so that tests with held futures stay fast. */
  static PostgresCdcSource.Options fast() {
    return PostgresCdcSource.Options.DEFAULTS.withCloseGrace(Duration.ofMillis(300));
  }
}
