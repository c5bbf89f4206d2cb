package io.lakestream.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "255.255.255.255",
        "10.1.2.3",
        "::",
        "::1",
        "1::",
        "fe80::1",
        "FE80::ABCD",
        "1:2:3:4:5:6:7:8",
        "1::8",
        "1:2:3:4:5:6::8",
        "::2:3:4:5:6:7:8",
        "::ffff:1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4",
        "64:ff9b::10.0.0.1",
        "[::1]"
      })
  void parsesLikeTheJdk(String text) throws Exception {
    byte[] parsed = IpLiterals.parse(text);
    assertThat(parsed).isNotNull();
    // The JDK turns IPv4-mapped addresses into IPv4 ones; compare in that form.
    byte[] jdk = InetAddress.getByName(text).getAddress();
    assertThat(IpLiterals.unmap(parsed)).isEqualTo(jdk);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.256",
        "01.2.3.4",
        "1.2.3.-4",
        "1.2.3.4 ",
        "0x7f.0.0.1",
        "2130706433",
        "127.1",
        ":::",
        "1::2::3",
        ":1",
        "1:",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7::8",
        "12345::",
        "g::",
        "fe80::1%eth0",
        "::1.2.3",
        "1.2.3.4::",
        "1:2:3:4:5:6:7:1.2.3.4",
        "::１",
        "localhost"
      })
  void refusesWhatIsNotAStrictLiteral(String text) {
    assertThat(IpLiterals.parse(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"::", "::1", "fe80::", "1::1", "1:0:0:1::", "2001:db8:0:0:1:0:0:1"})
  void formatsCompressed(String text) throws Exception {
    byte[] a = IpLiterals.parse(text);
    assertThat(IpLiterals.parse(IpLiterals.format(a))).isEqualTo(a);
    assertThat(IpLiterals.format(a).length()).isLessThanOrEqualTo(text.length());
  }
}
