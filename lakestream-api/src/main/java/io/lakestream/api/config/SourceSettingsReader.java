package io.lakestream.api.config;

import io.lakestream.api.config.internal.Scalar;
import io.lakestream.api.config.internal.YamlMap;
import io.lakestream.api.config.internal.YamlReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the type-specific block of a source ({@code syslog:}, {@code fluent:}, {@code mqtt:},
 * {@code postgres_cdc:}, {@code kafka:}) and checks what can be checked without the network: ports,
 * topic filters, table names. Problems go to the loader's reader, each with its YAML path and line.
 */
final class SourceSettingsReader {

  /** The blocks, by the source type that uses them. */
  static final Map<String, String> BLOCK_OF_TYPE =
      Map.of(
          "syslog", "syslog",
          "fluent", "fluent",
          "mqtt", "mqtt",
          "postgres_cdc", "postgres_cdc",
          "kafka", "kafka");

  private static final List<String> SYSLOG_KEYS =
      List.of("host", "tcp_port", "udp_port", "max_message_size");
  private static final List<String> FLUENT_KEYS =
      List.of("host", "port", "max_chunk_size", "max_records");
  private static final List<String> MQTT_KEYS =
      List.of(
          "topics",
          "device_id_level",
          "device_id_field",
          "host",
          "port",
          "users",
          "broker",
          "client_id",
          "username",
          "password");
  private static final List<String> MQTT_USER_KEYS = List.of("username", "password");
  private static final List<String> CDC_KEYS =
      List.of(
          "host",
          "port",
          "database",
          "user",
          "password",
          "tables",
          "slot",
          "publication",
          "snapshot");
  private static final List<String> KAFKA_SOURCE_KEYS =
      List.of("topic", "bootstrap_servers", "group_id", "starting_offsets", "properties");

  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern PG_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern BROKER = Pattern.compile("(tcp|ssl)://[^/:\\s]+:[0-9]{1,5}");
  private static final Pattern KAFKA_TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  private final YamlReader reader;

  SourceSettingsReader(YamlReader reader) {
    this.reader = reader;
  }

  /**
   * The settings of a source of {@code type}, defaults filled in; {@code null} for types without
   * settings, or when something is wrong (reported).
   */
  SourceSettings read(String sourceName, String type, YamlMap src) {
    for (String block : BLOCK_OF_TYPE.values()) {
      YamlMap.Entry e = src.entry(block);
      if (e != null && !block.equals(BLOCK_OF_TYPE.get(type))) {
        reader.report(
            e.path(),
            e.keyNode(),
            "the '"
                + block
                + ":' block configures sources of type "
                + block
                + "; this source is of type "
                + type
                + ": remove the block or change the type");
      }
    }
    return switch (type) {
      case "syslog" -> syslog(src.section("syslog", SYSLOG_KEYS));
      case "fluent" -> fluent(src.section("fluent", FLUENT_KEYS));
      case "mqtt" -> {
        YamlMap m = src.requiredMap("mqtt", MQTT_KEYS, "mqtt: {topics: [\"sensors/+/telemetry\"]}");
        yield m == null ? null : mqtt(sourceName, m);
      }
      case "postgres_cdc" -> {
        YamlMap m =
            src.requiredMap(
                "postgres_cdc",
                CDC_KEYS,
                "postgres_cdc: {host: 127.0.0.1, database: shop, user: lakestream, tables:"
                    + " [public.orders]}");
        yield m == null ? null : cdc(sourceName, m);
      }
      case "kafka" -> {
        YamlMap m = src.requiredMap("kafka", KAFKA_SOURCE_KEYS, "kafka: {topic: clicks}");
        yield m == null ? null : kafka(m);
      }
      default -> null;
    };
  }

  private String host(YamlMap m) {
    Scalar h = m.scalar("host", "a host name or address");
    if (h == null) {
      return "127.0.0.1";
    }
    String host = h.text().strip();
    if (host.isEmpty()) {
      reader.report(h, "must not be empty; e.g. 'host: 127.0.0.1' (or 0.0.0.0 for all)");
      return "127.0.0.1";
    }
    return host;
  }

  /** A port, or {@code null} when written as {@code off}. */
  private Integer portOrOff(YamlMap m, String key, int dflt) {
    Scalar s = m.scalar(key, "a port number, 0 for any free port, or off");
    if (s != null) {
      String t = s.text().strip().toLowerCase(Locale.ROOT);
      if (t.equals("off") || t.equals("false") || t.equals("none")) {
        return null;
      }
    }
    return m.integer(key, dflt, 0, 65535);
  }

