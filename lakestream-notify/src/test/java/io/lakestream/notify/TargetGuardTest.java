package io.lakestream.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

  private static URI url(String host) {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return URI.create("https://" + h + ":8443/hooks/secret-token?x=1");
  }

  @ParameterizedTest(name = "{0} refused by {1}")
  @CsvSource({
    "127.0.0.1, 127.0.0.0/8 (loopback)",
    "127.255.255.254, 127.0.0.0/8 (loopback)",
    "::1, ::1/128 (loopback)",
    "169.254.169.254, 169.254.0.0/16 (link-local",
    "169.254.0.1, 169.254.0.0/16 (link-local",
    "fe80::1, fe80::/10 (link-local)",
    "febf:ffff::1, fe80::/10 (link-local)",
    "10.0.0.1, 10.0.0.0/8 (private network",
    "10.255.255.255, 10.0.0.0/8 (private network",
    "172.16.0.1, 172.16.0.0/12 (private network",
    "172.31.255.255, 172.16.0.0/12 (private network",
    "192.168.0.1, 192.168.0.0/16 (private network",
    "192.168.255.255, 192.168.0.0/16 (private network",
    "fc00::1, fc00::/7 (unique local",
    "fd12:3456:789a::1, fc00::/7 (unique local",
    "fec0::1, fec0::/10 (site-local)",
    "0.0.0.0, 0.0.0.0/8 (unspecified",
    "0.1.2.3, 0.0.0.0/8 (unspecified",
    "::, ::/128 (unspecified)",
    "100.64.0.1, 100.64.0.0/10 (carrier-grade NAT",
    "100.127.255.255, 100.64.0.0/10 (carrier-grade NAT",
    "224.0.0.1, 224.0.0.0/4 (multicast)",
    "239.255.255.250, 224.0.0.0/4 (multicast)",
    "ff02::1, ff00::/8 (multicast)",
    "255.255.255.255, 240.0.0.0/4 (reserved and broadcast)",
    "::ffff:127.0.0.1, 127.0.0.0/8 (loopback)",
    "::ffff:10.1.2.3, 10.0.0.0/8 (private network",
    "::ffff:169.254.169.254, 169.254.0.0/16 (link-local",
    "::ffff:0.0.0.0, 0.0.0.0/8 (unspecified",
    "::127.0.0.1, ::/96 (IPv4-compatible) carrying 127.0.0.1 in 127.0.0.0/8 (loopback)",
    "64:ff9b::a9fe:a9fe, 64:ff9b::/96 (NAT64) carrying 169.254.169.254 in 169.254.0.0/16",
    "64:ff9b::10.0.0.1, 64:ff9b::/96 (NAT64) carrying 10.0.0.1 in 10.0.0.0/8",
    "2002:c0a8:0101::1, 2002::/16 (6to4) carrying 192.168.1.1 in 192.168.0.0/16"
  })
  void refusesInternalAddresses(String address, String rule) {
    assertThatThrownBy(() -> TargetGuard.strict().check(url(address)))
        .isInstanceOfSatisfying(
            TargetRefusedException.class,
            e -> {
              assertThat(e.rule()).startsWith(rule);
              assertThat(e.url()).isEqualTo("https://" + bracketed(address) + ":8443/…");
              assertThat(e.getMessage())
                  .contains("refusing notification URL https://")
                  .contains(" is in " + rule)
                  .contains("SSRF")
                  .contains("allow_hosts: [\"")
                  .contains("allow_cidrs: [\"")
                  .doesNotContain("secret-token");
            });
  }

  private static String bracketed(String address) {
    return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.1",
        "192.167.255.255",
        "169.253.255.255",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2001:4860:4860::8888",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:0808:0808::1"
      })
  void letsPublicAddressesThrough(String address) {
    assertThatCode(() -> TargetGuard.strict().check(url(address))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "x:y"})
  void refusesOtherSchemes(String text) {
    assertThatThrownBy(() -> TargetGuard.strict().check(URI.create(text)))
        .isInstanceOf(TargetRefusedException.class)
        .hasMessageContaining("only http and https URLs are allowed");
  }

  @Test
  void allowsListedHostsByName() throws Exception {
    TargetGuard guard = new TargetGuard(List.of("LocalHost", "127.0.0.1", "::1"), List.of());
    assertThat(guard.check(URI.create("http://localhost:9000/hook"))).isEmpty();
    assertThat(guard.check(URI.create("http://localhost.:9000/hook"))).isEmpty();
    assertThatCode(() -> guard.check(URI.create("http://127.0.0.1:9000/")))
        .doesNotThrowAnyException();
    assertThatCode(() -> guard.check(URI.create("http://[::1]:9000/"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check(URI.create("http://127.0.0.2:9000/")))
        .isInstanceOf(TargetRefusedException.class);
  }

  @Test
  void anAllowedIpLiteralAllowsThatAddressWhateverNameResolvesToIt() throws Exception {
    TargetGuard guard =
        new TargetGuard(
            List.of("10.0.0.5"),
            List.of(),
            host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 5})});
    assertThatCode(() -> guard.check(URI.create("https://internal.example/")))
        .doesNotThrowAnyException();
  }

  @Test
  void allowsListedCidrs() {
    TargetGuard guard = new TargetGuard(List.of(), List.of("10.1.0.0/16", "fd00:1::/32"));
    assertThatCode(() -> guard.check(url("10.1.2.3"))).doesNotThrowAnyException();
    assertThatCode(() -> guard.check(url("10.1.255.255"))).doesNotThrowAnyException();
    assertThatCode(() -> guard.check(url("::ffff:10.1.2.3"))).doesNotThrowAnyException();
    assertThatCode(() -> guard.check(url("64:ff9b::10.1.2.3"))).doesNotThrowAnyException();
    assertThatCode(() -> guard.check(url("fd00:1:ffff::1"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check(url("10.2.0.1")))
        .isInstanceOf(TargetRefusedException.class)
        .hasMessageContaining("10.0.0.0/8");
    assertThatThrownBy(() -> guard.check(url("fd00:2::1")))
        .isInstanceOf(TargetRefusedException.class);
  }

  @Test
  void everyResolvedAddressMustBePublic() {
    TargetGuard guard =
        new TargetGuard(
            List.of(),
            List.of(),
            host ->
                new InetAddress[] {
                  InetAddress.getByAddress(host, new byte[] {8, 8, 8, 8}),
                  InetAddress.getByAddress(host, new byte[] {(byte) 192, (byte) 168, 0, 1})
                });
    assertThatThrownBy(() -> guard.check(URI.create("https://mixed.example/hook")))
        .isInstanceOfSatisfying(
            TargetRefusedException.class,
            e -> {
              assertThat(e.address()).isEqualTo("192.168.0.1");
              assertThat(e.getMessage())
                  .contains(
                      "host mixed.example resolves to 192.168.0.1 in 192.168.0.0/16",
                      "allow_hosts: [\"mixed.example\"]",
                      "allow_cidrs: [\"192.168.0.1/32\"]");
            });
  }

  @Test
  void aHostThatDoesNotResolveIsReported() {
    TargetGuard guard =
        new TargetGuard(
            List.of(),
            List.of(),
            host -> {
              throw new UnknownHostException(host);
            });
    assertThatThrownBy(() -> guard.check(URI.create("https://nowhere.invalid/")))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void refusalNamesTheRuleOrNull() throws Exception {
    assertThat(TargetGuard.strict().refusal(InetAddress.getByName("10.0.0.1")))
        .isEqualTo("10.0.0.0/8 (private network, RFC 1918)");
    assertThat(TargetGuard.strict().refusal(InetAddress.getByName("9.9.9.9"))).isNull();
  }

  @Test
  void refusesMalformedAllowLists() {
    assertThatThrownBy(() -> new TargetGuard(List.of(" "), List.of()))
        .hasMessageContaining("allow_hosts");
    assertThatThrownBy(() -> new TargetGuard(List.of(), List.of("10.0.0.0/40")))
        .hasMessageContaining("10.0.0.0/40");
  }
}
