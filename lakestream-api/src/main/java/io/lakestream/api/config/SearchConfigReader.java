package io.lakestream.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.internal.Scalar;
import io.lakestream.api.config.internal.YamlMap;
import io.lakestream.api.config.internal.YamlReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code search:} block. Problems go to the loader's reader, each with its YAML path and
 * line: unknown sources, a field declared twice or with two kinds, reserved names, fields the
 * source's schema does not have.
 */
final class SearchConfigReader {

  static final List<String> KEYS =
      List.of("retention", "sources", "alerts", "errors", "opensearch");
  private static final List<String> FIELD_KEYS = List.of("text", "keyword", "long", "double");
  private static final List<String> OPENSEARCH_KEYS = List.of("url", "index", "user", "password");
  private static final Set<String> SYSTEM_FIELDS =
      Set.of("id", "source", "event_time", "ingest_time", "_source", "_all");
  private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]*");
  private static final Pattern INDEX = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,254}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final YamlReader reader;

  SearchConfigReader(YamlReader reader) {
    this.reader = reader;
  }

  /** The block, or {@link SearchConfig#NONE} when absent or wrong (reported). */
  SearchConfig read(YamlMap top, Map<String, SourceConfig> sources) {
    if (top.entry("search") == null) {
      return SearchConfig.NONE;
    }
    YamlMap s = top.section("search", KEYS);
    Duration retention = s.duration("retention", SearchConfig.DEFAULT_RETENTION);
    boolean alerts = s.bool("alerts", false);
    boolean errors = s.bool("errors", false);
    Map<String, SearchConfig.Fields> indexed = new LinkedHashMap<>();
    // field -> kind and where it was first declared, across sources: one index holds them all
    Map<String, String> kinds = new HashMap<>();
    Map<String, String> firstAt = new HashMap<>();
    for (YamlMap.Entry e : s.section("sources", null).entries()) {
      SourceConfig source = sources.get(e.key());
      if (source == null) {
        reader.report(
            e.path(),
            e.keyNode(),
            "'"
                + e.key()
                + "' is not a source of this pipeline"
                + (sources.isEmpty()
                    ? ""
                    : "; sources are " + String.join(", ", sources.keySet())));
        continue;
      }
      if (YamlReader.isNull(e.value())) {
        reader.report(
            e.path(),
            e.keyNode(),
            "declares no field; e.g. '" + e.key() + ": {text: [message], keyword: [level]}'");
        continue;
      }
      YamlMap f = reader.map(e.value(), e.path(), e.keyNode().getStartMark(), FIELD_KEYS);
      if (f == null) {
        continue;
      }
      JsonNode properties = checkableProperties(source);
      Map<String, List<String>> byKind = new LinkedHashMap<>();
      for (String kind : FIELD_KEYS) {
        List<String> names = new ArrayList<>();
        for (Scalar field : f.scalarList(kind, "a list of field names")) {
          String name = field.text().strip();
          if (!FIELD.matcher(name).matches()) {
            reader.report(field, "'" + name + "' is not a field name (letters, digits, _ . @ -)");
            continue;
          }
          if (SYSTEM_FIELDS.contains(name)) {
            reader.report(
                field,
                "'"
                    + name
                    + "' is indexed by Lakestream itself (system fields: id, source, event_time,"
                    + " ingest_time); remove it here");
            continue;
          }
          if (name.startsWith("alert.") || name.startsWith("error.")) {
            reader.report(
                field,
                "'"
                    + name
                    + "': names under 'alert.' and 'error.' hold the indexed alerts and errors;"
                    + " rename the field");
            continue;
          }
          if (properties != null && !hasPath(properties, name)) {
            reader.report(
                field,
                "'"
                    + name
                    + "' is not a property of source "
                    + source.name()
                    + "'s schema ("
                    + source.schemaPath()
                    + "); properties are "
                    + String.join(", ", fieldNames(properties)));
            continue;
          }
          String previous = kinds.putIfAbsent(name, kind);
          if (previous == null) {
            firstAt.put(name, field.path());
          } else if (!previous.equals(kind)) {
            reader.report(
                field,
                "'"
                    + name
                    + "' is declared as "
                    + previous
                    + " at "
                    + firstAt.get(name)
                    + "; all sources share one index, so a field has one kind everywhere");
            continue;
          } else if (names.contains(name)) {
            reader.report(field, "'" + name + "' is listed twice");
            continue;
          }
          names.add(name);
        }
        byKind.put(kind, names);
      }
      indexed.put(
          e.key(),
          new SearchConfig.Fields(
              byKind.get("text"), byKind.get("keyword"), byKind.get("long"), byKind.get("double")));
    }
    SearchConfig.OpenSearch os = opensearch(s);
    if (indexed.isEmpty() && !alerts && !errors) {
      reader.report(
          "search",
          s.mark(),
          "indexes nothing; list sources under 'sources:' or set 'alerts: true' / 'errors: true'");
      return SearchConfig.NONE;
    }
    return new SearchConfig(indexed, alerts, errors, retention, os);
  }

  private SearchConfig.OpenSearch opensearch(YamlMap s) {
    if (s.entry("opensearch") == null) {
      return null;
    }
    YamlMap o = s.section("opensearch", OPENSEARCH_KEYS);
    Scalar url = o.requiredScalar("url", "url: http://search:9200");
    if (url != null) {
      try {
        URI u = new URI(url.text().strip());
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
            || u.getHost() == null) {
          reader.report(url, "must be an http(s) URL like http://search:9200");
          url = null;
        }
      } catch (URISyntaxException e) {
        reader.report(url, "not a URL: " + e.getReason());
        url = null;
      }
    }
    Scalar index = o.requiredScalar("index", "index: lakestream-events");
    if (index != null && !INDEX.matcher(index.text()).matches()) {
      reader.report(
          index, "index names are lower case letters, digits, '_', '.' and '-' (OpenSearch rule)");
      index = null;
    }
    String user = o.string("user", null);
    String password = o.string("password", null);
    if (url == null || index == null) {
      return null;
    }
    return new SearchConfig.OpenSearch(url.text().strip(), index.text(), user, password);
  }

  /**
   * The schema's properties when the curated event has exactly the schema's fields (no transform,
   * Java transform or enrichment reshapes it), else {@code null}: nothing to check against.
   */
  private static JsonNode checkableProperties(SourceConfig source) {
    if (source.schemaJson() == null
        || source.transform() != null
        || !source.javaTransforms().isEmpty()
        || !source.enrich().isEmpty()) {
      return null;
    }
    try {
      JsonNode p = JSON.readTree(source.schemaJson()).path("properties");
      return p.isObject() ? p : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean hasPath(JsonNode properties, String name) {
    if (properties.has(name)) {
      return true;
    }
    int dot = name.indexOf('.');
    if (dot < 0) {
      return false;
    }
    JsonNode child = properties.path(name.substring(0, dot)).path("properties");
    return child.isObject() && hasPath(child, name.substring(dot + 1));
  }

  private static List<String> fieldNames(JsonNode properties) {
    List<String> out = new ArrayList<>();
    properties.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
