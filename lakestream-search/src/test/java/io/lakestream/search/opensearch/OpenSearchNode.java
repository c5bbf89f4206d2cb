package io.lakestream.search.opensearch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real OpenSearch node in a child JVM, for integration tests.
 *
 * <p>OpenSearch bundles its own Lucene, so it cannot share this module's class path: the module
 * {@code lakestream-opensearch-testnode} (a test dependency with all its dependencies excluded)
 * carries the resource {@code opensearch-testnode.classpath}, the node's runtime class path written
 * by its build. This class launches {@code java -cp <that class path + the module itself>
 * io.lakestream.opensearch.testnode.OpenSearchTestNode <temp dir> settings...}, waits for the line
 * with the HTTP address and fails with the node's output when it does not come.
 */
public final class OpenSearchNode implements AutoCloseable {

  static final String CLASSPATH_RESOURCE = "opensearch-testnode.classpath";
  static final String MAIN = "io.lakestream.opensearch.testnode.OpenSearchTestNode";
  static final String READY_PREFIX = "OPENSEARCH_HTTP=";

  private final Process process;
  private final Path home;
  private final List<String> output;
  private final URI url;

  private OpenSearchNode(Process process, Path home, List<String> output, URI url) {
    this.process = process;
    this.home = home;
    this.output = output;
    this.url = url;
  }

  /** The node's HTTP address, e.g. {@code http://127.0.0.1:41727}. */
  public URI url() {
    return url;
  }

  /** Everything the node printed so far. */
  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /**
   * Starts a node and waits until it serves HTTP.
   *
   * @param timeoutSeconds how long to wait for the node
   * @param settings extra node settings, {@code key=value}
   */
  public static OpenSearchNode start(int timeoutSeconds, String... settings) throws Exception {
    String classpath = nodeClasspath();
    Path home = Files.createTempDirectory("lakestream-opensearch-");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xms512m");
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dlog4j2.disable.jmx=true");
    cmd.add("-Dopensearch.set.netty.runtime.available.processors=false");
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(MAIN);
    cmd.add(home.toString());
    cmd.addAll(List.of(settings));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (output) {
                    if (output.size() < 5000) {
                      output.add(line);
                    }
                  }
                  if (line.startsWith(READY_PREFIX)) {
                    ready.complete(line.substring(READY_PREFIX.length()).trim());
                  }
                }
              } catch (IOException e) {
                // process gone
              }
              ready.completeExceptionally(new IllegalStateException("the node's output ended"));
            },
            "opensearch-node-output");
    reader.setDaemon(true);
    reader.start();
    String address;
    try {
      address = ready.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      String why =
          e instanceof TimeoutException
              ? "did not serve HTTP within " + timeoutSeconds + " s"
              : "exited with status " + p.exitValue() + " before serving HTTP";
      String out;
      synchronized (output) {
        out = String.join("\n", output);
      }
      deleteTree(home);
      throw new AssertionError(
          "the OpenSearch test node "
              + why
              + ".\ncommand: "
              + String.join(" ", cmd.subList(0, 8))
              + " -cp (from "
              + CLASSPATH_RESOURCE
              + ") "
              + MAIN
              + "\nits output:\n"
              + out);
    }
    return new OpenSearchNode(p, home, output, URI.create("http://" + address));
  }

  /** The node's class path: the listed dependencies plus the test-node module itself. */
  private static String nodeClasspath() throws IOException {
    URL res = OpenSearchNode.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
    if (res == null) {
      throw new AssertionError(
          "resource "
              + CLASSPATH_RESOURCE
              + " not on the test class path: lakestream-search must depend on"
              + " lakestream-opensearch-testnode (test scope), and that module must be built"
              + " (./mvnw -pl lakestream-opensearch-testnode,lakestream-search verify)");
    }
    String deps;
    try (InputStream in = res.openStream()) {
      deps = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    String self;
    String u = res.toString();
    if (u.startsWith("jar:file:")) {
      self = decode(u.substring("jar:file:".length(), u.indexOf("!/")));
    } else if (u.startsWith("file:")) {
      self = Path.of(decode(u.substring("file:".length()))).getParent().toString();
    } else {
      throw new AssertionError("cannot locate the test node module from " + u);
    }
    for (String entry : deps.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
        throw new AssertionError(
            "the OpenSearch test node's class path lists "
                + entry
                + ", which does not exist; rebuild lakestream-opensearch-testnode");
      }
    }
    return self + java.io.File.pathSeparator + deps;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Stops the node (closing its stdin, then killing it) and deletes its data. */
  @Override
  public void close() throws Exception {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      deleteTree(home);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
