package io.lakestream.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Load for the scale-out tests: one thread per gateway port posts batches of 50 readings with
 * unique ids until closed, and keeps the ids of every batch a gateway acknowledged (202). A batch
 * whose request fails or is refused is not counted; the thread pauses and goes on.
 */
final class Senders implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Ids of acknowledged events. */
  final Set<String> acked = Collections.synchronizedSet(new HashSet<>());

  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param prefix start of every id ({@code <prefix><port>-<batch>-<i>})
   * @param timeout of one request
   * @param pause after a failed or refused request
   */
  Senders(String prefix, Duration timeout, Duration pause, int... ports) {
    for (int port : ports) {
      Thread t = new Thread(() -> send(prefix, port, timeout, pause), "sender-" + port);
      t.start();
      threads.add(t);
    }
  }

  private void send(String prefix, int port, Duration timeout, Duration pause) {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/sources/sensors/events");
    int batch = 0;
    while (!stop.get()) {
      List<String> ids = new ArrayList<>();
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        String id = prefix + port + "-" + batch + "-" + i;
        ids.add(id);
        body.append(GatewayNodesIT.event(id)).append('\n');
      }
      batch++;
      boolean ok = false;
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/x-ndjson")
                    .timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        ok = r.statusCode() == 202;
      } catch (Exception e) {
        // the node is gone: this batch is not acknowledged
      }
      if (ok) {
        acked.addAll(ids);
        continue;
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException ie) {
        return;
      }
    }
  }

  /** Stops sending and waits for the requests in flight. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(40_000);
    }
  }
}
