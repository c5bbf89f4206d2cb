package io.lakestream.notify;

import io.lakestream.api.config.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Validation shared by the channel config records; every message starts with the channel. */
final class ConfigChecks {

  static final int MAX_ATTEMPTS_LIMIT = 100;
  static final int MAX_WORKERS = 64;
  static final int MAX_QUEUE_CAPACITY = 1_000_000;
  static final int MIN_SECRET_LENGTH = 16;

  private ConfigChecks() {}

  /** An alert's severity field; missing or unknown counts as critical (never filtered out). */
  static Severity severityOf(String text) {
    if (text != null) {
      for (Severity s : Severity.values()) {
        if (s.name().equalsIgnoreCase(text.trim())) {
          return s;
        }
      }
    }
    return Severity.CRITICAL;
  }

  static String label(String kind, String name) {
    return kind + " channel '" + name + "'";
  }

  static String name(String kind, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a " + kind + " channel needs a name");
    }
    String n = name.trim();
    if (n.length() > 100 || n.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          kind + " channel name '" + n + "' must be at most 100 characters, without control ones");
    }
    return n;
  }

  /** Parses and checks an http(s) URL; returns it in normalized form. */
  static String url(String label, String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(label + ": url is required");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          label + ": url is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          label + ": url must start with https:// or http://, got " + TargetGuard.display(uri));
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          label + ": url has no valid host name (host names may use letters, digits, '-' and '.')");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          label
              + ": url must not contain user:password@ (it would not be sent); use the channel's"
              + " secret or a token in the path instead");
    }
    return uri.toString();
  }

  static Duration positive(String label, String setting, Duration value, Duration fallback) {
    Duration d = value == null ? fallback : value;
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(label + ": " + setting + " must be positive, got " + d);
    }
    return d;
  }

  static int range(String label, String setting, Integer value, int fallback, int min, int max) {
    int v = value == null ? fallback : value;
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          label + ": " + setting + " must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  static void backoffs(String label, Duration initial, Duration max) {
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          label
              + ": max_backoff ("
              + max
              + ") must not be shorter than initial_backoff ("
              + initial
              + ")");
    }
  }

  static List<String> entries(String label, String setting, List<String> values) {
    if (values == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(label + ": " + setting + " has an empty entry");
      }
      out.add(v.trim());
    }
    return List.copyOf(out);
  }

  static List<String> cidrs(String label, List<String> values) {
    List<String> out = entries(label, "allow_cidrs", values);
    for (String c : out) {
      try {
        Cidr.parse(c);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(label + ": allow_cidrs: " + e.getMessage(), e);
      }
    }
    return out;
  }

  static String secret(String label, String secret) {
    if (secret != null && secret.isBlank()) {
      throw new IllegalArgumentException(
          label
              + ": secret is empty; set one (e.g. generated with `openssl rand -hex 24`) or leave"
              + " it out to send unsigned requests");
    }
    return secret;
  }
}
