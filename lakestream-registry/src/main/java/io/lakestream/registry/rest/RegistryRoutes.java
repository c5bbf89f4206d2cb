package io.lakestream.registry.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRouting;
import io.lakestream.registry.RegisteredSchema;
import io.lakestream.registry.Registry;
import io.lakestream.registry.RegistryException;
import io.lakestream.registry.SchemaNotFoundException;
import io.lakestream.registry.SubjectNotFoundException;
import io.lakestream.registry.VersionNotFoundException;
import io.lakestream.registry.compat.CompatibilityLevel;
import io.lakestream.registry.compat.Incompatibility;
import io.lakestream.registry.compat.InvalidSchemaException;
import io.lakestream.registry.compat.SchemaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API subset over a {@link Registry}, mounted on a Javalin 6
 * router under a path prefix.
 *
 * <p>Endpoints (relative to the prefix): {@code GET /subjects}, {@code GET
 * /subjects/{subject}/versions}, {@code GET /subjects/{subject}/versions/{version}} and {@code
 * .../schema}, {@code POST /subjects/{subject}/versions}, {@code POST /subjects/{subject}}, {@code
 * DELETE /subjects/{subject}/versions/{version}}, {@code DELETE /subjects/{subject}}, {@code GET
 * /schemas/ids/{id}} and {@code .../versions}, {@code GET /schemas/types}, {@code POST
 * /compatibility/subjects/{subject}/versions[/{version}]}, {@code GET|PUT /config}, {@code
 * GET|PUT|DELETE /config/{subject}}. With a non-empty prefix, any other path under it answers 404
 * (with an empty prefix no catch-all is mounted, so the host application keeps its own 404s).
 *
 * <p>Every handler answers its own errors with Confluent's body {@code {"error_code": <int>,
 * "message": "<text>"}}, so the host's exception handlers never see the registry's failures.
 * Responses are {@code application/vnd.schemaregistry.v1+json}; request bodies may be {@code
 * application/vnd.schemaregistry.v1+json}, {@code application/vnd.schemaregistry+json} or {@code
 * application/json} (or carry no Content-Type), at most 1 MiB, and are read from the raw stream
 * whatever the host's own body size limit.
 *
 * <pre>{@code
 * Javalin.create(c -> c.router.mount(r -> new RegistryRoutes(registry).mount(r, "/registry")));
 * }</pre>
 */
