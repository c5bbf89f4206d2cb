package io.lakestream.api.config;

import io.lakestream.api.config.EventTimeConfig.TimeFormat;
import io.lakestream.api.config.internal.Durations;
import io.lakestream.api.config.internal.Problems;
import io.lakestream.api.config.internal.Scalar;
import io.lakestream.api.config.internal.SchemaFiles;
import io.lakestream.api.config.internal.Suggestions;
import io.lakestream.api.config.internal.YamlMap;
import io.lakestream.api.config.internal.YamlReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * Loads a pipeline file into a {@link PipelineConfig}, checking all of it and reporting every
 * problem at once.
 *
 * <p>Values may use {@code ${name}} (from the given variables, then the environment) and {@code
 * ${name:-default}}; the caller always supplies {@code data_dir}. Relative paths are resolved
 * against the pipeline file's folder, so the result holds absolute paths only. Each source's JSON
 * Schema is read at load time and its key and event-time fields are checked against the schema's
 * top-level properties.
 *
 * <pre>{@code
 * PipelineConfig cfg = PipelineLoader.load(Path.of("pipeline.yaml"), Map.of("data_dir", "/srv"));
 * }</pre>
 *
 * @see PipelineConfigException for how problems are reported
 */
public final class PipelineLoader {

  /** The variable callers must always supply: where Lakestream keeps its local state. */
  public static final String DATA_DIR = "data_dir";

  /** Source types this version knows. */
  public static final List<String> SOURCE_TYPES =
      List.of("http", "http_lines", "syslog", "fluent", "mqtt", "postgres_cdc", "kafka");

  private static final List<String> ROOT_KEYS =
      List.of(
          "pipeline",
          "checkpoint_interval",
          "parallelism",
          "dedup_window",
          "kafka",
          "gateway",
          "lake",
          "plugins",
          "reference",
          "sources",
          "aggregations",
          "joins",
          "detectors",
          "notify",
          "search");
  private static final List<String> KAFKA_KEYS =
      List.of(
          "bootstrap_servers", "partitions", "replication_factor", "topic_prefix", "properties");
  private static final List<String> GATEWAY_KEYS =
      List.of("host", "port", "max_body", "kafka_timeout", "allow_insecure_bind", "api_keys");
  private static final List<String> API_KEY_KEYS = List.of("name", "token", "sources");
  private static final List<String> LAKE_KEYS =
      List.of("warehouse", "catalog_uri", "catalog_properties", "export", "maintenance");
  private static final List<String> MAINTENANCE_KEYS =
      List.of(
          "every",
          "target_file_size",
          "min_input_files",
          "keep_snapshots",
          "retain_last",
          "orphan_min_age");
  private static final List<String> EXPORT_KEYS = List.of("postgres");
  private static final List<String> POSTGRES_EXPORT_KEYS =
      List.of("url", "user", "password", "schema", "every", "tables");
  private static final List<String> EXPORT_TABLE_KEYS = List.of("key");
  private static final List<String> SOURCE_KEYS =
      List.of(
          "type",
          "schema",
          "key",
          "event_time",
          "java_transforms",
          "enrich",
          "transform",
          "syslog",
          "fluent",
          "mqtt",
          "postgres_cdc",
          "kafka");
  private static final List<String> SCHEMA_KEYS = List.of("file", "subject", "version");
  private static final List<String> EVENT_TIME_KEYS =
      List.of("field", "format", "out_of_orderness", "allowed_lateness", "idle_timeout");
  private static final List<String> JAVA_TRANSFORM_KEYS = List.of("name", "options");
  private static final List<String> ENRICH_KEYS =
      List.of("reference", "on", "columns", "prefix", "on_missing");
  private static final List<String> REFERENCE_KEYS =
      List.of(
          "type",
          "path",
          "url",
          "table",
          "query",
          "topic",
          "properties",
          "key",
          "columns",
          "refresh");
  private static final Map<ReferenceConfig.Type, List<String>> REFERENCE_TYPE_KEYS =
      Map.of(
          ReferenceConfig.Type.FILE,
          List.of("type", "path", "key", "columns", "refresh"),
          ReferenceConfig.Type.JDBC,
          List.of("type", "url", "table", "query", "properties", "key", "columns", "refresh"),
          ReferenceConfig.Type.KAFKA,
          List.of("type", "topic", "properties", "columns"));
  private static final List<String> AGGREGATION_KEYS =
      List.of("from", "window", "group_by", "measures", "where");
  private static final List<String> WINDOW_KEYS = List.of("type", "size", "slide", "gap");
  private static final List<String> JOIN_KEYS =
      List.of("left", "right", "on", "within", "direction", "select");
  private static final List<String> JOIN_ON_KEYS = List.of("left", "right");
  private static final List<String> DETECTOR_COMMON_KEYS =
      List.of(
          "on", "field", "key", "type", "severity", "cooldown", "resolve_after", "resolve_quiet");

  /** Each detector type's own settings and what kind of value each takes. */
  private static final Map<String, Map<String, ParamKind>> DETECTOR_PARAMS =
      Map.of(
          "threshold",
          Map.of("above", ParamKind.NUMBER, "below", ParamKind.NUMBER),
          "rate_of_change",
          Map.of(
              "max_change", ParamKind.NUMBER,
              "per", ParamKind.DURATION,
              "relative", ParamKind.BOOLEAN),
          "robust",
          Map.of(
              "window", ParamKind.INTEGER,
              "threshold", ParamKind.NUMBER,
              "min_points", ParamKind.INTEGER,
              "seasonality", ParamKind.SEASONALITY,
              "bucket", ParamKind.DURATION),
          "rcf",
          Map.of(
              "shingle_size", ParamKind.INTEGER,
              "sample_size", ParamKind.INTEGER,
              "trees", ParamKind.INTEGER,
              "anomaly_rate", ParamKind.NUMBER));

  private static final String DEFAULT_DETECTOR_TYPE = "rcf";
  // Chosen with the detectors' synthetic evaluation: about one alert per incident.
  private static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(30);
  private static final int DEFAULT_RESOLVE_AFTER = 5;
  private static final Duration DEFAULT_RESOLVE_QUIET = Duration.ofMinutes(10);

  private static final List<String> CHANNEL_KEYS =
      List.of(
          "type",
          "url",
          "secret",
          "timeout",
          "max_attempts",
          "initial_backoff",
          "max_backoff",
          "allow_hosts",
          "allow_cidrs",
          "min_severity",
          "detectors");
  private static final List<String> LOG_CHANNEL_KEYS = List.of("type", "min_severity", "detectors");
  private static final Duration DEFAULT_NOTIFY_TIMEOUT = Duration.ofSeconds(5);
  private static final int DEFAULT_NOTIFY_ATTEMPTS = 5;
  private static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  private static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  private enum ParamKind {
    NUMBER("a number"),
    INTEGER("a whole number"),
    DURATION("a duration like 1m"),
    BOOLEAN("true or false"),
    SEASONALITY("none, daily or weekly");

    final String expected;

    ParamKind(String expected) {
      this.expected = expected;
    }
  }

  private static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  private static final int DEFAULT_PARALLELISM = 2;
  private static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(15);
  private static final int DEFAULT_PARTITIONS = 4;
  private static final int DEFAULT_REPLICATION_FACTOR = 1;
  private static final String DEFAULT_TOPIC_PREFIX = "lakestream.";
  private static final String DEFAULT_HOST = "127.0.0.1";
  private static final int DEFAULT_PORT = 8080;
  private static final long DEFAULT_MAX_BODY = 5L << 20;
  private static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  /** Re-reading a file or table more often would mostly add load on the disk or database. */
  private static final Duration MIN_REFRESH = Duration.ofSeconds(1);

  private static final List<String> REFERENCE_FILE_EXTENSIONS =
      List.of(".csv", ".json", ".ndjson", ".jsonl");

  /** Columns Lakestream adds to every curated table, so no event field may take their names. */
  private static final List<String> RESERVED_COLUMNS =
      List.of("event_id", "event_time", "ingest_time", "schema_version");

  /** Columns every aggregation table has besides its group-by fields and measures. */
  private static final List<String> WINDOW_COLUMNS = List.of("window_start", "window_end");

  /** Tokens shorter than this are too easy to guess. */
  private static final int MIN_TOKEN_LENGTH = 16;

  /** Kafka's limit on topic names. */
  private static final int MAX_TOPIC_LENGTH = 249;

