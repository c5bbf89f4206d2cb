package io.lakestream.export.internal;

import java.util.Locale;
import java.util.Optional;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The PostgreSQL column type of an Iceberg type, spelled as PostgreSQL's {@code format_type} prints
 * it, so that an existing column's type can be compared by name.
 */
public final class PgTypes {

  private PgTypes() {}

  /**
   * The PostgreSQL type of an Iceberg type: string→text, long→bigint, int→integer, double→double
   * precision, float→real, boolean→boolean, timestamptz→timestamp with time zone,
   * timestamp→timestamp without time zone, date→date, decimal(p,s)→numeric(p,s), time→time,
   * uuid→uuid, binary/fixed→bytea, struct/list/map→jsonb.
   *
   * @throws IllegalArgumentException for types PostgreSQL has no column type for here (variant,
   *     geometry, ...)
   */
  public static String of(Type type) {
    return switch (type.typeId()) {
      case STRING -> "text";
      case LONG -> "bigint";
      case INTEGER -> "integer";
      case DOUBLE -> "double precision";
      case FLOAT -> "real";
      case BOOLEAN -> "boolean";
      case DATE -> "date";
      case TIME -> "time without time zone";
      case TIMESTAMP, TIMESTAMP_NANO ->
          isZoned(type) ? "timestamp with time zone" : "timestamp without time zone";
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield "numeric(" + d.precision() + "," + d.scale() + ")";
      }
      case UUID -> "uuid";
      case BINARY, FIXED -> "bytea";
      case STRUCT, LIST, MAP -> "jsonb";
      default ->
          throw new IllegalArgumentException(
              "Iceberg type " + type + " has no PostgreSQL column type in the export");
    };
  }

  private static boolean isZoned(Type type) {
    if (type instanceof Types.TimestampType t) {
      return t.shouldAdjustToUTC();
    }
    if (type instanceof Types.TimestampNanoType t) {
      return t.shouldAdjustToUTC();
    }
    return false;
  }

  /**
   * How to change an existing column of type {@code existing} so it holds values of {@code wanted}:
   * empty when the types are equal; the new type when the change is a safe widening that Iceberg
   * allows (integer→bigint, real→double precision, numeric with more precision and the same scale);
   * otherwise throws.
   *
   * @throws IncompatibleTypeException when the existing column cannot hold the new values
   */
  public static Optional<String> widening(String existing, String wanted) {
    String have = existing.toLowerCase(Locale.ROOT).trim();
    if (have.equals(wanted)) {
      return Optional.empty();
    }
    if ((have.equals("integer") && wanted.equals("bigint"))
        || (have.equals("real") && wanted.equals("double precision"))) {
      return Optional.of(wanted);
    }
    if (have.startsWith("numeric(") && wanted.startsWith("numeric(")) {
      int[] a = precisionScale(have);
      int[] b = precisionScale(wanted);
      if (a[1] == b[1] && b[0] >= a[0]) {
        return Optional.of(wanted);
      }
    }
    throw new IncompatibleTypeException(have, wanted);
  }

  private static int[] precisionScale(String numeric) {
    String inner = numeric.substring(numeric.indexOf('(') + 1, numeric.indexOf(')'));
    String[] parts = inner.split(",");
    return new int[] {
      Integer.parseInt(parts[0].trim()), parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0
    };
  }

  /** An existing PostgreSQL column cannot hold the values of the Iceberg column's type. */
  public static final class IncompatibleTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The existing PostgreSQL type. */
    public final String existing;

    /** The PostgreSQL type the Iceberg column needs. */
    public final String wanted;

    IncompatibleTypeException(String existing, String wanted) {
      super(existing + " cannot hold " + wanted);
      this.existing = existing;
      this.wanted = wanted;
    }
  }

  /** A PostgreSQL identifier, double-quoted, inner quotes doubled. */
  public static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains a NUL character");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
