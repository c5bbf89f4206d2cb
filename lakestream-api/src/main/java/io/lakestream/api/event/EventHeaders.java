package io.lakestream.api.event;

/**
 * The envelope the gateway puts on every record of a pipeline's raw Kafka topic.
 *
 * <p>The record value is the event's original bytes, exactly as received (one NDJSON line, one
 * array element's text, or the whole single-object body). The record key is the UTF-8 value of the
 * source's key field, or the event id when the event has no key (e.g. it could not be parsed).
 * Everything else travels in these headers, all UTF-8 strings.
 */
public final class EventHeaders {

  /** Event id: the client's top-level {@code id} field when present, else assigned at ingest. */
  public static final String ID = "ls.id";

  /** Source name. */
  public static final String SOURCE = "ls.source";

  /** Ingest time, milliseconds since the epoch, decimal. */
  public static final String INGEST_TIME = "ls.ingest_time";

  /** Where the event came from, for people: e.g. {@code http 127.0.0.1:51234 req=7f3a line 12}. */
  public static final String ORIGIN = "ls.origin";

  /**
   * Present when the gateway already knows the event is bad (e.g. a malformed NDJSON line): a
   * readable reason. The job routes such records straight to the error zone with stage {@code
   * parse}.
   */
  public static final String ERROR = "ls.error";

  /**
   * Present (value {@code true}) when the gateway generated the id because the event had none. Such
   * an id cannot come back in a client's re-post, so the job keeps no dedup state for it.
   */
  public static final String ID_GENERATED = "ls.id_generated";

  /**
   * Global schema-registry id of the schema version the event is to be validated against (ASCII
   * decimal): the source's latest (or pinned) version when the gateway took the event in. Absent
   * when the gateway knew no registered version.
   */
  public static final String SCHEMA_ID = "ls.schema_id";

  /** Id field looked up in every event. */
  public static final String ID_FIELD = "id";

  private EventHeaders() {}
}
