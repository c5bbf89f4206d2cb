package io.lakestream.source.logs.syslog.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Splits a syslog TCP byte stream into messages, however the stream is cut into reads.
 *
 * <p>Both RFC 6587 framings are accepted and told apart per message: a frame starting with a
 * non-zero digit, more digits and a space is octet-counted ({@code 139 <13>1 ...}); anything else
 * runs to the next LF, with a CR before the LF dropped (non-transparent framing, what {@code logger
 * --tcp} sends). Empty lines are skipped. At the end of the stream a last line without LF is still
 * a message.
 *
 * <p>Memory is bounded: the decoder keeps at most {@code maxMessageBytes + 1} bytes, whatever the
 * input says. A message longer than {@code maxMessageBytes} is reported once with its first {@code
 * maxMessageBytes} bytes and its size, and the rest of it is skipped: to the next LF, or past the
 * announced count (an absurd count such as {@code 99999999999} is just a long skip, never an
 * allocation). Counts above 18 digits are not counts; such a frame is a line.
 *
 * <p>Slices handed to {@link Frames} are only valid during the call. Not thread-safe.
 */
public final class SyslogFrameDecoder {

  /** Receives what the decoder finds. */
  public interface Frames {
    /** One complete message, without its framing. */
    void message(byte[] b, int off, int len);

    /** The first {@code len} bytes of a message of {@code size} bytes, too long to keep. */
    void oversized(byte[] b, int off, int len, long size);

    /**
     * The {@code len} bytes that arrived of an octet-counted message of {@code size} bytes when the
     * stream ended.
     */
    void truncated(byte[] b, int off, int len, long size);
  }

  private static final int MAX_COUNT_DIGITS = 18; // below 10^18: fits a long

  private enum State {
    START,
    COUNT,
    OCTETS,
    LINE
  }

  private final int max;
  private byte[] acc;
  private int accLen;
  private State state = State.START;
  private long count;
  private int countDigits;
  private long got;
  private boolean lastWasCr;
  private boolean reported;

  /**
   * @param maxMessageBytes longest message kept whole, at least 1
   */
  public SyslogFrameDecoder(int maxMessageBytes) {
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1: " + maxMessageBytes);
    }
    this.max = maxMessageBytes;
    this.acc = new byte[Math.min(maxMessageBytes + 1, 1024)];
  }

  /** Decodes {@code b[off, off+len)}, calling {@code out} for every message it completes. */
  public void feed(byte[] b, int off, int len, Frames out) {
    int p = off;
    int end = off + len;
    while (p < end) {
      switch (state) {
        case START -> {
          byte c = b[p];
          if (c >= '1' && c <= '9') {
            state = State.COUNT;
            count = c - '0';
            countDigits = 1;
            p++;
          } else {
            startLine();
          }
        }
        case COUNT -> {
          byte c = b[p];
          if (c >= '0' && c <= '9' && countDigits < MAX_COUNT_DIGITS) {
            count = count * 10 + (c - '0');
            countDigits++;
            p++;
          } else if (c == ' ') {
            state = State.OCTETS;
            got = 0;
            reported = false;
            p++;
          } else {
            digitsStartLine();
          }
        }
        case OCTETS -> p = octets(b, p, end, out);
        case LINE -> p = line(b, p, end, out);
      }
    }
  }

  /** Ends the stream: delivers a last line without LF, reports a cut octet-counted message. */
  public void finish(Frames out) {
    switch (state) {
      case START -> {}
      case COUNT -> {
        digitsStartLine();
        finishLine(out);
      }
      case LINE -> finishLine(out);
      case OCTETS -> {
        if (!reported) {
          out.truncated(acc, 0, accLen, count);
        }
      }
    }
    reset();
  }

  /** Bytes held for messages split across reads; never above {@code maxMessageBytes + 1}. */
  public int bufferCapacity() {
    return acc.length;
  }

  private int octets(byte[] b, int p, int end, Frames out) {
    int n = (int) Math.min(count - got, end - p);
    if (count <= max) {
      if (accLen == 0 && n == count) {
        out.message(b, p, n); // whole frame in this read: no copy
      } else {
        append(b, p, n);
        if (accLen == count) {
          out.message(acc, 0, accLen);
        }
      }
    } else if (!reported) {
      int keep = (int) Math.min(n, max - got);
      if (accLen == 0 && keep == max) {
        out.oversized(b, p, max, count);
        reported = true;
      } else {
        append(b, p, keep);
        if (accLen == max) {
          out.oversized(acc, 0, max, count);
          reported = true;
        }
      }
    }
    got += n;
    if (got == count) {
      reset();
    }
    return p + n;
  }

  private int line(byte[] b, int p, int end, Frames out) {
    int lf = p;
    while (lf < end && b[lf] != '\n') {
      lf++;
    }
    int n = lf - p;
    if (lf == end) {
      append(b, p, n);
      got += n;
      if (n > 0) {
        lastWasCr = b[lf - 1] == '\r';
      }
      return end;
    }
    long total = got + n;
    boolean cr = n > 0 ? b[lf - 1] == '\r' : lastWasCr;
    long size = cr ? total - 1 : total;
    if (size > 0) {
      if (got == 0) {
        deliver(b, p, size, out); // whole line in this read: no copy
      } else {
        append(b, p, n);
        deliver(acc, 0, size, out);
      }
    }
    reset();
    return lf + 1;
  }

  private void finishLine(Frames out) {
    long size = lastWasCr ? got - 1 : got;
    if (size > 0) {
      deliver(acc, 0, size, out);
    }
  }

  private void deliver(byte[] b, int off, long size, Frames out) {
    if (size <= max) {
      out.message(b, off, (int) size);
    } else {
      out.oversized(b, off, max, size);
    }
  }

  private void startLine() {
    state = State.LINE;
    got = 0;
    lastWasCr = false;
  }

  /** The digits read as a possible count turned out to start a line. */
  private void digitsStartLine() {
    byte[] digits = Long.toString(count).getBytes(US_ASCII); // no leading zero: same bytes
    startLine();
    append(digits, 0, digits.length);
    got = digits.length;
  }

  /** Appends as much as fits in {@code maxMessageBytes + 1} bytes; the rest is not needed. */
  private void append(byte[] b, int off, int n) {
    int k = Math.min(n, max + 1 - accLen);
    if (k <= 0) {
      return;
    }
    if (accLen + k > acc.length) {
      int cap = (int) Math.min(max + 1L, Math.max(accLen + k, 2L * acc.length));
      byte[] bigger = new byte[cap];
      System.arraycopy(acc, 0, bigger, 0, accLen);
      acc = bigger;
    }
    System.arraycopy(b, off, acc, accLen, k);
    accLen += k;
  }

  private void reset() {
    state = State.START;
    accLen = 0;
    got = 0;
    count = 0;
    countDigits = 0;
    lastWasCr = false;
    reported = false;
  }
}
