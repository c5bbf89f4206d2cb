package io.lakestream.api.config.internal;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a SnakeYAML node tree into {@link YamlMap}s and {@link Scalar}s, expanding variables and
 * recording every mistake in {@link Problems} instead of stopping at the first.
 */
public final class YamlReader {

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final Problems problems;
  private final Function<String, String> variables;

  /**
   * @param problems where mistakes are recorded
   * @param variables the value of a variable, or {@code null} when it is not defined
   */
  public YamlReader(Problems problems, Function<String, String> variables) {
    this.problems = problems;
    this.variables = variables;
  }

  /** Records a problem at a value. */
  public void report(Scalar at, String message) {
    problems.add(at.path(), at.node(), message);
  }

  /** Records a problem at a node. */
  public void report(String path, Node at, String message) {
    problems.add(path, at, message);
  }

  /** Records a problem at a mark, or with no position when it is null. */
  public void report(String path, Mark at, String message) {
    problems.add(path, at, message);
  }

  /**
   * Reads a mapping, reporting non-text keys, duplicate keys and, when {@code allowedKeys} is
   * given, keys not in it; those keys are then left out so nothing else trips over them.
   *
   * @param path the mapping's YAML path
   * @param where where to report keys missing from it: the line of its own key, since a block
   *     mapping's node starts at its first child and that may be far below; {@code null} at the top
   *     level
   * @param allowedKeys the keys it may have in the order to list them, or {@code null} for any
   * @return the mapping, or {@code null} when the node is not one (reported)
   */
  public YamlMap map(Node node, String path, Mark where, List<String> allowedKeys) {
    if (!(node instanceof MappingNode mapping)) {
      String keys = allowedKeys == null ? "" : " with keys " + String.join(", ", allowedKeys);
      problems.add(path, node, "expected a mapping" + keys + ", got " + describe(node));
      return null;
    }
    Map<String, YamlMap.Entry> entries = new LinkedHashMap<>();
    // Allowed keys that an unknown key was probably meant to be: "did you mean 'field'?" already
    // says what to do, so "missing required key 'field'" on top would only be noise.
    Set<String> misspelt = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problems.add(path, keyNode, "keys must be plain text, got " + describe(keyNode));
        continue;
      }
      String key = keyScalar.getValue();
      String keyPath = child(path, key);
      if (Tag.MERGE.equals(keyNode.getTag())) {
        problems.add(
            path, keyNode, "YAML merge keys (<<) are not supported; write the keys out instead");
        continue;
      }
      YamlMap.Entry first = entries.get(key);
      if (first != null) {
        problems.add(
            keyPath,
            keyNode,
            "duplicate key '"
                + key
                + "' (already set on line "
                + (first.keyNode().getStartMark().getLine() + 1)
                + "); keep only one");
        continue;
      }
      if (allowedKeys != null && !allowedKeys.contains(key)) {
        problems.add(
            keyPath, keyNode, Suggestions.unknown("key", key, allowedKeys, "Allowed keys"));
        Suggestions.closest(key, allowedKeys).ifPresent(misspelt::add);
        continue;
      }
      entries.put(key, new YamlMap.Entry(key, keyNode, tuple.getValueNode(), keyPath));
    }
    return new YamlMap(this, path, where, entries, misspelt);
  }

  /**
   * Reads a scalar and expands its variables.
   *
   * @param expected what the value should be, for the message when it is a mapping or a list
   * @return the value, or {@code null} when it is not a scalar or cannot be expanded (reported)
   */
  public Scalar scalar(Node node, String path, String expected) {
    if (!(node instanceof ScalarNode scalar)) {
      problems.add(path, node, "expected " + expected + ", got " + describe(node));
      return null;
    }
    Variables.Result expanded = Variables.expand(scalar.getValue(), variables);
    if (!expanded.ok()) {
      expanded.errors().forEach(e -> problems.add(path, node, e));
      return null;
    }
    return new Scalar(expanded.value(), node, path);
  }

  /** Whether a node is an empty value ({@code key:}, {@code key: ~} or {@code key: null}). */
  public static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** How a node reads in a message: {@code a mapping}, {@code a list} or the quoted value. */
  public static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "nothing";
    }
    if (node instanceof ScalarNode s) {
      String v = s.getValue();
      return "'" + (v.length() > 60 ? v.substring(0, 57) + "..." : v) + "'";
    }
    return "nothing";
  }

  /**
   * The path of a key under {@code path}: dotted, or bracketed when the key itself contains dots or
   * other punctuation ({@code kafka.properties["security.protocol"]}), so paths stay readable.
   */
  public static String child(String path, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return path + "[\"" + key.replace("\"", "\\\"") + "\"]";
    }
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The path of a list item: {@code gateway.api_keys[0]}. */
  public static String item(String path, int index) {
    return path + "[" + index + "]";
  }
}
