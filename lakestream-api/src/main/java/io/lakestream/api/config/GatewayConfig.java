package io.lakestream.api.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * HTTP gateway settings.
 *
 * @param host address to bind; {@code 127.0.0.1} by default
 * @param port port to bind; 0 picks a free one
 * @param maxBodyBytes largest request body accepted; larger ones get 413
 * @param kafkaTimeout how long a request waits for Kafka before answering 503
 * @param apiKeys bearer tokens; when not empty every request must carry one
 * @param allowInsecureBind allow binding a non-loopback address without API keys
 */
public record GatewayConfig(
    String host,
    int port,
    long maxBodyBytes,
    Duration kafkaTimeout,
    List<ApiKey> apiKeys,
    boolean allowInsecureBind)
    implements Serializable {

  public GatewayConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(kafkaTimeout, "kafkaTimeout");
    apiKeys = List.copyOf(apiKeys);
  }

  /** A copy bound to another port (command-line override). */
  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(host, newPort, maxBodyBytes, kafkaTimeout, apiKeys, allowInsecureBind);
  }

  /** A copy bound to another host (command-line override). */
  public GatewayConfig withHost(String newHost) {
    return new GatewayConfig(newHost, port, maxBodyBytes, kafkaTimeout, apiKeys, allowInsecureBind);
  }

  /**
   * A bearer token and the sources it may post to.
   *
   * @param name a label for logs (never the token itself)
   * @param token the secret
   * @param sources sources this key may post to; empty means all
   */
  public record ApiKey(String name, String token, Set<String> sources) implements Serializable {
    public ApiKey {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(token, "token");
      sources = Set.copyOf(sources);
    }

    /** Whether this key may post to the named source. */
    public boolean allows(String source) {
      return sources.isEmpty() || sources.contains(source);
    }

    @Override
    public String toString() {
      return "ApiKey[" + name + ", sources=" + sources + "]";
    }
  }
}