public final class RegistryRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryRoutes.class);

  /** The Content-Type of every response. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** The largest request body accepted, in bytes. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private static final int MAX_DRAIN_BYTES = 16 << 20;
  private static final Set<String> ACCEPTED_CONTENT_TYPES =
      Set.of(
          "application/vnd.schemaregistry.v1+json",
          "application/vnd.schemaregistry+json",
          "application/json");
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Registry registry;

  /** Routes over {@code registry}. */
  public RegistryRoutes(Registry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Adds the endpoints to {@code routes} under {@code prefix} ({@code ""} or e.g. {@code
   * "/registry"}).
   */
  public void mount(JavalinDefaultRouting routes, String prefix) {
    String p = prefix == null ? "" : prefix.replaceAll("/+$", "");
    routes.get(p + "/schemas/types", handle(this::schemaTypes));
    routes.get(p + "/schemas/ids/{id}", handle(this::schemaById));
    routes.get(p + "/schemas/ids/{id}/versions", handle(this::schemaUsages));
    routes.get(p + "/subjects", handle(this::listSubjects));
    routes.get(p + "/subjects/{subject}/versions", handle(this::listVersions));
    routes.get(p + "/subjects/{subject}/versions/{version}", handle(this::getVersion));
    routes.get(p + "/subjects/{subject}/versions/{version}/schema", handle(this::getVersionSchema));
    routes.post(p + "/subjects/{subject}/versions", handle(this::register));
    routes.post(p + "/subjects/{subject}", handle(this::lookup));
    routes.delete(p + "/subjects/{subject}/versions/{version}", handle(this::deleteVersion));
    routes.delete(p + "/subjects/{subject}", handle(this::deleteSubject));
    routes.post(
        p + "/compatibility/subjects/{subject}/versions/{version}",
        handle(this::compatibilityWithVersion));
    routes.post(
        p + "/compatibility/subjects/{subject}/versions", handle(this::compatibilityWithAll));
    routes.get(p + "/config", handle(this::getGlobalConfig));
    routes.put(p + "/config", handle(this::putGlobalConfig));
    routes.get(p + "/config/{subject}", handle(this::getSubjectConfig));
    routes.put(p + "/config/{subject}", handle(this::putSubjectConfig));
    routes.delete(p + "/config/{subject}", handle(this::deleteSubjectConfig));
    if (!p.isEmpty()) {
      Handler notFound = handle(ctx -> error(ctx, 404, 404, "HTTP 404 Not Found"));
      for (String path : List.of(p, p + "/*")) {
        routes.get(path, notFound);
        routes.post(path, notFound);
        routes.put(path, notFound);
        routes.delete(path, notFound);
        routes.patch(path, notFound);
      }
    }
  }

  // ---------------------------------------------------------------- schemas

  private void schemaTypes(Context ctx) {
    ArrayNode types = MAPPER.createArrayNode().add("JSON").add("AVRO");
    ok(ctx, types);
  }

  private void schemaById(Context ctx) {
    RegisteredSchema schema = findById(ctx.pathParam("id"));
    ObjectNode out = MAPPER.createObjectNode();
    if (schema.type() != SchemaType.AVRO) {
      out.put("schemaType", schema.type().name());
    }
    out.put("schema", schema.schema());
    ok(ctx, out);
  }

  private void schemaUsages(Context ctx) {
    RegisteredSchema schema = findById(ctx.pathParam("id"));
    ArrayNode out = MAPPER.createArrayNode();
    for (RegisteredSchema usage : registry.usages(schema.id(), flag(ctx, "deleted"))) {
      out.addObject().put("subject", usage.subject()).put("version", usage.version());
    }
    ok(ctx, out);
  }

  private RegisteredSchema findById(String raw) {
    int id;
    try {
      id = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new SchemaNotFoundException("Schema " + raw + " not found");
    }
    return registry
        .byId(id)
        .orElseThrow(() -> new SchemaNotFoundException("Schema " + id + " not found"));
  }

  // ---------------------------------------------------------------- subjects

  private void listSubjects(Context ctx) {
    ArrayNode out = MAPPER.createArrayNode();
    registry.subjects(flag(ctx, "deleted")).forEach(out::add);
    ok(ctx, out);
  }

  private void listVersions(Context ctx) {
    String subject = ctx.pathParam("subject");
    List<RegisteredSchema> versions = registry.versions(subject, flag(ctx, "deleted"));
    if (versions.isEmpty()) {
      throw new SubjectNotFoundException(subject);
    }
    ArrayNode out = MAPPER.createArrayNode();
    versions.forEach(v -> out.add(v.version()));
    ok(ctx, out);
  }

  private void getVersion(Context ctx) {
    RegisteredSchema v =
        resolve(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted"));
    ok(ctx, describe(v));
  }

  private void getVersionSchema(Context ctx) {
    RegisteredSchema v =
        resolve(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted"));
    ctx.status(200).contentType(CONTENT_TYPE).result(v.schema());
  }

  private void register(Context ctx) {
    String subject = ctx.pathParam("subject");
    SchemaRequest request = schemaRequest(ctx);
    RegisteredSchema registered = registry.register(subject, request.type(), request.schema());
    ok(ctx, MAPPER.createObjectNode().put("id", registered.id()));
  }

  private void lookup(Context ctx) {
    String subject = ctx.pathParam("subject");
    SchemaRequest request = schemaRequest(ctx);
    if (registry.versions(subject, false).isEmpty()) {
      throw new SubjectNotFoundException(subject);
    }
    RegisteredSchema found =
        registry
            .lookup(subject, request.type(), request.schema())
            .orElseThrow(() -> new SchemaNotFoundException("Schema not found"));
    ok(ctx, describe(found));
  }

  private void deleteVersion(Context ctx) {
    String subject = ctx.pathParam("subject");
    boolean permanent = flag(ctx, "permanent");
    Integer explicit = parseVersion(ctx.pathParam("version"));
    // An explicit version goes to the registry as is, so it can tell a soft-deleted version
    // (40406) from a missing one (40402); "latest" is the latest live version, or for a
    // permanent delete the latest one including soft-deleted versions.
    int version = explicit != null ? explicit : resolve(subject, "latest", permanent).version();
    ok(
        ctx,
        MAPPER.getNodeFactory().numberNode(registry.deleteVersion(subject, version, permanent)));
  }

  private void deleteSubject(Context ctx) {
    List<Integer> deleted =
        registry.deleteSubject(ctx.pathParam("subject"), flag(ctx, "permanent"));
    ArrayNode out = MAPPER.createArrayNode();
    deleted.forEach(out::add);
    ok(ctx, out);
  }

  // ---------------------------------------------------------------- compatibility

  private void compatibilityWithVersion(Context ctx) {
    String subject = ctx.pathParam("subject");
    SchemaRequest request = schemaRequest(ctx);
    int version = resolve(subject, ctx.pathParam("version"), false).version();
    answerCompatibility(
        ctx, registry.testCompatibility(subject, version, request.type(), request.schema()));
  }

  private void compatibilityWithAll(Context ctx) {
    String subject = ctx.pathParam("subject");
    SchemaRequest request = schemaRequest(ctx);
    answerCompatibility(
        ctx, registry.testCompatibility(subject, null, request.type(), request.schema()));
  }

  private void answerCompatibility(Context ctx, List<Incompatibility> problems) {
    ObjectNode out = MAPPER.createObjectNode().put("is_compatible", problems.isEmpty());
    if (flag(ctx, "verbose")) {
      ArrayNode messages = out.putArray("messages");
      problems.forEach(p -> messages.add(p.message()));
    }
    ok(ctx, out);
  }

  // ---------------------------------------------------------------- config

  private void getGlobalConfig(Context ctx) {
    ok(ctx, level("compatibilityLevel", registry.compatibility(null)));
  }

  private void putGlobalConfig(Context ctx) {
    CompatibilityLevel level = configRequest(ctx);
    ok(ctx, level("compatibility", registry.setCompatibility(null, level)));
  }

  private void getSubjectConfig(Context ctx) {
    String subject = ctx.pathParam("subject");
    Optional<CompatibilityLevel> own = registry.subjectCompatibility(subject);
    if (own.isPresent()) {
      ok(ctx, level("compatibilityLevel", own.get()));
    } else if (flag(ctx, "defaultToGlobal")) {
      ok(ctx, level("compatibilityLevel", registry.compatibility(null)));
    } else {
      throw new RegistryException(
          404,
          RegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
          "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
  }

  private void putSubjectConfig(Context ctx) {
    String subject = ctx.pathParam("subject");
    CompatibilityLevel level = configRequest(ctx);
    ok(ctx, level("compatibility", registry.setCompatibility(subject, level)));
  }

  private void deleteSubjectConfig(Context ctx) {
    ok(ctx, level("compatibilityLevel", registry.deleteCompatibility(ctx.pathParam("subject"))));
  }

  private static ObjectNode level(String field, CompatibilityLevel level) {
    return MAPPER.createObjectNode().put(field, level.name());
  }

  // ---------------------------------------------------------------- request parsing

  private record SchemaRequest(SchemaType type, String schema) {}

  private static SchemaRequest schemaRequest(Context ctx) {
    JsonNode body = body(ctx);
    onlyFields(body, Set.of("schema", "schemaType", "references", "metadata", "ruleSet"));
    JsonNode schema = body.get("schema");
    if (schema == null || schema.isNull()) {
      throw new RegistryException(
          422, RegistryException.INVALID_SCHEMA, "Empty schema: the request has no \"schema\"");
    }
    if (!schema.isTextual()) {
      throw new RegistryException(
          422,
          RegistryException.INVALID_SCHEMA,
          "\"schema\" must be a string holding the schema document");
    }
    JsonNode references = body.get("references");
    if (references != null && !references.isNull()) {
      if (!references.isArray()) {
        throw new RegistryException(
            422, RegistryException.INVALID_SCHEMA, "\"references\" must be an array");
      }
      if (!references.isEmpty()) {
        throw new RegistryException(
            422, RegistryException.INVALID_SCHEMA, "schema references are not supported");
      }
    }
    for (String unsupported : List.of("metadata", "ruleSet")) {
      JsonNode value = body.get(unsupported);
      if (value != null && !value.isNull()) {
        throw new RegistryException(
            422, RegistryException.INVALID_SCHEMA, "\"" + unsupported + "\" is not supported");
      }
    }
    JsonNode typeNode = body.get("schemaType");
    SchemaType type;
    if (typeNode == null || typeNode.isNull()) {
      type = SchemaType.AVRO;
    } else if (!typeNode.isTextual()) {
      throw new RegistryException(
          422, RegistryException.INVALID_SCHEMA, "\"schemaType\" must be a string");
    } else {
      try {
        type = SchemaType.parse(typeNode.asText());
      } catch (IllegalArgumentException e) {
        throw new RegistryException(422, RegistryException.INVALID_SCHEMA, e.getMessage());
      }
    }
    return new SchemaRequest(type, schema.asText());
  }

  private static CompatibilityLevel configRequest(Context ctx) {
    JsonNode body = body(ctx);
    onlyFields(body, Set.of("compatibility"));
    JsonNode level = body.get("compatibility");
    if (level == null || !level.isTextual()) {
      throw new RegistryException(
          422,
          RegistryException.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level: \"compatibility\" must be one of NONE, BACKWARD,"
              + " BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE");
    }
    try {
      return CompatibilityLevel.parse(level.asText());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          422,
          RegistryException.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level: " + e.getMessage());
    }
  }

  private static void onlyFields(JsonNode body, Set<String> allowed) {
    body.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                throw new RegistryException(400, 400, "Unrecognized field: " + name);
              }
            });
  }

  private static JsonNode body(Context ctx) {
    String contentType = ctx.header("Content-Type");
    if (contentType != null && !contentType.isBlank()) {
      String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!ACCEPTED_CONTENT_TYPES.contains(base)) {
        throw new RegistryException(
            415,
            415,
            "Unsupported Content-Type '"
                + contentType
                + "'; send application/vnd.schemaregistry.v1+json,"
                + " application/vnd.schemaregistry+json or application/json");
      }
    }
    byte[] bytes;
    try {
      InputStream in = ctx.req().getInputStream();
      bytes = readAtMost(in, MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        // Read the rest (up to a bound) so the client gets the answer rather than a reset.
        long drained = 0;
        byte[] sink = new byte[8192];
        int n;
        while (drained < MAX_DRAIN_BYTES && (n = in.read(sink)) > 0) {
          drained += n;
        }
        ctx.header("Connection", "close");
        throw new RegistryException(
            413, 413, "Request body too large: at most " + MAX_BODY_BYTES + " bytes are accepted");
      }
    } catch (IOException e) {
      throw new RegistryException(400, 400, "cannot read the request body: " + e.getMessage());
    }
    if (bytes.length == 0) {
      throw new RegistryException(400, 400, "The request body is empty; expected a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
      throw new RegistryException(
          400, 400, "malformed JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new RegistryException(400, 400, "malformed JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new RegistryException(400, 400, "The request body must be a JSON object");
    }
    return node;
  }

  private static byte[] readAtMost(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while (out.size() < limit
        && (n = in.read(buffer, 0, Math.min(buffer.length, limit - out.size()))) > 0) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- helpers

  private RegisteredSchema resolve(String subject, String rawVersion, boolean includeDeleted) {
    Integer version = parseVersion(rawVersion);
    List<RegisteredSchema> versions = registry.versions(subject, includeDeleted);
    if (versions.isEmpty()) {
      throw new SubjectNotFoundException(subject);
    }
    if (version == null) {
      return versions.get(versions.size() - 1);
    }
    return registry
        .version(subject, version, includeDeleted)
        .orElseThrow(() -> new VersionNotFoundException(subject, version));
  }

  /** Parses a version path segment; null means the latest version. */
  static Integer parseVersion(String raw) {
    if ("latest".equals(raw) || "-1".equals(raw)) {
      return null;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new RegistryException(
        422,
        RegistryException.INVALID_VERSION,
        "The specified version '"
            + raw
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  private static ObjectNode describe(RegisteredSchema v) {
    ObjectNode out =
        MAPPER
            .createObjectNode()
            .put("subject", v.subject())
            .put("version", v.version())
            .put("id", v.id());
    if (v.type() != SchemaType.AVRO) {
      out.put("schemaType", v.type().name());
    }
    out.put("schema", v.schema());
    return out;
  }

  private static boolean flag(Context ctx, String name) {
    return "true".equalsIgnoreCase(ctx.queryParam(name));
  }

  private static void ok(Context ctx, JsonNode body) {
    write(ctx, 200, body);
  }

  private static void error(Context ctx, int status, int code, String message) {
    write(ctx, status, MAPPER.createObjectNode().put("error_code", code).put("message", message));
  }

  private static void write(Context ctx, int status, JsonNode body) {
    String text;
    try {
      text = MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ctx.status(status).contentType(CONTENT_TYPE).result(text);
  }

  private interface Action {
    void handle(Context ctx) throws Exception;
  }

  private static Handler handle(Action action) {
    return ctx -> {
      try {
        action.handle(ctx);
      } catch (RegistryException e) {
        if (e.httpStatus() >= 500) {
          LOG.warn(
              "Schema registry request {} {} failed: {}", ctx.method(), ctx.path(), e.getMessage());
        }
        error(ctx, e.httpStatus(), e.errorCode(), e.getMessage());
      } catch (InvalidSchemaException e) {
        error(ctx, 422, RegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
      } catch (Exception e) {
        LOG.error("Schema registry request {} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, 500, 50001, "Error in the backend data store: " + e);
      }
    };
  }
}
