package io.lakestream.notify;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Protects the network from notification URLs (server-side request forgery): a pipeline file must
 * not be able to make Lakestream send requests to internal services, cloud metadata endpoints or
 * the machine itself.
 *
 * <p>A URL passes when its scheme is {@code http} or {@code https} and every address its host
 * resolves to is public. Refused are:
 *
 * <ul>
 *   <li>unspecified: {@code 0.0.0.0/8}, {@code ::}
 *   <li>loopback: {@code 127.0.0.0/8}, {@code ::1}
 *   <li>private: {@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16}, unique local
 *       {@code fc00::/7}, site-local {@code fec0::/10}
 *   <li>link-local: {@code 169.254.0.0/16} (including cloud metadata at 169.254.169.254), {@code
 *       fe80::/10}
 *   <li>carrier-grade NAT: {@code 100.64.0.0/10}
 *   <li>multicast: {@code 224.0.0.0/4}, {@code ff00::/8}; reserved and broadcast: {@code
 *       240.0.0.0/4}
 *   <li>IPv6 forms that carry one of the IPv4 addresses above: IPv4-compatible {@code ::/96}, NAT64
 *       {@code 64:ff9b::/96} and 6to4 {@code 2002::/16}. An IPv4-mapped address ({@code
 *       ::ffff:10.0.0.1}) is judged as the IPv4 address it carries.
 * </ul>
 *
 * <p>Configuration can allow exceptions: <b>allow hosts</b> are host names or IP literals compared
 * with the URL's host (case-insensitive; {@code localhost} allows {@code http://localhost:9000/});
 * an IP literal also allows that address wherever it is resolved from. <b>Allow CIDRs</b> are
 * blocks such as {@code 10.1.0.0/16} whose addresses are let through.
 *
 * <p>Channels check their URL when they are configured and again before every request, because what
 * a name resolves to can change. The HTTP client resolves the name once more when it connects, so a
 * DNS server that answers differently within milliseconds can still slip past; put an egress
 * firewall in front of Lakestream where that matters. An HTTP proxy configured through the JVM's
 * proxy settings resolves names itself and is not covered by this check.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TargetGuard {

  /** Name resolution, replaceable in tests. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A refused block; {@code ipv4At >= 0} when its addresses carry an IPv4 address there. */
  private record Rule(Cidr block, String text, int ipv4At) {
    static Rule of(String block, String what) {
      return new Rule(Cidr.parse(block), block + " (" + what + ")", -1);
    }

    static Rule carrying(String block, String what, int ipv4At) {
      return new Rule(Cidr.parse(block), block + " (" + what + ")", ipv4At);
    }
  }

  private static final List<Rule> IPV4_RULES =
      List.of(
          Rule.of("0.0.0.0/8", "unspecified, 'this network'"),
          Rule.of("10.0.0.0/8", "private network, RFC 1918"),
          Rule.of("100.64.0.0/10", "carrier-grade NAT shared space, RFC 6598"),
          Rule.of("127.0.0.0/8", "loopback"),
          Rule.of("169.254.0.0/16", "link-local, includes cloud metadata endpoints"),
          Rule.of("172.16.0.0/12", "private network, RFC 1918"),
          Rule.of("192.168.0.0/16", "private network, RFC 1918"),
          Rule.of("224.0.0.0/4", "multicast"),
          Rule.of("240.0.0.0/4", "reserved and broadcast"));

  private static final List<Rule> IPV6_RULES =
      List.of(
          Rule.of("::/128", "unspecified"),
          Rule.of("::1/128", "loopback"),
          Rule.of("fe80::/10", "link-local"),
          Rule.of("fec0::/10", "site-local"),
          Rule.of("fc00::/7", "unique local, private network"),
          Rule.of("ff00::/8", "multicast"),
          Rule.carrying("::/96", "IPv4-compatible", 12),
          Rule.carrying("64:ff9b::/96", "NAT64", 12),
          Rule.carrying("2002::/16", "6to4", 2));

  private static final TargetGuard STRICT = new TargetGuard(List.of(), List.of());

  private final Set<String> allowHosts;
  private final List<byte[]> allowAddresses;
  private final List<Cidr> allowCidrs;
  private final Resolver resolver;

  /**
   * A guard with exceptions.
   *
   * @param allowHosts host names or IP literals let through (may be null)
   * @param allowCidrs CIDR blocks let through (may be null)
   * @throws IllegalArgumentException when an entry is blank or a CIDR block is malformed
   */
  public TargetGuard(Collection<String> allowHosts, Collection<String> allowCidrs) {
    this(allowHosts, allowCidrs, InetAddress::getAllByName);
  }

  TargetGuard(Collection<String> allowHosts, Collection<String> allowCidrs, Resolver resolver) {
    Set<String> hosts = new TreeSet<>();
    List<byte[]> addresses = new ArrayList<>();
    for (String h : allowHosts == null ? List.<String>of() : allowHosts) {
      if (h == null || h.isBlank()) {
        throw new IllegalArgumentException("allow_hosts has an empty entry");
      }
      String host = normalizeHost(h.trim());
      hosts.add(host);
      byte[] literal = IpLiterals.parse(host);
      if (literal != null) {
        addresses.add(IpLiterals.unmap(literal));
      }
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String c : allowCidrs == null ? List.<String>of() : allowCidrs) {
      cidrs.add(Cidr.parse(c));
    }
    this.allowHosts = Set.copyOf(hosts);
    this.allowAddresses = List.copyOf(addresses);
    this.allowCidrs = List.copyOf(cidrs);
    this.resolver = resolver;
  }

  /** A guard without exceptions: only public addresses pass. */
  public static TargetGuard strict() {
    return STRICT;
  }

  /**
   * Checks a URL: its scheme, then every address its host resolves to (unless the host is an
   * allowed host).
   *
   * @return the addresses checked (empty when the host was allowed by name)
   * @throws TargetRefusedException when the URL or one of its addresses is refused
   * @throws UnknownHostException when the host does not resolve
   */
  public List<InetAddress> check(URI url) throws UnknownHostException {
    String shown = display(url);
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new TargetRefusedException(
          shown,
          null,
          "scheme",
          "refusing notification URL "
              + shown
              + ": only http and https URLs are allowed, not '"
              + url.getScheme()
              + "'");
    }
    String rawHost = url.getHost();
    if (rawHost == null || rawHost.isEmpty()) {
      throw new TargetRefusedException(
          shown,
          null,
          "host",
          "refusing notification URL "
              + shown
              + ": it has no host name (or one that is not valid, e.g. with '_')");
    }
    String host = normalizeHost(rawHost);
    if (allowHosts.contains(host)) {
      return List.of();
    }
    InetAddress[] resolved = resolver.resolve(host);
    if (resolved == null || resolved.length == 0) {
      throw new UnknownHostException("host " + host + " has no addresses");
    }
    boolean literal = IpLiterals.parse(host) != null;
    for (InetAddress address : resolved) {
      String why = refusal(address);
      if (why != null) {
        String addressText = IpLiterals.format(address);
        String where =
            literal
                ? addressText + " is in "
                : "host " + host + " resolves to " + addressText + " in ";
        throw new TargetRefusedException(
            shown,
            addressText,
            why,
            "refusing notification URL "
                + shown
                + ": "
                + where
                + why
                + ". Alerts go only to public addresses so that a pipeline file cannot reach"
                + " internal services (SSRF protection). If this receiver is intended, allow it on"
                + " the channel: allow_hosts: [\""
                + host
                + "\"] or allow_cidrs: [\""
                + suggestedBlock(address)
                + "\"]");
      }
    }
    return List.of(resolved);
  }

  /**
   * Why an address is refused, e.g. {@code "10.0.0.0/8 (private network, RFC 1918)"}, or null when
   * it is public or allowed. Allow hosts and CIDRs are taken into account.
   */
  public String refusal(InetAddress address) {
    byte[] a = IpLiterals.unmap(address.getAddress());
    if (allowed(a)) {
      return null;
    }
    if (a.length == 4) {
      return ruleFor(a, IPV4_RULES);
    }
    for (Rule rule : IPV6_RULES) {
      if (!rule.block().contains(a)) {
        continue;
      }
      if (rule.ipv4At() < 0) {
        return rule.text();
      }
      byte[] v4 = new byte[4];
      System.arraycopy(a, rule.ipv4At(), v4, 0, 4);
      if (allowed(v4)) {
        return null;
      }
      String inner = ruleFor(v4, IPV4_RULES);
      return inner == null
          ? null
          : rule.text() + " carrying " + IpLiterals.format(v4) + " in " + inner;
    }
    return null;
  }

  private boolean allowed(byte[] a) {
    for (byte[] exact : allowAddresses) {
      if (Arrays.equals(exact, a)) {
        return true;
      }
    }
    for (Cidr c : allowCidrs) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private static String ruleFor(byte[] a, List<Rule> rules) {
    for (Rule rule : rules) {
      if (rule.block().contains(a)) {
        return rule.text();
      }
    }
    return null;
  }

  private static String suggestedBlock(InetAddress address) {
    byte[] a = IpLiterals.unmap(address.getAddress());
    return IpLiterals.format(a) + (a.length == 4 ? "/32" : "/128");
  }

  private static String normalizeHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /**
   * A URL as shown in messages and logs: scheme, host and port only, because paths and queries
   * often carry secrets (a Slack webhook's path is its token).
   */
  static String display(URI url) {
    StringBuilder sb = new StringBuilder();
    sb.append(url.getScheme() == null ? "" : url.getScheme() + "://");
    sb.append(url.getHost() == null ? "?" : url.getHost());
    if (url.getPort() >= 0) {
      sb.append(':').append(url.getPort());
    }
    String path = url.getRawPath();
    if ((path != null && path.length() > 1) || url.getRawQuery() != null) {
      sb.append("/…");
    } else {
      sb.append('/');
    }
    return sb.toString();
  }
}
