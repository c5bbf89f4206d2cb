package io.lakestream.jobs.schema;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.SchemaBinding;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.api.config.internal.SchemaFiles;
import io.lakestream.api.ingest.SchemaIds;
import io.lakestream.registry.IncompatibleSchemaException;
import io.lakestream.registry.KafkaSchemaLog;
import io.lakestream.registry.RegisteredSchema;
import io.lakestream.registry.Registry;
import io.lakestream.registry.RegistryException;
import io.lakestream.registry.compat.Incompatibility;
import io.lakestream.registry.compat.InvalidSchemaException;
import io.lakestream.registry.compat.SchemaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's sources and the schema registry: registers their schema files at start, resolves the
 * version each validates against, and answers which version new events are stamped with — the
 * latest as soon as it is registered, for sources that follow it.
 *
 * <pre>{@code
 * try (PipelineSchemas schemas = PipelineSchemas.open(cfg)) {
 *   PipelineConfig resolved = schemas.resolve(cfg); // schema texts = the planned versions
 *   PipelineJob.of(resolved).withSchemas(schemas.plan());
 * }
 * }</pre>
 */
public final class PipelineSchemas implements SchemaIds, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineSchemas.class);

  /** How often the registry is re-read for versions other processes registered. */
  static final Duration FOLLOW_EVERY = Duration.ofSeconds(1);

  private final Registry registry;
  private final RegistryAccess access;
  private final Map<String, SchemaBinding> bindings = new LinkedHashMap<>();
  private final Map<String, Integer> current = new ConcurrentHashMap<>();
  private final Map<String, SchemaPlan.Source> planned = new LinkedHashMap<>();

  private PipelineSchemas(Registry registry, RegistryAccess access) {
    this.registry = registry;
    this.access = access;
  }

  /** Opens the registry kept in the pipeline's Kafka cluster (replays its topic). */
  public static PipelineSchemas open(PipelineConfig cfg) {
    RegistryAccess access =
        new RegistryAccess(
            cfg.kafka().bootstrapServers(), cfg.kafka().properties(), KafkaSchemaLog.DEFAULT_TOPIC);
    return new PipelineSchemas(access.open(), access);
  }

  /** The registry, for its REST API. */
  public Registry registry() {
    return registry;
  }

  /**
   * Registers each source's schema file under its subject, picks the version each source validates
   * against (its pinned one, else the latest) and starts following new versions.
   *
   * @return the pipeline with each source's schema text set to that version
   * @throws PipelineConfigException naming each source whose schema cannot be registered or found
   */
  public PipelineConfig resolve(PipelineConfig cfg) {
    List<PipelineConfigException.Problem> problems = new ArrayList<>();
    Map<String, SourceConfig> sources = new LinkedHashMap<>();
    for (SourceConfig s : cfg.sources().values()) {
      SchemaBinding b = s.schemaBinding();
      String at = "sources." + s.name() + ".schema";
      try {
        if (b.fileRegistered()) {
          register(s, b);
        }
        RegisteredSchema version =
            b.version() != null
                ? registry
                    .version(b.subject(), b.version())
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "version "
                                    + b.version()
                                    + " of subject '"
                                    + b.subject()
                                    + "' is not in the schema registry (registered: "
                                    + versionsOf(b.subject())
                                    + ")"))
                : registry
                    .latest(b.subject())
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "subject '"
                                    + b.subject()
                                    + "' has no schema in the registry; register one (POST"
                                    + " /registry/subjects/"
                                    + b.subject()
                                    + "/versions) or give the source a schema file"));
        if (version.type() != SchemaType.JSON) {
          throw new IllegalArgumentException(
              "version "
                  + version.version()
                  + " of subject '"
                  + b.subject()
                  + "' is an "
                  + version.type()
                  + " schema; sources validate JSON events against a JSON Schema");
        }
        checkFields(s, version, problems, at);
        sources.put(s.name(), s.withSchemaJson(version.schema()));
        bindings.put(s.name(), b);
        current.put(s.name(), version.id());
        planned.put(
            s.name(),
            new SchemaPlan.Source(b.subject(), b.version(), version.version(), version.id()));
        LOG.info(
            "Source '{}' validates against version {} (id {}) of subject '{}'{}",
            s.name(),
            version.version(),
            version.id(),
            b.subject(),
            b.followsLatest() ? "; newer versions apply as they are registered" : " (pinned)");
      } catch (IllegalArgumentException | RegistryException e) {
        problems.add(new PipelineConfigException.Problem(at, 0, 0, e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new PipelineConfigException("pipeline '" + cfg.name() + "'", problems);
    }
    registry.addListener(this::onNewVersion);
    registry.follow(FOLLOW_EVERY);
    return cfg.withSources(sources);
  }

  private void register(SourceConfig s, SchemaBinding b) {
    try {
      RegisteredSchema r = registry.register(b.subject(), SchemaType.JSON, s.schemaJson());
      LOG.info(
          "Schema file {} is version {} (id {}) of subject '{}'",
          s.schemaPath(),
          r.version(),
          r.id(),
          b.subject());
    } catch (IncompatibleSchemaException e) {
      StringBuilder sb =
          new StringBuilder("schema file ")
              .append(s.schemaPath())
              .append(" is incompatible with what subject '")
              .append(b.subject())
              .append("' holds (")
              .append(registry.compatibility(b.subject()))
              .append("):");
      for (Incompatibility i : e.incompatibilities()) {
        sb.append("\n  - ").append(i);
      }
      sb.append(
          "\nMake the change compatible, or change the subject's compatibility level"
              + " (PUT /registry/config/"
              + b.subject()
              + ").");
      throw new IllegalArgumentException(sb.toString(), e);
    } catch (InvalidSchemaException e) {
      throw new IllegalArgumentException(
          "schema file " + s.schemaPath() + " cannot be registered: " + e.getMessage(), e);
    }
  }

  /** A source without a file was not checked at load time: check its key and event-time fields. */
  private static void checkFields(
      SourceConfig s,
      RegisteredSchema version,
      List<PipelineConfigException.Problem> problems,
      String at) {
    if (s.schemaJson() != null) {
      return; // checked against the file when the pipeline was loaded
    }
    List<String> found = new ArrayList<>();
    SchemaFiles.Schema parsed =
        SchemaFiles.parseRegistered(
            version.schema(),
            "subject '" + version.subject() + "' version " + version.version(),
            found::add);
    if (parsed != null && !parsed.properties().isEmpty()) {
      for (String field : List.of(s.keyField(), s.eventTime().field())) {
        if (!parsed.properties().contains(field)) {
          found.add(
              "field '"
                  + field
                  + "' is not a property of version "
                  + version.version()
                  + " of subject '"
                  + version.subject()
                  + "'");
        }
      }
    }
    for (String f : found) {
      problems.add(new PipelineConfigException.Problem(at, 0, 0, f));
    }
  }

  private List<Integer> versionsOf(String subject) {
    return registry.versions(subject, false).stream().map(RegisteredSchema::version).toList();
  }

  private void onNewVersion(RegisteredSchema r) {
    for (Map.Entry<String, SchemaBinding> e : bindings.entrySet()) {
      SchemaBinding b = e.getValue();
      if (b.followsLatest() && b.subject().equals(r.subject())) {
        registry
            .latest(r.subject())
            .ifPresent(
                latest -> {
                  Integer before = current.put(e.getKey(), latest.id());
                  if (before == null || before != latest.id()) {
                    LOG.info(
                        "Source '{}' now validates new events against version {} (id {}) of"
                            + " subject '{}'",
                        e.getKey(),
                        latest.version(),
                        latest.id(),
                        r.subject());
                  }
                });
      }
    }
  }

  /** The versions the job is planned with, and how its tasks read the registry. */
  public SchemaPlan plan() {
    return new SchemaPlan(access, planned);
  }

  @Override
  public int current(String source) {
    Integer id = current.get(source);
    return id == null ? 0 : id;
  }

  @Override
  public void close() {
    registry.close();
  }
}
