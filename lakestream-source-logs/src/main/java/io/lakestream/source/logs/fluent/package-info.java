/**
 * The {@code fluent} source: the Fluentd forward protocol, for Fluentd's and Fluent Bit's {@code
 * forward} outputs. See {@link io.lakestream.source.logs.fluent.FluentSource}.
 */
package io.lakestream.source.logs.fluent;
