/** The contract between ingestion sources and the raw Kafka topic. */
package io.lakestream.api.ingest;
