package io.lakestream.api.config;

import java.util.Objects;

/**
 * A {@code syslog} source: RFC 5424 and RFC 3164 messages over TCP (newline or octet-counted
 * framing, detected per message) and UDP (one message per datagram).
 *
 * @param host address to bind; {@code 127.0.0.1} by default
 * @param tcpPort TCP port, 0 picks a free one, {@code null} when TCP is off
 * @param udpPort UDP port, 0 picks a free one, {@code null} when UDP is off
 * @param maxMessageBytes longest message kept whole; a longer one goes to the error zone with its
 *     first {@code maxMessageBytes} bytes and the reason
 */
public record SyslogSettings(String host, Integer tcpPort, Integer udpPort, int maxMessageBytes)
    implements SourceSettings {

  public static final int DEFAULT_PORT = 5514;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  public SyslogSettings {
    Objects.requireNonNull(host, "host");
  }

  public static SyslogSettings defaults() {
    return new SyslogSettings("127.0.0.1", DEFAULT_PORT, DEFAULT_PORT, DEFAULT_MAX_MESSAGE_BYTES);
  }
}
