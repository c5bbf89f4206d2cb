package io.lakestream.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.registry.compat.CompatibilityChecker;
import io.lakestream.registry.compat.CompatibilityLevel;
import io.lakestream.registry.compat.Incompatibility;
import io.lakestream.registry.compat.InvalidSchemaException;
import io.lakestream.registry.compat.ParsedSchema;
import io.lakestream.registry.compat.SchemaType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry (subjects, versions, global ids, compatibility levels) whose state is a
 * deterministic state machine over an append-only {@link SchemaLog}.
 *
 * <p><b>A log of proposals, decided on apply.</b> A write never changes the state directly. It
 * appends a <em>proposal</em> (register a schema, set or delete a compatibility level, delete a
 * version or a subject) carrying a fresh proposal id, and the state changes only when the record is
 * <em>applied</em>, in log order. Whether a proposal is accepted, which id and which version a
 * schema gets, whether a delete is allowed: all of that is decided at apply time, by a pure
 * function of the state built from the records before it. Ids are the highest id so far + 1 (or the
 * id of an identical schema registered before, under any subject); versions are the highest version
 * ever used in the subject + 1, so they are never reused, even after deletes.
 *
 * <p><b>Why several writers are safe without a leader.</b> Every process replays the same records
 * in the same order and applies the same function, so every process reaches the same state and the
 * same decision for every proposal. When two processes concurrently propose schemas that are
 * compatible with the current latest version but not with each other, both proposals land in the
 * log; the one applied first is accepted, and the second is checked against a state that already
 * contains the first, so it is refused, in every process alike. The writer learns its outcome by
 * catching up with the log ({@link #refresh()}) until its own record is applied, then reading the
 * outcome recorded for its proposal id. A writer's checks before appending (parse, compatibility
 * against its local state) only spare the log records that would be refused anyway; they never
 * decide anything.
 *
 * <p>The decisions depend on the schema parser and the compatibility rules, so every process
 * sharing one log must run the same version of them; a process with other rules could decide a
 * proposal differently. Records are keyed by their proposal id (a random UUID), so a compacted
 * topic never drops one.
 *
 * <p>Log records are JSON: {@code {"kind":"register","proposal":..,"subject":..,
 * "schemaType":"JSON"|"AVRO","schema":".."}}, {@code {"kind":"config","subject":..|null,
 * "compatibility":..|null}}, {@code {"kind":"delete_version","subject":..,"version":N,
 * "permanent":..}} and {@code {"kind":"delete_subject","subject":..,"permanent":..}}. Records of an
 * unknown kind are skipped with a warning (a newer writer's records), and so are malformed ones;
 * replay never fails on content.
 *
 * <p>Thread-safe. Readers see the state applied so far; call {@link #refresh()} or {@link
 * #follow(Duration)} to see other processes' writes. Listeners added with {@link
 * #addListener(Consumer)} must not write to the registry.
 */
public final class Registry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration DEFAULT_APPLY_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_SUBJECT_LENGTH = 255;

  private final SchemaLog log;
  private final Duration applyTimeout;
  private final CompatibilityChecker checker = new CompatibilityChecker();
  private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
  private final ReentrantLock catchUpLock = new ReentrantLock();
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> outcomes = new ConcurrentHashMap<>();
  private final List<Consumer<RegisteredSchema>> listeners = new CopyOnWriteArrayList<>();

  // State, guarded by stateLock.
  private final Map<String, Subject> subjects = new TreeMap<>();
  private final Map<Integer, SchemaEntry> byId = new HashMap<>();
  private final Map<SchemaKey, SchemaEntry> byKey = new HashMap<>();
  private int maxId;
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

  private volatile long appliedOffset;
  private volatile boolean closed;
  private Thread follower;

  private Registry(SchemaLog log, Duration applyTimeout) {
    this.log = Objects.requireNonNull(log, "log");
    this.applyTimeout = Objects.requireNonNull(applyTimeout, "applyTimeout");
  }

  /**
   * Opens a registry over {@code log}, replaying it from the start.
   *
   * @throws RegistryStorageException when the log cannot be read
   */
  public static Registry open(SchemaLog log) {
    return open(log, DEFAULT_APPLY_TIMEOUT);
  }

  /**
   * Opens a registry over {@code log}, replaying it from the start; a write waits at most {@code
   * applyTimeout} for its record to be read back and applied.
   */
  public static Registry open(SchemaLog log, Duration applyTimeout) {
    Registry registry = new Registry(log, applyTimeout);
    registry.refresh();
    return registry;
  }

  // ---------------------------------------------------------------- writers

  /**
   * Registers {@code text} under {@code subject}, or returns the existing version when an identical
   * schema (same type and canonical form) is already registered there.
   *
   * @throws InvalidSchemaException when the schema does not parse
   * @throws IncompatibleSchemaException when it is incompatible under the subject's level, also
   *     when a concurrent writer's schema was applied first and this one is incompatible with it
   * @throws RegistryException 42208 for an invalid subject name
   * @throws RegistryStorageException when the log cannot be written or read back in time
   */
  public RegisteredSchema register(String subject, SchemaType type, String text) {
    validateSubject(subject);
    Objects.requireNonNull(type, "type");
    ParsedSchema parsed = ParsedSchema.parse(type, text);
    SchemaKey key = keyOf(parsed);
    RegisteredSchema existing = precheck(() -> existingOrCheck(subject, parsed, key));
    if (existing != null) {
      refresh();
      existing = read(() -> existingOrCheck(subject, parsed, key));
      if (existing != null) {
        return existing;
      }
    }
    ObjectNode record = MAPPER.createObjectNode();
    record.put("kind", "register");
    record.put("subject", subject);
    record.put("schemaType", type.name());
    record.put("schema", text);
    return (RegisteredSchema) propose(record);
  }

  /**
   * Sets the compatibility level of {@code subject}, or the global default when {@code
   * subjectOrNull} is null.
   *
   * @return the level set
   */
  public CompatibilityLevel setCompatibility(String subjectOrNull, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    if (subjectOrNull != null) {
      validateSubject(subjectOrNull);
    }
    ObjectNode record = MAPPER.createObjectNode();
    record.put("kind", "config");
    record.put("subject", subjectOrNull);
    record.put("compatibility", level.name());
    return (CompatibilityLevel) propose(record);
  }

  /**
   * Removes the subject-level compatibility of {@code subject}, so the global default applies.
   *
   * @return the level removed
   * @throws RegistryException 40408 when the subject has no subject-level compatibility
   */
  public CompatibilityLevel deleteCompatibility(String subject) {
    validateSubject(subject);
    precheck(() -> deleteCompatibilityDecision(subject, false));
    ObjectNode record = MAPPER.createObjectNode();
    record.put("kind", "config");
    record.put("subject", subject);
    record.putNull("compatibility");
    return (CompatibilityLevel) propose(record);
  }

  /**
   * Deletes a version: soft (still fetchable by id, version number never reused) or permanent,
   * which requires a prior soft delete.
   *
   * @return the version deleted
   * @throws SubjectNotFoundException when the subject has no versions at all
   * @throws VersionNotFoundException when the version does not exist (or was permanently deleted)
   * @throws RegistryException 40406 for a soft delete of a soft-deleted version, 40407 for a
   *     permanent delete of a version that was not soft-deleted first
   */
  public int deleteVersion(String subject, int version, boolean permanent) {
    validateSubject(subject);
    precheck(() -> deleteVersionDecision(subject, version, permanent, false));
    ObjectNode record = MAPPER.createObjectNode();
    record.put("kind", "delete_version");
    record.put("subject", subject);
    record.put("version", version);
    record.put("permanent", permanent);
    return (Integer) propose(record);
  }

  /**
   * Deletes every version of a subject: soft, or permanent, which requires a prior soft delete.
   *
   * @return the versions deleted, ascending
   * @throws SubjectNotFoundException when the subject has no versions at all
   * @throws RegistryException 40404 for a soft delete of a soft-deleted subject, 40405 for a
   *     permanent delete of a subject that was not soft-deleted first
   */
  @SuppressWarnings("unchecked")
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    validateSubject(subject);
    precheck(() -> deleteSubjectDecision(subject, permanent, false));
    ObjectNode record = MAPPER.createObjectNode();
    record.put("kind", "delete_subject");
    record.put("subject", subject);
    record.put("permanent", permanent);
    return (List<Integer>) propose(record);
  }

  // ---------------------------------------------------------------- readers

  /** The latest non-deleted version of {@code subject}. */
  public Optional<RegisteredSchema> latest(String subject) {
    return read(
        () -> {
          Subject s = subjects.get(subject);
          if (s == null) {
            return Optional.empty();
          }
          return s.versions.descendingMap().values().stream()
              .filter(v -> !v.deleted)
              .findFirst()
              .map(v -> v.view(subject));
        });
  }

  /** A non-deleted version of {@code subject}. */
  public Optional<RegisteredSchema> version(String subject, int version) {
    return version(subject, version, false);
  }

  /** A version of {@code subject}, soft-deleted ones too when {@code includeDeleted}. */
  public Optional<RegisteredSchema> version(String subject, int version, boolean includeDeleted) {
    return read(
        () -> {
          Subject s = subjects.get(subject);
          Version v = s == null ? null : s.versions.get(version);
          if (v == null || (v.deleted && !includeDeleted)) {
            return Optional.empty();
          }
          return Optional.of(v.view(subject));
        });
  }

  /**
   * The schema with global id {@code id}, as its earliest usage (non-deleted usages first). A
   * soft-deleted schema stays fetchable; a permanently deleted one only while another subject or
   * version still uses the id.
   */
  public Optional<RegisteredSchema> byId(int id) {
    List<RegisteredSchema> usages = usages(id, true);
    return usages.stream()
        .filter(u -> !u.deleted())
        .findFirst()
        .or(() -> usages.stream().findFirst());
  }

  /** Every (subject, version) using global id {@code id}, by subject then version. */
  public List<RegisteredSchema> usages(int id, boolean includeDeleted) {
    return read(
        () -> {
          SchemaEntry e = byId.get(id);
          if (e == null || e.refs == 0) {
            return List.of();
          }
          List<RegisteredSchema> out = new ArrayList<>();
          for (Subject s : subjects.values()) {
            for (Version v : s.versions.values()) {
              if (v.schema == e && (includeDeleted || !v.deleted)) {
                out.add(v.view(s.name));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  /** The versions of {@code subject}, ascending; empty for an unknown subject. */
  public List<RegisteredSchema> versions(String subject, boolean includeDeleted) {
    return read(
        () -> {
          Subject s = subjects.get(subject);
          if (s == null) {
            return List.of();
          }
          return s.versions.values().stream()
              .filter(v -> includeDeleted || !v.deleted)
              .map(v -> v.view(subject))
              .toList();
        });
  }

  /** The subjects with a non-deleted version (any version when {@code includeDeleted}), sorted. */
  public List<String> subjects(boolean includeDeleted) {
    return read(
        () ->
            subjects.values().stream()
                .filter(
                    s -> s.versions.values().stream().anyMatch(v -> includeDeleted || !v.deleted))
                .map(s -> s.name)
                .toList());
  }

  /**
   * The non-deleted version of {@code subject} with a schema identical to {@code text}.
   *
   * @throws InvalidSchemaException when the schema does not parse
   */
  public Optional<RegisteredSchema> lookup(String subject, SchemaType type, String text) {
    ParsedSchema parsed = ParsedSchema.parse(type, text);
    SchemaKey key = keyOf(parsed);
    return read(
        () -> {
          Subject s = subjects.get(subject);
          if (s == null) {
            return Optional.empty();
          }
          return s.versions.values().stream()
              .filter(v -> !v.deleted && v.schema.key.equals(key))
              .findFirst()
              .map(v -> v.view(subject));
        });
  }

  /**
   * Checks {@code text} against one version of {@code subject} under the subject's effective level
   * or, when {@code versionOrNull} is null, against what the level compares with (every non-deleted
   * version for a transitive level, else the latest one).
   *
   * @return the incompatibilities; empty when compatible
   * @throws InvalidSchemaException when the schema does not parse
   * @throws SubjectNotFoundException when a version is given and the subject has no live version
   * @throws VersionNotFoundException when the given version does not exist or is deleted
   */
  public List<Incompatibility> testCompatibility(
      String subject, Integer versionOrNull, SchemaType type, String text) {
    ParsedSchema parsed = ParsedSchema.parse(type, text);
    return read(
        () -> {
          Subject s = subjects.get(subject);
          if (versionOrNull != null) {
            if (s == null || s.versions.values().stream().allMatch(v -> v.deleted)) {
              throw new SubjectNotFoundException(subject);
            }
            Version v = s.versions.get(versionOrNull);
            if (v == null || v.deleted) {
              throw new VersionNotFoundException(subject, versionOrNull);
            }
            return renumber(
                checker.check(parsed, List.of(v.schema.parsed), effectiveLevel(subject)),
                List.of(v.number));
          }
          return check(s, subject, parsed);
        });
  }

  /** The effective level of {@code subjectOrNull}: its own, else the global default. */
  public CompatibilityLevel compatibility(String subjectOrNull) {
    return read(() -> subjectOrNull == null ? globalLevel : effectiveLevel(subjectOrNull));
  }

  /** The subject-level compatibility of {@code subject}, if one is set. */
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return read(
        () -> {
          Subject s = subjects.get(subject);
          return Optional.ofNullable(s == null ? null : s.override);
        });
  }

  /** One past the offset of the last log record applied. */
  public long appliedOffset() {
    return appliedOffset;
  }

  // ---------------------------------------------------------------- log following

  /**
   * Catches up with the log: reads and applies every record appended since the last call, by this
   * process or any other.
   *
   * @throws RegistryStorageException when the log cannot be read
   */
  public void refresh() {
    ensureOpen();
    catchUpLock.lock();
    try {
      long next =
          log.readToEnd(
              appliedOffset,
              record -> {
                List<RegisteredSchema> events = new ArrayList<>(1);
                stateLock.writeLock().lock();
                try {
                  if (record.offset() >= appliedOffset) {
                    apply(record, events);
                    appliedOffset = record.offset() + 1;
                  }
                } finally {
                  stateLock.writeLock().unlock();
                }
                fire(events);
              });
      if (next > appliedOffset) {
        appliedOffset = next;
      }
    } finally {
      catchUpLock.unlock();
    }
  }

  /**
   * Starts a daemon thread that calls {@link #refresh()} every {@code every}, until {@link
   * #close()}. Failures are logged and retried at the next tick.
   *
   * @throws IllegalStateException when already following
   */
  public synchronized void follow(Duration every) {
    ensureOpen();
    if (follower != null) {
      throw new IllegalStateException("already following the schema log");
    }
    long millis = Math.max(1, every.toMillis());
    Thread t =
        new Thread(
            () -> {
              while (!closed) {
                try {
                  Thread.sleep(millis);
                  refresh();
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  if (!closed) {
                    LOG.warn("Schema registry could not catch up with its log: {}", e.toString());
                  }
                }
              }
            },
            "schema-registry-follower");
    t.setDaemon(true);
    follower = t;
    t.start();
  }

  /**
   * Adds a listener called with every new version applied from now on (by this process's writes or
   * other processes'), on the thread that applied it. It must not write to the registry.
   */
  public void addListener(Consumer<RegisteredSchema> onNewVersion) {
    listeners.add(Objects.requireNonNull(onNewVersion, "onNewVersion"));
  }

  /** Stops following and closes the log. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = follower;
      follower = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    catchUpLock.lock();
    try {
      log.close();
    } finally {
      catchUpLock.unlock();
    }
  }

  // ---------------------------------------------------------------- proposing

  private <T> T precheck(Supplier<T> dryRun) {
    try {
      return read(dryRun);
    } catch (RegistryException | InvalidSchemaException e) {
      // The local state may be stale: decide again on the latest state before refusing.
      refresh();
      return read(dryRun);
    }
  }

  private Object propose(ObjectNode record) {
    ensureOpen();
    String proposal = UUID.randomUUID().toString();
    record.put("proposal", proposal);
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a schema log record", e);
    }
    pending.add(proposal);
    try {
      long offset = log.append(proposal, bytes);
      awaitApplied(offset);
      Object outcome = outcomes.remove(proposal);
      if (outcome == null) {
        throw new RegistryStorageException(
            "the schema log record at offset " + offset + " was read back without an outcome",
            null);
      }
      if (outcome instanceof RuntimeException e) {
        throw e;
      }
      return outcome;
    } finally {
      pending.remove(proposal);
      outcomes.remove(proposal);
    }
  }

  private void awaitApplied(long offset) {
    long deadline = System.nanoTime() + applyTimeout.toNanos();
    while (true) {
      refresh();
      if (appliedOffset > offset) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new RegistryStorageException(
            RegistryStorageException.TIMEOUT,
            "timed out after "
                + applyTimeout
                + " waiting to read back the schema log record at offset "
                + offset,
            null);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryStorageException(
            "interrupted while waiting for the schema log record at offset " + offset, e);
      }
    }
  }

  // ---------------------------------------------------------------- applying

  private void apply(SchemaLog.LogRecord record, List<RegisteredSchema> events) {
    if (record.value() == null) {
      return;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(record.value());
    } catch (IOException e) {
      LOG.warn(
          "Skipping malformed schema log record at offset {}: {}", record.offset(), e.getMessage());
      return;
    }
    if (node == null || !node.isObject()) {
      LOG.warn(
          "Skipping malformed schema log record at offset {}: not a JSON object", record.offset());
      return;
    }
    String kind = node.path("kind").asText("");
    String proposal = node.hasNonNull("proposal") ? node.get("proposal").asText() : null;
    Object outcome;
    try {
      outcome =
          switch (kind) {
            case "register" -> applyRegister(node, events);
            case "config" -> applyConfig(node);
            case "delete_version" ->
                deleteVersionDecision(
                    requiredText(node, "subject"),
                    requiredInt(node, "version"),
                    node.path("permanent").asBoolean(false),
                    true);
            case "delete_subject" ->
                deleteSubjectDecision(
                    requiredText(node, "subject"), node.path("permanent").asBoolean(false), true);
            default -> {
              LOG.warn(
                  "Skipping schema log record of unknown kind '{}' at offset {}",
                  kind,
                  record.offset());
              yield null;
            }
          };
    } catch (MalformedRecord e) {
      LOG.warn(
          "Skipping malformed schema log record at offset {}: {}", record.offset(), e.getMessage());
      outcome =
          new RegistryStorageException(
              "schema log record at offset " + record.offset() + " is malformed: " + e.getMessage(),
              null);
    } catch (RegistryException | InvalidSchemaException e) {
      LOG.debug("Refused schema log record at offset {}: {}", record.offset(), e.getMessage());
      outcome = e;
    }
    if (proposal != null && outcome != null && pending.contains(proposal)) {
      outcomes.putIfAbsent(proposal, outcome);
    }
  }

  private RegisteredSchema applyRegister(JsonNode node, List<RegisteredSchema> events) {
    String subject = requiredText(node, "subject");
    validateSubject(subject);
    SchemaType type;
    try {
      type = SchemaType.parse(node.path("schemaType").asText(null));
    } catch (IllegalArgumentException e) {
      throw new InvalidSchemaException(e.getMessage());
    }
    String text = requiredText(node, "schema");
    ParsedSchema parsed = ParsedSchema.parse(type, text);
    SchemaKey key = keyOf(parsed);
    RegisteredSchema existing = existingOrCheck(subject, parsed, key);
    if (existing != null) {
      return existing;
    }
    SchemaEntry entry = byKey.get(key);
    if (entry == null) {
      entry = new SchemaEntry(++maxId, key, text, parsed);
      byKey.put(key, entry);
      byId.put(entry.id, entry);
      RegisteredSchema.remember(text, parsed);
    }
    Subject s = subjects.computeIfAbsent(subject, Subject::new);
    Version v = new Version(++s.maxVersion, entry);
    s.versions.put(v.number, v);
    entry.refs++;
    RegisteredSchema view = v.view(subject);
    events.add(view);
    return view;
  }

  private CompatibilityLevel applyConfig(JsonNode node) {
    JsonNode subjectNode = node.get("subject");
    String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
    JsonNode levelNode = node.get("compatibility");
    if (levelNode == null || levelNode.isNull()) {
      if (subject == null) {
        throw new MalformedRecord("the global compatibility cannot be deleted");
      }
      return deleteCompatibilityDecision(subject, true);
    }
    CompatibilityLevel level;
    try {
      level = CompatibilityLevel.parse(levelNode.asText());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          422, RegistryException.INVALID_COMPATIBILITY_LEVEL, e.getMessage());
    }
    if (subject == null) {
      globalLevel = level;
    } else {
      validateSubject(subject);
      subjects.computeIfAbsent(subject, Subject::new).override = level;
    }
    return level;
  }

  // ---------------------------------------------------------------- decisions (caller holds a
  // lock)

  private RegisteredSchema existingOrCheck(String subject, ParsedSchema parsed, SchemaKey key) {
    Subject s = subjects.get(subject);
    if (s != null) {
      for (Version v : s.versions.values()) {
        if (!v.deleted && v.schema.key.equals(key)) {
          return v.view(subject);
        }
      }
    }
    List<Incompatibility> problems = check(s, subject, parsed);
    if (!problems.isEmpty()) {
      throw new IncompatibleSchemaException(subject, problems);
    }
    return null;
  }

  private List<Incompatibility> check(Subject s, String subject, ParsedSchema proposed) {
    CompatibilityLevel level = effectiveLevel(subject);
    if (s == null || level == CompatibilityLevel.NONE) {
      return List.of();
    }
    List<ParsedSchema> live = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (Version v : s.versions.values()) {
      if (!v.deleted) {
        live.add(v.schema.parsed);
        numbers.add(v.number);
      }
    }
    if (!level.isTransitive() && live.size() > 1) {
      live = List.of(live.get(live.size() - 1));
      numbers = List.of(numbers.get(numbers.size() - 1));
    }
    return renumber(checker.check(proposed, live, level), numbers);
  }

  private static final Pattern VERSION_IN_MESSAGE = Pattern.compile("\\bversion (\\d+)\\b");

  /**
   * The checker numbers versions by position in the list it was given; rewrites "version N" in its
   * messages to the subject's real version numbers.
   */
  private static List<Incompatibility> renumber(
      List<Incompatibility> found, List<Integer> versionNumbers) {
    if (found.isEmpty()) {
      return found;
    }
    List<Incompatibility> out = new ArrayList<>(found.size());
    for (Incompatibility i : found) {
      Matcher m = VERSION_IN_MESSAGE.matcher(i.message());
      StringBuilder message = new StringBuilder();
      while (m.find()) {
        int position = Integer.parseInt(m.group(1));
        String replacement =
            position >= 1 && position <= versionNumbers.size()
                ? "version " + versionNumbers.get(position - 1)
                : m.group();
        m.appendReplacement(message, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(message);
      out.add(
          new Incompatibility(i.path(), i.kind(), i.oldType(), i.newType(), message.toString()));
    }
    return List.copyOf(out);
  }

  private CompatibilityLevel effectiveLevel(String subject) {
    Subject s = subjects.get(subject);
    return s != null && s.override != null ? s.override : globalLevel;
  }

  private CompatibilityLevel deleteCompatibilityDecision(String subject, boolean commit) {
    Subject s = subjects.get(subject);
    if (s == null || s.override == null) {
      throw new RegistryException(
          404,
          RegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
          "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
    CompatibilityLevel removed = s.override;
    if (commit) {
      s.override = null;
    }
    return removed;
  }

  private Integer deleteVersionDecision(
      String subject, int version, boolean permanent, boolean commit) {
    Subject s = subjects.get(subject);
    if (s == null || s.versions.isEmpty()) {
      throw new SubjectNotFoundException(subject);
    }
    Version v = s.versions.get(version);
    if (v == null) {
      throw new VersionNotFoundException(subject, version);
    }
    if (permanent) {
      if (!v.deleted) {
        throw new RegistryException(
            404,
            RegistryException.VERSION_NOT_SOFT_DELETED,
            "Version "
                + version
                + " of subject '"
                + subject
                + "' was not deleted first before being permanently deleted; soft-delete it first");
      }
      if (commit) {
        s.versions.remove(version);
        v.schema.refs--;
      }
    } else {
      if (v.deleted) {
        throw new RegistryException(
            404,
            RegistryException.VERSION_SOFT_DELETED,
            "Version "
                + version
                + " of subject '"
                + subject
                + "' was soft deleted; set permanent=true to delete it permanently");
      }
      if (commit) {
        v.deleted = true;
      }
    }
    return version;
  }

  private List<Integer> deleteSubjectDecision(String subject, boolean permanent, boolean commit) {
    Subject s = subjects.get(subject);
    if (s == null || s.versions.isEmpty()) {
      throw new SubjectNotFoundException(subject);
    }
    List<Integer> live =
        s.versions.values().stream().filter(v -> !v.deleted).map(v -> v.number).toList();
    if (permanent) {
      if (!live.isEmpty()) {
        throw new RegistryException(
            404,
            RegistryException.SUBJECT_NOT_SOFT_DELETED,
            "Subject '"
                + subject
                + "' was not deleted first before being permanently deleted; soft-delete it first");
      }
      List<Integer> all = List.copyOf(s.versions.keySet());
      if (commit) {
        for (Version v : s.versions.values()) {
          v.schema.refs--;
        }
        s.versions.clear();
        s.override = null;
      }
      return all;
    }
    if (live.isEmpty()) {
      throw new RegistryException(
          404,
          RegistryException.SUBJECT_SOFT_DELETED,
          "Subject '"
              + subject
              + "' was soft deleted; set permanent=true to delete it permanently");
    }
    if (commit) {
      for (Version v : s.versions.values()) {
        v.deleted = true;
      }
    }
    return live;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Checks a subject name: 1 to 255 characters, no control characters.
   *
   * @throws RegistryException 422 / 42208 otherwise
   */
  public static void validateSubject(String subject) {
    String problem = null;
    if (subject == null || subject.isEmpty()) {
      problem = "must not be empty";
    } else if (subject.length() > MAX_SUBJECT_LENGTH) {
      problem =
          "is "
              + subject.length()
              + " characters long; at most "
              + MAX_SUBJECT_LENGTH
              + " are allowed";
    } else if (subject.chars().anyMatch(Character::isISOControl)) {
      problem = "contains a control character";
    }
    if (problem != null) {
      throw new RegistryException(
          422, RegistryException.INVALID_SUBJECT, "Invalid subject name: the subject " + problem);
    }
  }

  private static SchemaKey keyOf(ParsedSchema parsed) {
    String canonical =
        parsed instanceof ParsedSchema.Json json
            ? json.document().toString()
            : ((ParsedSchema.Avro) parsed).schema().toString();
    return new SchemaKey(parsed.type(), canonical);
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedRecord("'" + field + "' must be a string");
    }
    return value.asText();
  }

  private static int requiredInt(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new MalformedRecord("'" + field + "' must be an integer");
    }
    return value.asInt();
  }

  private <T> T read(Supplier<T> reader) {
    stateLock.readLock().lock();
    try {
      return reader.get();
    } finally {
      stateLock.readLock().unlock();
    }
  }

  private void fire(List<RegisteredSchema> events) {
    for (RegisteredSchema event : events) {
      for (Consumer<RegisteredSchema> listener : listeners) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          LOG.warn("Schema registry listener failed for {}", event, e);
        }
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the schema registry is closed");
    }
  }

  private record SchemaKey(SchemaType type, String canonical) {}

  private static final class SchemaEntry {
    final int id;
    final SchemaKey key;
    final String text;
    final ParsedSchema parsed;
    int refs;

    SchemaEntry(int id, SchemaKey key, String text, ParsedSchema parsed) {
      this.id = id;
      this.key = key;
      this.text = text;
      this.parsed = parsed;
    }
  }

  private static final class Version {
    final int number;
    final SchemaEntry schema;
    boolean deleted;

    Version(int number, SchemaEntry schema) {
      this.number = number;
      this.schema = schema;
    }

    RegisteredSchema view(String subject) {
      return new RegisteredSchema(
          subject, number, schema.id, schema.key.type(), schema.text, deleted);
    }
  }

  private static final class Subject {
    final String name;
    final TreeMap<Integer, Version> versions = new TreeMap<>();
    int maxVersion;
    CompatibilityLevel override;

    Subject(String name) {
      this.name = name;
    }
  }

  private static final class MalformedRecord extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedRecord(String message) {
      super(message);
    }
  }
}
