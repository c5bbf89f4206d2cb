package io.lakestream.notify;

import java.net.InetAddress;

/**
 * Strict parsing of IP address literals into bytes, without any name lookup.
 *
 * <p>IPv4 is accepted only as four decimal parts ({@code 10.1.2.3}); the legacy forms that some
 * resolvers accept ({@code 10.1}, {@code 0x0a.1.2.3}, leading zeros) are refused so that what a
 * person reads is what is matched. IPv6 follows RFC 4291 text form, with {@code ::} compression, an
 * optional trailing dotted IPv4 part and optional surrounding brackets; zone ids ({@code %eth0})
 * are refused.
 */
final class IpLiterals {

  private IpLiterals() {}

  /** The address's 4 or 16 bytes, or null when the text is not an IP literal. */
  static byte[] parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    String s = text;
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
  }

  /** Four bytes, or null unless the text is a dotted quad of decimal numbers 0-255. */
  static byte[] parseIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /** Sixteen bytes, or null when the text is not an IPv6 literal. */
  static byte[] parseIpv6(String s) {
    if (s.indexOf('%') >= 0) {
      return null;
    }
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    byte[] head = groups(gap >= 0 ? s.substring(0, gap) : s, gap < 0);
    byte[] tail = gap >= 0 ? groups(s.substring(gap + 2), true) : new byte[0];
    if (head == null || tail == null) {
      return null;
    }
    if (gap < 0 ? head.length != 16 : head.length + tail.length > 14) {
      return null;
    }
    byte[] out = new byte[16];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, 16 - tail.length, tail.length);
    return out;
  }

  /** Colon-separated groups as bytes; the last group may be dotted IPv4 when allowed. */
  private static byte[] groups(String part, boolean ipv4Last) {
    if (part.isEmpty()) {
      return new byte[0];
    }
    String[] tokens = part.split(":", -1);
    if (tokens.length > 8) {
      return null;
    }
    byte[] out = new byte[tokens.length * 2 + 2];
    int n = 0;
    for (int i = 0; i < tokens.length; i++) {
      String t = tokens[i];
      if (i == tokens.length - 1 && ipv4Last && t.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(t);
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, out, n, 4);
        n += 4;
        continue;
      }
      if (t.isEmpty() || t.length() > 4) {
        return null;
      }
      int v = 0;
      for (int j = 0; j < t.length(); j++) {
        int d = Character.digit(t.charAt(j), 16);
        if (d < 0 || t.charAt(j) > 'f') {
          return null;
        }
        v = v * 16 + d;
      }
      out[n++] = (byte) (v >> 8);
      out[n++] = (byte) v;
    }
    byte[] trimmed = new byte[n];
    System.arraycopy(out, 0, trimmed, 0, n);
    return trimmed;
  }

  /**
   * The IPv4 address carried by an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}), else the
   * bytes unchanged. IPv4 and IPv4-mapped forms are the same destination, so they are matched the
   * same way.
   */
  static byte[] unmap(byte[] address) {
    if (address.length == 16 && isMapped(address)) {
      byte[] v4 = new byte[4];
      System.arraycopy(address, 12, v4, 0, 4);
      return v4;
    }
    return address;
  }

  static boolean isMapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  /** The address in text form, e.g. {@code 10.0.0.1} or {@code fe80::1} (no zone id). */
  static String format(InetAddress address) {
    return format(address.getAddress());
  }

  /** Bytes in text form: IPv4 dotted, IPv6 with the longest run of zero groups as {@code ::}. */
  static String format(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
