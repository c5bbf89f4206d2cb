package io.lakestream.api.ingest;

/**
 * Which registered schema version a source's events are validated against right now. Gateways stamp
 * each event with it (header {@link io.lakestream.api.event.EventHeaders#SCHEMA_ID}), so an event
 * taken in after a new version was registered is validated against that version, however late the
 * job hears of it.
 *
 * <p>Called for every request or batch: implementations answer from memory.
 */
@FunctionalInterface
public interface SchemaIds {

  /** No registry: events carry no schema id. */
  SchemaIds NONE = source -> 0;

  /** The global registry id of the source's current schema version, or 0 when none is known. */
  int current(String source);
}
