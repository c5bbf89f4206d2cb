package io.lakestream.source.mqtt.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Maps a topic to the one source that takes it. When filters of several sources match, the most
 * specific filter wins (see {@link TopicFilter#compareSpecificity}); two different filters that
 * match the same topic never tie. One source per message, so an event is never written twice.
 */
public final class TopicRoutes {

  private record Entry(TopicFilter filter, Route route) {}

  private final List<Entry> entries;

  private TopicRoutes(List<Entry> entries) {
    this.entries = entries;
  }

  /** A builder; add sources in the order the pipeline declares them. */
  public static Builder builder() {
    return new Builder();
  }

  /** The route for {@code topic}, or {@code null} when no source's filter matches it. */
  public Route route(String topic) {
    List<String> levels = Arrays.asList(topic.split("/", -1));
    // entries are sorted most specific first, so the first match is the winner
    for (Entry e : entries) {
      if (e.filter.matches(levels)) {
        return e.route;
      }
    }
    return null;
  }

  /** The topic level {@code level} of {@code topic}, or {@code null} when it has fewer levels. */
  public static String level(String topic, int level) {
    int start = 0;
    for (int i = 0; i < level; i++) {
      int slash = topic.indexOf('/', start);
      if (slash < 0) {
        return null;
      }
      start = slash + 1;
    }
    int end = topic.indexOf('/', start);
    return topic.substring(start, end < 0 ? topic.length() : end);
  }

  /** Every filter, in the order they are tried. */
  public List<String> filters() {
    return entries.stream().map(e -> e.filter.toString()).toList();
  }

  /** Collects filters and their routes. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    /**
     * Adds the filters of one source.
     *
     * @throws IllegalArgumentException when a filter is malformed or already taken by a source
     */
    public Builder add(List<String> filters, Route route) {
      if (filters.isEmpty()) {
        throw new IllegalArgumentException(
            "mqtt source '" + route.source() + "' has no topic filters");
      }
      for (String f : filters) {
        TopicFilter filter;
        try {
          filter = TopicFilter.parse(f);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "mqtt source '" + route.source() + "': " + e.getMessage(), e);
        }
        for (Entry e : entries) {
          if (e.filter.equals(filter)) {
            throw new IllegalArgumentException(
                "mqtt topic filter '"
                    + f
                    + "' is used by sources '"
                    + e.route.source()
                    + "' and '"
                    + route.source()
                    + "'; a message must belong to one source");
          }
        }
        entries.add(new Entry(filter, route));
      }
      return this;
    }

    public TopicRoutes build() {
      List<Entry> sorted = new ArrayList<>(entries);
      // stable sort: equally specific filters keep declaration order
      sorted.sort(Comparator.comparing(Entry::filter, TopicFilter::compareSpecificity));
      return new TopicRoutes(List.copyOf(sorted));
    }
  }
}
