package io.lakestream.search.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.search.FieldKind;
import io.lakestream.search.IndexDoc;
import io.lakestream.search.IndexSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EXPERIMENTAL: ships search documents to an OpenSearch (or Elasticsearch) index through the {@code
 * _bulk} API, as an alternative to the embedded {@link io.lakestream.search.SearchIndex}.
 *
 * <h2>Documents</h2>
 *
 * Each {@link IndexDoc} becomes one document whose {@code _id} is the event id (an {@code index}
 * action: a retry or a replay replaces the document, it never doubles it). Its body is the event
 * JSON's members as they are, plus {@code id}, {@code source}, {@code event_time} and {@code
 * ingest_time} (epoch millis) set by the sink, overwriting same-named members. An event that is not
 * a JSON object is not sent and reported as rejected (status 400).
 *
 * <h2>Mapping</h2>
 *
 * {@link #open} creates the index when it does not exist, with {@code dynamic: false} (members the
 * {@link IndexSchema} does not declare are kept in {@code _source} but not indexed), {@code
 * id}/{@code source} as {@code keyword}, the two times as {@code date} ({@code epoch_millis}) and
 * the declared fields as {@code text}, {@code keyword}, {@code long} or {@code double}; dotted
 * names become nested objects. When the index exists, the declared fields must be mapped with the
 * same types (an {@link IOException} lists the mismatches); declared fields it does not map yet are
 * added to its mapping.
 *
 * <h2>Delivery</h2>
 *
 * {@link #send} blocks until every document is acknowledged or rejected for good. Requests are cut
 * at about {@value #MAX_BULK_BYTES} bytes. A whole request answered 429, 502, 503 or 504, or
 * failing with an I/O error, is resent; items answered 429 or 5xx are resent alone; other item
 * failures (mapping errors, 400) are returned in {@link SendResult#rejected()}. Retries wait with
 * exponential backoff, at least as long as a {@code Retry-After} header asks (capped at {@link
 * Config#maxBackoff()}). After {@link Config#maxAttempts()} attempts {@link #send} throws.
 *
 * <p>Thread-safe: concurrent calls share one {@link java.net.http.HttpClient}.
 */
public final class OpenSearchSink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenSearchSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Upper bound of one {@code _bulk} request body (a single larger document goes alone). */
  static final int MAX_BULK_BYTES = 5 * 1024 * 1024;

  /** Whole-request statuses worth resending: overload and gateway trouble. */
  private static final Set<Integer> RETRY_REQUEST = Set.of(429, 502, 503, 504);

  private static final String NDJSON = "application/x-ndjson";
  private static final String JSON_TYPE = "application/json";

  /**
   * Where and how to connect.
   *
   * @param url the cluster, e.g. {@code http://127.0.0.1:9200} (no credentials in the URL)
   * @param index the index name (lowercase; letters, digits, {@code - _ . +})
   * @param user basic-auth user, or {@code null} for none
   * @param password basic-auth password, or {@code null}; never logged nor printed
   * @param requestTimeout timeout of one HTTP request (and of connecting)
   * @param maxAttempts attempts per request or document before giving up, at least 1
   * @param initialBackoff wait before the first retry; doubled for each further retry
   * @param maxBackoff longest wait between attempts
   */
  public record Config(
      URI url,
      String index,
      String user,
      String password,
      Duration requestTimeout,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff) {

    /** Validates every component; messages name the setting to fix. */
    public Config {
      Objects.requireNonNull(url, "OpenSearch sink: url is required");
      Objects.requireNonNull(index, "OpenSearch sink: index is required");
      Objects.requireNonNull(requestTimeout, "OpenSearch sink: requestTimeout is required");
      Objects.requireNonNull(initialBackoff, "OpenSearch sink: initialBackoff is required");
      Objects.requireNonNull(maxBackoff, "OpenSearch sink: maxBackoff is required");
      if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
        throw new IllegalArgumentException(
            "OpenSearch sink: url '" + url + "' must start with http:// or https://");
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException(
            "OpenSearch sink: url '" + url + "' has no host; e.g. http://127.0.0.1:9200");
      }
      if (url.getRawUserInfo() != null) {
        throw new IllegalArgumentException(
            "OpenSearch sink: the url must not carry credentials; set user and password instead");
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "OpenSearch sink: url '" + url + "' must not have a query or fragment");
      }
      if (!index.matches("[a-z0-9][a-z0-9._+-]*") || index.length() > 255) {
        throw new IllegalArgumentException(
            "OpenSearch sink: index name '"
                + index
                + "' is not valid; use lowercase letters, digits and - _ . + (not first),"
                + " at most 255 characters");
      }
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("OpenSearch sink: requestTimeout must be positive");
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "OpenSearch sink: maxAttempts must be at least 1, got " + maxAttempts);
      }
      if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "OpenSearch sink: need 0 <= initialBackoff <= maxBackoff, got "
                + initialBackoff
                + " and "
                + maxBackoff);
      }
    }

    /** Defaults: 30 s request timeout, 8 attempts, backoff from 200 ms up to 30 s, no auth. */
    public static Config of(URI url, String index) {
      return new Config(
          url,
          index,
          null,
          null,
          Duration.ofSeconds(30),
          8,
          Duration.ofMillis(200),
          Duration.ofSeconds(30));
    }

    /** Like the generated one, with the password masked. */
    @Override
    public String toString() {
      return "Config[url="
          + url
          + ", index="
          + index
          + ", user="
          + user
          + ", password="
          + (password == null ? "null" : "******")
          + ", requestTimeout="
          + requestTimeout
          + ", maxAttempts="
          + maxAttempts
          + ", initialBackoff="
          + initialBackoff
          + ", maxBackoff="
          + maxBackoff
          + "]";
    }
  }

  /**
   * One document the cluster refused for good (e.g. a mapping error, 400).
   *
   * @param id the event id
   * @param status the HTTP status of the item
   * @param reason the cluster's error type and reason
   */
  public record Rejected(String id, int status, String reason) {}

  /**
   * Outcome of {@link #send}.
   *
   * @param indexed documents acknowledged (created or replaced)
   * @param rejected documents refused for good
   */
  public record SendResult(int indexed, List<Rejected> rejected) {

    /** Copies the list. */
    public SendResult {
      rejected = List.copyOf(rejected);
    }
  }

  /** One encoded document: the action line and the source line of a bulk body. */
  record Encoded(String id, byte[] lines) {}

  private final Config config;
  private final ClusterClient client;
  private final Backoff backoff;
  private final java.util.concurrent.atomic.AtomicLong throttled =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closed;

  private OpenSearchSink(Config config) {
    this.config = config;
    this.client =
        new ClusterClient(config.url(), config.user(), config.password(), config.requestTimeout());
    this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
  }

  /**
   * Connects, and creates the index with a mapping derived from the schema when it does not exist;
   * when it exists, checks that the declared fields are mapped with compatible types (adding the
   * ones it lacks).
   *
   * @throws IOException when the cluster cannot be reached, refuses, or the existing mapping does
   *     not fit the schema; the message says which fields and what to do
   */
  public static OpenSearchSink open(Config config, IndexSchema schema) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(schema, "schema");
    // fail on a schema OpenSearch cannot map before talking to the cluster
    OpenSearchMapping.properties(OpenSearchMapping.fields(schema));
    OpenSearchSink sink = new OpenSearchSink(config);
    try {
      sink.prepareIndex(schema);
    } catch (IOException | RuntimeException e) {
      sink.close();
      throw e;
    }
    return sink;
  }

  private void prepareIndex(IndexSchema schema) throws IOException {
    String index = config.index();
    ClusterClient.Answer got = call("GET", index + "/_mapping", null, "reading the mapping");
    if (got.status() == 404) {
      byte[] body = JSON.writeValueAsBytes(OpenSearchMapping.createIndexBody(schema));
      ClusterClient.Answer created = call("PUT", index, body, "creating the index");
      if (created.ok()) {
        LOG.info("created OpenSearch index '{}' at {}", index, client.where());
        return;
      }
      if (created.status() == 400
          && created.bodySnippet(2000).contains("resource_already_exists_exception")) {
        // created meanwhile by another writer: check it like any existing index
        got = call("GET", index + "/_mapping", null, "reading the mapping");
      } else {
        throw new IOException(
            prefix() + "could not create the index: " + created.describe() + hint(created));
      }
    }
    if (!got.ok()) {
      throw new IOException(
          prefix() + "could not read the mapping of the index: " + got.describe() + hint(got));
    }
    JsonNode root = parse(got, "the mapping");
    Map<String, FieldKind> missing = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Iterator<JsonNode> indices = root.elements();
    while (indices.hasNext()) {
      JsonNode props = indices.next().path("mappings").path("properties");
      problems.addAll(OpenSearchMapping.incompatibilities(schema, props, missing));
    }
    if (!problems.isEmpty()) {
      throw new IOException(
          prefix()
              + "the index already exists with a mapping that does not fit the search schema:\n  - "
              + String.join("\n  - ", problems)
              + "\nUse another index name, or delete the index (or reindex it into a new one) so"
              + " that the sink creates it with a matching mapping, or change the schema.");
    }
    if (!missing.isEmpty()) {
      ObjectNode body = JSON.createObjectNode();
      body.set("properties", OpenSearchMapping.properties(missing));
      ClusterClient.Answer put =
          call("PUT", index + "/_mapping", JSON.writeValueAsBytes(body), "adding fields");
      if (!put.ok()) {
        throw new IOException(
            prefix()
                + "could not add the fields "
                + missing.keySet()
                + " to the mapping: "
                + put.describe()
                + hint(put));
      }
      LOG.info(
          "added fields {} to the mapping of OpenSearch index '{}'; documents indexed before are"
              + " not searchable on them until reindexed",
          missing.keySet(),
          index);
    }
  }

  /**
   * Ships documents with one or more {@code _bulk} requests and blocks until each is acknowledged
   * or rejected for good.
   *
   * @return how many were indexed and which were rejected
   * @throws IOException when some documents were still neither acknowledged nor rejected after
   *     {@link Config#maxAttempts()} attempts, or the cluster refused a whole request for good
   *     (e.g. 401, 403, 404, 413); the message quotes what the cluster answered
   */
  public SendResult send(List<IndexDoc> docs) throws IOException {
    ensureOpen();
    List<Rejected> rejected = new ArrayList<>();
    List<Encoded> pending = new ArrayList<>(docs.size());
    for (IndexDoc d : docs) {
      if (!d.event().isObject()) {
        rejected.add(
            new Rejected(
                d.id(),
                400,
                "not sent: the event is a JSON "
                    + d.event().getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + ", a document must be a JSON object"));
        continue;
      }
      pending.add(encode(d));
    }
    int indexed = 0;
    String lastProblem = null;
    Duration retryAfter = null;
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      if (attempt > 1) {
        if (attempt > config.maxAttempts()) {
          throw new IOException(
              prefix()
                  + pending.size()
                  + " of "
                  + docs.size()
                  + " documents were neither accepted nor rejected after "
                  + config.maxAttempts()
                  + " attempts ("
                  + indexed
                  + " indexed, "
                  + rejected.size()
                  + " rejected meanwhile); last answer: "
                  + lastProblem
                  + ". Check the cluster's health and write load, or raise maxAttempts/maxBackoff.");
        }
        Duration wait = backoff.delay(attempt - 1, retryAfter);
        LOG.warn(
            "OpenSearch index '{}': resending {} documents in {} ms (attempt {} of {}); last"
                + " answer: {}",
            config.index(),
            pending.size(),
            wait.toMillis(),
            attempt,
            config.maxAttempts(),
            lastProblem);
        sleep(wait);
      }
      List<Encoded> retry = new ArrayList<>();
      retryAfter = null;
      for (List<Encoded> chunk : chunks(pending, MAX_BULK_BYTES)) {
        ClusterClient.Answer a;
        try {
          a = client.exchange("POST", config.index() + "/_bulk", join(chunk), NDJSON);
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          retry.addAll(chunk);
          lastProblem = "I/O error: " + e;
          continue;
        }
        if (RETRY_REQUEST.contains(a.status())) {
          if (a.status() == 429) {
            throttled.incrementAndGet();
          }
          retry.addAll(chunk);
          lastProblem = a.describe();
          retryAfter = longer(retryAfter, a.retryAfter());
          continue;
        }
        if (!a.ok()) {
          throw new IOException(
              prefix()
                  + "the cluster refused a _bulk request of "
                  + chunk.size()
                  + " documents: "
                  + a.describe()
                  + hint(a));
        }
        JsonNode items = parse(a, "the _bulk answer").get("items");
        if (items == null || !items.isArray() || items.size() != chunk.size()) {
          throw new IOException(
              prefix()
                  + "unexpected _bulk answer for "
                  + chunk.size()
                  + " documents (is the url an OpenSearch or Elasticsearch cluster?): "
                  + a.bodySnippet(500));
        }
        for (int i = 0; i < chunk.size(); i++) {
          JsonNode item = items.get(i);
          JsonNode result = item.elements().hasNext() ? item.elements().next() : item;
          int status = result.path("status").asInt(0);
          if (status >= 200 && status < 300) {
            indexed++;
          } else if (status == 429 || status >= 500 || status == 0) {
            if (status == 429) {
              throttled.incrementAndGet();
            }
            retry.add(chunk.get(i));
            lastProblem = "document '" + chunk.get(i).id() + "': " + status + " " + reason(result);
          } else {
            rejected.add(new Rejected(chunk.get(i).id(), status, reason(result)));
          }
        }
      }
      pending = retry;
    }
    return new SendResult(indexed, rejected);
  }

  /**
   * Deletes the documents whose {@code event_time} is before {@code cutoff} ({@code
   * _delete_by_query}, after a refresh so that everything sent so far is considered).
   *
   * @return the number of documents deleted
   */
  public long deleteOlderThan(Instant cutoff) throws IOException {
    ensureOpen();
    refresh();
    ObjectNode body = JSON.createObjectNode();
    body.putObject("query")
        .putObject("range")
        .putObject(IndexSchema.EVENT_TIME)
        .put("lt", cutoff.toEpochMilli());
    ClusterClient.Answer a =
        call(
            "POST",
            config.index() + "/_delete_by_query?conflicts=proceed&refresh=true",
            JSON.writeValueAsBytes(body),
            "deleting old documents");
    if (!a.ok()) {
      throw new IOException(
          prefix()
              + "could not delete documents older than "
              + cutoff
              + ": "
              + a.describe()
              + hint(a));
    }
    JsonNode r = parse(a, "the _delete_by_query answer");
    JsonNode failures = r.path("failures");
    if (failures.isArray() && failures.size() > 0) {
      throw new IOException(
          prefix()
              + "deleting documents older than "
              + cutoff
              + " partly failed ("
              + r.path("deleted").asLong()
              + " deleted, "
              + failures.size()
              + " failures); first failure: "
              + failures.get(0));
    }
    return r.path("deleted").asLong();
  }

  /** Makes everything sent so far visible to searches ({@code _refresh}). */
  public void refresh() throws IOException {
    ensureOpen();
    ClusterClient.Answer a = call("POST", config.index() + "/_refresh", null, "refreshing");
    if (!a.ok()) {
      throw new IOException(prefix() + "could not refresh the index: " + a.describe() + hint(a));
    }
  }

  /** How many 429 answers (whole _bulk requests or single items) {@link #send} has retried. */
  long throttledAnswers() {
    return throttled.get();
  }

  @Override
  public void close() {
    closed = true;
    client.close();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(
          "OpenSearch sink for index '" + config.index() + "' is closed");
    }
  }

  /** One request with whole-request retries (429/502/503/504, I/O errors). */
  private ClusterClient.Answer call(String method, String path, byte[] body, String what)
      throws IOException {
    String last = null;
    Duration retryAfter = null;
    for (int attempt = 1; ; attempt++) {
      if (attempt > 1) {
        if (attempt > config.maxAttempts()) {
          throw new IOException(
              prefix()
                  + what
                  + " failed after "
                  + config.maxAttempts()
                  + " attempts; last answer: "
                  + last);
        }
        sleep(backoff.delay(attempt - 1, retryAfter));
      }
      try {
        ClusterClient.Answer a = client.exchange(method, path, body, JSON_TYPE);
        if (!RETRY_REQUEST.contains(a.status())) {
          return a;
        }
        last = a.describe();
        retryAfter = a.retryAfter();
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        last = "I/O error: " + e;
        retryAfter = null;
      }
    }
  }

  private Encoded encode(IndexDoc d) throws IOException {
    ObjectNode source = ((ObjectNode) d.event()).deepCopy();
    source.put(IndexSchema.ID, d.id());
    source.put(IndexSchema.SOURCE, d.source());
    source.put(IndexSchema.EVENT_TIME, d.eventTimeMillis());
    source.put(IndexSchema.INGEST_TIME, d.ingestTimeMillis());
    ObjectNode action = JSON.createObjectNode();
    action.putObject("index").put("_id", d.id());
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    JSON.writeValue(out, action);
    out.write('\n');
    JSON.writeValue(out, source);
    out.write('\n');
    return new Encoded(d.id(), out.toByteArray());
  }

  /** Consecutive groups of at most {@code maxBytes} (a larger single document forms its own). */
  static List<List<Encoded>> chunks(List<Encoded> docs, int maxBytes) {
    List<List<Encoded>> out = new ArrayList<>();
    List<Encoded> current = new ArrayList<>();
    long size = 0;
    for (Encoded e : docs) {
      if (!current.isEmpty() && size + e.lines().length > maxBytes) {
        out.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(e);
      size += e.lines().length;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  private static byte[] join(List<Encoded> chunk) {
    int n = 0;
    for (Encoded e : chunk) {
      n += e.lines().length;
    }
    byte[] body = new byte[n];
    int at = 0;
    for (Encoded e : chunk) {
      System.arraycopy(e.lines(), 0, body, at, e.lines().length);
      at += e.lines().length;
    }
    return body;
  }

  private JsonNode parse(ClusterClient.Answer a, String what) throws IOException {
    try {
      JsonNode n = JSON.readTree(a.body());
      if (n == null || !n.isObject()) {
        throw new IOException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new IOException(
          prefix() + "could not read " + what + " (expected JSON): " + a.bodySnippet(500), e);
    }
  }

  private static String reason(JsonNode result) {
    JsonNode error = result.path("error");
    if (error.isMissingNode() || error.isNull()) {
      return "(no reason given)";
    }
    if (error.isTextual()) {
      return error.asText();
    }
    StringBuilder sb = new StringBuilder();
    sb.append(error.path("type").asText("error"))
        .append(": ")
        .append(error.path("reason").asText());
    JsonNode cause = error.path("caused_by");
    if (cause.isObject()) {
      sb.append(" (caused by ")
          .append(cause.path("type").asText())
          .append(": ")
          .append(cause.path("reason").asText())
          .append(')');
    }
    return sb.toString();
  }

  private static Duration longer(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) >= 0 ? a : b;
  }

  private String prefix() {
    return "OpenSearch index '" + config.index() + "' at " + client.where() + ": ";
  }

  private static String hint(ClusterClient.Answer a) {
    return switch (a.status()) {
      case 401 -> ". Check the user and password of the sink.";
      case 403 -> ". The user lacks privileges on the index (needs create_index, write, read).";
      case 404 -> ". The index may have been deleted meanwhile; reopen the sink to recreate it.";
      case 413 -> ". The request is larger than the cluster's http.max_content_length.";
      default -> "";
    };
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry an OpenSearch request");
    }
  }
}
