/** Delivery of non-HTTP sources' records into the raw Kafka topic. */
package io.lakestream.gateway.ingest;
