package io.lakestream.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open dashboard pages, as the server sees them: each holds the page's one live stream ({@code GET
 * /v1/dashboard/stream}) and reads every snapshot, so the benchmark can measure what streaming to
 * many pages costs the server. (What a browser spends drawing is the browser's, not the server's.)
 */
public final class DashboardPages implements AutoCloseable {

  private final List<InputStream> streams = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /** Opens {@code n} streams on the gateway at {@code baseUrl} and starts reading them. */
  public DashboardPages(String baseUrl, int n) throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    for (int i = 0; i < n; i++) {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + "/v1/dashboard/stream"))
                  .header("Accept", "text/event-stream")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new IOException("the dashboard stream answered " + r.statusCode());
      }
      InputStream in = r.body();
      streams.add(in);
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader br =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = br.readLine()) != null) {
                    bytes.addAndGet(line.length() + 1);
                    if (line.startsWith("event: snapshot")) {
                      snapshots.incrementAndGet();
                    }
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "bench-dashboard-page-" + i);
      t.setDaemon(true);
      t.start();
      readers.add(t);
    }
  }

  /** Snapshots received over all pages. */
  public long snapshots() {
    return snapshots.get();
  }

  /** Bytes received over all pages. */
  public long bytes() {
    return bytes.get();
  }

  @Override
  public void close() {
    for (InputStream s : streams) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
    for (Thread t : readers) {
      t.interrupt();
    }
  }
}
