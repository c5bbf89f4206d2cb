package io.lakestream.api.ingest;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one source has seen, for logs, metrics and the dashboard. Cheap to update from many threads.
 *
 * <ul>
 *   <li>received: messages or records that arrived, decodable or not;
 *   <li>accepted: records Kafka acknowledged (decoded ones and undecodable ones kept for the error
 *       zone);
 *   <li>rejected: records refused back to the client (not acknowledged) or dropped by a protocol
 *       without acknowledgements because Kafka failed; each is logged;
 *   <li>bytes: payload bytes received.
 * </ul>
 */
public final class SourceCounters {
  private final String source;
  private final LongAdder received = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  public SourceCounters(String source) {
    this.source = source;
  }

  public String source() {
    return source;
  }

  public void received(long n, long payloadBytes) {
    received.add(n);
    bytes.add(payloadBytes);
  }

  public void accepted(long n) {
    accepted.add(n);
  }

  public void rejected(long n) {
    rejected.add(n);
  }

  /** Records kept for the error zone because they could not be decoded (also counted accepted). */
  public void undecodable(long n) {
    undecodable.add(n);
  }

  public long received() {
    return received.sum();
  }

  public long accepted() {
    return accepted.sum();
  }

  public long rejected() {
    return rejected.sum();
  }

  public long undecodable() {
    return undecodable.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  @Override
  public String toString() {
    return source
        + ": received "
        + received()
        + ", accepted "
        + accepted()
        + " ("
        + undecodable()
        + " undecodable, kept for the error zone), rejected "
        + rejected()
        + ", "
        + bytes()
        + " bytes";
  }
}
