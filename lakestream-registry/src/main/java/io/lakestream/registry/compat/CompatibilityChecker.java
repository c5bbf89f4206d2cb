package io.lakestream.registry.compat;

import io.lakestream.registry.compat.internal.AvroComparator;
import io.lakestream.registry.compat.internal.Finding;
import io.lakestream.registry.compat.internal.JsonSchemaComparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The registry's compatibility checker: judges a proposed schema version against a subject's
 * existing versions under a {@link CompatibilityLevel}.
 *
 * <p>{@code BACKWARD} means the proposed schema, as reader, can read data written with an existing
 * version; {@code FORWARD} means an existing version, as reader, can read data written with the
 * proposed schema; {@code FULL} means both. Non-transitive levels compare with the latest version
 * only, {@code _TRANSITIVE} levels with every version. {@code NONE} accepts anything. Versions are
 * numbered in messages by position in {@code existingOldestFirst}, starting at 1. A proposed schema
 * of another {@link SchemaType} than an existing version is incompatible with it.
 *
 * <p><b>Avro</b> uses Avro's own reader/writer rules ({@code
 * SchemaCompatibility.checkReaderWriterCompatibility}): promotions int→long→float→double and
 * string↔bytes, fields without defaults, enum symbols, union branches, names and fixed sizes.
 *
 * <p><b>JSON Schema</b> is judged structurally: "reader R can read writer W" is approximated as
 * "every document W accepts, R accepts", rule by rule. An object schema without {@code
 * additionalProperties} is <em>open</em> (extra properties allowed); {@code false} is
 * <em>closed</em>. For every rule the reader is the new schema under BACKWARD and the old one under
 * FORWARD.
 *
 * <table>
 *   <caption>JSON Schema rules (reader R, writer W)</caption>
 *   <tr><th>keyword</th><th>compatible when</th><th>so, old → new</th></tr>
 *   <tr><td>{@code type}</td><td>every W type is an R type; W {@code integer} fits R
 *       {@code number}; W without type fits only R without type</td>
 *       <td>integer→number, adding a union member: backward only; number→integer, dropping a member:
 *       forward only; string↔integer: neither</td></tr>
 *   <tr><td>{@code enum}/{@code const}</td><td>R has none, or W's values ⊆ R's values</td>
 *       <td>adding values: backward only; removing: forward only</td></tr>
 *   <tr><td>{@code required}</td><td>every R-required property is W-required</td>
 *       <td>adding a required property: forward only; removing one: backward only</td></tr>
 *   <tr><td>{@code properties}, in both</td><td>R's subschema can read W's (recursively)</td>
 *       <td></td></tr>
 *   <tr><td>property only in W</td><td>R open; or R's {@code additionalProperties} schema can read
 *       it; never when R is closed</td><td>removing an optional property from an open model: both
 *       ways</td></tr>
 *   <tr><td>property only in R (optional)</td><td>W closed or open: compatible (an open W's
 *       undeclared data is assumed not to collide, like Avro's ignored fields); W with an
 *       {@code additionalProperties} schema: R's subschema must read it</td>
 *       <td>adding an optional property: both ways</td></tr>
 *   <tr><td>{@code additionalProperties}</td><td>R open; or W closed; or R closed only if W closed;
 *       schemas compared recursively</td><td>closing an open model: forward only</td></tr>
 *   <tr><td>{@code minimum}, {@code exclusiveMinimum}, {@code minLength}, {@code minItems},
 *       {@code minProperties} (and the max counterparts)</td><td>R has none, or W's bound is at least
 *       as tight</td><td>tightening: forward only; loosening: backward only</td></tr>
 *   <tr><td>{@code multipleOf}</td><td>R has none, or W's is a multiple of R's</td><td></td></tr>
 *   <tr><td>{@code pattern}, {@code format}</td><td>R has none, or W's is identical</td>
 *       <td>any change: incompatible towards the side that has it</td></tr>
 *   <tr><td>{@code uniqueItems}</td><td>R not true, or W true</td><td></td></tr>
 *   <tr><td>{@code items} (one schema)</td><td>R's items can read W's items</td><td></td></tr>
 *   <tr><td>{@code allOf}, {@code anyOf}, {@code oneOf}, {@code not}, {@code if}/{@code then}/
 *       {@code else}, {@code patternProperties}, {@code dependent*}, tuple {@code items},
 *       {@code prefixItems}, {@code contains}, {@code propertyNames}, {@code unevaluated*}</td>
 *       <td>R has none, or W's is identical and contains no {@code $ref}</td>
 *       <td>otherwise reported as {@code UNPROVABLE}: could not be proven compatible</td></tr>
 *   <tr><td>local {@code $ref}</td><td>resolved and compared; a subschema pair met again while
 *       under comparison (recursion) is assumed compatible</td><td></td></tr>
 * </table>
 *
 * <p>Constraints present only in W never break compatibility: they only narrow W's documents.
 * Number, string, array and object keywords are compared only when W admits that JSON type. The
 * "optional property added to an open model" rule is deliberately lenient: strictly, an old
 * document could carry an undeclared property of that name with another type; we follow the
 * Avro-like convention that writers do not emit undeclared properties.
 *
 * <pre>{@code
 * List<Incompatibility> problems =
 *     new CompatibilityChecker().check(proposed, List.of(v1, v2), CompatibilityLevel.BACKWARD);
 * if (!problems.isEmpty()) { ... respond 409 with problems ... }
 * }</pre>
 */
public final class CompatibilityChecker {

  /**
   * Checks {@code proposed} against {@code existingOldestFirst} under {@code level}.
   *
   * @return every incompatibility found; empty when the proposed schema may be registered
   */
  public List<Incompatibility> check(
      ParsedSchema proposed, List<ParsedSchema> existingOldestFirst, CompatibilityLevel level) {
    Objects.requireNonNull(proposed, "proposed");
    Objects.requireNonNull(existingOldestFirst, "existingOldestFirst");
    Objects.requireNonNull(level, "level");
    if (level == CompatibilityLevel.NONE || existingOldestFirst.isEmpty()) {
      return List.of();
    }
    int size = existingOldestFirst.size();
    int from = level.isTransitive() ? 0 : size - 1;
    List<Incompatibility> out = new ArrayList<>();
    for (int i = from; i < size; i++) {
      ParsedSchema existing = existingOldestFirst.get(i);
      int version = i + 1;
      if (existing.type() != proposed.type()) {
        out.add(
            new Incompatibility(
                "/",
                "SCHEMA_TYPE_CHANGED",
                existing.type().name(),
                proposed.type().name(),
                "/: schema type changed from "
                    + existing.type()
                    + " to "
                    + proposed.type()
                    + " (version "
                    + version
                    + " is "
                    + existing.type()
                    + "; a subject's schemas cannot change language)"));
        continue;
      }
      if (level.checksBackward()) {
        for (Finding f : canRead(proposed, existing)) {
          out.add(
              toIncompatibility(
                  f,
                  f.writerDescription(),
                  f.readerDescription(),
                  "BACKWARD",
                  "data written with version " + version,
                  "the new schema"));
        }
      }
      if (level.checksForward()) {
        for (Finding f : canRead(existing, proposed)) {
          out.add(
              toIncompatibility(
                  f,
                  f.readerDescription(),
                  f.writerDescription(),
                  "FORWARD",
                  "data written with the new schema",
                  "version " + version));
        }
      }
    }
    return List.copyOf(out);
  }

  private static List<Finding> canRead(ParsedSchema reader, ParsedSchema writer) {
    if (reader instanceof ParsedSchema.Avro r && writer instanceof ParsedSchema.Avro w) {
      return AvroComparator.canRead(r.schema(), w.schema());
    }
    if (reader instanceof ParsedSchema.Json r && writer instanceof ParsedSchema.Json w) {
      return JsonSchemaComparator.canRead(r.document(), w.document());
    }
    throw new IllegalStateException("schema types differ: " + reader.type() + ", " + writer.type());
  }

  private static Incompatibility toIncompatibility(
      Finding f, String oldType, String newType, String direction, String writer, String reader) {
    String consequence = f.consequence().replace("{writer}", writer).replace("{reader}", reader);
    String path = f.path().isEmpty() ? "/" : f.path();
    String message =
        path
            + ": "
            + f.subject()
            + " changed from "
            + oldType
            + " to "
            + newType
            + " ("
            + direction
            + ": "
            + consequence
            + ")";
    return new Incompatibility(path, f.kind(), oldType, newType, message);
  }
}
