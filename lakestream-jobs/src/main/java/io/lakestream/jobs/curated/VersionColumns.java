package io.lakestream.jobs.curated;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * What a schema version newer than the one a job was planned with adds to a source's curated table:
 * the top-level properties the plan has no column for, typed as {@link CuratedSchema} types them,
 * appended after the plan's columns.
 *
 * <p>A property the plan has a column for keeps that column's type: a lake column never changes
 * type in place. When the new version gives it another type (say an {@code integer} that became a
 * {@code number}), the version is not lake-compatible and {@link #conflicts()} says why; its events
 * then go to the error zone instead of losing the value.
 *
 * <pre>{@code
 * VersionColumns v2 = VersionColumns.of(plan, v2SchemaJson);
 * byte[] extra = v2.extract(payload);      // in the validating task
 * Object[] values = v2.values(extra);      // at the lake writer
 * }</pre>
 */
public final class VersionColumns implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<String> names;
  private final List<String> conflicts;
  private final CuratedSchema added; // only the new properties, after the system columns
  private transient CuratedRowConverter converter;

  private VersionColumns(List<String> names, List<String> conflicts, CuratedSchema added) {
    this.names = List.copyOf(names);
    this.conflicts = List.copyOf(conflicts);
    this.added = added;
  }

  /**
   * Compares a version's schema with the plan's layout.
   *
   * @throws IllegalArgumentException when the version's schema is not a JSON object schema
   */
  public static VersionColumns of(CuratedSchema plan, String versionSchemaJson) {
    CuratedSchema version = CuratedSchema.of(versionSchemaJson, null, null);
    List<String> names = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    ObjectNode properties = MAPPER.createObjectNode();
    JsonNode declared = parse(versionSchemaJson).get("properties");
    RowType versionType = version.rowType();
    for (int i = CuratedSchema.PAYLOAD_START; i < version.enrichmentStart(); i++) {
      String name = versionType.getFieldNames().get(i);
      LogicalType type = versionType.getTypeAt(i);
      int at = plan.index(name);
      if (at < 0) {
        names.add(name);
        properties.set(name, declared.get(name));
      } else if (at >= plan.addedStart()) {
        conflicts.add(
            "property '"
                + name
                + "' clashes with the "
                + (at >= plan.enrichmentStart() ? "enrichment column" : "Java-transform field")
                + " of that name");
      } else {
        LogicalType planned = plan.rowType().getTypeAt(at);
        if (!planned.copy(true).equals(type.copy(true))) {
          conflicts.add(
              "column '"
                  + name
                  + "' is "
                  + planned.asSummaryString()
                  + " in the lake, this version makes it "
                  + type.asSummaryString()
                  + "; a lake column cannot change type in place");
        }
      }
    }
    ObjectNode schema = MAPPER.createObjectNode();
    schema.put("type", "object");
    schema.set("properties", properties);
    return new VersionColumns(names, conflicts, CuratedSchema.of(schema.toString(), null, null));
  }

  /** Whether the version adds no column. */
  public boolean isEmpty() {
    return names.isEmpty();
  }

  /** Why the version cannot be written to the plan's table; empty when it can. */
  public List<String> conflicts() {
    return conflicts;
  }

  /** The new columns, in the version's property order. */
  public List<RowType.RowField> fields() {
    return added
        .rowType()
        .getFields()
        .subList(CuratedSchema.PAYLOAD_START, added.columnNames().size());
  }

  /**
   * The new columns' values in {@code payload}, as a JSON object; {@code null} when it has none of
   * them.
   */
  public byte[] extract(JsonNode payload) {
    if (names.isEmpty() || payload == null || !payload.isObject()) {
      return null;
    }
    ObjectNode out = null;
    for (String name : names) {
      JsonNode v = payload.get(name);
      if (v != null && !v.isNull()) {
        if (out == null) {
          out = MAPPER.createObjectNode();
        }
        out.set(name, v);
      }
    }
    try {
      return out == null ? null : MAPPER.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The new columns' values, in {@link #fields()} order, typed for Flink rows. */
  public Object[] values(byte[] extract) {
    Object[] out = new Object[names.size()];
    if (extract == null) {
      return out;
    }
    if (converter == null) {
      converter = new CuratedRowConverter(added);
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(extract);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GenericRowData row = converter.convert("", 0L, 0L, node);
    for (int i = 0; i < out.length; i++) {
      out[i] = row.getField(CuratedSchema.PAYLOAD_START + i);
    }
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "VersionColumns" + Map.of("added", names, "conflicts", conflicts);
  }
}
