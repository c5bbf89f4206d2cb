package io.lakestream.lake.internal;

import java.util.Collection;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Builds DuckDB SQL text: quoted identifiers and literals, and Iceberg types as DuckDB types. */
public final class DuckSql {

  private DuckSql() {}

  /** A double-quoted identifier. */
  public static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted string literal. */
  public static String literal(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }

  /** A list literal of strings, e.g. {@code ['a', 'b']}. */
  public static String literalList(Collection<String> values) {
    return values.stream().map(DuckSql::literal).collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * The DuckDB type that a Parquet column written by Iceberg for this type reads back as; empty for
   * types DuckDB has no counterpart for (variant, geometry, ...).
   */
  public static Optional<String> type(Type type) {
    return Optional.ofNullable(typeOrNull(type));
  }

  private static String typeOrNull(Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return "BOOLEAN";
      case INTEGER:
        return "INTEGER";
      case LONG:
        return "BIGINT";
      case FLOAT:
        return "FLOAT";
      case DOUBLE:
        return "DOUBLE";
      case DECIMAL:
        Types.DecimalType d = (Types.DecimalType) type;
        return "DECIMAL(" + d.precision() + ", " + d.scale() + ")";
      case DATE:
        return "DATE";
      case TIME:
        return "TIME";
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
      case TIMESTAMP_NANO:
        // DuckDB has no nanosecond TIMESTAMPTZ; it reads such columns as microseconds.
        return ((Types.TimestampNanoType) type).shouldAdjustToUTC()
            ? "TIMESTAMPTZ"
            : "TIMESTAMP_NS";
      case STRING:
        return "VARCHAR";
      case UUID:
        return "UUID";
      case FIXED:
      case BINARY:
        return "BLOB";
      case LIST:
        String element = typeOrNull(((Types.ListType) type).elementType());
        return element == null ? null : element + "[]";
      case MAP:
        Types.MapType m = (Types.MapType) type;
        String k = typeOrNull(m.keyType());
        String v = typeOrNull(m.valueType());
        return k == null || v == null ? null : "MAP(" + k + ", " + v + ")";
      case STRUCT:
        StringBuilder sb = new StringBuilder("STRUCT(");
        for (Types.NestedField f : ((Types.StructType) type).fields()) {
          String t = typeOrNull(f.type());
          if (t == null) {
            return null;
          }
          sb.append(sb.length() > 7 ? ", " : "").append(ident(f.name())).append(' ').append(t);
        }
        return sb.append(')').toString();
      default:
        return null;
    }
  }
}
