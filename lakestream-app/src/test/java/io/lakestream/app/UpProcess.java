package io.lakestream.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code lakestream up} as its own process, on this test's class path, with free gateway and Kafka
 * ports; for tests that stop it with a signal.
 */
public final class UpProcess {

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private UpProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code up -p pipeline -d dataDir}; it prints as it goes, see {@link #awaitLine}. */
  public static UpProcess start(Path pipeline, Path dataDir) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.lakestream.app.cli.Main");
    cmd.addAll(
        List.of(
            "up",
            "-p",
            pipeline.toString(),
            "-d",
            dataDir.toString(),
            "--port",
            "0",
            "--kafka-port",
            "0"));
    UpProcess up = new UpProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(up.process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  up.lines.add(line);
                }
              } catch (java.io.IOException e) {
                // process gone
              }
            });
    reader.setDaemon(true);
    reader.start();
    return up;
  }

  public Process process() {
    return process;
  }

  /** The first line printed from now on that contains {@code fragment}. */
  public String awaitLine(String fragment, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        if (line.contains(fragment)) {
          return line;
        }
      }
    }
    throw new AssertionError("no line with '" + fragment + "' within " + timeout + ": " + seen);
  }
}
