package io.lakestream.api.config;

import java.util.List;
import java.util.Objects;

/**
 * An {@code mqtt} source: messages published on the source's topic filters, each payload one JSON
 * event.
 *
 * <p>Without {@code broker} the source is served by the broker embedded in {@code up} (one broker
 * for all such sources, on {@code host}:{@code port}). With {@code broker} it is a client that
 * subscribes to that external broker, reconnecting and resubscribing when the connection drops.
 *
 * @param topics MQTT topic filters ({@code +} and {@code #} allowed) whose messages belong to this
 *     source; no two sources may share a filter
 * @param deviceIdLevel 0-based topic level whose text is written into {@code deviceIdField} of the
 *     event (e.g. level 1 of {@code sensors/dev-7/telemetry} is {@code dev-7}); {@code null} for
 *     none
 * @param deviceIdField field the device id is written to; never overrides a field the payload has
 * @param host embedded broker: address to bind ({@code 127.0.0.1})
 * @param port embedded broker: port (1883), 0 picks a free one
 * @param users embedded broker: accepted username/password pairs; empty with no gateway API keys
 *     means anonymous clients are allowed (on loopback only)
 * @param broker client mode: {@code tcp://host:port} or {@code ssl://host:port} of an external
 *     broker; {@code null} for the embedded broker
 * @param clientId client mode: the MQTT client id (persistent session)
 * @param username client mode: user name, or {@code null}
 * @param password client mode: password, or {@code null}
 */
public record MqttSettings(
    List<String> topics,
    Integer deviceIdLevel,
    String deviceIdField,
    String host,
    int port,
    List<User> users,
    String broker,
    String clientId,
    String username,
    String password)
    implements SourceSettings {

  public static final int DEFAULT_PORT = 1883;

  public MqttSettings {
    topics = List.copyOf(topics);
    users = List.copyOf(users);
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(deviceIdField, "deviceIdField");
  }

  /** A copy whose embedded broker accepts {@code more} users too. */
  public MqttSettings withMoreUsers(List<User> more) {
    List<User> all = new java.util.ArrayList<>(users);
    all.addAll(more);
    return new MqttSettings(
        topics,
        deviceIdLevel,
        deviceIdField,
        host,
        port,
        all,
        broker,
        clientId,
        username,
        password);
  }

  /** Whether this source subscribes to an external broker instead of the embedded one. */
  public boolean clientMode() {
    return broker != null;
  }

  /** A user of the embedded broker. */
  public record User(String username, String password) implements java.io.Serializable {
    @Override
    public String toString() {
      return "User[" + username + "]";
    }
  }

  @Override
  public String toString() {
    return "MqttSettings[topics="
        + topics
        + ", broker="
        + (broker == null ? "embedded " + host + ":" + port : broker)
        + "]";
  }
}
