/**
 * Mirrors Lakestream's Iceberg lake tables into PostgreSQL, incrementally by snapshot, with the
 * COPY protocol; see {@link io.lakestream.export.PostgresExport}.
 */
package io.lakestream.export;
