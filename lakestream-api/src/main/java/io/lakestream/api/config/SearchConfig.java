package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pipeline file's {@code search:} block: which events go into the full-text search index, how
 * their fields are indexed, and how long documents are kept.
 *
 * <pre>{@code
 * search:
 *   retention: 7d
 *   sources:
 *     app_logs:
 *       text: [message]
 *       keyword: [level, service, host]
 *       long: [status]
 *       double: [latency_ms]
 *   alerts: true
 *   errors: true
 * }</pre>
 *
 * @param sources indexed sources by name, with the fields of each
 * @param alerts whether alert events are indexed (as source {@value #ALERTS_SOURCE}, fields under
 *     {@code alert.})
 * @param errors whether rejected records are indexed (as source {@value #ERRORS_SOURCE}, fields
 *     under {@code error.})
 * @param retention documents older than this (by event time) are deleted
 * @param opensearch an OpenSearch/Elasticsearch cluster that receives the same documents, or {@code
 *     null}
 */
public record SearchConfig(
    Map<String, Fields> sources,
    boolean alerts,
    boolean errors,
    Duration retention,
    OpenSearch opensearch)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Source name of alert documents. */
  public static final String ALERTS_SOURCE = "_alerts";

  /** Source name of error-zone documents. */
  public static final String ERRORS_SOURCE = "_errors";

  /** Default retention: a week. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** No search index. */
  public static final SearchConfig NONE =
      new SearchConfig(Map.of(), false, false, DEFAULT_RETENTION, null);

  /** Copies and checks. */
  public SearchConfig {
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive");
    }
  }

  /** Whether anything is indexed at all. */
  public boolean enabled() {
    return !sources.isEmpty() || alerts || errors;
  }

  /**
   * How one source's fields are indexed. A field is named like the event's JSON member; dots reach
   * into nested objects ({@code http.status}).
   *
   * @param text analyzed full-text fields
   * @param keyword exact-match, case-sensitive fields (facets count these)
   * @param longs integer fields (ranges)
   * @param doubles floating-point fields (ranges)
   */
  public record Fields(
      List<String> text, List<String> keyword, List<String> longs, List<String> doubles)
      implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Copies. */
    public Fields {
      text = List.copyOf(text);
      keyword = List.copyOf(keyword);
      longs = List.copyOf(longs);
      doubles = List.copyOf(doubles);
    }
  }

  /**
   * An OpenSearch or Elasticsearch cluster that gets the same documents through its bulk API
   * (experimental).
   *
   * @param url base URL, e.g. {@code http://search:9200}
   * @param index index name
   * @param user basic-auth user, or {@code null}
   * @param password basic-auth password, or {@code null}
   */
  public record OpenSearch(String url, String index, String user, String password)
      implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
      return "OpenSearch[url="
          + url
          + ", index="
          + index
          + ", user="
          + user
          + (password == null ? "]" : ", password=***]");
    }
  }
}
