package io.lakestream.source.mqtt.internal;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import io.lakestream.api.config.MqttSettings.User;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who may connect to the embedded broker.
 *
 * <p>With users configured, a client must send one user's name and password. Names and passwords
 * are compared as SHA-256 digests with {@link MessageDigest#isEqual}, and every user is checked, so
 * the time taken reveals neither which part was wrong nor how long the secret is. Without users,
 * clients connect anonymously, but only from a loopback address: that is the development default,
 * and a broker reachable from the network without credentials would let anyone write into the
 * pipeline.
 */
public final class Authenticator implements SimpleAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

  private record Digests(byte[] user, byte[] password) {}

  private final List<Digests> users;
  private final LogLimiter refusals = new LogLimiter(1, TimeUnit.MINUTES);

  public Authenticator(List<User> users) {
    this.users =
        users.stream()
            .map(u -> new Digests(sha256(utf8(u.username())), sha256(utf8(u.password()))))
            .toList();
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    String clientId = input.getClientInformation().getClientId();
    InetAddress peer = input.getConnectionInformation().getInetAddress().orElse(null);
    if (users.isEmpty()) {
      if (peer != null && peer.isLoopbackAddress()) {
        output.authenticateSuccessfully();
      } else {
        refuse(clientId, peer, "anonymous clients are accepted from loopback only");
        output.failAuthentication(
            ConnackReasonCode.NOT_AUTHORIZED,
            "anonymous clients are accepted from loopback only; configure mqtt users");
      }
      return;
    }
    ConnectPacket connect = input.getConnectPacket();
    byte[] user = sha256(utf8(connect.getUserName().orElse("")));
    byte[] password = sha256(connect.getPassword().map(Authenticator::bytes).orElse(new byte[0]));
    boolean ok = false;
    for (Digests d : users) {
      // no short-circuit: every user costs the same time
      ok |= MessageDigest.isEqual(d.user, user) & MessageDigest.isEqual(d.password, password);
    }
    if (ok) {
      output.authenticateSuccessfully();
    } else {
      refuse(clientId, peer, "bad user name or password");
      output.failAuthentication(
          ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
    }
  }

  private void refuse(String clientId, InetAddress peer, String why) {
    if (refusals.allow()) {
      LOG.warn(
          "MQTT client '{}' from {} refused: {} ({} similar refusals not logged)",
          clientId,
          peer == null ? "unknown address" : peer.getHostAddress(),
          why,
          refusals.suppressed());
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
