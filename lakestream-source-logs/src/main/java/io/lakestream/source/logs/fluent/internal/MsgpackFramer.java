package io.lakestream.source.logs.fluent.internal;

/**
 * Finds where one msgpack value ends by reading headers only, so that msgpack-core is only ever
 * handed a value that is complete, within the size limit and nested no deeper than allowed.
 *
 * <p>Every length a header claims is checked against the limit before anything else happens, and a
 * value is only reported complete once its bytes are all present: nothing is allocated from a
 * claimed size. The scan is resumable, so a large entry arriving over many reads is scanned once.
 *
 * <p>Not thread-safe; one per stream.
 */
final class MsgpackFramer {

  /** {@link #scan} result: the value continues past the bytes given. */
  static final int NEED_MORE = -1;

  /** A value that is not msgpack, or breaks a limit. */
  static final class Malformed extends Exception {
    final int at;
    final boolean sizeLimit;

    Malformed(int at, String message) {
      this(at, message, false);
    }

    Malformed(int at, String message, boolean sizeLimit) {
      super(message, null, false, false);
      this.at = at;
      this.sizeLimit = sizeLimit;
    }
  }

  private final int maxDepth;
  private final long[] remaining;
  private int depth;
  private int scanned;

  /**
   * @param maxDepth most maps and arrays open at once inside one value, the value itself included
   */
  MsgpackFramer(int maxDepth) {
    this.maxDepth = maxDepth;
    this.remaining = new long[maxDepth];
  }

  /** Forgets a partly scanned value, e.g. before scanning a different buffer. */
  void reset() {
    depth = 0;
    scanned = 0;
  }

  /** Bytes of the current, incomplete value scanned so far. */
  int scanned() {
    return scanned;
  }

  /**
   * The length of the msgpack value starting at {@code buf[from]}, or {@link #NEED_MORE} when it
   * does not end before {@code buf[to]}. After {@code NEED_MORE}, call again with the same {@code
   * from} (or the same bytes moved elsewhere) and a larger {@code to}.
   *
   * @throws Malformed when a byte is not msgpack (0xc1), nesting exceeds the depth, or the value
   *     would be longer than {@code maxBytes}; {@link Malformed#at} is relative to {@code from}
   */
  int scan(byte[] buf, int from, int to, int maxBytes) throws Malformed {
    int avail = to - from;
    while (scanned < avail) {
      int p = from + scanned;
      int b = buf[p] & 0xFF;
      int header;
      int lengthBytes = 0;
      long payload = 0;
      long children = 0;
      boolean countsChildren = false;
      boolean pairs = false;
      if (b <= 0x7F || b >= 0xE0) {
        header = 1;
      } else if (b <= 0x8F) {
        header = 1;
        children = 2L * (b & 0x0F);
        countsChildren = true;
      } else if (b <= 0x9F) {
        header = 1;
        children = b & 0x0F;
        countsChildren = true;
      } else if (b <= 0xBF) {
        header = 1;
        payload = b & 0x1F;
      } else {
        switch (b) {
          case 0xC0, 0xC2, 0xC3 -> header = 1;
          case 0xC1 -> throw new Malformed(scanned, "byte 0xc1 is not used by msgpack");
          case 0xC4, 0xD9 -> {
            header = 2;
            lengthBytes = 1;
          }
          case 0xC5, 0xDA -> {
            header = 3;
            lengthBytes = 2;
          }
          case 0xC6, 0xDB -> {
            header = 5;
            lengthBytes = 4;
          }
          case 0xC7 -> { // ext 8: length, type
            header = 3;
            lengthBytes = 1;
          }
          case 0xC8 -> {
            header = 4;
            lengthBytes = 2;
          }
          case 0xC9 -> {
            header = 6;
            lengthBytes = 4;
          }
          case 0xCC, 0xD0 -> header = 2;
          case 0xCD, 0xD1 -> header = 3;
          case 0xCA, 0xCE, 0xD2 -> header = 5;
          case 0xCB, 0xCF, 0xD3 -> header = 9;
          case 0xD4 -> {
            header = 2;
            payload = 1;
          }
          case 0xD5 -> {
            header = 2;
            payload = 2;
          }
          case 0xD6 -> {
            header = 2;
            payload = 4;
          }
          case 0xD7 -> {
            header = 2;
            payload = 8;
          }
          case 0xD8 -> {
            header = 2;
            payload = 16;
          }
          case 0xDC -> {
            header = 3;
            lengthBytes = 2;
            countsChildren = true;
          }
          case 0xDD -> {
            header = 5;
            lengthBytes = 4;
            countsChildren = true;
          }
          case 0xDE -> {
            header = 3;
            lengthBytes = 2;
            countsChildren = true;
            pairs = true;
          }
          case 0xDF -> {
            header = 5;
            lengthBytes = 4;
            countsChildren = true;
            pairs = true;
          }
          default -> throw new IllegalStateException("unhandled msgpack byte " + b);
        }
      }
      if ((long) scanned + header > maxBytes) {
        throw tooLarge(maxBytes, 0);
      }
      if (avail - scanned < header) {
        return NEED_MORE;
      }
      if (lengthBytes > 0) {
        long n = readLength(buf, p + 1, lengthBytes);
        if (countsChildren) {
          children = pairs ? 2 * n : n;
        } else {
          payload = n;
        }
      }
      long end = (long) scanned + header + payload;
      if (end > maxBytes) {
        throw tooLarge(maxBytes, header + payload > maxBytes ? payload : 0);
      }
      if (children > 0) {
        // Every element takes at least one byte: a count that cannot fit is refused now, not after
        // waiting for bytes that would break the limit anyway.
        if (end + children > maxBytes) {
          if (header + children <= maxBytes) {
            throw tooLarge(maxBytes, 0); // an ordinary count, arriving where the limit is near
          }
          throw new Malformed(
              scanned,
              (pairs
                      ? "a map claims " + children / 2 + " pairs"
                      : "an array claims " + children + " elements")
                  + ", more than fit in the "
                  + maxBytes
                  + "-byte limit",
              true);
        }
        if (depth == maxDepth) {
          throw new Malformed(
              scanned, "maps and arrays nested deeper than " + maxDepth + " levels");
        }
      }
      if (end > avail) {
        return NEED_MORE;
      }
      scanned = (int) end;
      if (children > 0) {
        remaining[depth++] = children;
        continue;
      }
      // One value is complete: it may complete its container, and that one its own.
      while (true) {
        if (depth == 0) {
          int length = scanned;
          reset();
          return length;
        }
        if (--remaining[depth - 1] > 0) {
          break;
        }
        depth--;
      }
    }
    return NEED_MORE;
  }

  private Malformed tooLarge(int maxBytes, long payload) {
    return new Malformed(
        scanned,
        payload > 0
            ? "a value claims " + payload + " bytes, more than the " + maxBytes + "-byte limit"
            : "the value is longer than the " + maxBytes + "-byte limit",
        true);
  }

  private static long readLength(byte[] buf, int p, int bytes) {
    long n = 0;
    for (int i = 0; i < bytes; i++) {
      n = (n << 8) | (buf[p + i] & 0xFF);
    }
    return n;
  }
}
