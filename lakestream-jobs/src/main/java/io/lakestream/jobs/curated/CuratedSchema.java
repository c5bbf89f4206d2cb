package io.lakestream.jobs.curated;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.api.config.ColumnType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.RowType.RowField;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * The typed row layout of a source's curated-zone table, derived from the source's JSON Schema.
 *
 * <p>A row holds, in this order:
 *
 * <ol>
 *   <li>the system columns {@code event_id VARCHAR NOT NULL}, {@code event_time TIMESTAMP_LTZ(3)
 *       NOT NULL}, {@code ingest_time TIMESTAMP_LTZ(3) NOT NULL} and {@code schema_version INT}
 *       (the registry version the event was validated against);
 *   <li>the schema's top-level {@code properties}, in schema order;
 *   <li>the fields Java transforms add, typed by their {@link ColumnType} (see {@link
 *       ColumnTypes#logicalType});
 *   <li>the enrichment columns, typed by their {@link ColumnType}.
 * </ol>
 *
 * <p>Each property's type follows from its JSON Schema:
 *
 * <table>
 *   <caption>JSON Schema to Flink type</caption>
 *   <tr><th>JSON Schema</th><th>Flink type</th></tr>
 *   <tr><td>{@code "type": "string", "format": "date-time"}</td><td>{@code TIMESTAMP_LTZ(6)}</td></tr>
 *   <tr><td>{@code "type": "string", "format": "date"}</td><td>{@code DATE}</td></tr>
 *   <tr><td>{@code "type": "string"} (any other or no format, enums too)</td>
 *       <td>{@code STRING}</td></tr>
 *   <tr><td>{@code "type": "integer"}</td><td>{@code BIGINT}</td></tr>
 *   <tr><td>{@code "type": "number"}</td><td>{@code DOUBLE}</td></tr>
 *   <tr><td>{@code "type": "boolean"}</td><td>{@code BOOLEAN}</td></tr>
 *   <tr><td>{@code "type": "object"} with non-empty {@code properties}</td>
 *       <td>{@code ROW<...>} of those properties, mapped the same way, in order</td></tr>
 *   <tr><td>{@code "type": "object"} without {@code properties} (free-form)</td>
 *       <td>{@code STRING} holding the JSON text</td></tr>
 *   <tr><td>{@code "type": "array"} whose {@code items} schema maps to one of the types above
 *       other than a JSON-text {@code STRING}</td><td>{@code ARRAY<...>} of it</td></tr>
 *   <tr><td>any other array (no {@code items}, free-form or mixed items, tuples)</td>
 *       <td>{@code STRING} holding the JSON text</td></tr>
 *   <tr><td>a type list with one non-null type, e.g. {@code ["string", "null"]}</td>
 *       <td>as that type</td></tr>
 *   <tr><td>several non-null types, no {@code type}, {@code "type": "null"}, {@code anyOf},
 *       {@code oneOf}, {@code allOf}, {@code $ref}, {@code const} or {@code enum} alone, or a
 *       boolean schema</td>
 *       <td>{@code STRING} holding the value as JSON text (a JSON string as its plain text)</td>
 *   </tr>
 * </table>
 *
 * <p>Every payload column, nested field and array element is nullable: {@code required} is not
 * enforced here because validation already did, and a nullable column lets the schema relax later
 * without rewriting the table. Properties an object with {@code properties} holds beyond the
 * declared ones are not kept in its {@code ROW}; the raw zone keeps the full payload. {@code $ref}s
 * are not followed. Column names are compared exactly (case-sensitively).
 *
 * <pre>{@code
 * CuratedSchema schema = CuratedSchema.of(source.schemaJson(), Map.of(), Map.of());
 * RowType type = schema.rowType();
 * }</pre>
 */
public final class CuratedSchema implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String EVENT_ID = "event_id";
  public static final String EVENT_TIME = "event_time";
  public static final String INGEST_TIME = "ingest_time";

  /** System column: the registry version of the source's schema the event was validated against. */
  public static final String SCHEMA_VERSION = "schema_version";

  /** Position of the {@link #SCHEMA_VERSION} column. */
  public static final int SCHEMA_VERSION_INDEX = 3;

  /** Position of the first payload column, after the system columns. */
  static final int PAYLOAD_START = 4;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RowType rowType;
  private final List<String> columnNames;
  private final Map<String, Integer> positions;
  private final List<ColumnType> addedTypes;
  private final int addedStart;
  private final int enrichmentStart;

  private CuratedSchema(
      RowType rowType, List<ColumnType> addedTypes, int addedStart, int enrichmentStart) {
    this.rowType = rowType;
    this.columnNames = List.copyOf(rowType.getFieldNames());
    Map<String, Integer> p = new HashMap<>();
    for (int i = 0; i < columnNames.size(); i++) {
      p.put(columnNames.get(i), i);
    }
    this.positions = Map.copyOf(p);
    this.addedTypes = List.copyOf(addedTypes);
    this.addedStart = addedStart;
    this.enrichmentStart = enrichmentStart;
  }

  /**
   * The layout for a source.
   *
   * @param schemaJson JSON Schema text of the source
   * @param added fields a Java transform adds, name to type, in order; may be {@code null}
   * @param enrichment enrichment columns, name to type, in order; may be {@code null}
   * @throws IllegalArgumentException when the schema is not JSON, or a column name is blank or
   *     clashes with another column
   */
  public static CuratedSchema of(
      String schemaJson, Map<String, ColumnType> added, Map<String, ColumnType> enrichment) {
    JsonNode schema = parse(schemaJson);
    Columns columns = new Columns();
    columns.add(EVENT_ID, new VarCharType(false, VarCharType.MAX_LENGTH), "system column");
    columns.add(EVENT_TIME, new LocalZonedTimestampType(false, 3), "system column");
    columns.add(INGEST_TIME, new LocalZonedTimestampType(false, 3), "system column");
    columns.add(SCHEMA_VERSION, new IntType(), "system column");
    JsonNode properties = schema.get("properties");
    if (properties != null && properties.isObject()) {
      for (Map.Entry<String, JsonNode> p : properties.properties()) {
        columns.add(p.getKey(), typeOf(p.getValue(), p.getKey()), "schema property");
      }
    }
    int addedStart = columns.size();
    List<ColumnType> addedTypes = new ArrayList<>();
    if (added != null) {
      for (Map.Entry<String, ColumnType> a : added.entrySet()) {
        columns.add(a.getKey(), logicalType(a.getValue(), a.getKey()), "added field");
        addedTypes.add(a.getValue());
      }
    }
    int enrichmentStart = columns.size();
    if (enrichment != null) {
      for (Map.Entry<String, ColumnType> e : enrichment.entrySet()) {
        columns.add(e.getKey(), logicalType(e.getValue(), e.getKey()), "enrichment column");
      }
    }
    return new CuratedSchema(
        new RowType(false, columns.fields), addedTypes, addedStart, enrichmentStart);
  }

  /** Flink logical type of the whole row. */
  public RowType rowType() {
    return rowType;
  }

  /** Position of a top-level column, -1 when there is none of that name. */
  public int index(String column) {
    Integer i = positions.get(column);
    return i == null ? -1 : i;
  }

  /** Position of the first added field (equal to {@link #enrichmentStart()} when none). */
  public int addedStart() {
    return addedStart;
  }

  /** Position of the first enrichment column (equal to the column count when none). */
  public int enrichmentStart() {
    return enrichmentStart;
  }

  /** Names of all columns, in row order; unmodifiable. */
  public List<String> columnNames() {
    return columnNames;
  }

  /** Types of the added fields, in order. */
  List<ColumnType> addedTypes() {
    return addedTypes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CuratedSchema s
        && rowType.equals(s.rowType)
        && addedStart == s.addedStart
        && enrichmentStart == s.enrichmentStart
        && addedTypes.equals(s.addedTypes);
  }

  @Override
  public int hashCode() {
    return rowType.hashCode() * 31 + addedStart * 7 + enrichmentStart;
  }

  @Override
  public String toString() {
    return rowType.asSummaryString();
  }

  private static JsonNode parse(String schemaJson) {
    if (schemaJson == null) {
      throw new IllegalArgumentException("the source has no JSON Schema text");
    }
    try {
      JsonNode node = MAPPER.readTree(schemaJson);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("the source's JSON Schema is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the source's JSON Schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static LogicalType logicalType(ColumnType type, String name) {
    if (type == null) {
      throw new IllegalArgumentException("column '" + name + "' has no type");
    }
    return ColumnTypes.logicalType(type);
  }

  /** The column type of a property schema; {@code path} names it in messages. */
  private static LogicalType typeOf(JsonNode schema, String path) {
    LogicalType t = definiteType(schema, path);
    return t != null ? t : jsonText();
  }

  /**
   * The type of a schema that pins its values down to one kind, or {@code null} when values are
   * kept as JSON text.
   */
  private static LogicalType definiteType(JsonNode schema, String path) {
    if (!schema.isObject()
        || schema.has("anyOf")
        || schema.has("oneOf")
        || schema.has("allOf")
        || schema.has("$ref")) {
      // the composition may admit several kinds of value: JSON text keeps every one intact
      return null;
    }
    String type = singleType(schema.get("type"));
    if (type == null) {
      return null;
    }
    switch (type) {
      case "string":
        return switch (schema.path("format").asText("")) {
          case "date-time" -> new LocalZonedTimestampType(6);
          case "date" -> new DateType();
          default -> new VarCharType(VarCharType.MAX_LENGTH);
        };
      case "integer":
        return new BigIntType();
      case "number":
        return new DoubleType();
      case "boolean":
        return new BooleanType();
      case "object":
        {
          JsonNode properties = schema.get("properties");
          if (properties == null || !properties.isObject() || properties.isEmpty()) {
            return null; // free-form, and Parquet cannot store a struct without fields anyway
          }
          Columns nested = new Columns();
          for (Map.Entry<String, JsonNode> p : properties.properties()) {
            nested.add(
                p.getKey(),
                typeOf(p.getValue(), path + "." + p.getKey()),
                "property of '" + path + "'");
          }
          return new RowType(nested.fields);
        }
      case "array":
        {
          JsonNode items = schema.get("items");
          if (items == null || schema.has("prefixItems")) {
            return null;
          }
          LogicalType element = definiteType(items, path + "[]");
          return element == null ? null : new ArrayType(element);
        }
      default:
        return null; // "null", or a word that is no JSON Schema type
    }
  }

  /** The one non-null type a {@code type} keyword names, or {@code null}. */
  private static String singleType(JsonNode type) {
    if (type == null) {
      return null;
    }
    if (type.isTextual()) {
      return type.textValue();
    }
    if (!type.isArray()) {
      return null;
    }
    String single = null;
    for (JsonNode t : type) {
      if (!t.isTextual()) {
        return null;
      }
      if (t.textValue().equals("null")) {
        continue;
      }
      if (single != null && !single.equals(t.textValue())) {
        return null;
      }
      single = t.textValue();
    }
    return single;
  }

  private static LogicalType jsonText() {
    return new VarCharType(VarCharType.MAX_LENGTH);
  }

  /** Fields being collected, with what each is for clash messages. */
  private static final class Columns {
    final List<RowField> fields = new ArrayList<>();
    final Map<String, String> kinds = new HashMap<>();

    void add(String name, LogicalType type, String kind) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(
            "a " + kind + " has a blank name; columns need a name with a visible character");
      }
      String existing = kinds.putIfAbsent(name, kind);
      if (existing != null) {
        throw new IllegalArgumentException(
            "column name clash: "
                + kind
                + " '"
                + name
                + "' has the same name as the "
                + existing
                + " '"
                + name
                + "'; rename one of them");
      }
      fields.add(new RowField(name, type));
    }

    int size() {
      return fields.size();
    }
  }
}
