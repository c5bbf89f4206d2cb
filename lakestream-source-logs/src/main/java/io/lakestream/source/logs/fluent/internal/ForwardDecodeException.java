package io.lakestream.source.logs.fluent.internal;

/**
 * A forward-protocol entry that cannot be decoded as a whole: the connection it came on has to be
 * closed, because the byte stream cannot be resynchronised after it, and nothing of the entry may
 * be acknowledged.
 *
 * <p>Entries that were complete before it are unaffected: they were returned earlier.
 */
public final class ForwardDecodeException extends Exception {

  private final String stage;
  private final long offset;
  private final String reason;

  /**
   * @param stage where decoding stopped: {@code frame} (msgpack framing and size limits), {@code
   *     entry} (the entry's layout), {@code option}, {@code packed} (the entries inside a
   *     PackedForward entry), {@code gzip}, or {@code handshake}
   * @param offset byte offset in the connection's stream (or in the decompressed entries, as the
   *     reason says) where the problem was found
   * @param reason what is wrong, for the log
   */
  public ForwardDecodeException(String stage, long offset, String reason) {
    super(stage + " error at byte " + offset + ": " + reason, null, false, false);
    this.stage = stage;
    this.offset = offset;
    this.reason = reason;
  }

  public String stage() {
    return stage;
  }

  public long offset() {
    return offset;
  }

  public String reason() {
    return reason;
  }
}
