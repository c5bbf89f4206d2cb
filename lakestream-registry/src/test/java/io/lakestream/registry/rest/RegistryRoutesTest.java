package io.lakestream.registry.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.lakestream.registry.InMemorySchemaLog;
import io.lakestream.registry.Registry;
import io.lakestream.registry.RegistryStorageException;
import io.lakestream.registry.SchemaLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryRoutesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String CT = "application/vnd.schemaregistry.v1+json";
  private static final String QTY_INT =
      "{\"type\":\"object\",\"properties\":{\"qty\":{\"type\":\"integer\"}}}";
  private static final String QTY_STRING =
      "{\"type\":\"object\",\"properties\":{\"qty\":{\"type\":\"string\"}}}";
  private static final String NOTE =
      "{\"type\":\"object\",\"properties\":{\"qty\":{\"type\":\"integer\"},"
          + "\"note\":{\"type\":\"string\"}}}";
  private static final String AVRO =
      "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":[{\"name\":\"amount\",\"type\":\"long\"}]}";

  private final InMemorySchemaLog memory = new InMemorySchemaLog();
  private final AtomicBoolean failing = new AtomicBoolean();
  private Registry registry;
  private Javalin app;
  private HttpClient http;
  private String base;

  @BeforeEach
  void start() {
    SchemaLog log =
        new SchemaLog() {
          @Override
          public long append(String key, byte[] value) {
            if (failing.get()) {
              throw new RegistryStorageException("cannot write to schema topic: broker down", null);
            }
            return memory.append(key, value);
          }

          @Override
          public long readToEnd(long nextOffset, Consumer<LogRecord> sink) {
            return memory.readToEnd(nextOffset, sink);
          }

          @Override
          public void close() {}
        };
    registry = Registry.open(log);
    RegistryRoutes routes = new RegistryRoutes(registry);
    app =
        Javalin.create(
                c -> {
                  c.showJavalinBanner = false;
                  c.startupWatcherEnabled = false;
                  c.router.mount(r -> routes.mount(r, "/registry"));
                })
            .start("127.0.0.1", 0);
    http = HttpClient.newHttpClient();
    base = "http://127.0.0.1:" + app.port() + "/registry";
  }

  @AfterEach
  void stop() {
    app.stop();
    registry.close();
  }

  // ---------------------------------------------------------------- helpers

  private HttpResponse<String> send(String method, String path, String body, String contentType)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private HttpResponse<String> delete(String path) throws Exception {
    return send("DELETE", path, null, null);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send("POST", path, body, CT);
  }

  private HttpResponse<String> put(String path, String body) throws Exception {
    return send("PUT", path, body, CT);
  }

  private static String schemaBody(String schema, String type) {
    ObjectNode node = MAPPER.createObjectNode().put("schema", schema);
    if (type != null) {
      node.put("schemaType", type);
    }
    return node.toString();
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return MAPPER.readTree(response.body());
  }

  private static void assertOk(HttpResponse<String> response, String expectedJson)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith(CT));
    assertThat(json(response)).isEqualTo(MAPPER.readTree(expectedJson));
  }

  private static JsonNode assertError(HttpResponse<String> response, int status, int code)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith(CT));
    JsonNode body = json(response);
    assertThat(body.get("error_code").asInt()).as(response.body()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
    assertThat(body.size()).isEqualTo(2);
    return body;
  }

  private String state() throws Exception {
    return get("/subjects?deleted=true").body()
        + memory.size()
        + get("/subjects/orders/versions/latest").body();
  }

  private void registerBasics() throws Exception {
    assertOk(post("/subjects/orders/versions", schemaBody(QTY_INT, "JSON")), "{\"id\":1}");
    assertOk(post("/subjects/payments/versions", schemaBody(AVRO, null)), "{\"id\":2}");
  }

  // ---------------------------------------------------------------- endpoints

  @Test
  void subjectsVersionsAndSchemas() throws Exception {
    assertOk(get("/schemas/types"), "[\"JSON\",\"AVRO\"]");
    assertOk(get("/subjects"), "[]");
    registerBasics();
    // Re-registering the same schema returns the same id and adds no version.
    assertOk(post("/subjects/orders/versions", schemaBody(QTY_INT, "json")), "{\"id\":1}");
    assertOk(
        send(
            "POST",
            "/subjects/shared/versions",
            schemaBody(QTY_INT, "JSON"),
            "application/json; charset=utf-8"),
        "{\"id\":1}");
    assertOk(
        send(
            "POST",
            "/subjects/orders/versions",
            schemaBody(NOTE, "JSON"),
            "application/vnd.schemaregistry+json"),
        "{\"id\":3}");

    assertOk(get("/subjects"), "[\"orders\",\"payments\",\"shared\"]");
    assertOk(get("/subjects/orders/versions"), "[1,2]");
    ObjectNode v1 =
        MAPPER
            .createObjectNode()
            .put("subject", "orders")
            .put("version", 1)
            .put("id", 1)
            .put("schemaType", "JSON")
            .put("schema", QTY_INT);
    assertOk(get("/subjects/orders/versions/1"), v1.toString());
    assertThat(json(get("/subjects/orders/versions/latest")).get("version").asInt()).isEqualTo(2);
    assertThat(json(get("/subjects/orders/versions/-1")).get("id").asInt()).isEqualTo(3);
    ObjectNode avro =
        MAPPER
            .createObjectNode()
            .put("subject", "payments")
            .put("version", 1)
            .put("id", 2)
            .put("schema", AVRO);
    assertOk(get("/subjects/payments/versions/latest"), avro.toString());

    HttpResponse<String> raw = get("/subjects/orders/versions/1/schema");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).isEqualTo(QTY_INT);

    assertError(get("/subjects/nope/versions"), 404, 40401);
    assertError(get("/subjects/nope/versions/1"), 404, 40401);
    assertError(get("/subjects/orders/versions/9"), 404, 40402);
    assertError(get("/subjects/orders/versions/abc"), 422, 42202);
    assertError(get("/subjects/orders/versions/0"), 422, 42202);

    // Lookup.
    ObjectNode found = v1.deepCopy();
    assertOk(post("/subjects/orders", schemaBody(QTY_INT, "JSON")), found.toString());
    assertError(post("/subjects/orders", schemaBody(QTY_STRING, "JSON")), 404, 40403);
    assertError(post("/subjects/nope", schemaBody(QTY_INT, "JSON")), 404, 40401);

    // By id.
    assertOk(
        get("/schemas/ids/1"),
        MAPPER.createObjectNode().put("schemaType", "JSON").put("schema", QTY_INT).toString());
    assertOk(get("/schemas/ids/2"), MAPPER.createObjectNode().put("schema", AVRO).toString());
    assertError(get("/schemas/ids/99"), 404, 40403);
    assertError(get("/schemas/ids/x"), 404, 40403);
    assertOk(
        get("/schemas/ids/1/versions"),
        "[{\"subject\":\"orders\",\"version\":1},{\"subject\":\"shared\",\"version\":1}]");
    assertError(get("/schemas/ids/99/versions"), 404, 40403);
  }

  @Test
  void incompatibleRegistrationAndCompatibilityChecks() throws Exception {
    registerBasics();
    JsonNode error =
        assertError(post("/subjects/orders/versions", schemaBody(QTY_STRING, "JSON")), 409, 409);
    assertThat(error.get("message").asText())
        .startsWith(
            "Schema being registered is incompatible with an earlier schema for subject \"orders\", details: [")
        .contains("/properties/qty", "integer", "string");
    assertOk(get("/subjects/orders/versions"), "[1]");

    assertOk(
        post("/compatibility/subjects/orders/versions/latest", schemaBody(QTY_STRING, "JSON")),
        "{\"is_compatible\":false}");
    JsonNode verbose =
        json(
            post(
                "/compatibility/subjects/orders/versions/1?verbose=true",
                schemaBody(QTY_STRING, "JSON")));
    assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
    assertThat(verbose.get("messages")).hasSize(1);
    assertThat(verbose.get("messages").get(0).asText())
        .contains("/properties/qty", "integer", "string");
    assertOk(
        post("/compatibility/subjects/orders/versions", schemaBody(NOTE, "JSON")),
        "{\"is_compatible\":true}");
    assertOk(
        post("/compatibility/subjects/orders/versions?verbose=true", schemaBody(NOTE, "JSON")),
        "{\"is_compatible\":true,\"messages\":[]}");
    assertOk(
        post("/compatibility/subjects/fresh/versions", schemaBody(NOTE, "JSON")),
        "{\"is_compatible\":true}");
    assertError(
        post("/compatibility/subjects/orders/versions/7", schemaBody(NOTE, "JSON")), 404, 40402);
    assertError(
        post("/compatibility/subjects/nope/versions/latest", schemaBody(NOTE, "JSON")), 404, 40401);
    assertError(
        post("/compatibility/subjects/orders/versions/latest", schemaBody("{", "JSON")),
        422,
        42201);
  }

  @Test
  void config() throws Exception {
    registerBasics();
    assertOk(get("/config"), "{\"compatibilityLevel\":\"BACKWARD\"}");
    assertOk(put("/config", "{\"compatibility\":\"FULL\"}"), "{\"compatibility\":\"FULL\"}");
    assertOk(get("/config"), "{\"compatibilityLevel\":\"FULL\"}");
    assertError(put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    assertError(put("/config", "{}"), 422, 42203);
    assertError(put("/config", "{\"compatibility\":\"NONE\",\"x\":1}"), 400, 400);
    assertOk(get("/config"), "{\"compatibilityLevel\":\"FULL\"}");

    assertError(get("/config/orders"), 404, 40408);
    assertOk(get("/config/orders?defaultToGlobal=true"), "{\"compatibilityLevel\":\"FULL\"}");
    assertOk(put("/config/orders", "{\"compatibility\":\"none\"}"), "{\"compatibility\":\"NONE\"}");
    assertOk(get("/config/orders"), "{\"compatibilityLevel\":\"NONE\"}");
    // NONE on the subject lets an otherwise incompatible schema in.
    assertOk(post("/subjects/orders/versions", schemaBody(QTY_STRING, "JSON")), "{\"id\":3}");
    assertOk(delete("/config/orders"), "{\"compatibilityLevel\":\"NONE\"}");
    assertError(get("/config/orders"), 404, 40408);
    assertError(delete("/config/orders"), 404, 40408);
  }

  @Test
  void deletes() throws Exception {
    registerBasics();
    assertOk(post("/subjects/orders/versions", schemaBody(NOTE, "JSON")), "{\"id\":3}");

    JsonNode notSoft =
        assertError(delete("/subjects/orders/versions/1?permanent=true"), 404, 40407);
    assertThat(notSoft.get("message").asText()).contains("soft-delete");
    assertOk(delete("/subjects/orders/versions/1"), "1");
    assertError(delete("/subjects/orders/versions/1"), 404, 40406);
    assertOk(get("/subjects/orders/versions"), "[2]");
    assertOk(get("/subjects/orders/versions?deleted=true"), "[1,2]");
    assertError(get("/subjects/orders/versions/1"), 404, 40402);
    assertThat(json(get("/subjects/orders/versions/1?deleted=true")).get("id").asInt())
        .isEqualTo(1);
    assertOk(get("/schemas/ids/1/versions"), "[]");
    assertThat(get("/schemas/ids/1").statusCode()).isEqualTo(200);
    assertOk(delete("/subjects/orders/versions/1?permanent=true"), "1");
    assertError(get("/schemas/ids/1"), 404, 40403);
    assertError(delete("/subjects/orders/versions/1"), 404, 40402);

    JsonNode subjectNotSoft = assertError(delete("/subjects/payments?permanent=true"), 404, 40405);
    assertThat(subjectNotSoft.get("message").asText()).contains("soft-delete");
    assertOk(delete("/subjects/payments"), "[1]");
    assertOk(get("/subjects"), "[\"orders\"]");
    assertOk(get("/subjects?deleted=true"), "[\"orders\",\"payments\"]");
    assertError(get("/subjects/payments/versions"), 404, 40401);
    assertOk(delete("/subjects/payments?permanent=true"), "[1]");
    assertOk(get("/subjects?deleted=true"), "[\"orders\"]");
    assertError(delete("/subjects/payments"), 404, 40401);

    // Version numbers are never reused.
    assertOk(post("/subjects/payments/versions", schemaBody(AVRO, "AVRO")), "{\"id\":2}");
    assertOk(get("/subjects/payments/versions"), "[2]");
  }

  @Test
  void unknownPathsUnderThePrefixAnswerConfluent404() throws Exception {
    for (HttpResponse<String> r :
        List.of(get("/nope"), get(""), post("/subjects/a/b/c", "{}"), delete("/schemas"))) {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(json(r))
          .isEqualTo(MAPPER.readTree("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}"));
    }
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void badRequestsAreRefusedClearlyAndChangeNothing() throws Exception {
    registerBasics();
    String before = state();

    JsonNode malformed = assertError(post("/subjects/orders/versions", "{\"schema\": "), 400, 400);
    assertThat(malformed.get("message").asText()).startsWith("malformed JSON at line 1 column");
    assertError(post("/subjects/orders/versions", "[1]"), 400, 400);
    assertError(post("/subjects/orders/versions", ""), 400, 400);
    JsonNode unknown =
        assertError(post("/subjects/orders/versions", "{\"foo\":1,\"schema\":\"{}\"}"), 400, 400);
    assertThat(unknown.get("message").asText()).isEqualTo("Unrecognized field: foo");
    assertError(post("/subjects/orders/versions", "{}"), 422, 42201);
    assertError(post("/subjects/orders/versions", "{\"schema\":5}"), 422, 42201);
    JsonNode badSchema =
        assertError(
            post("/subjects/orders/versions", schemaBody("{\"type\":", "JSON")), 422, 42201);
    assertThat(badSchema.get("message").asText()).startsWith("Invalid schema");
    assertError(post("/subjects/orders/versions", schemaBody(QTY_INT, "PROTOBUF")), 422, 42201);
    JsonNode refs =
        assertError(
            post(
                "/subjects/orders/versions",
                "{\"schema\":\"{}\",\"schemaType\":\"JSON\",\"references\":"
                    + "[{\"name\":\"a\",\"subject\":\"b\",\"version\":1}]}"),
            422,
            42201);
    assertThat(refs.get("message").asText()).isEqualTo("schema references are not supported");
    assertError(
        send("POST", "/subjects/orders/versions", schemaBody(QTY_INT, "JSON"), "text/plain"),
        415,
        415);
    assertError(
        post("/subjects/" + "x".repeat(256) + "/versions", schemaBody(QTY_INT, "JSON")),
        422,
        42208);

    assertThat(state()).isEqualTo(before);
  }

  @Test
  void remoteReferencesAreRefusedAndNeverFetched() throws Exception {
    registerBasics();
    String before = state();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = "{\"type\":\"string\"}".getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/x.json";
      String schema = "{\"type\":\"object\",\"properties\":{\"qty\":{\"$ref\":\"" + url + "\"}}}";
      for (String path :
          List.of(
              "/subjects/orders/versions",
              "/subjects/orders",
              "/compatibility/subjects/orders/versions/latest",
              "/compatibility/subjects/orders/versions")) {
        JsonNode error = assertError(post(path, schemaBody(schema, "JSON")), 422, 42201);
        assertThat(error.get("message").asText()).contains("$ref");
      }
      // The counting server itself works: a direct request is counted.
      HttpResponse<String> direct =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(direct.statusCode()).isEqualTo(200);
      assertThat(requests.get()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
    assertThat(state()).isEqualTo(before);
  }

  @Test
  void deepAndOversizedDocumentsAreRefused() throws Exception {
    registerBasics();
    String before = state();

    String deep = "{\"type\":\"string\"}";
    for (int i = 0; i < 200; i++) {
      deep = "{\"type\":\"object\",\"properties\":{\"a\":" + deep + "}}";
    }
    JsonNode tooDeep =
        assertError(post("/subjects/orders/versions", schemaBody(deep, "JSON")), 422, 42201);
    assertThat(tooDeep.get("message").asText()).containsIgnoringCase("deep");

    String huge = schemaBody("{\"description\":\"" + "x".repeat(1 << 20) + "\"}", "JSON");
    JsonNode tooLarge = assertError(post("/subjects/orders/versions", huge), 413, 413);
    assertThat(tooLarge.get("message").asText()).contains("too large");

    assertThat(state()).isEqualTo(before);
    assertOk(get("/subjects"), "[\"orders\",\"payments\"]");
  }

  @Test
  void storageFailuresAnswer500AndTheRegistryRecovers() throws Exception {
    registerBasics();
    failing.set(true);
    JsonNode error =
        assertError(post("/subjects/orders/versions", schemaBody(NOTE, "JSON")), 500, 50001);
    assertThat(error.get("message").asText()).contains("broker down");
    assertError(put("/config", "{\"compatibility\":\"NONE\"}"), 500, 50001);
    assertOk(get("/subjects/orders/versions"), "[1]");
    failing.set(false);
    assertOk(post("/subjects/orders/versions", schemaBody(NOTE, "JSON")), "{\"id\":3}");
    assertOk(get("/subjects/orders/versions"), "[1,2]");
  }
}
