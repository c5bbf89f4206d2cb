package io.lakestream.source.logs.syslog.internal;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629: shortest form, no surrogates, nothing above
 * U+10FFFF).
 *
 * <p>The JSON we produce carries text, so a field is either valid UTF-8 or the whole message goes
 * to the error zone with its original bytes; decoding with replacement characters would silently
 * change what the sender wrote.
 */
public final class Utf8 {

  private Utf8() {}

  /** Index of the first byte of the first malformed sequence in {@code b[from, to)}, or -1. */
  public static int firstInvalid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) {
          lo = 0xA0; // shorter forms are overlong
        } else if (c == 0xED) {
          hi = 0x9F; // U+D800..U+DFFF are surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) {
          lo = 0x90;
        } else if (c == 0xF4) {
          hi = 0x8F; // above U+10FFFF
        }
      } else {
        return i;
      }
      int second = i + 1 < to ? b[i + 1] & 0xFF : -1;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int next = i + k < to ? b[i + k] & 0xFF : -1;
        if (next < 0x80 || next > 0xBF) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }
}
