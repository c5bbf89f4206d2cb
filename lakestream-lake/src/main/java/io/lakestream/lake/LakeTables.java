package io.lakestream.lake;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.SourceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.types.Types.NestedField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the lake tables a pipeline writes to, {@code raw.<source>} and {@code errors.records},
 * and checks that existing ones still fit {@link LakeSchemas}.
 */
public final class LakeTables {

  private static final Logger LOG = LoggerFactory.getLogger(LakeTables.class);

  /**
   * Metadata files kept besides the current one. The Flink job commits on every checkpoint, and
   * each commit writes a new metadata file; without a cap they pile up forever.
   */
  public static final int PREVIOUS_METADATA_VERSIONS = 50;

  /** Dictionary size cap per column chunk, see {@link #tableProperties()}. */
  static final int PARQUET_DICT_SIZE_BYTES = 256 * 1024;

  private LakeTables() {}

  /**
   * Properties of every table Lakestream creates: format v2 (row-level deletes, needed later for
   * compaction and GDPR deletes), zstd Parquet, and bounded metadata history.
   */
  public static Map<String, String> tableProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(TableProperties.FORMAT_VERSION, "2");
    p.put(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
    p.put(TableProperties.PARQUET_COMPRESSION, "zstd");
    // Level 1: the lake is written continuously on a few cores; compaction can recompress harder.
    p.put(TableProperties.PARQUET_COMPRESSION_LEVEL, "1");
    // Ids and payloads are unique per row: dictionary-encoding them only costs hashing until the
    // dictionary overflows. A 256 KiB cap makes those columns fall back early, while low-
    // cardinality columns (source, key) still fit and stay dictionary-encoded.
    p.put(TableProperties.PARQUET_DICT_SIZE_BYTES, String.valueOf(PARQUET_DICT_SIZE_BYTES));
    p.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
    p.put(
        TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, String.valueOf(PREVIOUS_METADATA_VERSIONS));
    return Map.copyOf(p);
  }

  /**
   * Creates the namespaces {@code raw} and {@code errors}, a raw table per source and the errors
   * table, and with detectors the {@code alerts.events} table, where missing. Safe to call on every
   * start and from several processes at once.
   *
   * @return the tables this call created, empty when all existed
   * @throws IllegalStateException when an existing table's columns do not match what the job writes
   *     (it writes rows by position, so names, order and types must all match)
   */
  public static List<TableIdentifier> ensure(Catalog catalog, PipelineConfig config) {
    ensureNamespace(catalog, LakeSchemas.RAW);
    ensureNamespace(catalog, LakeSchemas.ERRORS);
    List<TableIdentifier> created = new ArrayList<>();
    for (SourceConfig source : config.sources().values()) {
      TableIdentifier id = LakeSchemas.rawTable(source.name());
      if (ensureTable(catalog, id, LakeSchemas.RAW_SCHEMA, LakeSchemas.RAW_SPEC)) {
        created.add(id);
      }
    }
    if (ensureTable(
        catalog, LakeSchemas.ERRORS_TABLE, LakeSchemas.ERRORS_SCHEMA, LakeSchemas.ERRORS_SPEC)) {
      created.add(LakeSchemas.ERRORS_TABLE);
    }
    if (config.alerting().enabled()) {
      ensureNamespace(catalog, LakeSchemas.ALERTS);
      if (ensureTable(
          catalog, LakeSchemas.ALERTS_TABLE, LakeSchemas.ALERTS_SCHEMA, LakeSchemas.ALERTS_SPEC)) {
        created.add(LakeSchemas.ALERTS_TABLE);
      }
    }
    return List.copyOf(created);
  }

  /**
   * Creates a table whose columns the pipeline's processing defines (curated and aggregate tables),
   * or brings an existing one up to date: new columns are added (older rows read them as null) and
   * types are widened where Iceberg allows it.
   *
   * <p>Columns the pipeline no longer writes stay in the table (older rows keep their values) and
   * become optional, so new rows can leave them null.
   *
   * @return the table's schema afterwards, which the writer must follow column by column
   * @throws IllegalStateException when the existing table cannot follow, e.g. a column changed to
   *     an incompatible type; the message names the table and the column
   */
  public static Schema ensureEvolving(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    ensureNamespace(catalog, id.namespace());
    Table created = createIfMissing(catalog, id, schema, spec);
    if (created != null) {
      return created.schema();
    }
    Table table = catalog.loadTable(id);
    if (table.schema().asStruct().equals(schema.asStruct())) {
      return table.schema();
    }
    try {
      org.apache.iceberg.UpdateSchema update = table.updateSchema().unionByNameWith(schema);
      for (NestedField f : table.schema().columns()) {
        if (f.isRequired() && schema.findField(f.name()) == null) {
          update.makeColumnOptional(f.name());
        }
      }
      Schema next = update.apply();
      if (!next.sameSchema(table.schema())) {
        update.commit();
        LOG.info("Evolved lake table {} to {}", id, next);
      }
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
      throw new IllegalStateException(
          "lake table "
              + id
              + " cannot take the columns the pipeline now produces: "
              + e.getMessage()
              + ". Rename the output (or drop the table) if the change is intended.",
          e);
    }
    return catalog.loadTable(id).schema();
  }

