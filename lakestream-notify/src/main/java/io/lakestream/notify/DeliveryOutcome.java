package io.lakestream.notify;

/**
 * What happened to one delivery of one alert to one channel.
 *
 * <p>A delivery produces zero or more {@link Status#RETRYING} outcomes followed by exactly one
 * final outcome, {@link Status#DELIVERED} or {@link Status#FAILED}.
 *
 * @param channelName the channel's name
 * @param alertId the alert's id
 * @param deliveryId unique id of this delivery (the same across its retries; webhooks send it as
 *     {@code X-Lakestream-Delivery})
 * @param status delivered, failed for good, or failed for now with a retry scheduled
 * @param attempts attempts made so far; 0 when the delivery never started (queue full, notifier
 *     closed)
 * @param httpStatus HTTP status of the last attempt's response, or 0 when there was none
 * @param error what went wrong in the last attempt, for people; null when delivered
 * @param elapsedMillis milliseconds since the alert was submitted
 */
public record DeliveryOutcome(
    String channelName,
    String alertId,
    String deliveryId,
    Status status,
    int attempts,
    int httpStatus,
    String error,
    long elapsedMillis) {

  /** How the reason of a delivery the notifier's close cut short (or refused) begins. */
  static final String CLOSED_PREFIX = "notifier closed";

  /**
   * Whether the delivery failed only because the notifier closed before it could finish, rather
   * than because of the target: a caller that keeps its own record can try it again later.
   */
  public boolean abandonedAtClose() {
    return status == Status.FAILED && error != null && error.startsWith(CLOSED_PREFIX);
  }

  /** Where a delivery stands. */
  public enum Status {
    /** The receiver accepted the alert (HTTP 2xx; for the log channel: the line was written). */
    DELIVERED,
    /** The delivery is over without success; {@code error} says why. */
    FAILED,
    /** An attempt failed in a way worth retrying, and a retry is scheduled. */
    RETRYING
  }
}
