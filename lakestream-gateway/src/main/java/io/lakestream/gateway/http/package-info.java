/**
 * The HTTP ingestion gateway of a Lakestream pipeline: {@link
 * io.lakestream.gateway.http.HttpGateway} accepts JSON events per source and writes them unchanged
 * to the pipeline's raw Kafka topic.
 */
package io.lakestream.gateway.http;
