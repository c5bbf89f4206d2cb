/** The {@code postgres_cdc} source: PostgreSQL change data capture with the Debezium engine. */
package io.lakestream.source.cdc;
