package io.lakestream.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The incident state machine of one (key, detector): it turns a detector's per-point verdicts into
 * one alert per incident instead of one per anomalous point. Times are event times; the machine
 * never looks at the clock, so a replay gives the same incidents.
 *
 * <ul>
 *   <li><b>Open.</b> An anomalous point while no incident is open opens one: {@link #observe}
 *       returns an {@link Transition.Kind#OPENED} transition with a new sequence number (1, 2, …
 *       per key and detector) and the incident's start time, from which the caller builds a stable
 *       alert id, plus the point's verdict and event id.
 *   <li><b>Deduplicate.</b> Further anomalous points of an open incident return null; their event
 *       ids are kept, up to {@link Params#maxEventIds} (the first ones).
 *   <li><b>Resolve.</b> After {@link Params#resolveAfter} consecutive normal points (warm-up
 *       verdicts count as normal), and once at least {@link Params#resolveQuiet} of event time has
 *       passed since the last anomalous point, the incident is resolved: a {@link
 *       Transition.Kind#RESOLVED} transition with the same sequence and start, carrying the verdict
 *       and event time of the <em>first</em> normal point of that run (when the series came back)
 *       and all kept event ids.
 *   <li><b>Cool down.</b> For {@link Params#cooldown} of event time after the point that resolved
 *       an incident, anomalous points open nothing: they are only counted in {@link #suppressed()}.
 *       From then on an anomaly opens a new incident with the next sequence number. This keeps a
 *       series hovering around its limit from flapping open/resolved/open.
 * </ul>
 *
 * <p>Not thread-safe; each key has its own. {@link #writeState} and {@link #restore} save and
 * rebuild it exactly (about 100 bytes plus the kept event ids).
 */
public final class AlertLifecycle {

  static final int VERSION = 1;

  /**
   * How incidents open, resolve and cool down. Serializable, because the job ships it to its tasks.
   *
   * @param resolveAfter consecutive normal points that resolve an incident, at least 1
   * @param resolveQuiet event time that must also have passed since the last anomalous point, zero
   *     or more
   * @param cooldown event time after a resolution during which anomalies open nothing, zero or more
   * @param maxEventIds how many event ids of anomalous points an incident keeps, 0..1000
   */
  public record Params(int resolveAfter, Duration resolveQuiet, Duration cooldown, int maxEventIds)
      implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @throws IllegalArgumentException when a parameter is out of range; the message names it
     */
    public Params {
      if (resolveAfter < 1) {
        throw new IllegalArgumentException(
            "alert: 'resolveAfter' must be at least 1 point, got " + resolveAfter);
      }
      if (resolveQuiet == null || resolveQuiet.isNegative()) {
        throw new IllegalArgumentException(
            "alert: 'resolveQuiet' must be a duration of zero or more, got " + resolveQuiet);
      }
      if (cooldown == null || cooldown.isNegative()) {
        throw new IllegalArgumentException(
            "alert: 'cooldown' must be a duration of zero or more, got " + cooldown);
      }
      if (maxEventIds < 0 || maxEventIds > 1000) {
        throw new IllegalArgumentException(
            "alert: 'maxEventIds' must be 0..1000, got " + maxEventIds);
      }
    }

    /**
     * Resolve after 5 normal points and 10 minutes without an anomaly, 30 minutes of cooldown, 10
     * event ids: on the synthetic evaluation this brings the learned detectors to about one alert
     * per anomaly (from 2-3 with 3 points, no quiet time and 5 minutes of cooldown), since a noisy
     * return to normal no longer resolves and re-opens the same incident.
     */
    public static Params defaults() {
      return new Params(5, Duration.ofMinutes(10), Duration.ofMinutes(30), 10);
    }
  }

  /**
   * A change in the incident's life, returned by {@link #observe}.
   *
   * @param kind opened or resolved
   * @param incidentStartMillis event time of the point that opened the incident
   * @param sequence the incident's number for this key and detector, from 1
   * @param score for OPENED the verdict on the opening point; for RESOLVED on the first normal
   *     point after the last anomalous one
   * @param eventTimeMillis event time of the point {@code score} belongs to
   * @param eventIds ids of the incident's anomalous points so far (at most {@link
   *     Params#maxEventIds}, the first ones)
   */
  public record Transition(
      Kind kind,
      long incidentStartMillis,
      long sequence,
      Score score,
      long eventTimeMillis,
      List<String> eventIds) {

    /** What happened. */
    public enum Kind {
      OPENED,
      RESOLVED
    }

    public Transition {
      eventIds = List.copyOf(eventIds);
    }
  }

  private final Params params;
  private final long resolveQuietMillis;
  private final long cooldownMillis;

  private boolean open;
  private long sequence;
  private long incidentStart;
  private long lastAnomaly;
  private int normalRun;
  private Score firstNormal;
  private long firstNormalTime;
  private boolean resolvedOnce;
  private long resolvedAt;
  private long suppressed;
  private final List<String> eventIds = new ArrayList<>();

  /** A lifecycle with no incident yet. */
  public AlertLifecycle(Params params) {
    if (params == null) {
      throw new IllegalArgumentException("alert lifecycle params must not be null");
    }
    this.params = params;
    this.resolveQuietMillis = params.resolveQuiet().toMillis();
    this.cooldownMillis = params.cooldown().toMillis();
  }

  /**
   * Feeds the verdict on the next point (in event-time order).
   *
   * @param eventTimeMillis the point's event time
   * @param eventId the point's event id, or null when it has none (e.g. a window aggregate)
   * @param score the detector's verdict on the point
   * @return the transition this point caused, or null
   */
  public Transition observe(long eventTimeMillis, String eventId, Score score) {
    if (score.anomalous()) {
      if (open) {
        lastAnomaly = eventTimeMillis;
        normalRun = 0;
        firstNormal = null;
        keep(eventId);
        return null;
      }
      if (resolvedOnce && eventTimeMillis - resolvedAt < cooldownMillis) {
        suppressed++;
        return null;
      }
      open = true;
      sequence++;
      incidentStart = eventTimeMillis;
      lastAnomaly = eventTimeMillis;
      normalRun = 0;
      firstNormal = null;
      eventIds.clear();
      keep(eventId);
      return new Transition(
          Transition.Kind.OPENED, incidentStart, sequence, score, eventTimeMillis, eventIds);
    }
    if (!open) {
      return null;
    }
    if (normalRun++ == 0) {
      firstNormal = score;
      firstNormalTime = eventTimeMillis;
    }
    if (normalRun < params.resolveAfter() || eventTimeMillis - lastAnomaly < resolveQuietMillis) {
      return null;
    }
    open = false;
    resolvedOnce = true;
    resolvedAt = eventTimeMillis;
    Transition t =
        new Transition(
            Transition.Kind.RESOLVED,
            incidentStart,
            sequence,
            firstNormal,
            firstNormalTime,
            eventIds);
    normalRun = 0;
    firstNormal = null;
    eventIds.clear();
    return t;
  }

  private void keep(String eventId) {
    if (eventId != null && eventIds.size() < params.maxEventIds()) {
      eventIds.add(eventId);
    }
  }

  /** Whether an incident is open. */
  public boolean isOpen() {
    return open;
  }

  /** Number of incidents opened so far (the sequence of the latest one). */
  public long sequence() {
    return sequence;
  }

  /** Start time of the open (or last) incident; meaningful once {@link #sequence()} is above 0. */
  public long incidentStartMillis() {
    return incidentStart;
  }

  /** Anomalous points that opened nothing because they fell in a cooldown. */
  public long suppressed() {
    return suppressed;
  }

  /** Event ids kept for the open incident (empty when none is open). */
  public List<String> eventIds() {
    return List.copyOf(eventIds);
  }

  /** The parameters. */
  public Params params() {
    return params;
  }

  /** Writes the whole machine, so that {@link #restore} continues exactly where it was. */
  public void writeState(DataOutput out) throws IOException {
    StateFormat.writeHeader(out, StateFormat.LIFECYCLE, VERSION);
    out.writeBoolean(open);
    out.writeLong(sequence);
    out.writeLong(incidentStart);
    out.writeLong(lastAnomaly);
    out.writeInt(normalRun);
    out.writeBoolean(firstNormal != null);
    if (firstNormal != null) {
      out.writeDouble(firstNormal.value());
      out.writeDouble(firstNormal.score());
      out.writeDouble(firstNormal.expected());
      out.writeDouble(firstNormal.low());
      out.writeDouble(firstNormal.high());
      out.writeBoolean(firstNormal.anomalous());
      out.writeLong(firstNormalTime);
    }
    out.writeBoolean(resolvedOnce);
    out.writeLong(resolvedAt);
    out.writeLong(suppressed);
    out.writeShort(eventIds.size());
    for (String id : eventIds) {
      out.writeUTF(id);
    }
  }

  /** A lifecycle from what {@link #writeState} wrote, with the given (current) parameters. */
  public static AlertLifecycle restore(Params params, DataInput in) throws IOException {
    StateFormat.readHeader(in, StateFormat.LIFECYCLE, VERSION);
    AlertLifecycle l = new AlertLifecycle(params);
    l.open = in.readBoolean();
    l.sequence = in.readLong();
    l.incidentStart = in.readLong();
    l.lastAnomaly = in.readLong();
    l.normalRun = in.readInt();
    if (in.readBoolean()) {
      l.firstNormal =
          new Score(
              in.readDouble(),
              in.readDouble(),
              in.readDouble(),
              in.readDouble(),
              in.readDouble(),
              in.readBoolean());
      l.firstNormalTime = in.readLong();
    }
    l.resolvedOnce = in.readBoolean();
    l.resolvedAt = in.readLong();
    l.suppressed = in.readLong();
    int ids = in.readUnsignedShort();
    for (int i = 0; i < ids; i++) {
      l.keep(in.readUTF());
    }
    return l;
  }
}
