package io.lakestream.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * A lake table's schema history (each Iceberg schema, when it was first committed with, and which
 * columns it added or dropped) and the schema registry's versions of a subject, side by side.
 */
final class SchemaHistory {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One schema of a table. */
  record LakeSchema(int schemaId, Instant firstCommit, int columns, List<String> changes) {}

  /** One registered version of a subject. */
  record RegistryVersion(int version, int id, List<String> changes) {}

  private SchemaHistory() {}

  /** The table's schemas, oldest first. */
  static List<LakeSchema> lake(Table table) {
    Map<Integer, Instant> firstUse = new HashMap<>();
    for (Snapshot s : table.snapshots()) {
      if (s.schemaId() != null) {
        firstUse.merge(
            s.schemaId(),
            Instant.ofEpochMilli(s.timestampMillis()),
            (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    List<LakeSchema> out = new ArrayList<>();
    Map<String, String> before = null;
    List<Integer> ids = new ArrayList<>(table.schemas().keySet());
    ids.sort(null);
    for (int id : ids) {
      Schema schema = table.schemas().get(id);
      Map<String, String> columns = new LinkedHashMap<>();
      for (Types.NestedField f : schema.columns()) {
        columns.put(f.name(), f.type().toString());
      }
      out.add(new LakeSchema(id, firstUse.get(id), columns.size(), diff(before, columns)));
      before = columns;
    }
    return out;
  }

  /**
   * The subject's versions from the registry REST API at {@code baseUrl}, oldest first.
   *
   * @param apiKey sent as a bearer token when not {@code null}
   * @throws IOException when the registry cannot be reached or answers with an error
   */
  static List<RegistryVersion> registry(String baseUrl, String subject, String apiKey)
      throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String s = URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    JsonNode versions = get(http, baseUrl + "/subjects/" + s + "/versions", apiKey);
    List<RegistryVersion> out = new ArrayList<>();
    Map<String, String> before = null;
    for (JsonNode v : versions) {
      JsonNode one = get(http, baseUrl + "/subjects/" + s + "/versions/" + v.asInt(), apiKey);
      Map<String, String> props = new LinkedHashMap<>();
      JsonNode schema = JSON.readTree(one.path("schema").asText());
      schema
          .path("properties")
          .properties()
          .forEach(e -> props.put(e.getKey(), e.getValue().path("type").toString()));
      out.add(
          new RegistryVersion(
              one.path("version").asInt(), one.path("id").asInt(), diff(before, props)));
      before = props;
    }
    return out;
  }

  private static JsonNode get(HttpClient http, String url, String apiKey) throws IOException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (apiKey != null) {
      req.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (res.statusCode() != 200) {
      JsonNode err = JSON.readTree(res.body().isEmpty() ? "{}" : res.body());
      throw new IOException(
          "HTTP "
              + res.statusCode()
              + (err.has("message") ? ": " + err.get("message").asText() : ""));
    }
    return JSON.readTree(res.body());
  }

  /** "+ name type" for what {@code after} adds, "- name" for what it drops, "~ name a -> b". */
  private static List<String> diff(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    if (before == null) {
      return out;
    }
    for (Map.Entry<String, String> e : after.entrySet()) {
      String was = before.get(e.getKey());
      if (was == null) {
        out.add("+ " + e.getKey() + " " + e.getValue());
      } else if (!was.equals(e.getValue())) {
        out.add("~ " + e.getKey() + " " + was + " -> " + e.getValue());
      }
    }
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        out.add("- " + name);
      }
    }
    return out;
  }
}
