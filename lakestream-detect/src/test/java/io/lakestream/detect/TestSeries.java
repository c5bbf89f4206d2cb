package io.lakestream.detect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small series and helpers shared by the tests. */
final class TestSeries {

  static final long T0 = 1_767_571_200_000L; // Monday 2026-01-05T00:00:00Z
  static final long MINUTE = 60_000L;

  private TestSeries() {}

  /** Gaussian noise around {@code level}. */
  static double[] noise(long seed, int n, double level, double sigma) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = level + sigma * r.nextGaussian();
    }
    return v;
  }

  /** Scores one point a minute from {@link #T0}. */
  static List<Score> run(Detector d, double[] values) {
    List<Score> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(d.update(T0 + i * MINUTE, values[i]));
    }
    return out;
  }

  static List<Integer> anomalous(List<Score> scores) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      if (scores.get(i).anomalous()) {
        out.add(i);
      }
    }
    return out;
  }

  static byte[] save(Detector d) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      d.writeState(out);
    }
    return bytes.toByteArray();
  }

  static Detector restore(DetectorKind kind, byte[] state) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      Detector d = kind.restore(in);
      if (in.read() != -1) {
        throw new AssertionError("restore left bytes unread");
      }
      return d;
    }
  }
}