  private SyslogSettings syslog(YamlMap m) {
    String host = host(m);
    Integer tcp = portOrOff(m, "tcp_port", SyslogSettings.DEFAULT_PORT);
    Integer udp = portOrOff(m, "udp_port", SyslogSettings.DEFAULT_PORT);
    long max = m.size("max_message_size", SyslogSettings.DEFAULT_MAX_MESSAGE_BYTES);
    if (tcp == null && udp == null) {
      reader.report(
          m.path(), m.mark(), "both tcp_port and udp_port are off: turn on at least one of them");
      return null;
    }
    if (max < 480 || max > 16 * 1024 * 1024) {
      reader.report(
          m.entry("max_message_size").path(),
          m.entry("max_message_size").value(),
          "must be between 480B (the smallest size RFC 5424 lets receivers take) and 16MB, got "
              + max
              + " bytes");
      return null;
    }
    return new SyslogSettings(host, tcp, udp, (int) max);
  }

  private FluentSettings fluent(YamlMap m) {
    String host = host(m);
    int port = m.integer("port", FluentSettings.DEFAULT_PORT, 0, 65535);
    long maxChunk = m.size("max_chunk_size", FluentSettings.DEFAULT_MAX_CHUNK_BYTES);
    int maxRecords = m.integer("max_records", FluentSettings.DEFAULT_MAX_RECORDS, 1, 10_000_000);
    if (maxChunk > 256L * 1024 * 1024) {
      reader.report(
          m.entry("max_chunk_size").path(),
          m.entry("max_chunk_size").value(),
          "must be at most 256MB: a chunk is held in memory while it is written to Kafka");
      return null;
    }
    return new FluentSettings(host, port, maxChunk, maxRecords);
  }

  private MqttSettings mqtt(String sourceName, YamlMap m) {
    List<Scalar> filters = m.scalarList("topics", "a list of MQTT topic filters");
    List<String> topics = new ArrayList<>();
    if (filters.isEmpty() && m.entry("topics") == null) {
      reader.report(
          m.path(),
          m.mark(),
          "missing required key 'topics'; add e.g. 'topics: [\"sensors/+/telemetry\"]'");
    }
    for (Scalar f : filters) {
      String problem = topicFilterProblem(f.text());
      if (problem != null) {
        reader.report(f, problem);
      } else {
        topics.add(f.text());
      }
    }
    Integer level = null;
    if (m.entry("device_id_level") != null) {
      level = m.integer("device_id_level", 0, 0, 63);
    }
    String field = m.string("device_id_field", "device_id");
    String host = host(m);
    int port = m.integer("port", MqttSettings.DEFAULT_PORT, 0, 65535);
    List<MqttSettings.User> users = new ArrayList<>();
    for (YamlMap.Item item : m.list("users", "a list of {username, password}")) {
      YamlMap u = reader.map(item.node(), item.path(), item.node().getStartMark(), MQTT_USER_KEYS);
      if (u == null) {
        continue;
      }
      Scalar name = u.requiredScalar("username", "username: sensor-fleet");
      Scalar password = u.requiredScalar("password", "password: ${MQTT_PASSWORD}");
      if (name != null && password != null) {
        if (password.text().length() < 8) {
          reader.report(
              password, "password is " + password.text().length() + " characters; use at least 8");
        } else {
          users.add(new MqttSettings.User(name.text(), password.text()));
        }
      }
    }
    Scalar broker = m.scalar("broker", "tcp://host:1883");
    String brokerUrl = null;
    if (broker != null) {
      if (!BROKER.matcher(broker.text().strip()).matches()) {
        reader.report(
            broker,
            "expected tcp://host:port or ssl://host:port of an external MQTT broker, got '"
                + broker.text()
                + "'");
      } else {
        brokerUrl = broker.text().strip();
        if (!users.isEmpty()) {
          reader.report(
              m.entry("users").path(),
              m.entry("users").keyNode(),
              "users configure the embedded broker; with 'broker:' this source is a client of"
                  + " another broker: use username/password instead");
        }
      }
    } else {
      for (String k : List.of("client_id", "username", "password")) {
        if (m.entry(k) != null) {
          reader.report(
              m.entry(k).path(),
              m.entry(k).keyNode(),
              "'"
                  + k
                  + "' applies to client mode only (with 'broker: tcp://host:port'); the embedded"
                  + " broker authenticates with 'users'");
        }
      }
    }
    String clientId = m.string("client_id", "lakestream-" + sourceName);
    String username = m.string("username", null);
    String password = m.string("password", null);
    if (topics.isEmpty()) {
      return null;
    }
    return new MqttSettings(
        topics, level, field, host, port, users, brokerUrl, clientId, username, password);
  }