  private static final Pattern PIPELINE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,62}");
  private static final Pattern SOURCE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]*");
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  // Column names end up unquoted in generated Flink SQL, hence identifier syntax.
  private static final Pattern COLUMN_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern TRANSFORM_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern COLUMN_PREFIX = Pattern.compile("[a-zA-Z0-9_]*");
  private static final Pattern HOST_PORT = Pattern.compile(".*[^:]:([0-9]{1,5})");
  // Two letters at least, so that a Windows drive ("C:\lake") is not taken for a URI scheme.
  private static final Pattern CIDR =
      Pattern.compile("([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)/[0-9]{1,3}");
  private static final Pattern URI_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*");

  private final Problems problems = new Problems();
  private final YamlReader reader;
  private final Path baseDir;
  private final String dataDir;

  // Read before the sources, whose enrichment steps and Java transforms refer to them.
  /** Every name under {@code reference:}, including those whose definition has problems. */
  private final Set<String> declaredReferences = new LinkedHashSet<>();

  /** The reference tables that were read without problems. */
  private final Map<String, ReferenceConfig> references = new LinkedHashMap<>();

  /** Whether {@code plugins:} lists anything, valid or not. */
  private boolean pluginsListed;

  private PipelineLoader(Path baseDir, String dataDir, Map<String, String> vars) {
    this.baseDir = baseDir;
    this.dataDir = dataDir;
    this.reader = new YamlReader(problems, vars::get);
  }

  /**
   * Loads a pipeline file; relative paths in it are resolved against its folder and variables not
   * in {@code vars} are looked up in the environment.
   *
   * @param vars variables for {@code ${...}}; must contain {@code data_dir}
   * @throws PipelineConfigException listing every problem, including an unreadable file
   * @throws IllegalArgumentException when {@code vars} has no {@code data_dir}
   */
  public static PipelineConfig load(Path file, Map<String, String> vars) {
    String text;
    try (Reader r = new UnicodeReader(Files.newInputStream(file))) {
      // UnicodeReader rather than Files.readString: it honours a byte-order mark, which some
      // Windows editors write.
      StringBuilder sb = new StringBuilder();
      char[] buf = new char[8192];
      for (int n; (n = r.read(buf)) > 0; ) {
        sb.append(buf, 0, n);
      }
      text = sb.toString();
    } catch (NoSuchFileException e) {
      throw fileProblem(file, "pipeline file not found; check the path");
    } catch (IOException | YAMLException e) {
      throw fileProblem(file, "cannot read pipeline file: " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), dir, vars, System.getenv());
  }

  /**
   * Parses pipeline YAML text.
   *
   * @param yaml the file content
   * @param fileName how to name the file in messages
   * @param baseDir folder that relative paths (schemas, a local warehouse) are resolved against
   * @param vars variables for {@code ${...}}, looked up first; must contain {@code data_dir}
   * @param env variables looked up when not in {@code vars}, normally the process environment
   * @throws PipelineConfigException listing every problem found
   * @throws IllegalArgumentException when {@code vars} has no {@code data_dir}
   */
  public static PipelineConfig parse(
      String yaml,
      String fileName,
      Path baseDir,
      Map<String, String> vars,
      Map<String, String> env) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(baseDir, "baseDir");
    Objects.requireNonNull(vars, "vars");
    Objects.requireNonNull(env, "env");
    String dataDir = vars.get(DATA_DIR);
    if (dataDir == null || dataDir.isBlank()) {
      throw new IllegalArgumentException("vars must define '" + DATA_DIR + "'");
    }
    // data_dir comes from the command line, so a relative one means relative to where the
    // command runs, not to the pipeline file; pin it down before it is substituted anywhere.
    dataDir = Path.of(dataDir).toAbsolutePath().normalize().toString();
    Map<String, String> lookup = new HashMap<>(env);
    lookup.putAll(vars);
    lookup.put(DATA_DIR, dataDir);

    PipelineLoader loader =
        new PipelineLoader(baseDir.toAbsolutePath().normalize(), dataDir, lookup);
    PipelineConfig config = loader.read(yaml);
    if (!loader.problems.isEmpty()) {
      throw new PipelineConfigException(fileName, loader.problems.inFileOrder());
    }
    return config;
  }

  private static PipelineConfigException fileProblem(Path file, String message) {
    return new PipelineConfigException(
        file.toString(), List.of(new PipelineConfigException.Problem("", 0, 0, message)));
  }

  private PipelineConfig read(String yaml) {
    Node root = compose(yaml);
    if (root == null) {
      return null;
    }
    YamlMap top = reader.map(root, "", null, ROOT_KEYS);
    if (top == null) {
      return null;
    }
    String name = pipelineName(top);
    Duration checkpointInterval = top.duration("checkpoint_interval", DEFAULT_CHECKPOINT_INTERVAL);
    int parallelism = top.integer("parallelism", DEFAULT_PARALLELISM, 1, 256);
    Duration dedupWindow = top.duration("dedup_window", DEFAULT_DEDUP_WINDOW);
    List<String> plugins = plugins(top);
    references(top);
    Set<String> declaredSources = new LinkedHashSet<>();
    Map<String, SourceConfig> sources = sources(top, declaredSources);
    Map<String, AggregationConfig> aggregations = aggregations(top, declaredSources);
    Map<String, JoinConfig> joins = joins(top, declaredSources);
    Map<String, DetectorConfig> detectors = detectors(top, sources, aggregations, declaredSources);
    Map<String, NotifyChannelConfig> channels = channels(top, detectors.keySet());
    KafkaConfig kafka = kafka(top.section("kafka", KAFKA_KEYS), name);
    GatewayConfig gateway = gateway(top.section("gateway", GATEWAY_KEYS), declaredSources);
    LakeConfig lake = lake(top.section("lake", LAKE_KEYS));
    SearchConfig search = new SearchConfigReader(reader).read(top, sources);
    if (!problems.isEmpty()) {
      return null;
    }
    return new PipelineConfig(
        name,
        checkpointInterval,
        parallelism,
        dedupWindow,
        kafka,
        gateway,
        lake,
        sources,
        references,
        aggregations,
        joins,
        plugins,
        new AlertingConfig(detectors, channels),
        search);
  }

  /** The YAML node tree, or {@code null} when there is none to read (reported). */
  private Node compose(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setProcessComments(false);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      // SnakeYAML splits a message into context ("while scanning a quoted scalar") and problem
      // ("found unexpected end of stream"); together they read as one sentence.
      String what =
          e.getContext() == null ? e.getProblem() : e.getContext() + ", " + e.getProblem();
      problems.add(
          "",
          mark,
          "YAML syntax error: "
              + what
              + "; check indentation (spaces, not tabs), quotes and the space after ':'");
      return null;
    } catch (ReaderException e) {
      int[] lineColumn = lineColumn(yaml, e.getPosition());
      problems.add(
          "",
          lineColumn[0],
          lineColumn[1],
          String.format(
              "the file contains the non-printable character U+%04X, which YAML does not"
                  + " allow; remove it",
              e.getCodePoint()));
      return null;
    } catch (YAMLException e) {
      problems.add("", 0, 0, "cannot read YAML: " + e.getMessage());
      return null;
    }
    if (root == null || (root instanceof ScalarNode && Tag.NULL.equals(root.getTag()))) {
      problems.add(
          "", 1, 1, "the file is empty; a pipeline needs at least 'pipeline:' and 'sources:'");
      return null;
    }
    return root;
  }

  /** 1-based line and column of the code point at {@code index}. */
  private static int[] lineColumn(String text, int index) {
    int line = 1;
    int column = 1;
    int i = 0;
    for (int cp = 0; cp < index && i < text.length(); cp++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      i += Character.charCount(text.codePointAt(i));
    }
    return new int[] {line, column};
  }

  private String pipelineName(YamlMap top) {
    Scalar s = top.requiredScalar("pipeline", "pipeline: iot-demo");
    if (s == null) {
      return null;
    }
    if (!PIPELINE_NAME.matcher(s.text()).matches()) {
      reader.report(
          s,
          "invalid pipeline name '"
              + s.text()
              + "'; start with a letter, then up to 62 letters, digits, '-' or '_'"
              + " (it becomes part of topic names)");
      return null;
    }
    return s.text();
  }

  // ---------------------------------------------------------------------------------- sources

  private Map<String, SourceConfig> sources(YamlMap top, Set<String> declared) {
    Map<String, SourceConfig> out = new LinkedHashMap<>();
    YamlMap.Entry entry = top.entry("sources");
    if (entry != null && entry.value() instanceof SequenceNode) {
      // The usual slip: a list of sources with a 'name' each, as other tools write them.
      reader.report(
          entry.path(),
          entry.value(),
          "expected a mapping of source name to settings, got a list; write 'sensors:' with the"
              + " settings indented below it, not '- name: sensors'");
      return out;
    }
    YamlMap sources = top.requiredMap("sources", null, "sources: {sensors: {type: http, ...}}");
    if (sources == null) {
      return out;
    }
    if (sources.isEmpty()) {
      reader.report(entry.path(), entry.keyNode(), "declare at least one source");
      return out;
    }
    for (YamlMap.Entry e : sources.entries()) {
      declared.add(e.key());
      SourceConfig source = source(e);
      if (source != null) {
        out.put(e.key(), source);
      }
    }
    sharedListeners(sources, out);
    return out;
  }

  /**
   * Checks what sources share: the one embedded MQTT broker (same address and users, no topic
   * filter claimed twice) and the TCP/UDP ports of the listeners {@code up} opens.
   */
  private void sharedListeners(YamlMap sources, Map<String, SourceConfig> out) {
    MqttSettings first = null;
    String firstName = null;
    Map<String, String> filterOwner = new HashMap<>();
    Map<String, String> ports = new HashMap<>();
    for (SourceConfig s : out.values()) {
      YamlMap.Entry at = sources.entry(s.name());
      List<String> listeners = new ArrayList<>();
      if (s.settings() instanceof MqttSettings m && !m.clientMode()) {
        if (first == null) {
          first = m;
          firstName = s.name();
          listeners.add("tcp " + m.host() + ":" + m.port());
        } else if (!first.host().equals(m.host())
            || first.port() != m.port()
            || !first.users().equals(m.users())) {
          reader.report(
              at.path(),
              at.keyNode(),
              "sources "
                  + firstName
                  + " and "
                  + s.name()
                  + " use the one embedded MQTT broker but give it different host, port or"
                  + " users; write the same values in both");
        }
        for (String f : m.topics()) {
          String owner = filterOwner.putIfAbsent(f, s.name());
          if (owner != null) {
            reader.report(
                at.path(),
                at.keyNode(),
                "topic filter '"
                    + f
                    + "' is also claimed by source "
                    + owner
                    + "; each message must belong to one source");
          }
        }
      } else if (s.settings() instanceof SyslogSettings sl) {
        if (sl.tcpPort() != null) {
          listeners.add("tcp " + sl.host() + ":" + sl.tcpPort());
        }
        if (sl.udpPort() != null) {
          listeners.add("udp " + sl.host() + ":" + sl.udpPort());
        }
      } else if (s.settings() instanceof FluentSettings f) {
        listeners.add("tcp " + f.host() + ":" + f.port());
      }
      for (String l : listeners) {
        if (l.endsWith(":0")) {
          continue; // any free port: never collides
        }
        String owner =
            ports.putIfAbsent(l.substring(0, 4) + l.substring(l.lastIndexOf(':')), s.name());
        if (owner != null) {
          reader.report(
              at.path(),
              at.keyNode(),
              "listens on " + l + ", which source " + owner + " already uses; pick another port");
        }
      }
    }
  }

  private SourceConfig source(YamlMap.Entry entry) {
    String name = entry.key();
    boolean ok = validName(entry, "source", "it becomes a table name");
    YamlMap src =
        reader.map(entry.value(), entry.path(), entry.keyNode().getStartMark(), SOURCE_KEYS);
    if (src == null) {
      return null;
    }

    Scalar type = src.requiredScalar("type", "type: http");
    if (type != null && !SOURCE_TYPES.contains(type.text())) {
      reader.report(
          type, Suggestions.unknown("source type", type.text(), SOURCE_TYPES, "Known types"));
      type = null;
    }

    Path schemaPath = null;
    SchemaFiles.Schema schema = null;
    Scalar schemaRef;
    SchemaBinding binding;
    YamlMap.Entry schemaEntry = src.entry("schema");
    if (schemaEntry != null && schemaEntry.value() instanceof MappingNode) {
      YamlMap block =
          reader.map(
              schemaEntry.value(),
              schemaEntry.path(),
              schemaEntry.keyNode().getStartMark(),
              SCHEMA_KEYS);
      if (block == null) {
        return null;
      }
      schemaRef = block.scalar("file", "a schema file path");
      binding = schemaBinding(name, block, schemaRef != null);
      if (schemaRef == null && block.entry("subject") == null) {
        reader.report(
            schemaEntry.path(),
            schemaEntry.keyNode(),
            "names neither a file nor a registry subject; e.g. 'schema: {subject: "
                + name
                + "}' or 'schema: {file: schemas/"
                + name
                + ".schema.json}'");
        ok = false;
      }
      ok &= binding != null;
    } else {
      schemaRef = src.requiredScalar("schema", "schema: schemas/" + name + ".schema.json");
      binding = new SchemaBinding(name, null, true);
    }
    if (schemaRef != null) {
      schemaPath = localPath(schemaRef);
      if (schemaPath != null) {
        Scalar at = schemaRef;
        schema = SchemaFiles.read(schemaPath, message -> reader.report(at, message));
        ok &= schema == null || noReservedProperties(schema, schemaRef);
      }
    }

    Scalar key = src.requiredScalar("key", "key: device_id");
    if (key != null && schema != null) {
      key = declaredField(key, "key field", schema, schemaRef);
    }

    EventTimeConfig eventTime = eventTime(src, schema, schemaRef);

    List<JavaTransformConfig> javaTransforms = javaTransforms(src);
    // A Java transform may add fields the schema does not know, so with any written the enrich
    // field cannot be checked against the schema here.
    boolean transformed = isNonEmptyList(src.entry("java_transforms"));
    List<EnrichConfig> enrich =
        enrich(src, key == null ? null : key.text(), schema, schemaRef, transformed);
    SourceSettings settings =
        type == null ? null : new SourceSettingsReader(reader).read(name, type.text(), src);
    boolean needsSettings =
        SourceSettingsReader.BLOCK_OF_TYPE.containsKey(type == null ? "" : type.text());
    SqlText transform = null;
    Scalar sql = nonBlank(src, "transform", "transform: SELECT * FROM " + name);
    if (sql != null) {
      transform = new SqlText(sql.text().stripTrailing(), sql.path(), sqlLine(sql));
    }

    boolean registryOnly = binding != null && !binding.fileRegistered();
    if (!ok
        || type == null
        || (schema == null && !registryOnly)
        || key == null
        || eventTime == null
        || javaTransforms == null
        || enrich == null
        || (needsSettings && settings == null)) {
      return null;
    }
    return new SourceConfig(
        name,
        type.text(),
        schemaPath == null ? null : schemaPath.toString(),
        schema == null ? null : schema.text(),
        key.text(),
        eventTime,
        javaTransforms,
        enrich,
        transform,
        settings,
        binding);
  }

  /** The subject and version of a {@code schema:} block; {@code null} when wrong (reported). */
  private SchemaBinding schemaBinding(String source, YamlMap block, boolean withFile) {
    Scalar subject = block.scalar("subject", "a registry subject name");
    String name = subject == null ? source : subject.text();
    if (subject != null
        && (name.isEmpty()
            || name.length() > 255
            || name.chars().anyMatch(Character::isISOControl))) {
      reader.report(subject, "must be 1 to 255 characters without control characters");
      return null;
    }
    Scalar version = block.scalar("version", "a version number or 'latest'");
    Integer pinned = null;
    if (version != null && !version.text().equals("latest")) {
      try {
        pinned = Integer.parseInt(version.text());
      } catch (NumberFormatException e) {
        pinned = 0;
      }
      if (pinned < 1) {
        reader.report(
            version,
            "must be 'latest' or a version number (1 or more), got '" + version.text() + "'");
        return null;
      }
    }
    return new SchemaBinding(name, pinned, withFile);
  }

  private EventTimeConfig eventTime(YamlMap src, SchemaFiles.Schema schema, Scalar schemaRef) {
    YamlMap et = src.requiredMap("event_time", EVENT_TIME_KEYS, "event_time: {field: ts}");
    if (et == null) {
      return null;
    }
    Scalar field = et.requiredScalar("field", "field: ts");
    if (field != null && schema != null) {
      field = declaredField(field, "event-time field", schema, schemaRef);
    }
    TimeFormat format = TimeFormat.ISO8601;
    Scalar f = et.scalar("format", "one of " + formatNames());
    if (f != null) {
      format =
          Arrays.stream(TimeFormat.values())
              .filter(t -> t.yamlName().equals(f.text()))
              .findFirst()
              .orElse(null);
      if (format == null) {
        reader.report(f, Suggestions.unknown("time format", f.text(), formatNames(), "Use one of"));
      }
    }
    Duration outOfOrderness =
        et.nonNegativeDuration("out_of_orderness", EventTimeConfig.DEFAULT_OUT_OF_ORDERNESS);
    Duration allowedLateness =
        et.nonNegativeDuration("allowed_lateness", EventTimeConfig.DEFAULT_ALLOWED_LATENESS);
    Duration idleTimeout = et.duration("idle_timeout", EventTimeConfig.DEFAULT_IDLE_TIMEOUT);
    return field == null || format == null
        ? null
        : new EventTimeConfig(field.text(), format, outOfOrderness, allowedLateness, idleTimeout);
  }

  private static List<String> formatNames() {
    return Arrays.stream(TimeFormat.values()).map(TimeFormat::yamlName).toList();
  }

  /** The field if the schema declares it as a top-level property; else reports and null. */
  private Scalar declaredField(
      Scalar field, String what, SchemaFiles.Schema schema, Scalar schemaRef) {
    if (schema.properties().contains(field.text())) {
      return field;
    }
    String message;
    if (schema.properties().isEmpty()) {
      message =
          what
              + " '"
              + field.text()
              + "' is not declared in schema "
              + schemaRef.text()
              + ", which has no top-level \"properties\"; declare it there";
    } else {
      message =
          what
              + " '"
              + field.text()
              + "' is not a top-level property of schema "
              + schemaRef.text()
              + Suggestions.didYouMeanOrStop(field.text(), schema.properties())
              + " Declared properties: "
              + String.join(", ", schema.properties());
    }
    reader.report(field, message);
    return null;
  }

  /** Whether a name fits {@link #SOURCE_NAME}; reported at the name when it does not. */
  private boolean validName(YamlMap.Entry entry, String what, String why) {
    if (SOURCE_NAME.matcher(entry.key()).matches()) {
      return true;
    }
    reader.report(
        entry.path(),
        entry.keyNode(),
        "invalid "
            + what
            + " name '"
            + entry.key()
            + "'; use a lowercase letter, then up to 62 lowercase letters, digits or '_' ("
            + why
            + ")");
    return false;
  }

  /** Whether the schema leaves the curated zone's own columns alone; reported when not. */
  private boolean noReservedProperties(SchemaFiles.Schema schema, Scalar schemaRef) {
    List<String> taken = schema.properties().stream().filter(RESERVED_COLUMNS::contains).toList();
    if (taken.isEmpty()) {
      return true;
    }
    String them = taken.size() == 1 ? "it" : "them";
    reader.report(
        schemaRef,
        "schema "
            + schemaRef.text()
            + " declares the top-level "
            + (taken.size() == 1 ? "property " : "properties ")
            + quoted(taken)
            + ", but "
            + String.join(", ", RESERVED_COLUMNS)
            + " are reserved columns of the curated zone that Lakestream fills in; rename "
            + them
            + " in the schema (and in the events)");
    return false;
  }

  private List<JavaTransformConfig> javaTransforms(YamlMap src) {
    List<YamlMap.Item> items = src.list("java_transforms", "a list of {name, options}");
    boolean ok = true;
    if (!items.isEmpty() && !pluginsListed) {
      YamlMap.Entry e = src.entry("java_transforms");
      reader.report(
          e.path(),
          e.keyNode(),
          "Java transforms are loaded from plugin jars, but the pipeline lists none; add the jar"
              + " that holds them at the top level, e.g. 'plugins: [plugins/my-transforms.jar]'");
      ok = false;
    }
    List<JavaTransformConfig> out = new ArrayList<>();
    for (YamlMap.Item item : items) {
      YamlMap t =
          reader.map(item.node(), item.path(), item.node().getStartMark(), JAVA_TRANSFORM_KEYS);
      if (t == null) {
        ok = false;
        continue;
      }
      Scalar name = t.requiredScalar("name", "name: mask_emails");
      if (name != null && !TRANSFORM_NAME.matcher(name.text()).matches()) {
        reader.report(
            name,
            "invalid transform name '"
                + name.text()
                + "'; use a lowercase letter, then lowercase letters, digits or '_', as the"
                + " transform's name() returns it");
        name = null;
      }
      Map<String, String> options = t.stringMap("options");
      if (name == null) {
        ok = false;
      } else {
        out.add(new JavaTransformConfig(name.text(), options));
      }
    }
    return ok ? out : null;
  }

  /**
   * The enrichment steps of a source, or null (reported).
   *
   * @param keyField the source's key field, the default lookup field; null when it is invalid
   * @param schema the source's schema, null when unusable
   * @param transformed whether Java transforms run first and may add fields the schema lacks
   */
  private List<EnrichConfig> enrich(
      YamlMap src,
      String keyField,
      SchemaFiles.Schema schema,
      Scalar schemaRef,
      boolean transformed) {
    List<EnrichConfig> out = new ArrayList<>();
    boolean ok = true;
    // Output column -> the step that adds it, to catch two steps writing the same column.
    Map<String, String> added = new HashMap<>();
    for (YamlMap.Item item : src.list("enrich", "a list of steps like {reference: devices}")) {
      YamlMap m = reader.map(item.node(), item.path(), item.node().getStartMark(), ENRICH_KEYS);
      if (m == null) {
        ok = false;
        continue;
      }
      boolean stepOk = true;

      ReferenceConfig ref = null;
      Scalar refName = m.requiredScalar("reference", "reference: devices");
      if (refName != null) {
        if (declaredReferences.contains(refName.text())) {
          // Null when its definition has problems; those are reported under 'reference:'.
          ref = references.get(refName.text());
        } else {
          reportUndeclaredReference(refName);
        }
      }
      stepOk &= ref != null;

      String on = keyField;
      Scalar onField = m.scalar("on", "a field name like 'device_id'");
      if (onField != null) {
        on = enrichField(onField, schema, schemaRef, transformed);
      }
      stepOk &= on != null;

      // Reference column -> where to point when its output name clashes with something.
      Map<String, Scalar> columns = new LinkedHashMap<>();
      YamlMap.Entry columnsEntry = m.entry("columns");
      boolean columnsListed = columnsEntry != null && !YamlReader.isNull(columnsEntry.value());
      List<Scalar> listed = m.scalarList("columns", "a list of column names of the reference");
      if (columnsEntry != null
          && columnsEntry.value() instanceof SequenceNode seq
          && seq.getValue().isEmpty()) {
        reader.report(
            columnsEntry.path(),
            columnsEntry.value(),
            "empty column list; name the reference columns to add, or leave 'columns' out to"
                + " add all of them");
        stepOk = false;
      }
      if (ref != null && columnsListed) {
        for (Scalar c : listed) {
          if (columns.containsKey(c.text())) {
            reader.report(c, "column '" + c.text() + "' is listed twice; keep only one");
            stepOk = false;
          } else if (!ref.columns().containsKey(c.text())) {
            reader.report(c, unknownReferenceColumn(ref, c.text()));
            stepOk = false;
          } else {
            columns.put(c.text(), c);
          }
        }
      } else if (ref != null) {
        ref.columns().keySet().forEach(c -> columns.put(c, refName));
      }

      String prefix = "";
      Scalar p = m.scalar("prefix", "a prefix like 'device_'");
      if (p != null) {
        if (COLUMN_PREFIX.matcher(p.text()).matches()) {
          prefix = p.text();
        } else {
          reader.report(
              p,
              "invalid prefix '"
                  + p.text()
                  + "'; use only letters, digits and '_' (it starts the names of the added"
                  + " columns)");
          prefix = null;
          stepOk = false;
        }
      }

      EnrichConfig.OnMissing onMissing = EnrichConfig.OnMissing.KEEP;
      Scalar om = m.scalar("on_missing", "keep or error");
      if (om != null) {
        onMissing =
            choice(
                om,
                EnrichConfig.OnMissing.values(),
                EnrichConfig.OnMissing::yamlName,
                "on_missing value",
                "Use one of");
        stepOk &= onMissing != null;
      }

      if (ref != null && prefix != null) {
        String step = item.path() + " (line " + (item.node().getStartMark().getLine() + 1) + ")";
        for (Map.Entry<String, Scalar> c : columns.entrySet()) {
          String output = prefix + c.getKey();
          String clash = null;
          if (RESERVED_COLUMNS.contains(output)) {
            clash = "is a reserved column of the curated zone";
          } else if (schema != null && schema.properties().contains(output)) {
            clash = "is also a top-level property of schema " + schemaRef.text();
          } else if (added.containsKey(output)) {
            clash = "is also added by " + added.get(output);
          }
          if (clash == null) {
            added.put(output, step);
            continue;
          }
          reader.report(
              c.getValue(),
              "enrichment column '"
                  + output
                  + "' from reference '"
                  + ref.name()
                  + "' "
                  + clash
                  + "; set 'prefix:' on this step to rename the columns it adds, e.g. 'prefix: "
                  + ref.name()
                  + "_'"
                  + (columnsListed ? "" : ", or list only the columns you need under 'columns:'"));
          stepOk = false;
        }
      }

      if (stepOk) {
        out.add(new EnrichConfig(ref.name(), on, List.copyOf(columns.keySet()), prefix, onMissing));
      }
      ok &= stepOk;
    }
    return ok ? out : null;
  }

  /** The field an enrichment step looks up, or null (reported). */
  private String enrichField(
      Scalar on, SchemaFiles.Schema schema, Scalar schemaRef, boolean transformed) {
    if (on.text().isBlank()) {
      reader.report(
          on,
          "must not be empty; name the event field to look up, or leave 'on' out to use the"
              + " source's key field");
      return null;
    }
    if (transformed || schema == null) {
      return on.text();
    }
    Scalar declared = declaredField(on, "enrich field", schema, schemaRef);
    return declared == null ? null : declared.text();
  }

  private void reportUndeclaredReference(Scalar name) {
    if (declaredReferences.isEmpty()) {
      reader.report(
          name,
          "enrich names reference '"
              + name.text()
              + "', but the pipeline declares no reference tables; declare it under 'reference:'"
              + " at the top level");
      return;
    }
    reader.report(
        name,
        "enrich names reference '"
            + name.text()
            + "', which is not declared under 'reference'"
            + Suggestions.didYouMeanOrStop(name.text(), declaredReferences)
            + " Declared references: "
            + String.join(", ", declaredReferences));
  }

  private static String unknownReferenceColumn(ReferenceConfig ref, String column) {
    if (column.equals(ref.key())) {
      return "'"
          + column
          + "' is the key of reference '"
          + ref.name()
          + "', not one of its columns: its value is the looked-up field's own value, so leave"
          + " it out";
    }
    return "reference '"
        + ref.name()
        + "' has no column '"
        + column
        + "'"
        + Suggestions.didYouMeanOrStop(column, ref.columns().keySet())
        + " Its columns: "
        + String.join(", ", ref.columns().keySet());
  }

  /**
   * The line where a piece of SQL starts. For a block scalar ({@code |} or {@code >}) the node
   * starts at the indicator, but the text on the next line, and that is the line the planner's
   * "line 1" means.
   */
  private static int sqlLine(Scalar sql) {
    int line = sql.node().getStartMark().getLine() + 1;
    if (sql.node() instanceof ScalarNode n
        && (n.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
            || n.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED)) {
      return line + 1;
    }
    return line;
  }

  // ------------------------------------------------------------------------------------ kafka

  private KafkaConfig kafka(YamlMap k, String pipelineName) {
    String servers = null;
    Scalar b = k.scalar("bootstrap_servers", "host:port[,host:port...]");
    if (b != null && !b.text().isBlank()) {
      servers = b.text().strip();
      checkBootstrapServers(b, servers);
    }
    int partitions = k.integer("partitions", DEFAULT_PARTITIONS, 1, 10_000);
    int replication =
        k.integer("replication_factor", DEFAULT_REPLICATION_FACTOR, 1, Short.MAX_VALUE);
    String prefix = DEFAULT_TOPIC_PREFIX;
    Scalar p = k.scalar("topic_prefix", "a topic prefix like 'lakestream.'");
    if (p != null) {
      prefix = p.text();
      if (!TOPIC_PREFIX.matcher(prefix).matches()) {
        reader.report(
            p, "invalid topic prefix '" + prefix + "'; use only letters, digits, '.', '_' and '-'");
      } else if (pipelineName != null) {
        String longest = prefix + pipelineName + ".enriched";
        if (longest.length() > MAX_TOPIC_LENGTH) {
          reader.report(
              p,
              "topic names would be "
                  + longest.length()
                  + " characters, over Kafka's limit of "
                  + MAX_TOPIC_LENGTH
                  + "; shorten the prefix");
        }
      }
    }
    Map<String, String> properties = k.stringMap("properties");
    return new KafkaConfig(servers, partitions, (short) replication, prefix, properties);
  }

  private void checkBootstrapServers(Scalar at, String servers) {
    for (String server : servers.split(",", -1)) {
      var m = HOST_PORT.matcher(server.strip());
      if (!m.matches() || Integer.parseInt(m.group(1)) > 65535) {
        reader.report(
            at,
            "invalid bootstrap server '"
                + server.strip()
                + "'; expected host:port[,host:port...], e.g. kafka-1:9092,kafka-2:9092"
                + " (leave it out to use the embedded broker)");
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------- gateway

  private GatewayConfig gateway(YamlMap g, Set<String> declaredSources) {
    String host = DEFAULT_HOST;
    Scalar h = g.scalar("host", "a host name or address");
    if (h != null) {
      host = h.text().strip();
      if (host.isEmpty()) {
        reader.report(h, "must not be empty; e.g. 'host: 127.0.0.1' (or 0.0.0.0 for all)");
      }
    }
    int port = g.integer("port", DEFAULT_PORT, 0, 65535);
    long maxBody = g.size("max_body", DEFAULT_MAX_BODY);
    Duration timeout = g.duration("kafka_timeout", DEFAULT_KAFKA_TIMEOUT);
    boolean insecure = g.bool("allow_insecure_bind", false);
    List<GatewayConfig.ApiKey> keys = apiKeys(g, declaredSources);
    return new GatewayConfig(host, port, maxBody, timeout, keys, insecure);
  }

  private List<GatewayConfig.ApiKey> apiKeys(YamlMap g, Set<String> declaredSources) {
    List<GatewayConfig.ApiKey> out = new ArrayList<>();
    Map<String, Scalar> names = new HashMap<>();
    Map<String, Scalar> tokens = new HashMap<>();
    for (YamlMap.Item item : g.list("api_keys", "a list of {name, token, sources}")) {
      YamlMap k = reader.map(item.node(), item.path(), item.node().getStartMark(), API_KEY_KEYS);
      if (k == null) {
        continue;
      }
      Scalar name = k.requiredScalar("name", "name: ingest");
      if (name != null && names.putIfAbsent(name.text(), name) != null) {
        reader.report(
            name,
            "api key name '"
                + name.text()
                + "' is already used on line "
                + line(names.get(name.text()))
                + "; names label keys in logs and must be unique");
        name = null;
      }
      Scalar token = k.requiredScalar("token", "token: ${LAKESTREAM_TOKEN}");
      if (token != null) {
        // Never echo the token: messages end up in logs and terminals.
        if (token.text().length() < MIN_TOKEN_LENGTH) {
          reader.report(
              token,
              "token is "
                  + token.text().length()
                  + " characters long; use at least "
                  + MIN_TOKEN_LENGTH
                  + " (e.g. the output of 'openssl rand -hex 24')");
          token = null;
        } else if (tokens.putIfAbsent(token.text(), token) != null) {
          reader.report(
              token,
              "same token as the api key on line "
                  + line(tokens.get(token.text()))
                  + "; give each key its own token");
          token = null;
        }
      }
      Set<String> sources = new HashSet<>();
      boolean sourcesOk = true;
      for (Scalar s : k.scalarList("sources", "a list of source names")) {
        // With no sources at all that is the problem to report, not each reference to one.
        if (!declaredSources.isEmpty() && !declaredSources.contains(s.text())) {
          reader.report(
              s,
              "api key names source '"
                  + s.text()
                  + "', which is not declared under 'sources'"
                  + Suggestions.didYouMeanOrStop(s.text(), declaredSources)
                  + " Declared sources: "
                  + String.join(", ", declaredSources));
          sourcesOk = false;
        }
        sources.add(s.text());
      }
      if (name != null && token != null && sourcesOk) {
        out.add(new GatewayConfig.ApiKey(name.text(), token.text(), sources));
      }
    }
    return out;
  }

  private static int line(Scalar s) {
    return s.node().getStartMark().getLine() + 1;
  }

  // ---------------------------------------------------------------------------------- plugins

  private List<String> plugins(YamlMap top) {
    YamlMap.Entry entry = top.entry("plugins");
    // Anything written counts, even a malformed list: that is reported here, and a second
    // "no plugins" error at every Java transform would only be noise.
    pluginsListed =
        entry != null
            && !YamlReader.isNull(entry.value())
            && !(entry.value() instanceof SequenceNode seq && seq.getValue().isEmpty());
    List<String> out = new ArrayList<>();
    for (Scalar s : top.scalarList("plugins", "a list of jar paths like plugins/my.jar")) {
      Path p = localPath(s);
      if (p == null) {
        continue;
      }
      if (!fileName(p).endsWith(".jar")) {
        reader.report(
            s,
            "plugin '"
                + s.text()
                + "' is not a .jar file; list the jar files that hold your Java transforms");
      } else if (!Files.exists(p)) {
        reader.report(
            s,
            "plugin jar not found: "
                + p
                + "; plugin paths are relative to the pipeline file's folder");
      } else if (Files.isDirectory(p)) {
        reader.report(s, "plugin path " + p + " is a directory; name a .jar file");
      } else {
        out.add(p.toString());
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------- reference

  private void references(YamlMap top) {
    for (YamlMap.Entry e : namedEntries(top, "reference", "reference table", "devices")) {
      declaredReferences.add(e.key());
      ReferenceConfig r = reference(e);
      if (r != null) {
        references.put(e.key(), r);
      }
    }
  }

  private ReferenceConfig reference(YamlMap.Entry entry) {
    boolean ok = validName(entry, "reference", "enrich steps name the table by it");
    YamlMap m =
        reader.map(entry.value(), entry.path(), entry.keyNode().getStartMark(), REFERENCE_KEYS);
    if (m == null) {
      return null;
    }
    ReferenceConfig.Type type = null;
    Scalar t = m.requiredScalar("type", "type: file");
    if (t != null) {
      type =
          choice(
              t,
              ReferenceConfig.Type.values(),
              ReferenceConfig.Type::yamlName,
              "reference type",
              "Known types");
    }
    if (type == null) {
      // Without a type nothing type-specific can be checked, but the columns still can.
      referenceColumns(m, null);
      return null;
    }
    List<String> allowed = REFERENCE_TYPE_KEYS.get(type);
    for (YamlMap.Entry e : m.entries()) {
      if (!allowed.contains(e.key())) {
        reader.report(e.path(), e.keyNode(), notForReferenceType(type, e.key()));
        ok = false;
      }
    }

    String path = null;
    String url = null;
    String table = null;
    String query = null;
    String topic = null;
    Map<String, String> properties = Map.of();
    switch (type) {
      case FILE -> {
        path = referenceFile(m);
        ok &= path != null;
      }
      case JDBC -> {
        Scalar u = m.requiredScalar("url", "url: jdbc:postgresql://db:5432/inventory");
        if (u != null && !u.text().startsWith("jdbc:")) {
          reader.report(
              u,
              "url must be a JDBC URL starting with 'jdbc:', e.g."
                  + " 'jdbc:postgresql://db:5432/inventory' or 'jdbc:sqlite:reference/devices.db'");
        } else if (u != null) {
          url = resolveSqlite(u.text());
        }
        Scalar tb = nonBlank(m, "table", "table: devices");
        Scalar q = nonBlank(m, "query", "query: SELECT device_id, site FROM devices");
        if (tb != null && q != null) {
          reader.report(
              q,
              "set either 'table' (read a whole table) or 'query' (read what a SELECT returns),"
                  + " not both");
        } else if (tb == null && q == null && !hasValue(m, "table") && !hasValue(m, "query")) {
          reader.report(
              m.path(),
              m.mark(),
              "missing required key 'table' or 'query'; add e.g. 'table: devices' or 'query:"
                  + " SELECT device_id, site FROM devices'");
        } else {
          table = tb == null ? null : tb.text();
          query = q == null ? null : q.text();
        }
        ok &= url != null && (table == null) != (query == null);
        properties = m.stringMap("properties");
      }
      case KAFKA -> {
        Scalar tp = m.requiredScalar("topic", "topic: lakestream.ref.users");
        if (tp != null && !validTopic(tp.text())) {
          reader.report(
              tp,
              "invalid Kafka topic name '"
                  + tp.text()
                  + "'; use up to "
                  + MAX_TOPIC_LENGTH
                  + " letters, digits, '.', '_' and '-'");
        } else if (tp != null) {
          topic = tp.text();
        }
        ok &= topic != null;
        properties = m.stringMap("properties");
      }
    }

    Scalar key = null;
    Duration refresh = DEFAULT_REFRESH;
    if (type != ReferenceConfig.Type.KAFKA) {
      key = m.requiredScalar("key", "key: device_id");
      ok &= key != null;
      refresh = m.duration("refresh", DEFAULT_REFRESH);
      if (refresh.compareTo(MIN_REFRESH) < 0) {
        YamlMap.Entry e = m.entry("refresh");
        reader.report(
            e.path(),
            e.value(),
            "must be at least "
                + Durations.format(MIN_REFRESH)
                + ", got "
                + Durations.format(refresh)
                + "; checking a reference for changes more often only loads the disk or database");
        ok = false;
      }
    }
    Map<String, ColumnType> columns = referenceColumns(m, key);
    if (!ok || columns == null) {
      return null;
    }
    return new ReferenceConfig(
        entry.key(),
        type,
        path,
        url,
        table,
        query,
        topic,
        properties,
        key == null ? null : key.text(),
        columns,
        refresh);
  }

  private static String notForReferenceType(ReferenceConfig.Type type, String key) {
    if (type == ReferenceConfig.Type.KAFKA && key.equals("key")) {
      return "a kafka reference is looked up by the record key, so 'key' is not allowed; remove"
          + " it";
    }
    if (type == ReferenceConfig.Type.KAFKA && key.equals("refresh")) {
      return "a kafka reference needs no 'refresh': changes arrive as they are written; remove it";
    }
    return "'"
        + key
        + "' is not used by "
        + type.yamlName()
        + " references; remove it (a "
        + type.yamlName()
        + " reference takes "
        + String.join(", ", REFERENCE_TYPE_KEYS.get(type))
        + ")";
  }

  /** The absolute path of a reference file, or null (reported). */
  private String referenceFile(YamlMap m) {
    Scalar s = m.requiredScalar("path", "path: reference/devices.csv");
    Path p = s == null ? null : localPath(s);
    if (p == null) {
      return null;
    }
    String kinds = "a .csv (with a header row), .json (an array of objects), .ndjson or .jsonl";
    if (REFERENCE_FILE_EXTENSIONS.stream().noneMatch(fileName(p)::endsWith)) {
      reader.report(
          s,
          "reference file '"
              + s.text()
              + "' is not of a known kind; use "
              + kinds
              + " (one object per line) file");
      return null;
    }
    if (!Files.exists(p)) {
      reader.report(
          s,
          "reference file not found: "
              + p
              + "; reference paths are relative to the pipeline file's folder");
      return null;
    }
    if (Files.isDirectory(p)) {
      reader.report(s, "reference path " + p + " is a directory; name " + kinds + " file");
      return null;
    }
    return p.toString();
  }

  /**
   * The columns of a reference, or null (reported).
   *
   * @param key the key column, which must not be listed; null when there is none or it is unknown
   */
  private Map<String, ColumnType> referenceColumns(YamlMap m, Scalar key) {
    YamlMap cols = requiredNamedMap(m, "columns", "column name to type", "columns: {site: string}");
    if (cols == null) {
      return null;
    }
    if (cols.isEmpty()) {
      YamlMap.Entry e = m.entry("columns");
      reader.report(
          e.path(), e.keyNode(), "declare at least one column to load, e.g. 'site: string'");
      return null;
    }
    Map<String, ColumnType> out = new LinkedHashMap<>();
    boolean ok = true;
    for (YamlMap.Entry c : cols.entries()) {
      if (!COLUMN_NAME.matcher(c.key()).matches()) {
        reader.report(c.path(), c.keyNode(), invalidColumnName("column", c.key()));
        ok = false;
      } else if (key != null && c.key().equals(key.text())) {
        reader.report(
            c.path(),
            c.keyNode(),
            "'"
                + c.key()
                + "' is the key column; leave it out of 'columns' (it is what lookups match, so"
                + " the event has its value already)");
        ok = false;
      }
      if (YamlReader.isNull(c.value())) {
        reader.report(
            c.path(),
            c.keyNode(),
            "has no type; e.g. '"
                + c.key()
                + ": string' (types: "
                + String.join(", ", ColumnType.yamlNames())
                + ")");
        ok = false;
        continue;
      }
      Scalar t =
          reader.scalar(
              c.value(),
              c.path(),
              "a column type (" + String.join(", ", ColumnType.yamlNames()) + ")");
      if (t == null) {
        ok = false;
        continue;
      }
      ColumnType type = ColumnType.fromYaml(t.text().strip()).orElse(null);
      if (type == null) {
        reader.report(
            t, Suggestions.unknown("column type", t.text(), ColumnType.yamlNames(), "Known types"));
        ok = false;
      } else {
        out.put(c.key(), type);
      }
    }
    return ok ? out : null;
  }

  private static boolean validTopic(String topic) {
    // Kafka reserves "." and ".." because they clash with its log directories.
    return TOPIC_NAME.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
  }

  // ----------------------------------------------------------------------------- aggregations

  private Map<String, AggregationConfig> aggregations(YamlMap top, Set<String> declaredSources) {
    Map<String, AggregationConfig> out = new LinkedHashMap<>();
    for (YamlMap.Entry e : namedEntries(top, "aggregations", "aggregation", "sensor_stats_5m")) {
      AggregationConfig a = aggregation(e, declaredSources);
      if (a != null) {
        out.put(e.key(), a);
      }
    }
    return out;
  }

  private AggregationConfig aggregation(YamlMap.Entry entry, Set<String> declaredSources) {
    boolean ok = validName(entry, "aggregation", "it becomes a table name");
    YamlMap m =
        reader.map(entry.value(), entry.path(), entry.keyNode().getStartMark(), AGGREGATION_KEYS);
    if (m == null) {
      return null;
    }
    Scalar from = m.requiredScalar("from", "from: sensors");
    ok &= from != null && declaredSource(from, "from", declaredSources);
    WindowConfig window = window(m);

    List<String> groupBy = new ArrayList<>();
    for (Scalar f : m.scalarList("group_by", "a list of field names")) {
      if (!COLUMN_NAME.matcher(f.text()).matches()) {
        reader.report(f, invalidColumnName("field", f.text()));
        ok = false;
      } else if (groupBy.contains(f.text())) {
        reader.report(f, "'" + f.text() + "' is listed twice; keep only one");
        ok = false;
      } else {
        groupBy.add(f.text());
      }
    }

    Map<String, String> measures = measures(m, groupBy);
    Scalar where = nonBlank(m, "where", "where: temperature IS NOT NULL");
    if (!ok || window == null || measures == null) {
      return null;
    }
    return new AggregationConfig(
        entry.key(),
        from.text(),
        window,
        groupBy,
        measures,
        where == null ? null : where.text().strip(),
        entry.path(),
        line(entry));
  }

  private WindowConfig window(YamlMap aggregation) {
    YamlMap w = aggregation.requiredMap("window", WINDOW_KEYS, "window: {type: tumble, size: 5m}");
    if (w == null) {
      return null;
    }
    WindowConfig.Type type = null;
    Scalar t = w.requiredScalar("type", "type: tumble");
    if (t != null) {
      type =
          choice(
              t,
              WindowConfig.Type.values(),
              WindowConfig.Type::yamlName,
              "window type",
              "Known types");
    }
    if (type == null) {
      // Which lengths are needed depends on the type, but malformed ones are wrong either way.
      for (String key : List.of("size", "slide", "gap")) {
        w.duration(key, null);
      }
      return null;
    }
    boolean ok = true;
    for (YamlMap.Entry e : w.entries()) {
      List<WindowConfig.Type> users = windowKeyUsers(e.key());
      if (!users.isEmpty() && !users.contains(type)) {
        reader.report(
            e.path(),
            e.keyNode(),
            "'"
                + e.key()
                + "' is only used by "
                + String.join(" and ", users.stream().map(WindowConfig.Type::yamlName).toList())
                + " windows; remove it from this "
                + type.yamlName()
                + " window");
        ok = false;
      }
    }
    WindowConfig window =
        switch (type) {
          case TUMBLE -> {
            Duration size = w.requiredDuration("size", "size: 5m");
            yield size == null ? null : new WindowConfig(type, size, null, null);
          }
          case HOP -> hopWindow(w);
          case SESSION -> {
            Duration gap = w.requiredDuration("gap", "gap: 10m");
            yield gap == null ? null : new WindowConfig(type, null, null, gap);
          }
        };
    return ok ? window : null;
  }

  private WindowConfig hopWindow(YamlMap w) {
    Duration size = w.requiredDuration("size", "size: 5m");
    Duration slide = w.requiredDuration("slide", "slide: 1m");
    if (size == null || slide == null) {
      return null;
    }
    YamlMap.Entry at = w.entry("slide");
    if (slide.compareTo(size) > 0) {
      reader.report(
          at.path(),
          at.value(),
          "slide "
              + Durations.format(slide)
              + " is longer than size "
              + Durations.format(size)
              + ", which would leave events between windows out; use a slide of at most the size");
      return null;
    }
    // Flink plans hopping windows as slices of one slide each and rejects other sizes at run time;
    // catching it here points at the line instead.
    if (!slide.multipliedBy(size.dividedBy(slide)).equals(size)) {
      reader.report(
          at.path(),
          at.value(),
          "size "
              + Durations.format(size)
              + " is not a whole multiple of slide "
              + Durations.format(slide)
              + "; pick a slide that divides the size evenly");
      return null;
    }
    return new WindowConfig(WindowConfig.Type.HOP, size, slide, null);
  }

  /** The window types a window key belongs to; empty for {@code type}, which all have. */
  private static List<WindowConfig.Type> windowKeyUsers(String key) {
    return switch (key) {
      case "size" -> List.of(WindowConfig.Type.TUMBLE, WindowConfig.Type.HOP);
      case "slide" -> List.of(WindowConfig.Type.HOP);
      case "gap" -> List.of(WindowConfig.Type.SESSION);
      default -> List.of();
    };
  }

  private Map<String, String> measures(YamlMap m, List<String> groupBy) {
    YamlMap ms =
        requiredNamedMap(
            m,
            "measures",
            "output column to aggregate expression",
            "measures: {readings: COUNT(*)}");
    if (ms == null) {
      return null;
    }
    if (ms.isEmpty()) {
      YamlMap.Entry e = m.entry("measures");
      reader.report(
          e.path(), e.keyNode(), "declare at least one measure, e.g. 'readings: COUNT(*)'");
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    boolean ok = true;
    for (YamlMap.Entry e : ms.entries()) {
      if (!COLUMN_NAME.matcher(e.key()).matches()) {
        reader.report(e.path(), e.keyNode(), invalidColumnName("measure", e.key()));
        ok = false;
      } else if (WINDOW_COLUMNS.contains(e.key())) {
        reader.report(
            e.path(),
            e.keyNode(),
            "'"
                + e.key()
                + "' is a column every aggregation table has already; name the measure"
                + " differently");
        ok = false;
      } else if (groupBy.contains(e.key())) {
        reader.report(
            e.path(),
            e.keyNode(),
            "'"
                + e.key()
                + "' is a group_by field and so already a column of the table; name the measure"
                + " differently");
        ok = false;
      }
      Scalar expr = expression(e, e.key() + ": COUNT(*)");
      if (expr == null) {
        ok = false;
      } else {
        out.put(e.key(), expr.text().strip());
      }
    }
    return ok ? out : null;
  }

  // ------------------------------------------------------------------------------------ joins

  private Map<String, JoinConfig> joins(YamlMap top, Set<String> declaredSources) {
    Map<String, JoinConfig> out = new LinkedHashMap<>();
    for (YamlMap.Entry e : namedEntries(top, "joins", "join", "clicks_to_payments")) {
      JoinConfig j = join(e, declaredSources);
      if (j != null) {
        out.put(e.key(), j);
      }
    }
    return out;
  }

  private JoinConfig join(YamlMap.Entry entry, Set<String> declaredSources) {
    boolean ok = validName(entry, "join", "it becomes a table name");
    if (declaredSources.contains(entry.key())) {
      reader.report(
          entry.path(),
          entry.keyNode(),
          "join '"
              + entry.key()
              + "' has the same name as a source; both become tables of the curated zone, so"
              + " rename the join");
      ok = false;
    }
    YamlMap m = reader.map(entry.value(), entry.path(), entry.keyNode().getStartMark(), JOIN_KEYS);
    if (m == null) {
      return null;
    }
    Scalar left = m.requiredScalar("left", "left: clickstream");
    ok &= left != null && declaredSource(left, "left", declaredSources);
    Scalar right = m.requiredScalar("right", "right: transactions");
    ok &= right != null && declaredSource(right, "right", declaredSources);
    if (left != null && right != null && left.text().equals(right.text())) {
      reader.report(
          right,
          "right is the same source as left; a join matches events of two different sources");
      ok = false;
    }
    String[] on = joinOn(m);
    Duration within = m.requiredDuration("within", "within: 30m");

    JoinConfig.Direction direction = JoinConfig.Direction.BOTH;
    Scalar d = m.scalar("direction", "both, after or before");
    if (d != null) {
      direction =
          choice(
              d,
              JoinConfig.Direction.values(),
              JoinConfig.Direction::yamlName,
              "join direction",
              "Use one of");
    }

    Map<String, String> select = new LinkedHashMap<>();
    for (YamlMap.Entry e : m.section("select", null).entries()) {
      if (!COLUMN_NAME.matcher(e.key()).matches()) {
        reader.report(e.path(), e.keyNode(), invalidColumnName("output column", e.key()));
        ok = false;
      } else if (left != null && right != null) {
        // Every join table starts with these; a selected column of the same name would be
        // renamed silently by the planner.
        List<String> fixed =
            List.of(
                "event_time",
                left.text() + "_event_id",
                right.text() + "_event_id",
                right.text() + "_event_time");
        if (fixed.contains(e.key())) {
          reader.report(
              e.path(),
              e.keyNode(),
              "output column '"
                  + e.key()
                  + "' is one of the columns every join table has ("
                  + String.join(", ", fixed)
                  + "); choose another name");
          ok = false;
        }
      }
      Scalar expr = expression(e, e.key() + ": " + (left == null ? "left" : left.text()) + ".x");
      if (expr == null) {
        ok = false;
      } else {
        select.put(e.key(), expr.text().strip());
      }
    }

    if (!ok || on == null || within == null || direction == null) {
      return null;
    }
    return new JoinConfig(
        entry.key(),
        left.text(),
        right.text(),
        on[0],
        on[1],
        within,
        direction,
        select,
        entry.path(),
        line(entry));
  }

  /** The left and right join fields, or null (reported). */
  private String[] joinOn(YamlMap m) {
    YamlMap.Entry e = m.entry("on");
    if (e != null && e.value() instanceof MappingNode) {
      YamlMap on = reader.map(e.value(), e.path(), e.keyNode().getStartMark(), JOIN_ON_KEYS);
      if (on == null) {
        return null;
      }
      Scalar l = joinField(on.requiredScalar("left", "left: user_id"));
      Scalar r = joinField(on.requiredScalar("right", "right: customer_id"));
      return l == null || r == null ? null : new String[] {l.text(), r.text()};
    }
    if (e != null && e.value() instanceof SequenceNode) {
      reader.report(
          e.path(),
          e.value(),
          "expected one field name (the same on both sides) or {left: field, right: field}, got"
              + " a list");
      return null;
    }
    // Also reports a missing or empty 'on' the usual way.
    Scalar f = joinField(m.requiredScalar("on", "on: user_id"));
    return f == null ? null : new String[] {f.text(), f.text()};
  }

  private Scalar joinField(Scalar f) {
    if (f == null || COLUMN_NAME.matcher(f.text()).matches()) {
      return f;
    }
    reader.report(
        f,
        "invalid field name '"
            + f.text()
            + "'; name a field, not a condition: 'on: user_id' when both sides call it the same,"
            + " else 'on: {left: user_id, right: customer_id}'");
    return null;
  }

  // -------------------------------------------------------------------------------- detectors

  private Map<String, DetectorConfig> detectors(
      YamlMap top,
      Map<String, SourceConfig> sources,
      Map<String, AggregationConfig> aggregations,
      Set<String> declaredSources) {
    Map<String, DetectorConfig> out = new LinkedHashMap<>();
    for (YamlMap.Entry e : namedEntries(top, "detectors", "detector", "hot_devices")) {
      DetectorConfig d = detector(e, sources, aggregations, declaredSources);
      if (d != null) {
        out.put(e.key(), d);
      }
    }
    return out;
  }

  private DetectorConfig detector(
      YamlMap.Entry entry,
      Map<String, SourceConfig> sources,
      Map<String, AggregationConfig> aggregations,
      Set<String> declaredSources) {
    boolean ok = validName(entry, "detector", "alerts and metrics carry it");
    // Which keys are allowed depends on the type, so read the type before checking the keys.
    String type = DEFAULT_DETECTOR_TYPE;
    Scalar typeScalar = typeBeforeKeys(entry);
    if (typeScalar != null) {
      if (DETECTOR_PARAMS.containsKey(typeScalar.text())) {
        type = typeScalar.text();
      } else {
        reader.report(
            typeScalar,
            Suggestions.unknown(
                "detector type", typeScalar.text(), DetectorConfig.TYPES, "Detector types"));
        return null;
      }
    }
    Map<String, ParamKind> paramKinds = DETECTOR_PARAMS.get(type);
    List<String> allowed = new ArrayList<>(DETECTOR_COMMON_KEYS);
    allowed.addAll(paramKinds.keySet().stream().sorted().toList());
    YamlMap m = reader.map(entry.value(), entry.path(), entry.keyNode().getStartMark(), allowed);
    if (m == null) {
      return null;
    }
    Scalar on = m.requiredScalar("on", "on: sensors");
    boolean onAggregation = false;
    List<String> defaultKey = List.of();
    if (on != null) {
      if (aggregations.containsKey(on.text())) {
        onAggregation = true;
        defaultKey = aggregations.get(on.text()).groupBy();
      } else if (sources.containsKey(on.text())) {
        defaultKey = List.of(sources.get(on.text()).keyField());
      } else if (!declaredSources.contains(on.text())) {
        Set<String> names = new LinkedHashSet<>(declaredSources);
        names.addAll(aggregations.keySet());
        reader.report(
            on,
            "'on' names '"
                + on.text()
                + "', which is neither a source nor an aggregation"
                + Suggestions.didYouMeanOrStop(on.text(), names)
                + " Sources and aggregations: "
                + String.join(", ", names));
        ok = false;
      } else {
        ok = false; // a declared source with its own problems, reported there
      }
    }
    Scalar field = m.requiredScalar("field", "field: temperature");
    if (field != null && !COLUMN_NAME.matcher(field.text()).matches()) {
      reader.report(field, invalidColumnName("field", field.text()));
      ok = false;
    }
    List<String> key = new ArrayList<>(defaultKey);
    YamlMap.Entry keyEntry = m.entry("key");
    if (keyEntry != null) {
      key.clear();
      List<Scalar> keys =
          keyEntry.value() instanceof SequenceNode
              ? m.scalarList("key", "a field name or a list of field names")
              : YamlReader.isNull(keyEntry.value())
                  ? List.of()
                  : List.of(m.scalar("key", "a field name or a list of field names"));
      for (Scalar k : keys) {
        if (k == null) {
          ok = false;
        } else if (!COLUMN_NAME.matcher(k.text()).matches()) {
          reader.report(k, invalidColumnName("key field", k.text()));
          ok = false;
        } else if (!key.contains(k.text())) {
          key.add(k.text());
        }
      }
    }

    Map<String, Object> params = new LinkedHashMap<>();
    for (YamlMap.Entry p : m.entries()) { // file order
      ParamKind kind = paramKinds.get(p.key());
      Scalar s = kind == null ? null : m.scalar(p.key(), kind.expected);
      if (s == null) {
        continue;
      }
      Object v = param(s, kind);
      if (v == null) {
        ok = false;
      } else {
        params.put(p.key(), v);
      }
    }
    if (type.equals("threshold") && m.entry("above") == null && m.entry("below") == null) {
      reader.report(
          entry.path(),
          entry.keyNode(),
          "a threshold detector needs 'above', 'below' or both; e.g. 'above: 80'");
      ok = false;
    }
    if (type.equals("threshold")
        && params.get("above") instanceof Double above
        && params.get("below") instanceof Double below
        && below >= above) {
      reader.report(
          m.scalar("below", "a number"),
          "below ("
              + below
              + ") must be less than above ("
              + above
              + "): values between them are the normal range");
      ok = false;
    }
    if (type.equals("rate_of_change") && m.entry("max_change") == null) {
      reader.report(
          entry.path(),
          entry.keyNode(),
          "a rate_of_change detector needs 'max_change', the largest normal change per 'per'"
              + " (default 1m); e.g. 'max_change: 5'");
      ok = false;
    }

    Severity severity = Severity.WARNING;
    Scalar sev = m.scalar("severity", "info, warning or critical");
    if (sev != null) {
      severity = choice(sev, Severity.values(), Severity::yamlName, "severity", "Severities");
      ok &= severity != null;
    }
    Duration cooldown = m.nonNegativeDuration("cooldown", DEFAULT_COOLDOWN);
    int resolveAfter = m.integer("resolve_after", DEFAULT_RESOLVE_AFTER, 1, 100_000);
    Duration resolveQuiet = m.nonNegativeDuration("resolve_quiet", DEFAULT_RESOLVE_QUIET);
    if (!ok || on == null || field == null) {
      return null;
    }
    return new DetectorConfig(
        entry.key(),
        on.text(),
        onAggregation,
        field.text(),
        key,
        type,
        params,
        severity,
        cooldown,
        resolveAfter,
        resolveQuiet,
        entry.path(),
        line(entry));
  }

  /**
   * A detector's settings given as text (e.g. {@code --set above=80} on the command line), checked
   * and typed exactly as the pipeline file's {@code detectors:} entries are.
   *
   * @param type a detector type, see {@link DetectorConfig#TYPES}
   * @param settings setting name → text value
   * @return the settings as {@link DetectorConfig#params()} holds them
   * @throws IllegalArgumentException naming every unknown type, unknown setting or bad value
   */
  public static Map<String, Object> detectorSettings(String type, Map<String, String> settings) {
    Map<String, ParamKind> kinds = DETECTOR_PARAMS.get(type);
    if (kinds == null) {
      throw new IllegalArgumentException(
          Suggestions.unknown("detector type", type, DetectorConfig.TYPES, "Detector types"));
    }
    List<String> problems = new ArrayList<>();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      ParamKind kind = kinds.get(e.getKey());
      if (kind == null) {
        problems.add(
            Suggestions.unknown(
                type + " setting",
                e.getKey(),
                kinds.keySet().stream().sorted().toList(),
                "Settings of " + type));
        continue;
      }
      PipelineLoader scratch = new PipelineLoader(Path.of("."), ".", Map.of());
      Object v =
          scratch.param(
              new Scalar(
                  e.getValue(),
                  new ScalarNode(
                      Tag.STR, e.getValue(), null, null, DumperOptions.ScalarStyle.PLAIN),
                  e.getKey()),
              kind);
      if (v == null) {
        scratch.problems.inFileOrder().forEach(p -> problems.add(e.getKey() + ": " + p.message()));
      } else {
        out.put(e.getKey(), v);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return out;
  }

  /**
   * The plain {@code type:} value of a named entry, read before its keys are checked because the
   * allowed keys depend on it; null when absent or not plain text (then the key check reports it).
   */
  private static Scalar typeBeforeKeys(YamlMap.Entry entry) {
    Scalar type = null;
    if (entry.value() instanceof MappingNode mn) {
      for (var t : mn.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals("type")
            && t.getValueNode() instanceof ScalarNode v) {
          type = new Scalar(v.getValue(), v, YamlReader.child(entry.path(), "type"));
        }
      }
    }
    return type;
  }

  /** A detector setting's value, or null (reported). */
  private Object param(Scalar s, ParamKind kind) {
    String t = s.text().strip();
    switch (kind) {
      case NUMBER -> {
        try {
          double d = Double.parseDouble(t.replace("_", ""));
          if (Double.isFinite(d)) {
            return d;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        reader.report(s, "expected " + kind.expected + ", got '" + s.text() + "'");
        return null;
      }
      case INTEGER -> {
        try {
          int i = Integer.parseInt(t.replace("_", ""));
          if (i > 0) {
            return i;
          }
          reader.report(s, "must be a whole number above 0, got " + t);
          return null;
        } catch (NumberFormatException e) {
          reader.report(s, "expected " + kind.expected + ", got '" + s.text() + "'");
          return null;
        }
      }
      case DURATION -> {
        try {
          return Durations.parse(t);
        } catch (IllegalArgumentException e) {
          reader.report(s, e.getMessage());
          return null;
        }
      }
      case BOOLEAN -> {
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
          case "true", "yes", "on":
            return Boolean.TRUE;
          case "false", "no", "off":
            return Boolean.FALSE;
          default:
            reader.report(s, "expected true or false, got '" + s.text() + "'");
            return null;
        }
      }
      case SEASONALITY -> {
        List<String> values = List.of("none", "daily", "weekly");
        if (values.contains(t)) {
          return t;
        }
        reader.report(s, Suggestions.unknown("seasonality", t, values, "Seasonalities"));
        return null;
      }
      default -> throw new IllegalStateException(kind.name());
    }
  }

  // ----------------------------------------------------------------------------------- notify

  private Map<String, NotifyChannelConfig> channels(YamlMap top, Set<String> detectors) {
    Map<String, NotifyChannelConfig> out = new LinkedHashMap<>();
    for (YamlMap.Entry e : namedEntries(top, "notify", "channel", "ops")) {
      NotifyChannelConfig c = channel(e, detectors);
      if (c != null) {
        out.put(e.key(), c);
      }
    }
    return out;
  }

  private NotifyChannelConfig channel(YamlMap.Entry entry, Set<String> detectors) {
    NotifyChannelConfig.Type type = null;
    // Which keys are allowed depends on the type, so read the type before checking the keys.
    Scalar typeScalar = typeBeforeKeys(entry);
    if (typeScalar != null) {
      type =
          choice(
              typeScalar,
              NotifyChannelConfig.Type.values(),
              NotifyChannelConfig.Type::yamlName,
              "channel type",
              "Channel types");
      if (type == null) {
        return null;
      }
    }
    YamlMap m =
        reader.map(
            entry.value(),
            entry.path(),
            entry.keyNode().getStartMark(),
            type == NotifyChannelConfig.Type.LOG ? LOG_CHANNEL_KEYS : CHANNEL_KEYS);
    if (m == null) {
      return null;
    }
    if (typeScalar == null) {
      m.requiredScalar("type", "type: webhook");
      return null;
    }
    boolean ok = true;
    String url = null;
    if (type != NotifyChannelConfig.Type.LOG) {
      Scalar u = m.requiredScalar("url", "url: https://alerts.example.com/hook");
      if (u != null) {
        try {
          java.net.URI uri = new java.net.URI(u.text().strip());
          String scheme = uri.getScheme();
          if (scheme == null
              || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
              || uri.getHost() == null) {
            reader.report(
                u, "expected an http:// or https:// URL with a host, got '" + u.text() + "'");
            ok = false;
          } else {
            url = uri.toString();
          }
        } catch (java.net.URISyntaxException e) {
          reader.report(u, "not a valid URL: " + e.getMessage());
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    String secret = m.string("secret", null);
    if (secret != null && type != NotifyChannelConfig.Type.WEBHOOK) {
      reader.report(
          m.scalar("secret", "text"),
          "only webhook channels sign their requests; remove 'secret' from this "
              + type.yamlName()
              + " channel");
      ok = false;
    }
    if (secret != null && secret.isBlank()) {
      reader.report(
          m.scalar("secret", "text"),
          "is empty; set a secret (e.g. secret: ${ALERT_WEBHOOK_SECRET}) or leave 'secret' out");
      ok = false;
    }
    Duration timeout = m.duration("timeout", DEFAULT_NOTIFY_TIMEOUT);
    int attempts = m.integer("max_attempts", DEFAULT_NOTIFY_ATTEMPTS, 1, 100);
    Duration initial = m.duration("initial_backoff", DEFAULT_INITIAL_BACKOFF);
    Duration max = m.duration("max_backoff", DEFAULT_MAX_BACKOFF);
    if (max.compareTo(initial) < 0) {
      reader.report(
          m.scalar("max_backoff", "a duration"),
          "max_backoff ("
              + Durations.format(max)
              + ") must not be shorter than initial_backoff ("
              + Durations.format(initial)
              + ")");
      ok = false;
    }
    List<String> allowHosts =
        m.scalarList("allow_hosts", "a list of host names").stream().map(Scalar::text).toList();
    List<String> allowCidrs = new ArrayList<>();
    for (Scalar c : m.scalarList("allow_cidrs", "a list of address ranges like 10.1.0.0/16")) {
      if (!CIDR.matcher(c.text().strip()).matches()) {
        reader.report(
            c, "expected an address range like 10.1.0.0/16 or fd00::/8, got '" + c.text() + "'");
        ok = false;
      } else {
        allowCidrs.add(c.text().strip());
      }
    }
    Severity minSeverity = Severity.INFO;
    Scalar sev = m.scalar("min_severity", "info, warning or critical");
    if (sev != null) {
      minSeverity = choice(sev, Severity.values(), Severity::yamlName, "severity", "Severities");
      ok &= minSeverity != null;
    }
    List<String> only = new ArrayList<>();
    for (Scalar d : m.scalarList("detectors", "a list of detector names")) {
      if (!detectors.contains(d.text())) {
        reader.report(
            d,
            "no detector '"
                + d.text()
                + "' is declared under 'detectors'"
                + Suggestions.didYouMeanOrStop(d.text(), detectors));
        ok = false;
      } else {
        only.add(d.text());
      }
    }
    if (!ok) {
      return null;
    }
    return new NotifyChannelConfig(
        entry.key(),
        type,
        url,
        secret,
        timeout,
        attempts,
        initial,
        max,
        allowHosts,
        allowCidrs,
        minSeverity,
        only,
        entry.path(),
        line(entry));
  }

  // ------------------------------------------------------------------------ shared by sections

  /**
   * The entries of an optional mapping of name to settings ({@code reference:}, {@code
   * aggregations:}, {@code joins:}); empty when absent or not a mapping (reported).
   */
  private List<YamlMap.Entry> namedEntries(
      YamlMap top, String key, String what, String exampleName) {
    YamlMap.Entry entry = top.entry(key);
    if (entry != null && entry.value() instanceof SequenceNode) {
      // The same slip as with sources: a list with a 'name' each.
      reader.report(
          entry.path(),
          entry.value(),
          "expected a mapping of "
              + what
              + " name to settings, got a list; write '"
              + exampleName
              + ":' with the settings indented below it, not '- name: "
              + exampleName
              + "'");
      return List.of();
    }
    return top.section(key, null).entries();
  }

  /** A required mapping of free-form names, with a hint when it was written as a list. */
  private YamlMap requiredNamedMap(YamlMap m, String key, String what, String example) {
    YamlMap.Entry e = m.entry(key);
    if (e != null && e.value() instanceof SequenceNode) {
      reader.report(
          e.path(),
          e.value(),
          "expected a mapping of " + what + ", got a list; write e.g. '" + example + "'");
      return null;
    }
    return m.requiredMap(key, null, example);
  }

  /** Whether a source name is declared; reported at the name when not. */
  private boolean declaredSource(Scalar s, String key, Set<String> declared) {
    // With no sources at all that is the problem to report, not each reference to one.
    if (declared.isEmpty() || declared.contains(s.text())) {
      return true;
    }
    reader.report(
        s,
        "'"
            + key
            + "' names source '"
            + s.text()
            + "', which is not declared under 'sources'"
            + Suggestions.didYouMeanOrStop(s.text(), declared)
            + " Declared sources: "
            + String.join(", ", declared));
    return false;
  }

  /** An optional non-blank text value; null when absent, empty or wrong (reported). */
  private Scalar nonBlank(YamlMap m, String key, String example) {
    Scalar s = m.scalar(key, "text like '" + example + "'");
    if (s != null && s.text().isBlank()) {
      reader.report(s, "must not be empty; e.g. '" + example + "', or leave '" + key + "' out");
      return null;
    }
    return s;
  }

  /** The SQL expression of a mapping entry, or null (reported). */
  private Scalar expression(YamlMap.Entry e, String example) {
    if (YamlReader.isNull(e.value())) {
      reader.report(e.path(), e.keyNode(), "has no expression; e.g. '" + example + "'");
      return null;
    }
    Scalar s = reader.scalar(e.value(), e.path(), "a Flink SQL expression like '" + example + "'");
    if (s != null && s.text().isBlank()) {
      reader.report(s, "must not be empty; e.g. '" + example + "'");
      return null;
    }
    return s;
  }

  /** The value of {@code s} among {@code values} by YAML name, or null (reported). */
  private <E extends Enum<E>> E choice(
      Scalar s, E[] values, Function<E, String> yamlName, String what, String listLabel) {
    for (E v : values) {
      if (yamlName.apply(v).equals(s.text())) {
        return v;
      }
    }
    List<String> names = Arrays.stream(values).map(yamlName).toList();
    reader.report(s, Suggestions.unknown(what, s.text(), names, listLabel));
    return null;
  }

  private static String invalidColumnName(String what, String name) {
    return "invalid "
        + what
        + " name '"
        + name
        + "'; start with a letter or '_', then letters, digits or '_' (it becomes a column"
        + " name)";
  }

  private static boolean hasValue(YamlMap m, String key) {
    YamlMap.Entry e = m.entry(key);
    return e != null && !YamlReader.isNull(e.value());
  }

  private static boolean isNonEmptyList(YamlMap.Entry e) {
    return e != null && e.value() instanceof SequenceNode seq && !seq.getValue().isEmpty();
  }

  private static String fileName(Path p) {
    Path name = p.getFileName();
    return name == null ? "" : name.toString();
  }

  private static String quoted(List<String> words) {
    return String.join(", ", words.stream().map(w -> "'" + w + "'").toList());
  }

  /** 1-based line of a mapping entry's key. */
  private static int line(YamlMap.Entry e) {
    return e.keyNode().getStartMark().getLine() + 1;
  }

  // ------------------------------------------------------------------------------------- lake

  private LakeConfig lake(YamlMap l) {
    String warehouse = Path.of(dataDir, "warehouse").toString();
    Scalar w = l.scalar("warehouse", "a path or URI");
    if (w != null) {
      if (w.text().isBlank()) {
        reader.report(w, "must not be empty; e.g. 'warehouse: ${data_dir}/warehouse'");
      } else if (URI_SCHEME.matcher(w.text()).matches()) {
        warehouse = w.text(); // s3://, hdfs://, file:/ ... are the catalog's business
      } else {
        Path p = localPath(w);
        warehouse = p == null ? warehouse : p.toString();
      }
    }

    String catalogUri = "jdbc:sqlite:" + dataDir + "/catalog.db";
    Scalar c = l.scalar("catalog_uri", "a JDBC URI");
    if (c != null) {
      if (!c.text().startsWith("jdbc:")) {
        reader.report(
            c,
            "catalog_uri must be a JDBC URI starting with 'jdbc:', e.g."
                + " 'jdbc:sqlite:${data_dir}/catalog.db' or 'jdbc:postgresql://db:5432/iceberg'");
      } else {
        catalogUri = resolveSqlite(c.text());
      }
    }
    Map<String, String> properties = l.stringMap("catalog_properties");
    return new LakeConfig(warehouse, catalogUri, properties, export(l), maintenance(l));
  }

  /** {@code lake.maintenance}, with defaults for what it leaves out. */
  private MaintenanceSettings maintenance(YamlMap lake) {
    MaintenanceSettings d = MaintenanceSettings.defaults();
    YamlMap m = lake.section("maintenance", MAINTENANCE_KEYS);
    Duration every = d.every();
    YamlMap.Entry e = m.entry("every");
    if (e != null && e.value() instanceof ScalarNode sn && sn.getValue().equals("off")) {
      every = null;
    } else {
      every = m.duration("every", d.every());
    }
    return new MaintenanceSettings(
        every,
        m.size("target_file_size", d.targetFileSizeBytes()),
        m.integer("min_input_files", d.minInputFiles(), 2, 10_000),
        m.duration("keep_snapshots", d.keepSnapshots()),
        m.integer("retain_last", d.retainLast(), 1, 100_000),
        m.duration("orphan_min_age", d.orphanMinAge()));
  }

  /** {@code lake.export}; {@code null} when absent or wrong (reported). */
  private ExportSettings export(YamlMap lake) {
    if (lake.entry("export") == null) {
      return null;
    }
    YamlMap pg = lake.section("export", EXPORT_KEYS).section("postgres", POSTGRES_EXPORT_KEYS);
    if (pg.isEmpty()) {
      reader.report(
          lake.entry("export").path(),
          lake.entry("export").keyNode(),
          "needs a 'postgres:' block; e.g. 'export: {postgres: {url: jdbc:postgresql://db:5432/dw,"
              + " user: lakestream, tables: {curated.sensors: {}}}}'");
      return null;
    }
    Scalar url = pg.requiredScalar("url", "url: jdbc:postgresql://db:5432/analytics");
    if (url != null && !url.text().startsWith("jdbc:postgresql:")) {
      reader.report(url, "must be a PostgreSQL JDBC URL, e.g. jdbc:postgresql://db:5432/analytics");
      url = null;
    }
    Scalar user = pg.requiredScalar("user", "user: lakestream");
    String password = pg.string("password", "");
    String schema = pg.string("schema", ExportSettings.DEFAULT_SCHEMA);
    Duration every = ExportSettings.DEFAULT_EVERY;
    YamlMap.Entry everyEntry = pg.entry("every");
    if (everyEntry != null
        && everyEntry.value() instanceof ScalarNode sn
        && sn.getValue().equals("off")) {
      every = null;
    } else {
      every = pg.duration("every", ExportSettings.DEFAULT_EVERY);
    }
    List<ExportSettings.Table> tables = new ArrayList<>();
    YamlMap t = pg.requiredMap("tables", null, "tables: {curated.sensors: {}}");
    if (t != null) {
      for (YamlMap.Entry e : t.entries()) {
        if (!e.key().matches("[a-z_][a-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*")) {
          reader.report(
              e.path(),
              e.keyNode(),
              "'" + e.key() + "' is not a lake table name like curated.sensors (zone.table)");
          continue;
        }
        List<String> key = List.of("event_id");
        if (!YamlReader.isNull(e.value())) {
          YamlMap tm =
              reader.map(e.value(), e.path(), e.keyNode().getStartMark(), EXPORT_TABLE_KEYS);
          if (tm != null && tm.entry("key") != null) {
            List<Scalar> cols = tm.scalarList("key", "a list of column names");
            if (cols != null && !cols.isEmpty()) {
              key = cols.stream().map(Scalar::text).toList();
            }
          }
        }
        tables.add(new ExportSettings.Table(e.key(), key));
      }
      if (tables.isEmpty() && t.entries().isEmpty()) {
        reader.report(t.path(), t.mark(), "names no table; e.g. 'tables: {curated.sensors: {}}'");
      }
    }
    if (url == null || user == null || tables.isEmpty()) {
      return null;
    }
    return new ExportSettings(url.text(), user.text(), password, schema, every, tables);
  }

  /**
   * A SQLite catalog with a relative file would land wherever the process happens to run; anchor it
   * to the pipeline file like every other relative path. In-memory ({@code :memory:}) and {@code
   * file:} URIs are left alone.
   */
  private String resolveSqlite(String uri) {
    String prefix = "jdbc:sqlite:";
    if (!uri.startsWith(prefix)) {
      return uri;
    }
    String rest = uri.substring(prefix.length());
    int q = rest.indexOf('?');
    String file = q < 0 ? rest : rest.substring(0, q);
    String query = q < 0 ? "" : rest.substring(q);
    if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
      return uri;
    }
    try {
      return prefix + baseDir.resolve(file).normalize() + query;
    } catch (InvalidPathException e) {
      return uri;
    }
  }

  /** A local path resolved against the pipeline file's folder, or null (reported). */
  private Path localPath(Scalar s) {
    try {
      return baseDir.resolve(s.text().strip()).normalize();
    } catch (InvalidPathException e) {
      reader.report(s, "invalid path '" + s.text() + "': " + e.getReason());
      return null;
    }
  }
}
