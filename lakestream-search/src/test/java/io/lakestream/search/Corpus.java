package io.lakestream.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A deterministic corpus of log events, with the Java-side truth the tests compare against. */
final class Corpus {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Instant BASE = Instant.parse("2026-12-01T00:00:00Z");

  static final IndexSchema SCHEMA =
      IndexSchema.builder()
          .text("message")
          .keyword("level", "service", "host", "http.method", "tags", "region")
          .longs("http.status", "bytes")
          .doubles("latency_ms")
          .build();

  static final String[] LEVELS = {"INFO", "INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"};
  static final String[] SERVICES = {
    "Checkout", "checkout-worker", "payments", "search api", "auth"
  };
  static final int[] STATUSES = {200, 200, 200, 201, 204, 301, 400, 404, 500, 502, 503};
  static final String[] METHODS = {"GET", "GET", "POST", "PUT", "DELETE"};
  static final String[] TAGS = {"prod", "canary", "eu", "us"};
  static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};

  /** One event and its fields as Java values. */
  record Event(
      String id,
      String source,
      long eventTime,
      long ingestTime,
      String level,
      String service,
      String host,
      String message,
      int status,
      String method,
      double latency,
      long bytes,
      List<String> tags,
      String region) {

    List<String> tokens() {
      return Arrays.stream(message.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"))
          .filter(s -> !s.isEmpty())
          .toList();
    }

    boolean hasToken(String t) {
      return tokens().contains(t);
    }

    boolean hasPhrase(String... words) {
      List<String> tok = tokens();
      return Collections.indexOfSubList(tok, List.of(words)) >= 0;
    }

    ObjectNode json() {
      ObjectNode n = MAPPER.createObjectNode();
      n.put("level", level);
      n.put("service", service);
      n.put("host", host);
      n.put("message", message);
      ObjectNode http = n.putObject("http");
      http.put("status", status);
      http.put("method", method);
      n.put("latency_ms", latency);
      n.put("bytes", bytes);
      tags.forEach(n.putArray("tags")::add);
      n.put("region", region);
      return n;
    }

    IndexDoc doc() {
      return new IndexDoc(id, source, eventTime, ingestTime, json());
    }
  }

  final List<Event> events;

  Corpus(int n, long seed) {
    this(n, seed, "ev-", BASE.toEpochMilli());
  }

  Corpus(int n, long seed, String idPrefix, long base) {
    Random r = new Random(seed);
    List<Event> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t = base + i * 60_000L + r.nextInt(30_000);
      String service = SERVICES[r.nextInt(SERVICES.length)];
      int status = STATUSES[r.nextInt(STATUSES.length)];
      String host = String.format("web-%02d", 1 + r.nextInt(12));
      String message =
          switch (r.nextInt(7)) {
            case 0 -> "user u" + r.nextInt(50) + " logged in from " + host;
            case 1 -> "payment declined for order " + r.nextInt(10_000) + " card expired";
            case 2 -> "connection timeout to upstream db-" + r.nextInt(5);
            case 3 -> "Checkout completed for order " + r.nextInt(10_000);
            case 4 -> "cache miss for key session " + r.nextInt(1000);
            case 5 -> "slow query took " + (100 + r.nextInt(900)) + " ms on db-" + r.nextInt(5);
            default -> "request failed with status " + status + " timeout after retry";
          };
      List<String> tags = new ArrayList<>();
      for (String tag : TAGS) {
        if (r.nextInt(3) == 0) {
          tags.add(tag);
        }
      }
      list.add(
          new Event(
              idPrefix + i,
              r.nextBoolean() ? "logs" : "events",
              t,
              t + r.nextInt(5_000),
              LEVELS[r.nextInt(LEVELS.length)],
              service,
              host,
              message,
              status,
              METHODS[r.nextInt(METHODS.length)],
              Math.round(r.nextDouble() * 200_000) / 100.0,
              r.nextInt(100_000),
              List.copyOf(tags),
              REGIONS[r.nextInt(REGIONS.length)]));
    }
    this.events = List.copyOf(list);
  }

  List<IndexDoc> docs() {
    return events.stream().map(Event::doc).toList();
  }

  Set<String> ids(Predicate<Event> p) {
    return events.stream().filter(p).map(Event::id).collect(Collectors.toSet());
  }

  static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }
}
