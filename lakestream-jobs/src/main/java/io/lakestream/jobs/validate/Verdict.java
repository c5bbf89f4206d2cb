package io.lakestream.jobs.validate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What validation decided about one event: accepted with its event time, or rejected by a stage.
 */
public sealed interface Verdict {

  /**
   * The event passed.
   *
   * @param eventTimeMicros its event time in microseconds since the epoch
   * @param payload the parsed event, for the steps after validation (not to be modified)
   */
  record Accepted(long eventTimeMicros, ObjectNode payload) implements Verdict {}

  /**
   * The event was rejected.
   *
   * @param stage {@link Stage#PARSE}, {@link Stage#VALIDATE} or {@link Stage#EVENT_TIME}
   * @param reason readable reason naming the JSON pointer of the offending field
   */
  record Rejected(String stage, String reason) implements Verdict {}

  /** Names of the stages that can reject an event, as written to the error zone. */
  final class Stage {
    public static final String PARSE = "parse";
    public static final String VALIDATE = "validate";
    public static final String EVENT_TIME = "event_time";

    private Stage() {}
  }
}
