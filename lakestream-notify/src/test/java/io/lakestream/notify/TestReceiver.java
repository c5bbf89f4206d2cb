package io.lakestream.notify;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A scripted HTTP receiver on 127.0.0.1 with an ephemeral port that records every request. */
final class TestReceiver implements AutoCloseable {

  /** A request as received. */
  record Request(String method, String path, Headers headers, byte[] body, long atNanos) {
    String header(String name) {
      return headers.getFirst(name);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer; {@code hang} blocks until the receiver is closed. */
  record Reply(
      int status, Map<String, String> headers, String body, long delayMillis, boolean hang) {
    static Reply status(int status) {
      return new Reply(status, Map.of(), "", 0, false);
    }

    static Reply ok() {
      return status(200);
    }

    static Reply hanging() {
      return new Reply(0, Map.of(), "", 0, true);
    }

    Reply withBody(String body) {
      return new Reply(status, headers, body, delayMillis, hang);
    }

    Reply withHeader(String name, String value) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put(name, value);
      return new Reply(status, Map.copyOf(h), body, delayMillis, hang);
    }

    Reply after(long millis) {
      return new Reply(status, headers, body, millis, hang);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final IntFunction<Reply> script;

  /** Answers request {@code i} (0-based) with {@code script.apply(i)}. */
  TestReceiver(IntFunction<Reply> script) throws IOException {
    this.script = script;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Answers with the replies in order; the last one repeats. */
  static TestReceiver replying(Reply... replies) throws IOException {
    return new TestReceiver(i -> replies[Math.min(i, replies.length - 1)]);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Headers headers = new Headers();
      headers.putAll(exchange.getRequestHeaders());
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              headers,
              body,
              System.nanoTime()));
      Reply reply = script.apply(count.getAndIncrement());
      if (reply.hang()) {
        release.await(60, TimeUnit.SECONDS);
        return;
      }
      if (reply.delayMillis() > 0) {
        Thread.sleep(reply.delayMillis());
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
