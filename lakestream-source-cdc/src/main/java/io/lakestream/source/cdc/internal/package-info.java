/** Internals of the {@code postgres_cdc} source; not an API. */
package io.lakestream.source.cdc.internal;
