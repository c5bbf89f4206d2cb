package io.lakestream.source.mqtt;

import io.lakestream.api.config.EventTimeConfig;
import io.lakestream.api.config.MqttSettings;
import io.lakestream.api.config.SourceConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Debian's mosquitto tools for tests: clients that publish, and a broker. */
final class Mosquitto {

  private Mosquitto() {}

  /** An mqtt source of the embedded broker. */
  static SourceConfig embeddedSource(
      String name, List<String> topics, Integer deviceIdLevel, List<MqttSettings.User> users) {
    return source(
        name,
        new MqttSettings(
            topics, deviceIdLevel, "device_id", "127.0.0.1", 0, users, null, null, null, null));
  }

  /** An mqtt source of the embedded broker on a given port. */
  static SourceConfig embeddedSourceOnPort(String name, int port) {
    return source(
        name,
        new MqttSettings(
            List.of(name + "/#"),
            null,
            "device_id",
            "127.0.0.1",
            port,
            List.of(),
            null,
            null,
            null,
            null));
  }

  /** An mqtt source in client mode. */
  static SourceConfig clientSource(
      String name, int brokerPort, String clientId, String username, String password) {
    return source(
        name,
        new MqttSettings(
            List.of("sensors/+/telemetry"),
            1,
            "device_id",
            "127.0.0.1",
            MqttSettings.DEFAULT_PORT,
            List.of(),
            "tcp://127.0.0.1:" + brokerPort,
            clientId,
            username,
            password));
  }

  private static SourceConfig source(String name, MqttSettings settings) {
    return new SourceConfig(
        name,
        "mqtt",
        "schema.json",
        "{}",
        "device_id",
        new EventTimeConfig("ts", EventTimeConfig.TimeFormat.ISO8601),
        List.of(),
        List.of(),
        null,
        settings);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean accepting(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A running {@code mosquitto_pub}, its output collected line by line. */
  static final class Client implements AutoCloseable {
    final Process process;
    final ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
    final AtomicLong pubacks = new AtomicLong();
    private final Thread reader;

    Client(List<String> command) {
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    if (line.contains("received PUBACK")) {
                      pubacks.incrementAndGet();
                    } else if (!line.contains("sending PUBLISH")) {
                      output.add(line);
                    }
                  }
                } catch (IOException ignored) {
                  // process ended
                }
              },
              "mosquitto-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Whether the process ended within {@code seconds}; if so, its output is fully read. */
    boolean exited(long seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        return false;
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      return true;
    }

    String text() {
      return String.join("\n", output);
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
  }

  /**
   * {@code mosquitto_pub -h 127.0.0.1 -p port args...}; line-buffered ({@code stdbuf -oL}) so the
   * test sees each {@code -d} line when it is printed, not when a 4 KiB pipe buffer fills.
   */
  static Client pub(int port, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of("stdbuf", "-oL", "mosquitto_pub", "-h", "127.0.0.1", "-p", "" + port));
    cmd.addAll(List.of(args));
    return new Client(cmd);
  }

  /**
   * {@code mosquitto_pub -l} reading {@code lines}; stdin stays open afterwards because
   * mosquitto_pub drops queued QoS 1 messages when stdin closes.
   */
  static Client pubLines(int port, Path lines, String... args) {
    return pubLines(port, lines, "-d", args);
  }

  /** As {@link #pubLines(int, Path, String...)}, without {@code -d}: for benchmarks. */
  static Client pubLinesQuiet(int port, Path lines, String... args) {
    return pubLines(port, lines, "", args);
  }

  private static Client pubLines(int port, Path lines, String debug, String... args) {
    StringBuilder cmd =
        new StringBuilder("(cat '")
            .append(lines)
            .append("'; sleep 600) | exec stdbuf -oL mosquitto_pub ")
            .append(debug)
            .append(" -l -h 127.0.0.1 -p ")
            .append(port);
    for (String a : args) {
      cmd.append(" '").append(a.replace("'", "'\\''")).append("'");
    }
    return new Client(List.of("sh", "-c", cmd.toString()));
  }

  /** Writes {@code n} JSON lines {@code {"id":"<prefix>-<i>","seq":<i>}}. */
  static Path lines(Path dir, String prefix, int n) throws IOException {
    StringBuilder sb = new StringBuilder(n * 32);
    for (int i = 0; i < n; i++) {
      sb.append("{\"id\":\"").append(prefix).append('-').append(i).append("\",\"seq\":");
      sb.append(i).append("}\n");
    }
    Path f = dir.resolve(prefix + ".ndjson");
    Files.writeString(f, sb, StandardCharsets.UTF_8);
    return f;
  }

  /** A Debian {@code mosquitto} broker on a loopback port, without persistence. */
  static final class Broker implements AutoCloseable {
    final int port;
    private final Path dir;
    private final List<String> extraConfig;
    private Process process;

    Broker(Path dir, int port, List<String> extraConfig) {
      this.dir = dir;
      this.port = port;
      this.extraConfig = extraConfig;
    }

    Broker start() throws IOException {
      List<String> conf = new ArrayList<>();
      conf.add("listener " + port + " 127.0.0.1");
      conf.add("persistence false");
      // the default (1000) drops QoS 1 messages for a subscriber that falls behind a burst
      conf.add("max_queued_messages 100000");
      conf.addAll(extraConfig.isEmpty() ? List.of("allow_anonymous true") : extraConfig);
      Path file = dir.resolve("mosquitto-" + port + ".conf");
      Files.write(file, conf);
      process =
          new ProcessBuilder("/usr/sbin/mosquitto", "-c", file.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("mosquitto-" + port + ".log").toFile())
              .start();
      return this;
    }

    boolean ready() {
      return process.isAlive() && accepting(port);
    }

    void stop() throws InterruptedException {
      if (process != null) {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
