package io.lakestream.api.config.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A mapping of a pipeline file with typed, defaulting getters.
 *
 * <p>Every getter records what is wrong with a value and then carries on with the default (or
 * {@code null} for required values), so one pass finds every mistake; the caller discards the
 * result when any was recorded.
 */
public final class YamlMap {

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");

  /**
   * One key of a mapping.
   *
   * @param key the key text
   * @param keyNode the key node, for its position
   * @param value the value node
   * @param path the YAML path of the value
   */
  public record Entry(String key, Node keyNode, Node value, String path) {}

  /** An item of a list. */
  public record Item(Node node, String path) {}

  private final YamlReader reader;
  private final String path;
  private final Mark mark;
  private final Map<String, Entry> entries;
  private final Set<String> misspelt;

  YamlMap(
      YamlReader reader, String path, Mark mark, Map<String, Entry> entries, Set<String> misspelt) {
    this.reader = reader;
    this.path = path;
    this.mark = mark;
    this.entries = entries;
    this.misspelt = misspelt;
  }

  /** A mapping with no keys, standing in for an optional section that is absent. */
  static YamlMap empty(YamlReader reader, String path) {
    return new YamlMap(reader, path, null, Collections.emptyMap(), Set.of());
  }

  /** The YAML path of this mapping. */
  public String path() {
    return path;
  }

  /** Where this mapping's key is, or {@code null} when unknown. */
  public Mark mark() {
    return mark;
  }

  /** The keys that passed the key checks, in file order. */
  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** The entry for a key, or {@code null}. */
  public Entry entry(String key) {
    return entries.get(key);
  }

  /** Whether the mapping has no (accepted) keys. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * An optional scalar.
   *
   * @return the value, or {@code null} when absent, empty ({@code key:}) or wrong (reported)
   */
  public Scalar scalar(String key, String expected) {
    Entry e = entries.get(key);
    if (e == null || YamlReader.isNull(e.value())) {
      return null;
    }
    return reader.scalar(e.value(), e.path(), expected);
  }

  /**
   * A required, non-empty scalar.
   *
   * @param example a line to show in the message when it is missing, e.g. {@code type: http}
   * @return the value, or {@code null} when missing, empty or wrong (reported)
   */
  public Scalar requiredScalar(String key, String example) {
    Entry e = entries.get(key);
    if (e == null) {
      reportMissing(key, example);
      return null;
    }
    if (YamlReader.isNull(e.value())) {
      reader.report(e.path(), e.keyNode(), "must not be empty; e.g. '" + example + "'");
      return null;
    }
    Scalar s = reader.scalar(e.value(), e.path(), "a single value like '" + example + "'");
    if (s != null && s.text().isBlank()) {
      reader.report(s, "must not be empty; e.g. '" + example + "'");
      return null;
    }
    return s;
  }

  /** An optional text value, {@code dflt} when absent. */
  public String string(String key, String dflt) {
    Scalar s = scalar(key, "a text value");
    return s == null ? dflt : s.text();
  }

  /** An optional integer within {@code [min, max]}. */
  public int integer(String key, int dflt, int min, int max) {
    String expected = "an integer from " + min + " to " + max;
    Scalar s = scalar(key, expected);
    if (s == null) {
      return dflt;
    }
    String t = s.text().strip();
    if (!INTEGER.matcher(t).matches()) {
      reader.report(s, "expected " + expected + ", got '" + s.text() + "'");
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(t.replace("_", ""));
    } catch (NumberFormatException tooLong) {
      v = Long.MAX_VALUE;
    }
    if (v < min || v > max) {
      reader.report(s, "must be between " + min + " and " + max + ", got " + t);
      return dflt;
    }
    return (int) v;
  }

  /** An optional boolean; YAML 1.1 spellings ({@code yes}, {@code on}...) are accepted too. */
  public boolean bool(String key, boolean dflt) {
    Scalar s = scalar(key, "true or false");
    if (s == null) {
      return dflt;
    }
    switch (s.text().strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on":
        return true;
      case "false", "no", "off":
        return false;
      default:
        reader.report(s, "expected true or false, got '" + s.text() + "'");
        return dflt;
    }
  }

  /** An optional positive duration such as {@code 10s} (see {@link Durations}). */
  public Duration duration(String key, Duration dflt) {
    Scalar s = scalar(key, "a duration like 10s");
    if (s == null) {
      return dflt;
    }
    try {
      return Durations.parse(s.text());
    } catch (IllegalArgumentException e) {
      reader.report(s, e.getMessage());
      return dflt;
    }
  }

