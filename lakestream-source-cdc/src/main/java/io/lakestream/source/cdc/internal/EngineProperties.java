package io.lakestream.source.cdc.internal;

import io.lakestream.api.config.CdcSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Collectors;

/** The Debezium engine and PostgreSQL connector settings for one {@code postgres_cdc} source. */
public final class EngineProperties {

  /** Name of the offsets file in the source's state folder. */
  public static final String OFFSETS_FILE = "offsets.json";

  private EngineProperties() {}

  /**
   * Settings for the embedded engine.
   *
   * @param source the source name; names the engine, whose offsets are stored under it
   * @param stateDir the source's own durable folder
   * @param pollInterval how long the connector waits to fill a batch; short for low latency
   * @param heartbeat how often the connector records its position when the captured tables are
   *     quiet, so that the slot can release WAL that other tables produce
   */
  public static Properties of(
      String source, CdcSettings s, Path stateDir, Duration pollInterval, Duration heartbeat) {
    Properties p = new Properties();
    p.setProperty("name", "lakestream-" + source);
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    // offsets: written (synced) after every batch whose records Kafka acknowledged
    p.setProperty("offset.storage", DurableOffsetStore.class.getName());
    p.setProperty(
        DurableOffsetStore.FILE_SETTING,
        stateDir.resolve(OFFSETS_FILE).toAbsolutePath().toString());
    p.setProperty("offset.flush.interval.ms", "0");
    p.setProperty("offset.flush.timeout.ms", "10000");
    // only names Debezium's topics, which the embedded engine never writes; it is also part of the
    // offsets' key, so it must never change
    p.setProperty("topic.prefix", "lakestream");

    p.setProperty("database.hostname", s.host());
    p.setProperty("database.port", Integer.toString(s.port()));
    p.setProperty("database.user", s.user());
    if (s.password() != null) {
      p.setProperty("database.password", s.password());
    }
    p.setProperty("database.dbname", s.database());

    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", s.slot());
    p.setProperty("slot.drop.on.stop", "false");
    p.setProperty("publication.name", s.publication());
    p.setProperty("publication.autocreate.mode", "filtered");
    p.setProperty("table.include.list", tableIncludeList(s));
    p.setProperty("snapshot.mode", snapshotMode(s.snapshot()));

    p.setProperty("poll.interval.ms", Long.toString(pollInterval.toMillis()));
    p.setProperty("heartbeat.interval.ms", Long.toString(heartbeat.toMillis()));
    p.setProperty("tombstones.on.delete", "false");
    // a lost connection (server restart, failover, terminated backend) is retried by the connector
    // itself without limit; 5 s instead of 10 s between attempts
    p.setProperty("retriable.restart.connector.wait.ms", "5000");

    // value mapping, see ConnectJson
    p.setProperty("decimal.handling.mode", "precise");
    p.setProperty("time.precision.mode", "adaptive_time_microseconds");
    p.setProperty("interval.handling.mode", "string");
    p.setProperty("binary.handling.mode", "base64");
    p.setProperty("hstore.handling.mode", "json");
    return p;
  }

  /** Debezium's include list holds regular expressions; table names are matched literally. */
  static String tableIncludeList(CdcSettings s) {
    return s.tables().stream().map(EngineProperties::literal).collect(Collectors.joining(","));
  }

  /** The connector's name for the {@code snapshot} setting. */
  static String snapshotMode(String snapshot) {
    return switch (snapshot) {
      case "initial" -> "initial";
      // streaming only: Debezium 3 calls this no_data
      case "never" -> "no_data";
      default -> throw new IllegalArgumentException("snapshot: " + snapshot);
    };
  }

  private static String literal(String name) {
    StringBuilder b = new StringBuilder(name.length() + 4);
    for (char ch : name.toCharArray()) {
      if (!Character.isLetterOrDigit(ch) && ch != '_') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }
}
