package io.lakestream.jobs.sink;

import io.lakestream.jobs.curated.CuratedSchema;
import io.lakestream.jobs.curated.InFlightRows;
import io.lakestream.jobs.curated.VersionColumns;
import io.lakestream.jobs.schema.RegistryAccess;
import io.lakestream.registry.RegisteredSchema;
import io.lakestream.registry.Registry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecord;
import org.apache.iceberg.flink.sink.dynamic.DynamicRecordGenerator;
import org.apache.iceberg.types.TypeUtil;

/**
 * Turns a source's in-flight rows into records for its curated table, written by Iceberg's dynamic
 * sink so that the table can gain columns while the job runs.
 *
 * <p>A row validated against the version the job was planned with is laid out as the table was at
 * plan time ({@code null} for a table column the plan no longer has) and written with that schema:
 * the sink then writes it as is. A row of a newer version carries its new properties' values (see
 * {@link VersionColumns}); it is written with the table's schema plus those columns, and the sink
 * adds them to the table before writing it. Older rows read {@code null} in them.
 */
public final class CuratedRecords implements DynamicRecordGenerator<RowData> {

  private static final long serialVersionUID = 1L;

  private final String namespace;
  private final String tableName;
  private final String tableSchemaJson;
  private final String specJson;
  private final CuratedSchema plan;
  private final int[] fromInFlight;
  private final int extraIndex;
  private final String subject;
  private final RegistryAccess access;
  private final int writeParallelism;

  private transient TableIdentifier table;
  private transient Schema tableSchema;
  private transient PartitionSpec spec;
  private transient Registry registry;
  private transient Map<Integer, Layout> layouts;
  private transient RowData.FieldGetter[] getters;

  /** How a newer version's rows are written. */
  private record Layout(Schema schema, VersionColumns columns, int[] positions) {}

  /**
   * @param table the curated table
   * @param tableSchema its schema when the job was planned
   * @param spec its partition spec
   * @param plan the curated layout the job was planned with
   * @param subject the registry subject of the source's schema
   * @param access how to read newer versions
   * @param writeParallelism writer tasks
   */
  public CuratedRecords(
      TableIdentifier table,
      Schema tableSchema,
      PartitionSpec spec,
      CuratedSchema plan,
      String subject,
      RegistryAccess access,
      int writeParallelism) {
    this.namespace = table.namespace().toString();
    this.tableName = table.name();
    this.tableSchemaJson = SchemaParser.toJson(tableSchema);
    this.specJson = PartitionSpecParser.toJson(spec);
    this.plan = plan;
    this.subject = subject;
    this.access = access;
    this.writeParallelism = writeParallelism;
    RowType inFlight = InFlightRows.rowType(plan);
    List<String> names = inFlight.getFieldNames();
    List<org.apache.iceberg.types.Types.NestedField> columns = tableSchema.columns();
    this.fromInFlight = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      int at = plan.index(columns.get(i).name());
      fromInFlight[i] = at >= 0 && at < names.size() ? at : -1;
    }
    this.extraIndex = plan.rowType().getFieldCount() + InFlightRows.EXTRA;
  }

  @Override
  public void open(OpenContext context) {
    table =
        TableIdentifier.of(
            org.apache.iceberg.catalog.Namespace.of(namespace.split("\\.")), tableName);
    tableSchema = SchemaParser.fromJson(tableSchemaJson);
    spec = PartitionSpecParser.fromJson(tableSchema, specJson);
    layouts = new HashMap<>();
    RowType type = InFlightRows.rowType(plan);
    getters = new RowData.FieldGetter[fromInFlight.length];
    for (int i = 0; i < fromInFlight.length; i++) {
      int from = fromInFlight[i];
      getters[i] = from < 0 ? null : RowData.createFieldGetter(type.getTypeAt(from), from);
    }
  }

  @Override
  public void generate(RowData row, Collector<DynamicRecord> out) {
    if (row.isNullAt(extraIndex)) {
      out.collect(record(tableSchema, planRow(row, tableSchema.columns().size())));
      return;
    }
    Layout layout = layout(row.getInt(CuratedSchema.SCHEMA_VERSION_INDEX));
    GenericRowData full = planRow(row, layout.schema().columns().size());
    Object[] values = layout.columns().values(row.getBinary(extraIndex));
    for (int i = 0; i < values.length; i++) {
      full.setField(layout.positions()[i], values[i]);
    }
    out.collect(record(layout.schema(), full));
  }

  private DynamicRecord record(Schema schema, RowData row) {
    return new DynamicRecord(
        table, SnapshotRef.MAIN_BRANCH, schema, row, spec, DistributionMode.NONE, writeParallelism);
  }

  /** The row's plan columns laid out as the table was at plan time, with room for more. */
  private GenericRowData planRow(RowData row, int arity) {
    GenericRowData out = new GenericRowData(arity);
    for (int i = 0; i < getters.length; i++) {
      if (getters[i] != null) {
        out.setField(i, getters[i].getFieldOrNull(row));
      }
    }
    return out;
  }

  private Layout layout(int version) {
    Layout known = layouts.get(version);
    if (known != null) {
      return known;
    }
    if (registry == null) {
      registry = access.shared(); // this operator has no close hook to close its own
    }
    RegisteredSchema schema = registry.version(subject, version).orElse(null);
    if (schema == null) {
      registry.refresh();
      schema =
          registry
              .version(subject, version, true)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "version "
                              + version
                              + " of subject '"
                              + subject
                              + "' is not registered"));
    }
    VersionColumns columns = VersionColumns.of(plan, schema.schema());
    List<RowType.RowField> fields =
        new ArrayList<>(FlinkSchemaUtil.convert(tableSchema).getFields());
    List<String> names =
        new ArrayList<>(tableSchema.columns().stream().map(c -> c.name()).toList());
    int[] positions = new int[columns.fields().size()];
    for (int i = 0; i < positions.length; i++) {
      RowType.RowField f = columns.fields().get(i);
      int at = names.indexOf(f.getName());
      if (at < 0) {
        at = fields.size();
        LogicalType nullable = f.getType().copy(true);
        fields.add(new RowType.RowField(f.getName(), nullable));
        names.add(f.getName());
      }
      positions[i] = at;
    }
    Schema fresh =
        FlinkSchemaUtil.convert(FlinkSchemaUtil.toResolvedSchema(new RowType(false, fields)));
    Layout layout =
        new Layout(TypeUtil.reassignOrRefreshIds(fresh, tableSchema), columns, positions);
    layouts.put(version, layout);
    return layout;
  }
}
