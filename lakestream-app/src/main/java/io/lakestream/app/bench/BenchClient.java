package io.lakestream.app.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/** What the benchmarks do against a running stack: post events, count committed rows. */
public final class BenchClient {

  private BenchClient() {}

  /**
   * Posts one request until the gateway accepts it (202); on 503 backs off as Retry-After asks and
   * sends the same events (same ids) again.
   *
   * @throws IllegalStateException on any other answer
   */
  public static void postUntilAccepted(HttpClient http, HttpRequest req)
      throws IOException, InterruptedException {
    while (true) {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() == 202) {
        return;
      }
      if (resp.statusCode() != 503) {
        throw new IllegalStateException(
            "gateway answered " + resp.statusCode() + ": " + resp.body());
      }
      Thread.sleep(200);
    }
  }

  /** Rows in the table's current snapshot, from its summary (no data is read). */
  public static long committedRows(Table table) {
    table.refresh();
    Snapshot s = table.currentSnapshot();
    String total = s == null ? null : s.summary().get("total-records");
    return total == null ? 0 : Long.parseLong(total);
  }
}
