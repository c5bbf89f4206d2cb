package io.lakestream.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Generates clickstream and payment events for the bundled example's {@code clickstream} and {@code
 * transactions} sources, and reference files matching the generated devices and users.
 * Deterministic for a given run id.
 */
public final class ExampleEvents {

  private static final String[] ACTIONS = {
    "page_view", "click", "search", "add_to_cart", "purchase"
  };
  private static final String[] SEGMENTS = {"premium", "standard", "new"};
  private static final String[] COUNTRIES = {"DE", "FR", "NL", "US", "PL"};

  private final String runId;
  private final int users;
  private final long baseMillis;

  public ExampleEvents(String runId, int users, Instant base) {
    this.runId = runId;
    this.users = users;
    this.baseMillis = base.toEpochMilli();
  }

  /** User id of user {@code u}. */
  public static String userId(int u) {
    return "user-" + u;
  }

  /** NDJSON body of clicks {@code from} to {@code to}; click n happens at base + 10 n ms. */
  public byte[] clicks(long from, long to) {
    StringBuilder sb = new StringBuilder((int) (to - from) * 200);
    for (long n = from; n < to; n++) {
      SplittableRandom r = new SplittableRandom(n * 0x9E3779B97F4A7C15L + 1);
      int user = (int) (n % users);
      sb.append("{\"id\":\"")
          .append(runId)
          .append("-c")
          .append(n)
          .append("\",\"user_id\":\"")
          .append(userId(user))
          .append("\",\"session_id\":\"s-")
          .append(user)
          .append('-')
          .append(n / 50_000)
          .append("\",\"ts\":")
          .append(baseMillis + n * 10)
          .append(",\"page\":\"/products/")
          .append(r.nextInt(500))
          .append("\",\"action\":\"")
          .append(ACTIONS[r.nextInt(ACTIONS.length)])
          .append("\",\"device\":\"desktop\"}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * NDJSON body of payments {@code from} to {@code to}; payment n happens at base + 10 n + 5 ms.
   */
  public byte[] payments(long from, long to) {
    StringBuilder sb = new StringBuilder((int) (to - from) * 220);
    for (long n = from; n < to; n++) {
      SplittableRandom r = new SplittableRandom(n * 0x9E3779B97F4A7C15L + 2);
      int user = (int) ((n * 7) % users);
      sb.append("{\"id\":\"")
          .append(runId)
          .append("-t")
          .append(n)
          .append("\",\"txn_id\":\"tx-")
          .append(n)
          .append("\",\"account_id\":\"acc-")
          .append(user)
          .append("\",\"user_id\":\"")
          .append(userId(user))
          .append("\",\"ts\":\"")
          .append(Instant.ofEpochMilli(baseMillis + n * 10 + 5))
          .append("\",\"amount\":")
          .append(1 + r.nextInt(50_000) / 100.0)
          .append(",\"currency\":\"EUR\",\"merchant\":\"shop-")
          .append(r.nextInt(40))
          .append("\",\"status\":\"captured\"}\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A users.csv (user_id, segment, country) for every generated user. */
  public void writeUsers(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("user_id,segment,country\n");
    for (int u = 0; u < users; u++) {
      sb.append(userId(u))
          .append(',')
          .append(SEGMENTS[u % SEGMENTS.length])
          .append(',')
          .append(COUNTRIES[u % COUNTRIES.length])
          .append('\n');
    }
    Files.writeString(file, sb);
  }

  /** A devices.csv (device_id, model, owner, installed, alert_above) for the sensor readings. */
  public static void writeDevices(Path file, int devices) throws IOException {
    StringBuilder sb = new StringBuilder("device_id,model,owner,installed,alert_above\n");
    for (int d = 0; d < devices; d++) {
      sb.append(SensorReadings.deviceId(d))
          .append(",TH-")
          .append(100 + d % 3 * 100)
          .append(",team-")
          .append(d % 20)
          .append(",2025-01-01T00:00:00Z,")
          .append(30 + d % 5)
          .append('\n');
    }
    Files.writeString(file, sb);
  }
}
