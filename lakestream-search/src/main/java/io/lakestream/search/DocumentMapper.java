package io.lakestream.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * Maps an {@link IndexDoc} to a Lucene {@link Document}.
 *
 * <ul>
 *   <li>{@code id}: indexed term + sorted doc values (tie-break of sorts and search-after) + stored
 *   <li>{@code source} and keyword fields: indexed term + sorted-set doc values (facets)
 *   <li>{@code event_time}/{@code ingest_time}: point (ranges) + doc values (sort) + stored
 *   <li>text fields: analyzed, also copied to {@code _all}
 *   <li>long/double fields: point + sorted-numeric doc values
 *   <li>{@code _source}: stored JSON
 * </ul>
 */
final class DocumentMapper {

  /** Keyword values longer than this are not indexed (Lucene terms are capped at 32 KB). */
  static final int KEYWORD_IGNORE_ABOVE = 2048;

  private final IndexSchema schema;

  DocumentMapper(IndexSchema schema) {
    this.schema = schema;
  }

  Document toDocument(IndexDoc d) {
    Document doc = new Document();
    doc.add(new StringField(IndexSchema.ID, d.id(), Field.Store.YES));
    doc.add(new SortedDocValuesField(IndexSchema.ID, new BytesRef(d.id())));
    if (d.source() != null) {
      addKeyword(doc, IndexSchema.SOURCE, d.source());
      doc.add(new StoredField(IndexSchema.SOURCE, d.source()));
    }
    addTime(doc, IndexSchema.EVENT_TIME, d.eventTimeMillis());
    addTime(doc, IndexSchema.INGEST_TIME, d.ingestTimeMillis());
    doc.add(new StoredField(IndexSchema.STORED_SOURCE, d.event().toString()));

    JsonNode event = d.event();
    for (String f : schema.textFields()) {
      for (JsonNode v : values(event, f)) {
        String s = v.asText();
        doc.add(new TextField(f, s, Field.Store.NO));
        doc.add(new TextField(IndexSchema.ALL, s, Field.Store.NO));
      }
    }
    for (String f : schema.keywordFields()) {
      for (JsonNode v : values(event, f)) {
        addKeyword(doc, f, v.asText());
      }
    }
    for (String f : schema.longFields()) {
      for (JsonNode v : values(event, f)) {
        Long l = asLong(v);
        if (l != null) {
          doc.add(new LongPoint(f, l));
          doc.add(new SortedNumericDocValuesField(f, l));
        }
      }
    }
    for (String f : schema.doubleFields()) {
      for (JsonNode v : values(event, f)) {
        Double x = asDouble(v);
        if (x != null) {
          doc.add(new DoublePoint(f, x));
          doc.add(new SortedNumericDocValuesField(f, NumericUtils.doubleToSortableLong(x)));
        }
      }
    }
    return doc;
  }

  private static void addKeyword(Document doc, String field, String value) {
    if (value.length() > KEYWORD_IGNORE_ABOVE) {
      return;
    }
    doc.add(new StringField(field, value, Field.Store.NO));
    doc.add(new SortedSetDocValuesField(field, new BytesRef(value)));
  }

  private static void addTime(Document doc, String field, long millis) {
    doc.add(new LongPoint(field, millis));
    doc.add(new NumericDocValuesField(field, millis));
    doc.add(new StoredField(field, millis));
  }

  /** Scalar values of a field: top-level member, else dotted path; arrays flattened one level. */
  static List<JsonNode> values(JsonNode event, String field) {
    JsonNode node = event.get(field);
    if (node == null && field.indexOf('.') > 0) {
      node = event;
      for (String part : field.split("\\.")) {
        node = node == null ? null : node.get(part);
      }
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return List.of();
    }
    if (node.isArray()) {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode e : node) {
        if (e.isValueNode() && !e.isNull()) {
          out.add(e);
        }
      }
      return out;
    }
    return node.isValueNode() ? List.of(node) : List.of();
  }

  private static Long asLong(JsonNode v) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Double asDouble(JsonNode v) {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
