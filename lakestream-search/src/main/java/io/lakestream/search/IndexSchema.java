package io.lakestream.search;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which fields of an event are indexed, and how.
 *
 * <p>Field names address the event JSON: a top-level member ({@code level}) or a nested one with
 * dots ({@code http.status} reads {@code {"http":{"status":..}}}; a literal top-level member named
 * {@code "http.status"} wins if present). Arrays of scalars index every element. Values that do not
 * fit the type (a non-number for a {@code long} field) are skipped for that document, they never
 * fail the batch. Events may carry members that are not in the schema: they are kept in {@code
 * _source} and returned with hits, but not searchable.
 *
 * <p>Every document also has the system fields {@code id} (keyword, unique), {@code source}
 * (keyword), {@code event_time} and {@code ingest_time} (time, epoch millis), the stored original
 * JSON {@code _source} (not searchable) and {@code _all}, the catch-all text field that receives
 * the values of every text field and is the default field of bare query terms.
 *
 * @param textFields analyzed full-text fields (StandardAnalyzer)
 * @param keywordFields exact-match, case-sensitive, facetable fields
 * @param longFields integer fields
 * @param doubleFields floating-point fields
 */
public record IndexSchema(
    Set<String> textFields,
    Set<String> keywordFields,
    Set<String> longFields,
    Set<String> doubleFields)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** System field: the event id; unique per document. */
  public static final String ID = "id";

  /** System field: where the event came from (pipeline source name). */
  public static final String SOURCE = "source";

  /** System field: event time, epoch millis. */
  public static final String EVENT_TIME = "event_time";

  /** System field: ingest time, epoch millis. */
  public static final String INGEST_TIME = "ingest_time";

  /** System field: stored original JSON, returned with hits, not searchable. */
  public static final String STORED_SOURCE = "_source";

  /** System field: catch-all text field, default field for bare terms. */
  public static final String ALL = "_all";

  /** Names users cannot declare. */
  public static final Set<String> RESERVED =
      Set.of(ID, SOURCE, EVENT_TIME, INGEST_TIME, STORED_SOURCE, ALL);

  /** Validates: names non-blank, not reserved, and each field in exactly one set. */
  public IndexSchema {
    textFields = Set.copyOf(textFields);
    keywordFields = Set.copyOf(keywordFields);
    longFields = Set.copyOf(longFields);
    doubleFields = Set.copyOf(doubleFields);
    Set<String> seen = new LinkedHashSet<>();
    for (Set<String> set : java.util.List.of(textFields, keywordFields, longFields, doubleFields)) {
      for (String f : set) {
        if (f.isBlank() || !f.matches("[A-Za-z0-9_][A-Za-z0-9_.@-]*")) {
          throw new IllegalArgumentException("invalid field name '" + f + "'");
        }
        if (RESERVED.contains(f)) {
          throw new IllegalArgumentException("'" + f + "' is a system field");
        }
        if (!seen.add(f)) {
          throw new IllegalArgumentException("field '" + f + "' is declared twice");
        }
      }
    }
  }

  /** The kind of a field (system fields included), or {@code null} when the field is unknown. */
  public FieldKind kindOf(String field) {
    if (field == null) {
      return null;
    }
    switch (field) {
      case ID, SOURCE:
        return FieldKind.KEYWORD;
      case EVENT_TIME, INGEST_TIME:
        return FieldKind.TIME;
      case ALL:
        return FieldKind.TEXT;
      default:
        break;
    }
    if (textFields.contains(field)) {
      return FieldKind.TEXT;
    }
    if (keywordFields.contains(field)) {
      return FieldKind.KEYWORD;
    }
    if (longFields.contains(field)) {
      return FieldKind.LONG;
    }
    if (doubleFields.contains(field)) {
      return FieldKind.DOUBLE;
    }
    return null;
  }

  /** A builder starting from no user fields. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fluent builder of an {@link IndexSchema}. */
  public static final class Builder {
    private final Set<String> text = new LinkedHashSet<>();
    private final Set<String> keyword = new LinkedHashSet<>();
    private final Set<String> longs = new LinkedHashSet<>();
    private final Set<String> doubles = new LinkedHashSet<>();

    private Builder() {}

    /** Adds analyzed full-text fields. */
    public Builder text(String... fields) {
      text.addAll(java.util.List.of(fields));
      return this;
    }

    /** Adds exact-match (keyword) fields. */
    public Builder keyword(String... fields) {
      keyword.addAll(java.util.List.of(fields));
      return this;
    }

    /** Adds integer fields. */
    public Builder longs(String... fields) {
      longs.addAll(java.util.List.of(fields));
      return this;
    }

    /** Adds floating-point fields. */
    public Builder doubles(String... fields) {
      doubles.addAll(java.util.List.of(fields));
      return this;
    }

    /** Builds and validates the schema. */
    public IndexSchema build() {
      return new IndexSchema(text, keyword, longs, doubles);
    }
  }
}
