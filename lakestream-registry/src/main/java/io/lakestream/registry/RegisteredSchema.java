package io.lakestream.registry;

import io.lakestream.registry.compat.ParsedSchema;
import io.lakestream.registry.compat.SchemaType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * One version of a subject.
 *
 * @param subject the subject
 * @param version the version within the subject, from 1, never reused
 * @param id the global schema id, shared by every subject that registered the identical schema
 * @param type the schema language
 * @param schema the schema text, as first registered under {@code id}
 * @param deleted whether the version is soft-deleted
 */
public record RegisteredSchema(
    String subject, int version, int id, SchemaType type, String schema, boolean deleted) {

  /*
   * Parsed documents by schema text, weakly keyed: the registry keeps the text instance of every
   * schema alive, so their parsed form stays cached; texts nobody references any more drop out.
   */
  private static final Map<SchemaType, Map<String, ParsedSchema>> PARSED =
      new EnumMap<>(SchemaType.class);

  static {
    for (SchemaType t : SchemaType.values()) {
      PARSED.put(t, new WeakHashMap<>());
    }
  }

  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(schema, "schema");
  }

  /**
   * The parsed schema; cached, so cheap to call repeatedly.
   *
   * @throws io.lakestream.registry.compat.InvalidSchemaException only for a record built by hand
   *     with an invalid schema; the registry never returns one
   */
  public ParsedSchema parsed() {
    Map<String, ParsedSchema> cache = PARSED.get(type);
    synchronized (cache) {
      ParsedSchema cached = cache.get(schema);
      if (cached != null) {
        return cached;
      }
    }
    // Parsed from a copy so the cached value does not keep its own weak key alive.
    ParsedSchema parsed = ParsedSchema.parse(type, new String(schema));
    remember(schema, parsed);
    return parsed;
  }

  /** Seeds the cache with a schema the registry has already parsed. */
  static void remember(String text, ParsedSchema parsed) {
    Map<String, ParsedSchema> cache = PARSED.get(parsed.type());
    synchronized (cache) {
      cache.putIfAbsent(text, parsed);
    }
  }

  /** This version with another deleted flag. */
  RegisteredSchema withDeleted(boolean value) {
    return new RegisteredSchema(subject, version, id, type, schema, value);
  }
}
