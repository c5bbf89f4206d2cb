package io.lakestream.gateway.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A point-in-time snapshot of an {@link HttpGateway}'s counters, since it was built.
 *
 * @param requests HTTP requests received, on every path (health checks and refusals included)
 * @param rejected requests answered with an error status (4xx or 5xx)
 * @param bytes request body bytes read
 * @param sources per-source counters, in pipeline order
 */
public record GatewayStats(
    long requests, long rejected, long bytes, Map<String, SourceStats> sources) {

  public GatewayStats {
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** Counters of one source. */
  public SourceStats source(String name) {
    return sources.get(name);
  }

  /**
   * Counters of one source's events endpoint.
   *
   * @param requests requests posted to the source
   * @param bytes body bytes read for the source
   * @param accepted well-formed events acknowledged by Kafka
   * @param quarantined malformed NDJSON lines written to Kafka with an {@code ls.error} header
   * @param rejected requests refused as a whole (4xx or 5xx); none of their events counted above
   */
  public record SourceStats(
      long requests, long bytes, long accepted, long quarantined, long rejected) {}
}
