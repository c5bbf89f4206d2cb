/**
 * The Fluentd forward protocol's decoder and connection handling behind {@link
 * io.lakestream.source.logs.fluent.FluentSource}. Not an API: types here change without notice.
 */
package io.lakestream.source.logs.fluent.internal;