  /** An optional duration that may be zero ({@code 0s}), for settings where zero means "none". */
  public Duration nonNegativeDuration(String key, Duration dflt) {
    Scalar s = scalar(key, "a duration like 10s (0s allowed)");
    if (s == null) {
      return dflt;
    }
    try {
      return Durations.parseNonNegative(s.text());
    } catch (IllegalArgumentException e) {
      reader.report(s, e.getMessage());
      return dflt;
    }
  }

  /**
   * A required positive duration.
   *
   * @param example a line to show in the message when it is missing, e.g. {@code size: 5m}
   * @return the duration, or {@code null} when missing, empty or wrong (reported)
   */
  public Duration requiredDuration(String key, String example) {
    Scalar s = requiredScalar(key, example);
    if (s == null) {
      return null;
    }
    try {
      return Durations.parse(s.text());
    } catch (IllegalArgumentException e) {
      reader.report(s, e.getMessage());
      return null;
    }
  }

  /** An optional positive size in bytes such as {@code 5MB} (see {@link ByteSizes}). */
  public long size(String key, long dflt) {
    Scalar s = scalar(key, "a size like 5MB");
    if (s == null) {
      return dflt;
    }
    try {
      return ByteSizes.parse(s.text());
    } catch (IllegalArgumentException e) {
      reader.report(s, e.getMessage());
      return dflt;
    }
  }

  /**
   * An optional section; an empty one when absent or not a mapping (reported), so that its getters
   * return their defaults.
   */
  public YamlMap section(String key, List<String> allowedKeys) {
    Entry e = entries.get(key);
    if (e == null || YamlReader.isNull(e.value())) {
      return empty(reader, YamlReader.child(path, key));
    }
    YamlMap m = reader.map(e.value(), e.path(), e.keyNode().getStartMark(), allowedKeys);
    return m == null ? empty(reader, e.path()) : m;
  }

  /**
   * A required section.
   *
   * @param allowedKeys its keys, or {@code null} for any
   * @param example what to show in the message when it is missing
   * @return the section, or {@code null} when missing, empty or not a mapping (reported)
   */
  public YamlMap requiredMap(String key, List<String> allowedKeys, String example) {
    Entry e = entries.get(key);
    if (e == null) {
      reportMissing(key, example);
      return null;
    }
    if (YamlReader.isNull(e.value())) {
      reader.report(e.path(), e.keyNode(), "must not be empty; e.g. '" + example + "'");
      return null;
    }
    return reader.map(e.value(), e.path(), e.keyNode().getStartMark(), allowedKeys);
  }

  /** An optional mapping of free-form keys to text values, such as client properties. */
  public Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Entry e : section(key, null).entries()) {
      if (YamlReader.isNull(e.value())) {
        reader.report(
            e.path(), e.keyNode(), "has no value; quote it ('') if an empty string is meant");
        continue;
      }
      Scalar s = reader.scalar(e.value(), e.path(), "a single value");
      if (s != null) {
        out.put(e.key(), s.text());
      }
    }
    return out;
  }

  /** An optional list; empty when absent or not a list (reported). */
  public List<Item> list(String key, String expected) {
    Entry e = entries.get(key);
    if (e == null || YamlReader.isNull(e.value())) {
      return List.of();
    }
    if (!(e.value() instanceof SequenceNode seq)) {
      reader.report(
          e.path(), e.value(), "expected " + expected + ", got " + YamlReader.describe(e.value()));
      return List.of();
    }
    List<Item> items = new ArrayList<>();
    List<Node> nodes = seq.getValue();
    for (int i = 0; i < nodes.size(); i++) {
      items.add(new Item(nodes.get(i), YamlReader.item(e.path(), i)));
    }
    return items;
  }

  /** An optional list of non-empty text values; wrong items are reported and left out. */
  public List<Scalar> scalarList(String key, String expected) {
    List<Scalar> out = new ArrayList<>();
    for (Item item : list(key, expected)) {
      Scalar s =
          YamlReader.isNull(item.node())
              ? null
              : reader.scalar(item.node(), item.path(), "a single value");
      if (s == null || s.text().isBlank()) {
        if (s != null || YamlReader.isNull(item.node())) {
          reader.report(item.path(), item.node(), "empty list item; remove it or fill it in");
        }
        continue;
      }
      out.add(s);
    }
    return out;
  }

  private void reportMissing(String key, String example) {
    if (misspelt.contains(key)) {
      return; // reported as an unknown key with "did you mean"
    }
    reader.report(path, mark, "missing required key '" + key + "'; add e.g. '" + example + "'");
  }
}
