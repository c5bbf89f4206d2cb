package io.lakestream.notify;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * A block of IP addresses in CIDR notation, such as {@code 10.1.0.0/16} or {@code fd00::/8}.
 *
 * <p>Matching works on the address bytes: the first {@code prefix} bits of the address must equal
 * those of the network. An IPv4 address and its IPv4-mapped IPv6 form ({@code ::ffff:10.1.2.3}) are
 * the same destination and are both matched as IPv4; likewise a block written in mapped form
 * ({@code ::ffff:10.0.0.0/104}) is the IPv4 block {@code 10.0.0.0/8}. Otherwise IPv4 addresses
 * never match IPv6 blocks and the other way round: {@code ::/0} does not cover IPv4.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses {@code address/prefix}; a bare address is a block of one ({@code /32} or {@code /128}).
   * Host bits set below the prefix are cleared: {@code 10.1.2.3/16} is {@code 10.1.0.0/16}.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty CIDR block: write e.g. 10.1.0.0/16 or fd00::/8");
    }
    String s = text.trim();
    int slash = s.lastIndexOf('/');
    String addressText = slash < 0 ? s : s.substring(0, slash);
    byte[] address = IpLiterals.parse(addressText);
    if (address == null) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a CIDR block: '"
              + addressText
              + "' is not an IPv4 or IPv6 address (write e.g. 10.1.0.0/16 or fd00::/8)");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a CIDR block: the prefix length after '/' must be a number");
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a CIDR block: the prefix length of an "
                + (bits == 32 ? "IPv4" : "IPv6")
                + " block is 0 to "
                + bits);
      }
    }
    if (address.length == 16 && prefix >= 96 && IpLiterals.isMapped(address)) {
      // an IPv4-mapped block is the IPv4 block it maps
      return new Cidr(mask(IpLiterals.unmap(address), prefix - 96), prefix - 96);
    }
    return new Cidr(mask(address, prefix), prefix);
  }

  /** Whether the address is inside this block. */
  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** Whether the address (4 or 16 bytes) is inside this block. */
  public boolean contains(byte[] address) {
    byte[] a = IpLiterals.unmap(address);
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int m = (0xff << (8 - rest)) & 0xff;
    return (a[full] & m) == (network[full] & m);
  }

  /** The prefix length in bits. */
  public int prefix() {
    return prefix;
  }

  /** Whether this is an IPv4 block. */
  public boolean isIpv4() {
    return network.length == 4;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
      int m = bitsHere == 0 ? 0 : (0xff << (8 - bitsHere)) & 0xff;
      out[i] = (byte) (out[i] & m);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  /** The block in CIDR notation, e.g. {@code 10.1.0.0/16} or {@code fe80:0:0:0:0:0:0:0/10}. */
  @Override
  public String toString() {
    return IpLiterals.format(network) + "/" + prefix;
  }
}
