package io.lakestream.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The two-byte header every saved state starts with: which kind wrote it and the format version, so
 * that restoring the wrong bytes fails with a readable message instead of garbage scores.
 */
final class StateFormat {

  static final int THRESHOLD = 1;
  static final int RATE_OF_CHANGE = 2;
  static final int ROBUST = 3;
  static final int RCF = 4;
  static final int LIFECYCLE = 5;

  private static final String[] NAMES = {
    "?", "threshold", "rate_of_change", "robust", "rcf", "alert lifecycle"
  };

  private StateFormat() {}

  static void writeHeader(DataOutput out, int tag, int version) throws IOException {
    out.writeByte(tag);
    out.writeByte(version);
  }

  /** Reads the header and returns its version, failing unless {@code tag} wrote it. */
  static int readHeader(DataInput in, int tag, int maxVersion) throws IOException {
    int found = in.readUnsignedByte();
    int version = in.readUnsignedByte();
    if (found != tag) {
      String name = found < NAMES.length ? NAMES[found] : "an unknown writer (tag " + found + ")";
      throw new IOException(
          "saved state was written by " + name + ", not by " + NAMES[tag] + "; cannot restore it");
    }
    if (version < 1 || version > maxVersion) {
      throw new IOException(
          NAMES[tag]
              + " state has format version "
              + version
              + ", this build reads 1.."
              + maxVersion);
    }
    return version;
  }
}
