package io.lakestream.source.logs.fluent.internal;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses the {@code entries} of a CompressedPackedForward entry: one or more gzip members
 * (RFC 1952) back to back, with a hard cap on the output.
 *
 * <p>Written on {@link Inflater} rather than {@code GZIPInputStream} because that one silently
 * ignores trailing bytes after a member and cannot stop at an output limit without a wrapper; here
 * every member's header, CRC-32 and length are checked, anything after the last member is an error,
 * and the output buffer only grows as output is actually produced, up to the cap.
 *
 * <p>Not thread-safe; one per connection. {@link #close()} frees the inflater's native memory.
 */
final class Gunzip implements AutoCloseable {

  /** Thrown for input that is not gzip, is truncated, or inflates past the cap. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private static final int FTEXT_MASK_RESERVED = 0xE0;
  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int KEEP_BUFFER = 1 << 20;

  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private byte[] out = new byte[0];
  private int length;

  /** The output of the last {@link #inflate}; valid until the next call. */
  byte[] output() {
    return out;
  }

  int length() {
    return length;
  }

  /**
   * Inflates {@code in[off, off+len)} into {@link #output()}.
   *
   * @throws Failure when it is not gzip, is cut short, fails its checks, or inflates to more than
   *     {@code maxOut} bytes
   */
  void inflate(byte[] in, int off, int len, int maxOut) throws Failure {
    if (out.length > KEEP_BUFFER) {
      out = new byte[0]; // do not keep one connection's largest chunk forever
    }
    length = 0;
    int p = off;
    int end = off + len;
    int member = 0;
    do {
      member++;
      p = header(in, p, end, member);
      inflater.reset();
      crc.reset();
      inflater.setInput(in, p, end - p);
      int start = length;
      try {
        while (!inflater.finished()) {
          if (length == Math.min(out.length, maxOut)) {
            if (length >= maxOut) {
              // Full: one more byte of output means the cap is broken.
              if (inflater.inflate(new byte[1]) > 0) {
                throw new Failure(
                    "gzip member "
                        + member
                        + " inflates to more than "
                        + maxOut
                        + " bytes (4 times max_chunk_size): refused as a decompression bomb");
              }
              if (inflater.finished()) {
                break;
              }
              throw new Failure("gzip member " + member + " is truncated");
            }
            grow(maxOut, len);
          }
          int n = inflater.inflate(out, length, Math.min(out.length, maxOut) - length);
          length += n;
          if (n == 0 && !inflater.finished()) {
            if (inflater.needsDictionary()) {
              throw new Failure("gzip member " + member + " asks for a preset dictionary");
            }
            throw new Failure("gzip member " + member + " is truncated");
          }
        }
      } catch (DataFormatException e) {
        throw new Failure("gzip member " + member + " is corrupt: " + e.getMessage());
      }
      crc.update(out, start, length - start);
      p = end - inflater.getRemaining();
      if (end - p < 8) {
        throw new Failure("gzip member " + member + " has no complete trailer");
      }
      long expectedCrc = le32(in, p);
      long expectedSize = le32(in, p + 4);
      p += 8;
      if (expectedCrc != crc.getValue()) {
        throw new Failure("gzip member " + member + " fails its CRC-32 check");
      }
      if (expectedSize != ((length - start) & 0xFFFF_FFFFL)) {
        throw new Failure("gzip member " + member + " has the wrong length in its trailer");
      }
    } while (p < end);
  }

  private void grow(int maxOut, int compressed) {
    long wanted = out.length == 0 ? Math.max(64 * 1024L, 4L * compressed) : 2L * out.length;
    int size = (int) Math.min(wanted, maxOut);
    byte[] bigger = new byte[size];
    System.arraycopy(out, 0, bigger, 0, length);
    out = bigger;
  }

  /** Checks one member header, returns where its deflate data starts. */
  private static int header(byte[] in, int p, int end, int member) throws Failure {
    if (end - p < 2 || (in[p] & 0xFF) != 0x1F || (in[p + 1] & 0xFF) != 0x8B) {
      throw new Failure(
          member == 1
              ? "entries are not gzip (no 1f 8b magic) though option compressed is gzip"
              : "bytes after gzip member " + (member - 1) + " are not another gzip member");
    }
    if (end - p < 10) {
      throw new Failure("gzip member " + member + " is shorter than a gzip header");
    }
    if (in[p + 2] != 8) {
      throw new Failure("gzip member " + member + " uses compression method " + in[p + 2]);
    }
    int flags = in[p + 3] & 0xFF;
    if ((flags & FTEXT_MASK_RESERVED) != 0) {
      throw new Failure("gzip member " + member + " sets reserved header flags");
    }
    p += 10;
    if ((flags & FEXTRA) != 0) {
      if (end - p < 2) {
        throw new Failure("gzip member " + member + " header is truncated");
      }
      int xlen = (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8;
      p += 2 + xlen;
    }
    if ((flags & FNAME) != 0) {
      p = skipZeroTerminated(in, p, end, member);
    }
    if ((flags & FCOMMENT) != 0) {
      p = skipZeroTerminated(in, p, end, member);
    }
    if ((flags & FHCRC) != 0) {
      p += 2;
    }
    if (p >= end) {
      throw new Failure("gzip member " + member + " header is truncated");
    }
    return p;
  }

  private static int skipZeroTerminated(byte[] in, int p, int end, int member) throws Failure {
    while (p < end && in[p] != 0) {
      p++;
    }
    if (p >= end) {
      throw new Failure("gzip member " + member + " header is truncated");
    }
    return p + 1;
  }

  private static long le32(byte[] in, int p) {
    return (in[p] & 0xFFL)
        | (in[p + 1] & 0xFFL) << 8
        | (in[p + 2] & 0xFFL) << 16
        | (in[p + 3] & 0xFFL) << 24;
  }

  @Override
  public void close() {
    inflater.end();
  }
}
