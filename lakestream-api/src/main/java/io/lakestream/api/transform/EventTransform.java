package io.lakestream.api.transform;

import java.util.Map;

/**
 * A custom transform written in Java, for what Flink SQL in the pipeline file cannot express.
 *
 * <p>Implement it in one class, list the class in {@code
 * META-INF/services/io.lakestream.api.transform.EventTransform}, put the jar under {@code plugins:}
 * in the pipeline file and name the transform in a source's {@code java_transforms:}. One instance
 * is made per parallel task; it is used from one thread only.
 *
 * <pre>{@code
 * public final class MaskEmails implements EventTransform {
 *   public String name() { return "mask_emails"; }
 *   public boolean apply(Map<String, Object> event) {
 *     event.computeIfPresent("message", (k, v) -> v.toString().replaceAll("\\S+@\\S+", "***"));
 *     return true;
 *   }
 * }
 * }</pre>
 *
 * <p>The event is its validated JSON payload as a mutable map: objects are {@code Map}s, arrays
 * {@code List}s, numbers {@code Integer}/{@code Long}/{@code Double}/{@code BigInteger}/{@code
 * BigDecimal}, and strings, booleans and {@code null} as themselves. The event-time field and the
 * event id are fixed before transforms run; changing the event-time field has no effect on windows.
 */
public interface EventTransform {

  /** The name the pipeline file uses for this transform, e.g. {@code mask_emails}. */
  String name();

  /**
   * Fields this transform adds, with their types ({@code string}, {@code long}, {@code double},
   * {@code boolean}, {@code timestamp}), so they become columns of the curated table. Called when
   * the job is planned; fields not listed here and not in the source's schema are not kept.
   *
   * @param options the options given in the pipeline file
   */
  default Map<String, String> addedFields(Map<String, String> options) {
    return Map.of();
  }

  /**
   * Called once before the first event.
   *
   * @param options the options given in the pipeline file
   * @throws Exception when the options are unusable; the job fails to start with this message
   */
  default void open(Map<String, String> options) throws Exception {}

  /**
   * Transforms one event in place.
   *
   * @return {@code true} to keep the event, {@code false} to filter it out
   * @throws Exception when this event cannot be transformed: it goes to the error zone with stage
   *     {@code transform} and the exception's message as the reason; the pipeline carries on
   */
  boolean apply(Map<String, Object> event) throws Exception;

  /** Called once when the task ends. */
  default void close() throws Exception {}
}
