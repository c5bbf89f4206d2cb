package io.lakestream.gateway.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a request body into memory while enforcing the size limit.
 *
 * <p>A declared {@code Content-Length} above the limit is refused before a single byte is read; a
 * body without one (chunked) is read until it passes the limit and refused right there, so an
 * oversized upload never gets buffered whole.
 */
public final class BodyReader {

  /** Largest array the JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  private static final int FIRST_CHUNK = 16 * 1024;

  private BodyReader() {}

  /**
   * A body read into {@code bytes[0, length)}.
   *
   * @param bytes buffer, possibly longer than the body
   * @param length number of body bytes
   */
  public record Body(byte[] bytes, int length) {}

  /**
   * Checks a declared length before reading anything.
   *
   * @param contentLength the declared length, or -1 when unknown
   * @throws RequestRejected 413 when it exceeds {@code maxBytes}
   */
  public static void checkDeclaredLength(long contentLength, long maxBytes) {
    if (contentLength > effectiveMax(maxBytes)) {
      throw tooLarge(maxBytes, "the body is " + contentLength + " bytes, more");
    }
  }

  /**
   * Reads the whole body.
   *
   * @param in the request input
   * @param contentLength the declared length, or -1 when unknown (chunked)
   * @param maxBytes the limit
   * @throws RequestRejected 413 when the body exceeds the limit, 400 when it cannot be read
   */
  public static Body read(InputStream in, long contentLength, long maxBytes) {
    int max = effectiveMax(maxBytes);
    checkDeclaredLength(contentLength, maxBytes);
    try {
      if (contentLength >= 0) {
        byte[] buf = new byte[(int) contentLength];
        int n = in.readNBytes(buf, 0, buf.length);
        if (n < buf.length) {
          throw new RequestRejected(
              400,
              "incomplete_body",
              "the body ended after " + n + " of the " + contentLength + " declared bytes");
        }
        return new Body(buf, n);
      }
      byte[] buf = new byte[Math.min(FIRST_CHUNK, max + 1)];
      int length = 0;
      while (true) {
        if (length == buf.length) {
          if (length > max) {
            // One byte past the limit is enough to know; stop reading the rest.
            throw tooLarge(maxBytes, "the body is more");
          }
          int grown = (int) Math.min((long) max + 1, Math.max(FIRST_CHUNK, (long) length * 2));
          buf = Arrays.copyOf(buf, grown);
        }
        int n = in.read(buf, length, buf.length - length);
        if (n < 0) {
          break;
        }
        length += n;
      }
      if (length > max) {
        throw tooLarge(maxBytes, "the body is more");
      }
      return new Body(buf, length);
    } catch (IOException | RuntimeException e) {
      if (e instanceof RequestRejected r) {
        throw r;
      }
      // Jetty reports broken chunking or an aborted upload as IOException or BadMessageException.
      throw new RequestRejected(
              400, "unreadable_body", "could not read the request body: " + e.getMessage())
          .closeConnection();
    }
  }

  /**
   * Reads a gzip-compressed body: the compressed bytes and the decompressed result are each held to
   * {@code maxBytes}, so a small "gzip bomb" is refused as soon as it inflates past the limit.
   *
   * @throws RequestRejected 413 when either exceeds the limit, 400 when it is not valid gzip
   */
  public static Body readGzip(InputStream in, long contentLength, long maxBytes) {
    Body compressed = read(in, contentLength, maxBytes);
    try {
      return read(
          new java.util.zip.GZIPInputStream(
              new java.io.ByteArrayInputStream(compressed.bytes(), 0, compressed.length())),
          -1,
          maxBytes);
    } catch (IOException e) {
      throw new RequestRejected(
          400, "unreadable_body", "the body is not valid gzip: " + e.getMessage());
    } catch (RequestRejected r) {
      if (r.status() == 413) {
        throw tooLarge(maxBytes, "the body decompresses to more");
      }
      throw new RequestRejected(
          400, "unreadable_body", "the body is not valid gzip: " + r.getMessage());
    }
  }

  private static int effectiveMax(long maxBytes) {
    return (int) Math.min(maxBytes, MAX_ARRAY);
  }

  private static RequestRejected tooLarge(long maxBytes, String what) {
    return new RequestRejected(
            413,
            "payload_too_large",
            what
                + " than the limit of "
                + maxBytes
                + " bytes; split the events into smaller batches")
        .maxBytes(maxBytes)
        .closeConnection();
  }
}
