/**
 * Helpers of the HTTP gateway (parsing, body limits, authentication, Kafka writes); not an API, may
 * change without notice.
 */
package io.lakestream.gateway.http.internal;
