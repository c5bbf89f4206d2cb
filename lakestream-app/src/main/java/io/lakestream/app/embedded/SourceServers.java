package io.lakestream.app.embedded;

import io.lakestream.api.config.CdcSettings;
import io.lakestream.api.config.FluentSettings;
import io.lakestream.api.config.MqttSettings;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.SyslogSettings;
import io.lakestream.api.ingest.IngestServer;
import io.lakestream.api.ingest.RawSink;
import io.lakestream.api.ingest.SourceCounters;
import io.lakestream.source.cdc.PostgresCdcSource;
import io.lakestream.source.logs.fluent.FluentSource;
import io.lakestream.source.logs.syslog.SyslogSource;
import io.lakestream.source.mqtt.MqttBroker;
import io.lakestream.source.mqtt.MqttClientSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners and readers of a pipeline's non-HTTP sources (syslog, Fluentd forward, MQTT,
 * PostgreSQL CDC), started together after the job and closed before it stops.
 *
 * <p>{@code kafka} sources are not here: the Flink job reads their topics itself. {@code http} and
 * {@code http_lines} sources are served by the HTTP gateway.
 */
public final class SourceServers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SourceServers.class);

  private final Map<String, SourceCounters> counters;
  private final List<IngestServer> servers;
  private final Map<String, IngestServer> bySource;

  private SourceServers(
      Map<String, SourceCounters> counters,
      List<IngestServer> servers,
      Map<String, IngestServer> bySource) {
    this.counters = counters;
    this.servers = servers;
    this.bySource = bySource;
  }

  /**
   * Creates and starts the servers of every non-HTTP source of {@code cfg}.
   *
   * @param stateDir the data directory's {@code sources} folder; each source keeps what must
   *     survive a restart (CDC offsets) in a sub-folder named after it
   * @throws IllegalStateException naming the source when one cannot start; those already started
   *     are closed again
   */
  public static SourceServers start(PipelineConfig cfg, RawSink sink, Path stateDir) {
    Map<String, SourceCounters> counters = new LinkedHashMap<>();
    List<IngestServer> servers = new ArrayList<>();
    Map<String, IngestServer> bySource = new LinkedHashMap<>();
    List<SourceConfig> embeddedMqtt = new ArrayList<>();
    try {
      for (SourceConfig s : cfg.sources().values()) {
        SourceCounters c = new SourceCounters(s.name());
        IngestServer server = null;
        if (s.settings() instanceof SyslogSettings) {
          server = SyslogSource.create(s, sink, c);
        } else if (s.settings() instanceof FluentSettings) {
          server = FluentSource.create(s, sink, c);
        } else if (s.settings() instanceof MqttSettings m) {
          if (m.clientMode()) {
            server = MqttClientSource.create(s, sink, c);
          } else {
            embeddedMqtt.add(s); // one broker for all of them, below
          }
        } else if (s.settings() instanceof CdcSettings) {
          server = PostgresCdcSource.create(s, sink, c, stateDir.resolve(s.name()));
        }
        // kafka sources are read by the job; http ones are served by the gateway.
        if (server != null || s.settings() instanceof MqttSettings) {
          counters.put(s.name(), c);
        }
        if (server != null) {
          start(s.name(), server);
          servers.add(server);
          bySource.put(s.name(), server);
        }
      }
      if (!embeddedMqtt.isEmpty() && !cfg.gateway().apiKeys().isEmpty()) {
        // With API keys configured every endpoint checks credentials: the embedded broker then
        // takes a key too (user name = the key's name, password = its token).
        embeddedMqtt = embeddedMqtt.stream().map(s -> withApiKeys(s, cfg)).toList();
      }
      if (!embeddedMqtt.isEmpty()) {
        Map<String, SourceCounters> mqttCounters = new LinkedHashMap<>();
        embeddedMqtt.forEach(s -> mqttCounters.put(s.name(), counters.get(s.name())));
        MqttBroker broker =
            MqttBroker.create(embeddedMqtt, sink, mqttCounters, stateDir.resolve("mqtt-broker"));
        start(embeddedMqtt.get(0).name(), broker);
        servers.add(broker);
        embeddedMqtt.forEach(s -> bySource.put(s.name(), broker));
      }
      return new SourceServers(counters, servers, bySource);
    } catch (RuntimeException e) {
      for (int i = servers.size() - 1; i >= 0; i--) {
        servers.get(i).close();
      }
      throw e;
    }
  }

  /** The source with the gateway's API keys added to its embedded-broker users. */
  static SourceConfig withApiKeys(SourceConfig s, PipelineConfig cfg) {
    return s.withSettings(
        s.settings(MqttSettings.class)
            .withMoreUsers(
                cfg.gateway().apiKeys().stream()
                    .map(k -> new MqttSettings.User(k.name(), k.token()))
                    .toList()));
  }

  private static void start(String source, IngestServer server) {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("source '" + source + "' cannot start: " + e.getMessage(), e);
    }
    LOG.info("Source '{}' is listening: {}", source, String.join(", ", server.endpoints()));
  }

  /** Each running endpoint, for the startup banner (e.g. {@code syslog tcp 127.0.0.1:5514}). */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    servers.forEach(s -> out.addAll(s.endpoints()));
    return out;
  }

  /**
   * The port of the first endpoint that starts with {@code prefix}, e.g. {@code "syslog tcp"} or
   * {@code "mqtt tcp"}: what a client connects to when the pipeline asked for any free port.
   *
   * @throws IllegalStateException naming the endpoints when none matches
   */
  public int port(String prefix) {
    for (String e : endpoints()) {
      if (e.startsWith(prefix)) {
        // "fluent udp 127.0.0.1:24224 (heartbeat)": the digits after the last ':'
        return Integer.parseInt(e.substring(e.lastIndexOf(':') + 1).replaceAll("[^0-9].*", ""));
      }
    }
    throw new IllegalStateException("no '" + prefix + "' endpoint in " + endpoints());
  }

  /** The server of a source, or {@code null} for HTTP and Kafka sources. */
  public IngestServer server(String source) {
    return bySource.get(source);
  }

  /** Counters of every source served here, by source name. */
  public Map<String, SourceCounters> counters() {
    return counters;
  }

  /** Stops taking data; each server waits (bounded) for the acknowledgements still due. */
  @Override
  public void close() {
    for (int i = servers.size() - 1; i >= 0; i--) {
      try {
        servers.get(i).close();
      } catch (RuntimeException e) {
        LOG.warn("Closing {} failed: {}", servers.get(i).endpoints(), e.toString());
      }
    }
    counters.values().forEach(c -> LOG.info("Source {}", c));
  }
}
