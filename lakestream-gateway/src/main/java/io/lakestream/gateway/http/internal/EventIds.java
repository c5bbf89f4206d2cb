package io.lakestream.gateway.http.internal;

/** Ids for events that carry none; the same generator every source uses. */
public final class EventIds {

  private EventIds() {}

  /** A new time-ordered id, see {@link io.lakestream.api.ingest.EventIds#next()}. */
  public static String next() {
    return io.lakestream.api.ingest.EventIds.next();
  }
}
