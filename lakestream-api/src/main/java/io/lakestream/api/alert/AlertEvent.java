package io.lakestream.api.alert;

import java.util.List;

/**
 * An alert as it travels on the {@code alerts} Kafka topic (JSON, snake_case field names), lands in
 * the lake's alerts table and reaches notification channels.
 *
 * <p>One incident produces one {@link Status#OPEN} event when it starts and one {@link
 * Status#RESOLVED} event, with the same {@code alertId}, when the series is back to normal.
 *
 * @param alertId stable id of the incident (the same on its open and resolved events); receivers
 *     use it to drop a redelivered notification
 * @param status open or resolved
 * @param pipeline pipeline name
 * @param detector the detector's name in the pipeline file
 * @param detectorType the detector's kind, e.g. {@code threshold}, {@code robust}, {@code rcf}
 * @param input the source or aggregation the detector watches
 * @param field the numeric field (column) it watches
 * @param key the value of the detector's key field (one model per key); empty when unkeyed
 * @param value the value that opened the incident (for resolved: the first normal value)
 * @param score the detector's score for that value
 * @param expected the value the detector expected, or null when unknown
 * @param low lower end of the normal range, or null
 * @param high upper end of the normal range, or null
 * @param eventTimeMillis event time of the point (epoch ms)
 * @param detectionTimeMillis wall-clock time the detector judged it (epoch ms)
 * @param severity as configured for the detector: info, warning or critical
 * @param eventIds ids of the events that triggered it (for a window aggregate: none)
 * @param message one readable sentence for people, e.g. for chat notifications
 */
public record AlertEvent(
    String alertId,
    Status status,
    String pipeline,
    String detector,
    String detectorType,
    String input,
    String field,
    String key,
    double value,
    double score,
    Double expected,
    Double low,
    Double high,
    long eventTimeMillis,
    long detectionTimeMillis,
    String severity,
    List<String> eventIds,
    String message) {

  /** Where an incident is in its life. */
  public enum Status {
    OPEN,
    RESOLVED
  }

  public AlertEvent {
    eventIds = eventIds == null ? List.of() : List.copyOf(eventIds);
  }
}
