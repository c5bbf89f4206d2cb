package io.lakestream.lake;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg tables Lakestream writes: one raw-zone table per source and one error-zone table.
 *
 * <p>Column order is part of the contract: the Flink job writes rows positionally in this order.
 */
public final class LakeSchemas {

  /** Namespace of the raw zone: one table per source, {@code raw.<source>}. */
  public static final Namespace RAW = Namespace.of("raw");

  /**
   * Namespace of the curated zone: a typed table per source ({@code curated.<source>}) and per join
   * ({@code curated.<join>}).
   */
  public static final Namespace CURATED = Namespace.of("curated");

  /** Namespace of window aggregation results, {@code aggregates.<aggregation>}. */
  public static final Namespace AGGREGATES = Namespace.of("aggregates");

  /** Namespace of the error zone. */
  public static final Namespace ERRORS = Namespace.of("errors");

  /** The single table holding every rejected record. */
  public static final TableIdentifier ERRORS_TABLE = TableIdentifier.of(ERRORS, "records");

  /** Raw zone: envelope columns plus the validated payload as JSON text. */
  public static final Schema RAW_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.StringType.get(), "event id"),
          Types.NestedField.required(2, "source", Types.StringType.get(), "source name"),
          Types.NestedField.optional(3, "key", Types.StringType.get(), "partition key value"),
          Types.NestedField.required(
              4, "event_time", Types.TimestampType.withZone(), "event time from the payload"),
          Types.NestedField.required(
              5, "ingest_time", Types.TimestampType.withZone(), "time the gateway accepted it"),
          Types.NestedField.required(
              6, "schema_version", Types.IntegerType.get(), "version of the source schema"),
          Types.NestedField.required(
              7, "payload", Types.StringType.get(), "the event as received (JSON)"));

  /** Raw zone tables are partitioned by day of event time. */
  public static final PartitionSpec RAW_SPEC =
      PartitionSpec.builderFor(RAW_SCHEMA).day("event_time").build();

  /** Error zone: who rejected what, why, and the original bytes. */
  public static final Schema ERRORS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.StringType.get(), "event id"),
          Types.NestedField.required(2, "source", Types.StringType.get(), "source name"),
          Types.NestedField.required(
              3,
              "stage",
              Types.StringType.get(),
              "stage that rejected it: parse|validate|event_time|transform|late|enrich"),
          Types.NestedField.required(4, "reason", Types.StringType.get(), "readable reason"),
          Types.NestedField.required(
              5, "ingest_time", Types.TimestampType.withZone(), "time the gateway accepted it"),
          Types.NestedField.required(
              6, "error_time", Types.TimestampType.withZone(), "time it was rejected"),
          Types.NestedField.optional(
              7, "original_text", Types.StringType.get(), "original bytes decoded as UTF-8"),
          Types.NestedField.optional(
              8, "original_bytes", Types.BinaryType.get(), "original bytes, unchanged"),
          Types.NestedField.optional(
              9, "origin", Types.StringType.get(), "where it came from (protocol, peer, line)"),
          Types.NestedField.optional(10, "kafka_topic", Types.StringType.get(), "raw topic"),
          Types.NestedField.optional(11, "kafka_partition", Types.IntegerType.get(), "partition"),
          Types.NestedField.optional(12, "kafka_offset", Types.LongType.get(), "offset"));

  /** The error zone is partitioned by day of ingest time. */
  public static final PartitionSpec ERRORS_SPEC =
      PartitionSpec.builderFor(ERRORS_SCHEMA).day("ingest_time").build();

  /** Namespace of alert events. */
  public static final Namespace ALERTS = Namespace.of("alerts");

  /** The table of every alert event (open and resolved) of the pipeline's detectors. */
  public static final TableIdentifier ALERTS_TABLE = TableIdentifier.of(ALERTS, "events");

  /** Alerts: the fields of an alert event, one row per open or resolved event. */
  public static final Schema ALERTS_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "alert_id", Types.StringType.get(), "incident id"),
          Types.NestedField.required(2, "status", Types.StringType.get(), "open or resolved"),
          Types.NestedField.required(3, "pipeline", Types.StringType.get(), "pipeline name"),
          Types.NestedField.required(4, "detector", Types.StringType.get(), "detector name"),
          Types.NestedField.required(
              5, "detector_type", Types.StringType.get(), "threshold|rate_of_change|robust|rcf"),
          Types.NestedField.required(
              6, "input", Types.StringType.get(), "source or aggregation watched"),
          Types.NestedField.required(7, "field", Types.StringType.get(), "field watched"),
          Types.NestedField.required(8, "key", Types.StringType.get(), "model key ('' if none)"),
          Types.NestedField.required(9, "value", Types.DoubleType.get(), "the value judged"),
          Types.NestedField.required(10, "score", Types.DoubleType.get(), "detector's score"),
          Types.NestedField.optional(11, "expected", Types.DoubleType.get(), "expected value"),
          Types.NestedField.optional(12, "low", Types.DoubleType.get(), "normal range, low end"),
          Types.NestedField.optional(13, "high", Types.DoubleType.get(), "normal range, high end"),
          Types.NestedField.required(
              14, "event_time", Types.TimestampType.withZone(), "event time of the point"),
          Types.NestedField.required(
              15, "detection_time", Types.TimestampType.withZone(), "when it was judged"),
          Types.NestedField.required(16, "severity", Types.StringType.get(), "severity"),
          Types.NestedField.required(
              17,
              "event_ids",
              Types.ListType.ofRequired(18, Types.StringType.get()),
              "ids of the events that triggered it"),
          Types.NestedField.required(19, "message", Types.StringType.get(), "readable summary"));

  /** Alerts are partitioned by day of event time. */
  public static final PartitionSpec ALERTS_SPEC =
      PartitionSpec.builderFor(ALERTS_SCHEMA).day("event_time").build();

  /** Identifier of a source's raw-zone table. */
  public static TableIdentifier rawTable(String source) {
    return TableIdentifier.of(RAW, source);
  }

  /** Identifier of a source's or join's curated-zone table. */
  public static TableIdentifier curatedTable(String name) {
    return TableIdentifier.of(CURATED, name);
  }

  /** Identifier of an aggregation's table. */
  public static TableIdentifier aggregateTable(String name) {
    return TableIdentifier.of(AGGREGATES, name);
  }

  private LakeSchemas() {}
}