  /** What is wrong with an MQTT topic filter, or {@code null} (MQTT 3.1.1 section 4.7). */
  static String topicFilterProblem(String filter) {
    if (filter.isEmpty()) {
      return "empty topic filter";
    }
    if (filter.length() > 1024) {
      return "topic filter longer than 1024 characters";
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String l = levels[i];
      if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
        return "'#' must be a whole level and the last one (e.g. 'logs/#'), in '" + filter + "'";
      }
      if (l.contains("+") && !l.equals("+")) {
        return "'+' must be a whole level (e.g. 'sensors/+/telemetry'), in '" + filter + "'";
      }
    }
    return null;
  }

  private CdcSettings cdc(String sourceName, YamlMap m) {
    Scalar host = m.requiredScalar("host", "host: 127.0.0.1");
    int port = m.integer("port", 5432, 1, 65535);
    Scalar db = m.requiredScalar("database", "database: shop");
    Scalar user = m.requiredScalar("user", "user: lakestream");
    String password = m.string("password", null);
    List<String> tables = new ArrayList<>();
    List<Scalar> written = m.scalarList("tables", "a list of schema.table names");
    if (written.isEmpty() && m.entry("tables") == null) {
      reader.report(
          m.path(), m.mark(), "missing required key 'tables'; add e.g. 'tables: [public.orders]'");
    }
    for (Scalar t : written) {
      if (!TABLE.matcher(t.text()).matches()) {
        reader.report(t, "expected schema.table (e.g. public.orders), got '" + t.text() + "'");
      } else {
        tables.add(t.text());
      }
    }
    String dflt = "lakestream_" + sourceName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    String slot = pgName(m, "slot", dflt);
    String publication = pgName(m, "publication", dflt);
    Scalar snap = m.scalar("snapshot", "initial or never");
    String snapshot = "initial";
    if (snap != null) {
      snapshot = snap.text().strip().toLowerCase(Locale.ROOT);
      if (!snapshot.equals("initial") && !snapshot.equals("never")) {
        reader.report(
            snap,
            "expected 'initial' (copy the tables first, then stream changes) or 'never' (changes"
                + " only), got '"
                + snap.text()
                + "'");
        return null;
      }
    }
    if (host == null
        || db == null
        || user == null
        || tables.isEmpty()
        || slot == null
        || publication == null) {
      return null;
    }
    return new CdcSettings(
        host.text().strip(),
        port,
        db.text().strip(),
        user.text().strip(),
        password,
        tables,
        slot,
        publication,
        snapshot);
  }

  private String pgName(YamlMap m, String key, String dflt) {
    Scalar s = m.scalar(key, "a lower-case PostgreSQL name");
    if (s == null) {
      return dflt.length() > 63 ? dflt.substring(0, 63) : dflt;
    }
    if (!PG_IDENTIFIER.matcher(s.text()).matches()) {
      reader.report(
          s,
          "PostgreSQL "
              + key
              + " names are lower-case letters, digits and '_', at most 63 characters; got '"
              + s.text()
              + "'");
      return null;
    }
    return s.text();
  }

  private KafkaSourceSettings kafka(YamlMap m) {
    Scalar topic = m.requiredScalar("topic", "topic: clicks");
    if (topic != null && !KAFKA_TOPIC.matcher(topic.text()).matches()) {
      reader.report(
          topic,
          "Kafka topic names are letters, digits, '.', '_' and '-', at most 249 characters; got '"
              + topic.text()
              + "'");
      topic = null;
    }
    String servers = m.string("bootstrap_servers", null);
    String group = m.string("group_id", null);
    Scalar start = m.scalar("starting_offsets", "earliest or latest");
    String starting = "earliest";
    if (start != null) {
      starting = start.text().strip().toLowerCase(Locale.ROOT);
      if (!starting.equals("earliest") && !starting.equals("latest")) {
        reader.report(
            start,
            "expected 'earliest' (read the topic from its beginning) or 'latest' (only records"
                + " written from now on), got '"
                + start.text()
                + "'");
        return null;
      }
    }
    Map<String, String> props = new HashMap<>(m.stringMap("properties"));
    for (String fixed : List.of("group.id", "bootstrap.servers", "enable.auto.commit")) {
      if (props.containsKey(fixed)) {
        reader.report(
            m.entry("properties").path(),
            m.entry("properties").keyNode(),
            "'"
                + fixed
                + "' is set by Lakestream (offsets are committed with checkpoints); use"
                + " group_id / bootstrap_servers instead");
        props.remove(fixed);
      }
    }
    return topic == null
        ? null
        : new KafkaSourceSettings(topic.text(), servers, group, starting, props);
  }
}