  /**
   * What differs between an existing table schema and the one Lakestream writes, one readable line
   * per problem; empty when the table can be written to.
   */
  public static List<String> schemaDifferences(Schema actual, Schema expected) {
    List<NestedField> have = actual.columns();
    List<NestedField> want = expected.columns();
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < Math.max(have.size(), want.size()); i++) {
      int pos = i + 1;
      if (i >= have.size()) {
        diffs.add("column " + pos + " " + describe(want.get(i)) + " is missing");
        continue;
      }
      if (i >= want.size()) {
        diffs.add("column " + pos + " " + describe(have.get(i)) + " is not expected");
        continue;
      }
      NestedField h = have.get(i);
      NestedField w = want.get(i);
      if (!h.name().equals(w.name())) {
        diffs.add("column " + pos + " is " + describe(h) + " but should be " + describe(w));
      } else if (!sameType(h.type(), w.type())) {
        diffs.add(
            String.format(
                "column %d '%s' has type %s but should be %s", pos, h.name(), h.type(), w.type()));
      } else if (h.isRequired() && w.isOptional()) {
        // Looser is fine (an optional column accepts every value); stricter rejects nulls.
        diffs.add(
            String.format(
                "column %d '%s' is required but must be optional (it may be null)", pos, h.name()));
      }
    }
    return diffs;
  }

  private static void ensureNamespace(Catalog catalog, Namespace ns) {
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      return; // Catalogs without namespace support create them implicitly with the table.
    }
    if (namespaces.namespaceExists(ns)) {
      return;
    }
    try {
      namespaces.createNamespace(ns);
      LOG.info("Created lake namespace {}", ns);
    } catch (AlreadyExistsException e) {
      // Another process created it in between: that is what we wanted.
    }
  }

  private static boolean ensureTable(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (createIfMissing(catalog, id, schema, spec) != null) {
      return true;
    }
    checkSchema(id, catalog.loadTable(id), schema);
    return false;
  }

  /**
   * Creates the table with Lakestream's properties when it does not exist.
   *
   * @return the new table, or null when it existed (or another process created it meanwhile: the
   *     caller then treats it like any existing table)
   */
  private static Table createIfMissing(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    if (catalog.tableExists(id)) {
      return null;
    }
    try {
      Table table =
          catalog
              .buildTable(id, schema)
              .withPartitionSpec(spec)
              .withProperties(tableProperties())
              .create();
      LOG.info("Created lake table {}", id);
      return table;
    } catch (AlreadyExistsException e) {
      return null;
    }
  }

  /** Types equal apart from the ids of nested fields, which Iceberg assigns afresh on create. */
  private static boolean sameType(
      org.apache.iceberg.types.Type a, org.apache.iceberg.types.Type b) {
    return a.isPrimitiveType() ? a.equals(b) : a.toString().equals(b.toString());
  }

  private static void checkSchema(TableIdentifier id, Table table, Schema expected) {
    List<String> diffs = schemaDifferences(table.schema(), expected);
    if (diffs.isEmpty()) {
      return;
    }
    StringBuilder msg =
        new StringBuilder("lake table ").append(id).append(" exists with an incompatible schema:");
    diffs.forEach(d -> msg.append(System.lineSeparator()).append("  - ").append(d));
    msg.append(System.lineSeparator()).append("Lakestream writes these columns, in this order: ");
    List<String> cols = expected.columns().stream().map(LakeTables::describe).toList();
    msg.append(String.join(", ", cols))
        .append(". Drop or rename the table, or point the pipeline at another lake.");
    throw new IllegalStateException(msg.toString());
  }

  private static String describe(NestedField f) {
    return "'" + f.name() + "' " + f.type() + (f.isOptional() ? "" : " not null");
  }
}
