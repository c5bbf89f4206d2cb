package io.lakestream.api.config;

import io.lakestream.api.config.EventTimeConfig.TimeFormat;
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
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
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
  public static final List<String> SOURCE_TYPES = List.of("http");

  private static final List<String> ROOT_KEYS =
      List.of(
          "pipeline",
          "checkpoint_interval",
          "parallelism",
          "dedup_window",
          "kafka",
          "gateway",
          "lake",
          "sources");
  private static final List<String> KAFKA_KEYS =
      List.of(
          "bootstrap_servers", "partitions", "replication_factor", "topic_prefix", "properties");
  private static final List<String> GATEWAY_KEYS =
      List.of("host", "port", "max_body", "kafka_timeout", "allow_insecure_bind", "api_keys");
  private static final List<String> API_KEY_KEYS = List.of("name", "token", "sources");
  private static final List<String> LAKE_KEYS =
      List.of("warehouse", "catalog_uri", "catalog_properties");
  private static final List<String> SOURCE_KEYS = List.of("type", "schema", "key", "event_time");
  private static final List<String> EVENT_TIME_KEYS = List.of("field", "format");

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

  /** Tokens shorter than this are too easy to guess. */
  private static final int MIN_TOKEN_LENGTH = 16;

  /** Kafka's limit on topic names. */
  private static final int MAX_TOPIC_LENGTH = 249;

  private static final Pattern PIPELINE_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,62}");
  private static final Pattern SOURCE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]*");
  private static final Pattern HOST_PORT = Pattern.compile(".*[^:]:([0-9]{1,5})");
  // Two letters at least, so that a Windows drive ("C:\lake") is not taken for a URI scheme.
  private static final Pattern URI_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*");

  private final Problems problems = new Problems();
  private final YamlReader reader;
  private final Path baseDir;
  private final String dataDir;

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
    Set<String> declaredSources = new LinkedHashSet<>();
    Map<String, SourceConfig> sources = sources(top, declaredSources);
    KafkaConfig kafka = kafka(top.section("kafka", KAFKA_KEYS), name);
    GatewayConfig gateway = gateway(top.section("gateway", GATEWAY_KEYS), declaredSources);
    LakeConfig lake = lake(top.section("lake", LAKE_KEYS));
    if (!problems.isEmpty()) {
      return null;
    }
    return new PipelineConfig(
        name, checkpointInterval, parallelism, dedupWindow, kafka, gateway, lake, sources);
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
    return out;
  }

  private SourceConfig source(YamlMap.Entry entry) {
    String name = entry.key();
    boolean ok = true;
    if (!SOURCE_NAME.matcher(name).matches()) {
      reader.report(
          entry.path(),
          entry.keyNode(),
          "invalid source name '"
              + name
              + "'; use a lowercase letter, then up to 62 lowercase letters, digits or '_'"
              + " (it becomes a table name)");
      ok = false;
    }
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
    Scalar schemaRef = src.requiredScalar("schema", "schema: schemas/" + name + ".schema.json");
    if (schemaRef != null) {
      schemaPath = localPath(schemaRef);
      if (schemaPath != null) {
        Scalar at = schemaRef;
        schema = SchemaFiles.read(schemaPath, message -> reader.report(at, message));
      }
    }

    Scalar key = src.requiredScalar("key", "key: device_id");
    if (key != null && schema != null) {
      key = declaredField(key, "key field", schema, schemaRef);
    }

    EventTimeConfig eventTime = eventTime(src, schema, schemaRef);

    if (!ok || type == null || schema == null || key == null || eventTime == null) {
      return null;
    }
    return new SourceConfig(
        name, type.text(), schemaPath.toString(), schema.text(), key.text(), eventTime);
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
    return field == null || format == null ? null : new EventTimeConfig(field.text(), format);
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
    return new LakeConfig(warehouse, catalogUri, properties);
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
