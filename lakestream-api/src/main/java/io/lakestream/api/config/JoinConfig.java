package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An interval join of two sources on equal field values within a time bound; each becomes a table
 * {@code curated.<name>}.
 *
 * <pre>{@code
 * joins:
 *   clicks_before_payment:
 *     left: clickstream
 *     right: transactions
 *     on: user_id
 *     within: 30m
 *     direction: after      # the payment happens 0..30m after the click
 * }</pre>
 *
 * @param name the key under {@code joins:}; the table name
 * @param left left source
 * @param right right source
 * @param leftField left field compared for equality
 * @param rightField right field compared for equality
 * @param within the time bound
 * @param direction where the right event's time may lie relative to the left one's
 * @param select output column → Flink SQL expression over the two sources (qualified by source
 *     name); empty = every column of both sides, prefixed by source name
 * @param path YAML path of the join, for errors found when the SQL is planned
 * @param line line of the join in the pipeline file
 */
public record JoinConfig(
    String name,
    String left,
    String right,
    String leftField,
    String rightField,
    Duration within,
    Direction direction,
    Map<String, String> select,
    String path,
    int line)
    implements Serializable {

  public JoinConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(left, "left");
    Objects.requireNonNull(right, "right");
    Objects.requireNonNull(leftField, "leftField");
    Objects.requireNonNull(rightField, "rightField");
    Objects.requireNonNull(within, "within");
    Objects.requireNonNull(direction, "direction");
    select = Collections.unmodifiableMap(new LinkedHashMap<>(select));
    Objects.requireNonNull(path, "path");
  }

  /** Where the right event's time may lie, relative to the left event's time. */
  public enum Direction {
    /** right time in [left - within, left + within] */
    BOTH("both"),
    /** right time in [left, left + within] */
    AFTER("after"),
    /** right time in [left - within, left] */
    BEFORE("before");

    private final String yamlName;

    Direction(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
