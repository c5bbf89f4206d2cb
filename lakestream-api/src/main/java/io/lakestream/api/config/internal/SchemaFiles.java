package io.lakestream.api.config.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the JSON Schema file of a source and checks what the loader relies on: that it is a JSON
 * object describing objects, and which top-level properties it declares.
 */
public final class SchemaFiles {

  // Strict on purpose: a schema with a duplicated property or trailing garbage is a typo that
  // would otherwise silently change what gets validated.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private SchemaFiles() {}

  /**
   * A schema file that was read and parsed.
   *
   * @param text the file's content
   * @param properties the names of its top-level {@code properties}, in file order
   */
  public record Schema(String text, List<String> properties) {
    public Schema {
      properties = List.copyOf(properties);
    }
  }

  /**
   * Reads and checks a schema file.
   *
   * @param file absolute path of the schema file
   * @param problem receives a message for each problem found
   * @return the schema, or {@code null} when it cannot be used
   */
  public static Schema read(Path file, Consumer<String> problem) {
    if (!Files.exists(file)) {
      problem.accept(
          "schema file not found: "
              + file
              + "; schema paths are relative to the pipeline file's folder");
      return null;
    }
    if (Files.isDirectory(file)) {
      problem.accept("schema path " + file + " is a directory; name a .schema.json file");
      return null;
    }
    if (!Files.isReadable(file)) {
      problem.accept("cannot read schema file " + file + "; check its permissions");
      return null;
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (CharacterCodingException e) {
      problem.accept("schema file " + file + " is not UTF-8 text; save it as UTF-8");
      return null;
    } catch (IOException e) {
      problem.accept("cannot read schema file " + file + ": " + e);
      return null;
    }
    return parse(text, "schema file", file.toString(), problem);
  }

  /**
   * Checks schema text that came from somewhere other than a file (a registry subject).
   *
   * @param name where the schema came from, e.g. {@code subject 'sensors' version 2}
   * @return the schema, or {@code null} when it cannot be used
   */
  public static Schema parseRegistered(String text, String name, Consumer<String> problem) {
    return parse(text, "registry schema", name, problem);
  }

  /** Checks schema text; {@code noun} and {@code name} say in messages what it is. */
  private static Schema parse(String text, String noun, String name, Consumer<String> problem) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      problem.accept(noun + " is not valid JSON: " + where(name, e) + ": " + firstLine(e));
      return null;
    }
    if (root == null || root.isMissingNode()) {
      problem.accept(noun + " " + name + " is empty; write a JSON Schema object in it");
      return null;
    }
    if (!root.isObject()) {
      problem.accept(
          noun
              + " "
              + name
              + " must hold a JSON object (a JSON Schema), got "
              + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
      return null;
    }
    JsonNode type = root.get("type");
    if (type != null && !(type.isTextual() && type.asText().equals("object"))) {
      problem.accept(
          noun
              + " "
              + name
              + " must describe JSON objects (\"type\": \"object\"), but its \"type\" is "
              + type);
      return null;
    }
    JsonNode props = root.get("properties");
    if (props != null && !props.isObject()) {
      problem.accept(noun + " " + name + ": \"properties\" must be an object of property schemas");
      return null;
    }
    List<String> names = new ArrayList<>();
    if (props != null) {
      props.fieldNames().forEachRemaining(names::add);
    }
    return new Schema(text, names);
  }

  /** {@code file:line:column}, the form editors and terminals turn into links. */
  private static String where(String file, JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    if (loc == null || loc.getLineNr() < 1) {
      return file;
    }
    return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  private static String firstLine(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
