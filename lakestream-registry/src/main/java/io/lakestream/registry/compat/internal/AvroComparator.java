package io.lakestream.registry.compat.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Runs Avro's reader/writer compatibility check and restates its findings readably. */
public final class AvroComparator {
  private AvroComparator() {}

  /** Returns why {@code reader} cannot decode data written with {@code writer}; empty when none. */
  public static List<Finding> canRead(Schema reader, Schema writer) {
    List<Finding> out = new ArrayList<>();
    List<Incompatibility> incompatibilities =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities();
    for (Incompatibility inc : incompatibilities) {
      out.add(toFinding(reader, inc));
    }
    return out;
  }

  private static Finding toFinding(Schema reader, Incompatibility inc) {
    String path = fieldPath(reader, inc.getLocation());
    String kind = inc.getType().name();
    String readerType = describe(inc.getReaderFragment());
    String writerType = describe(inc.getWriterFragment());
    return switch (inc.getType()) {
      case TYPE_MISMATCH ->
          new Finding(
              path,
              kind,
              "type",
              readerType,
              writerType,
              "{writer} has " + writerType + " here, which {reader} cannot read as " + readerType);
      case NAME_MISMATCH ->
          new Finding(
              path,
              kind,
              "name",
              readerType,
              writerType,
              "{writer} has "
                  + writerType
                  + " here, which {reader} does not accept under the name "
                  + inc.getReaderFragment().getFullName());
      case FIXED_SIZE_MISMATCH ->
          new Finding(
              path,
              kind,
              "fixed size",
              readerType + " size " + inc.getReaderFragment().getFixedSize(),
              writerType + " size " + inc.getWriterFragment().getFixedSize(),
              "{writer} has fixed values of another size, which {reader} cannot read");
      case MISSING_ENUM_SYMBOLS ->
          new Finding(
              path,
              kind,
              "enum symbols",
              symbols(inc.getReaderFragment()),
              symbols(inc.getWriterFragment()),
              "{writer} may have symbol(s) "
                  + inc.getMessage()
                  + " here, which {reader} does not define (and it has no enum default)");
      case READER_FIELD_MISSING_DEFAULT_VALUE ->
          new Finding(
              path,
              kind,
              "field '" + inc.getMessage() + "'",
              readerFieldType(inc) + " without default",
              "absent",
              "{writer} has no field '"
                  + inc.getMessage()
                  + "', and {reader} declares it without a default");
      case MISSING_UNION_BRANCH ->
          new Finding(
              path,
              kind,
              "union",
              readerType,
              writerType,
              "{writer} may have "
                  + inc.getMessage()
                      .replace("reader union lacking writer type: ", "")
                      .toLowerCase(Locale.ROOT)
                  + " here, which {reader}'s union lacks");
    };
  }

  private static String readerFieldType(Incompatibility inc) {
    Schema record = inc.getReaderFragment();
    if (record != null && record.getType() == Schema.Type.RECORD) {
      Schema.Field field = record.getField(inc.getMessage());
      if (field != null) {
        return describe(field.schema());
      }
    }
    return describe(record);
  }

  private static String symbols(Schema schema) {
    return schema != null && schema.getType() == Schema.Type.ENUM
        ? schema.getEnumSymbols().toString()
        : describe(schema);
  }

  /** Readable type: primitives by name, named types with their full name, unions by branch. */
  static String describe(Schema schema) {
    if (schema == null) {
      return "unknown";
    }
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getFullName();
      case ARRAY -> "array<" + describe(schema.getElementType()) + ">";
      case MAP -> "map<" + describe(schema.getValueType()) + ">";
      case UNION ->
          schema.getTypes().stream()
              .map(AvroComparator::describe)
              .collect(Collectors.joining(", ", "union[", "]"));
      default ->
          schema.getLogicalType() == null
              ? schema.getType().getName()
              : schema.getType().getName() + " (" + schema.getLogicalType().getName() + ")";
    };
  }

  /**
   * Rewrites Avro's location ({@code /fields/0/type}, field positions of the reader) with field
   * names ({@code /fields/qty/type}); falls back to the raw location where it cannot follow.
   */
  static String fieldPath(Schema reader, String location) {
    if (location == null || location.isEmpty() || location.equals("/")) {
      return "/";
    }
    String[] tokens = location.substring(1).split("/", -1);
    StringBuilder out = new StringBuilder();
    Schema current = reader;
    Schema.Field pendingField = null;
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (current == null) {
        out.append('/').append(token);
        continue;
      }
      try {
        if (token.equals("fields")
            && current.getType() == Schema.Type.RECORD
            && i + 1 < tokens.length) {
          pendingField = current.getFields().get(Integer.parseInt(tokens[++i]));
          out.append("/fields/").append(pendingField.name());
        } else if (token.equals("type") && pendingField != null) {
          current = pendingField.schema();
          pendingField = null;
          out.append("/type");
        } else if (token.equals("items") && current.getType() == Schema.Type.ARRAY) {
          current = current.getElementType();
          out.append("/items");
        } else if (token.equals("values") && current.getType() == Schema.Type.MAP) {
          current = current.getValueType();
          out.append("/values");
        } else {
          // Union indexes may refer to the writer's branches; stop following here.
          current = null;
          out.append('/').append(token);
        }
      } catch (RuntimeException e) {
        current = null;
        out.append('/').append(token);
      }
    }
    return out.toString();
  }
}
