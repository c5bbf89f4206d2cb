/**
 * Experimental sink that ships search documents to an OpenSearch or Elasticsearch cluster through
 * the {@code _bulk} API, using only {@link java.net.http.HttpClient} and Jackson.
 *
 * <p>Entry point: {@link io.lakestream.search.opensearch.OpenSearchSink}. See {@code
 * docs/search-opensearch.md}.
 */
package io.lakestream.search.opensearch;
