package io.lakestream.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  private static boolean contains(String cidr, String address) {
    return Cidr.parse(cidr).contains(IpLiterals.parse(address));
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    // byte-aligned IPv4
    "10.0.0.0/8, 10.0.0.0, true",
    "10.0.0.0/8, 10.255.255.255, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "10.0.0.0/8, 9.255.255.255, false",
    // prefixes inside a byte
    "172.16.0.0/12, 172.15.255.255, false",
    "172.16.0.0/12, 172.16.0.0, true",
    "172.16.0.0/12, 172.31.255.255, true",
    "172.16.0.0/12, 172.32.0.0, false",
    "100.64.0.0/10, 100.63.255.255, false",
    "100.64.0.0/10, 100.64.0.0, true",
    "100.64.0.0/10, 100.127.255.255, true",
    "100.64.0.0/10, 100.128.0.0, false",
    "192.168.1.128/25, 192.168.1.127, false",
    "192.168.1.128/25, 192.168.1.128, true",
    "192.168.1.128/25, 192.168.1.255, true",
    "10.1.2.2/31, 10.1.2.3, true",
    "10.1.2.2/31, 10.1.2.4, false",
    // ends: /0 and /32
    "0.0.0.0/0, 255.255.255.255, true",
    "0.0.0.0/0, 0.0.0.0, true",
    "8.8.8.8/32, 8.8.8.8, true",
    "8.8.8.8/32, 8.8.8.9, false",
    "8.8.8.8, 8.8.8.8, true",
    // host bits below the prefix are cleared
    "10.1.2.3/16, 10.1.255.0, true",
    "10.1.2.3/16, 10.2.0.0, false",
    // IPv6
    "fe80::/10, fe80::1, true",
    "fe80::/10, febf:ffff::1, true",
    "fe80::/10, fec0::1, false",
    "fe80::/10, fe7f:ffff::1, false",
    "fc00::/7, fc00::, true",
    "fc00::/7, fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true",
    "fc00::/7, fe00::, false",
    "fc00::/7, fbff::, false",
    "::1/128, ::1, true",
    "::1/128, ::2, false",
    "::/128, ::, true",
    "::/0, 2001:db8::1, true",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
    "2001:db8:0:1::/65, 2001:db8:0:1:7fff::1, true",
    "2001:db8:0:1::/65, 2001:db8:0:1:8000::1, false",
    // IPv4 and IPv4-mapped IPv6 are the same destination
    "127.0.0.0/8, ::ffff:127.0.0.1, true",
    "127.0.0.0/8, ::ffff:7f00:1, true",
    "::ffff:10.0.0.0/104, 10.9.9.9, true",
    "::ffff:10.0.0.0/104, 11.0.0.1, false",
    // other families never match
    "10.0.0.0/8, fe80::1, false",
    "::/0, 10.0.0.1, false",
    "::/0, ::ffff:10.0.0.1, false",
    "::ffff:0:0/96, 10.0.0.1, true",
    "0.0.0.0/0, ::1, false",
    "10.0.0.0/8, ::10.0.0.1, false"
  })
  void matches(String cidr, String address, boolean expected) {
    assertThat(contains(cidr, address)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/33",
        "fe80::/129",
        "10.0.0.0/",
        "10.0.0.0/-1",
        "10.0.0.0/8/8",
        "10.0.0/8",
        "010.0.0.0/8",
        "256.0.0.0/8",
        "example.com/8",
        "fe80:::/10",
        "10.0.0.0/0x8",
        " ",
      })
  void refusesMalformedBlocks(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CIDR block");
  }

  @ParameterizedTest
  @CsvSource({
    "10.1.2.3/16, 10.1.0.0/16",
    "fe80::1/10, fe80::/10",
    "2001:0db8:0000:0000:0000:0000:0000:0001/128, 2001:db8::1/128",
    "::/0, ::/0",
    "1:0:0:1:0:0:0:0/64, 1:0:0:1::/64",
    "::ffff:10.0.0.0/104, 10.0.0.0/8"
  })
  void printsInCanonicalForm(String text, String printed) {
    assertThat(Cidr.parse(text)).hasToString(printed);
  }

  @ParameterizedTest
  @CsvSource({"10.0.0.0/33, 0 to 32", "fe80::/129, 0 to 128"})
  void saysWhatPrefixLengthsAreAllowed(String text, String range) {
    assertThatThrownBy(() -> Cidr.parse(text)).hasMessageContaining(range);
  }
}
