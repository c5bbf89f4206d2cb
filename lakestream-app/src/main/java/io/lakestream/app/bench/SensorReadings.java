package io.lakestream.app.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Generates realistic IoT sensor readings (~200 bytes of JSON each) that satisfy the bundled
 * example's {@code sensors} schema. Deterministic for a given seed.
 */
public final class SensorReadings {

  private static final String[] SITES = {"plant-north", "plant-south", "warehouse-3", "lab-east"};
  private static final String[] FIRMWARE = {"2.4.1", "2.4.2", "2.5.0-rc1", "3.0.0"};

  private final String runId;
  private final int devices;
  private final long baseMillis;

  public SensorReadings(String runId, int devices, Instant base) {
    this.runId = runId;
    this.devices = devices;
    this.baseMillis = base.toEpochMilli();
  }

  /** The id of reading {@code n}. */
  public String id(long n) {
    return runId + "-" + n;
  }

  /** Appends reading {@code n} as one JSON line (with a trailing newline) to {@code sb}. */
  public void appendLine(long n, StringBuilder sb) {
    appendLine(n, sb, true);
  }

  /**
   * Appends reading {@code n}; without its id, the gateway gives each posting of it a new one (so a
   * body can be posted again as new readings).
   */
  public void appendLine(long n, StringBuilder sb, boolean withId) {
    SplittableRandom r = new SplittableRandom(n * 0x9E3779B97F4A7C15L);
    int device = (int) (n % devices);
    long ts = baseMillis + n; // one reading per millisecond across the fleet
    sb.append('{');
    if (withId) {
      sb.append("\"id\":\"").append(id(n)).append("\",");
    }
    sb.append("\"device_id\":\"")
        .append(deviceId(device))
        .append("\",\"site\":\"")
        .append(SITES[device % SITES.length])
        .append("\",\"ts\":\"")
        .append(Instant.ofEpochMilli(ts))
        .append("\",\"temperature\":")
        .append(Math.round((18 + r.nextDouble() * 12) * 100) / 100.0)
        .append(",\"humidity\":")
        .append(Math.round((30 + r.nextDouble() * 40) * 10) / 10.0)
        .append(",\"battery\":")
        .append(20 + r.nextInt(80))
        .append(",\"firmware\":\"")
        .append(FIRMWARE[device % FIRMWARE.length])
        .append("\"}\n");
  }

  /** NDJSON body with readings {@code from} (inclusive) to {@code to} (exclusive). */
  public byte[] batch(long from, long to) {
    StringBuilder sb = new StringBuilder((int) (to - from) * 220);
    for (long n = from; n < to; n++) {
      appendLine(n, sb);
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Device ids look like {@code sensor-00042}. */
  public static String deviceId(int device) {
    String n = Integer.toString(device);
    return "sensor-" + "00000".substring(Math.min(5, n.length())) + n;
  }
}
