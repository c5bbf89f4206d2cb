package io.lakestream.source.mqtt.internal;

import java.util.List;
import java.util.Objects;

/**
 * One MQTT topic filter ({@code sensors/+/telemetry}, {@code logs/#}) and the MQTT matching rules:
 * {@code +} matches exactly one level, a trailing {@code #} matches the parent level and any number
 * of levels below, and topics starting with {@code $} are not matched by a wildcard in the first
 * level (MQTT 3.1.1 §4.7.2, MQTT 5 §4.7.2).
 */
public final class TopicFilter {

  private final String text;
  private final String[] levels;
  private final boolean multiLevel;

  private TopicFilter(String text, String[] levels) {
    this.text = text;
    this.multiLevel = levels[levels.length - 1].equals("#");
    this.levels = levels;
  }

  /**
   * Parses a filter.
   *
   * @throws IllegalArgumentException when it is empty, has {@code #} anywhere but alone in the last
   *     level, or {@code +} not alone in its level
   */
  public static TopicFilter parse(String filter) {
    Objects.requireNonNull(filter, "filter");
    if (filter.isEmpty()) {
      throw new IllegalArgumentException("an MQTT topic filter must not be empty");
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      boolean last = i == levels.length - 1;
      if (level.contains("#") && (!level.equals("#") || !last)) {
        throw new IllegalArgumentException(
            "MQTT topic filter '" + filter + "': '#' must be alone in the last level");
      }
      if (level.contains("+") && !level.equals("+")) {
        throw new IllegalArgumentException(
            "MQTT topic filter '" + filter + "': '+' must be alone in its level");
      }
    }
    return new TopicFilter(filter, levels);
  }

  /** Whether {@code topic} (already split at {@code /}) matches this filter. */
  public boolean matches(List<String> topic) {
    if (!topic.isEmpty()
        && topic.get(0).startsWith("$")
        && (levels[0].equals("+") || levels[0].equals("#"))) {
      return false;
    }
    int fixed = multiLevel ? levels.length - 1 : levels.length;
    if (multiLevel ? topic.size() < fixed : topic.size() != fixed) {
      return false;
    }
    for (int i = 0; i < fixed; i++) {
      if (!levels[i].equals("+") && !levels[i].equals(topic.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Orders two filters that match the same topic, level by level from the left: at the first level
   * where they differ, a literal beats {@code +}, which beats {@code #}. So {@code sensors/dev-1/+}
   * is more specific than {@code sensors/+/telemetry}, which is more specific than {@code
   * sensors/#}. Negative when this one is more specific.
   */
  int compareSpecificity(TopicFilter other) {
    int n = Math.max(levels.length, other.levels.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(rank(i), other.rank(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** 0 for a literal level (or none: the filter ended, an exact match), 1 for +, 2 for #. */
  private int rank(int level) {
    if (level >= levels.length) {
      return 0;
    }
    return switch (levels[level]) {
      case "+" -> 1;
      case "#" -> 2;
      default -> 0;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicFilter f && f.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
