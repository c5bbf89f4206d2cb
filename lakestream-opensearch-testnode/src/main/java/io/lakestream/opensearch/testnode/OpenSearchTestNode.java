package io.lakestream.opensearch.testnode;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts one real OpenSearch node in this JVM, for integration tests; never used in production.
 *
 * <p>Usage: {@code OpenSearchTestNode <home-dir> [setting=value ...]}. The node stores its data
 * under {@code home-dir}, listens on 127.0.0.1 with an ephemeral HTTP port (unless {@code
 * http.port=...} is given), forms a single-node cluster, and when it is ready prints one line
 * {@code OPENSEARCH_HTTP=host:port} on standard output. It stops when standard input is closed (the
 * parent process ended or closed the pipe) or on SIGTERM.
 */
public final class OpenSearchTestNode {

  /** Prefix of the line printed once the node serves HTTP. */
  public static final String READY_PREFIX = "OPENSEARCH_HTTP=";

  private OpenSearchTestNode() {}

  /** A node with the given plugins on the class path (the public constructor loads none). */
  private static final class ClasspathPluginNode extends Node {
    ClasspathPluginNode(Environment environment, List<Class<? extends Plugin>> plugins) {
      super(environment, plugins, true);
    }
  }

  /**
   * Entry point.
   *
   * @param args the home directory, then optional {@code setting=value} overrides
   */
  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      // node threads may already run: exit explicitly so the parent sees the failure at once
      System.out.println("OpenSearch test node failed to start:");
      t.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: OpenSearchTestNode <home-dir> [setting=value ...] (home-dir: an empty temp dir)");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    Files.createDirectories(home.resolve("config"));
    Files.createDirectories(home.resolve("data"));
    Files.createDirectories(home.resolve("logs"));

    Settings.Builder settings =
        Settings.builder()
            .put("cluster.name", "lakestream-test")
            .put("node.name", "lakestream-test-node")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", "0")
            .put("transport.port", "0")
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // small heaps: do not trip the parent breaker on the real memory usage
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.auto_create_index", false);
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        System.err.println("expected setting=value, got '" + args[i] + "'");
        System.exit(2);
      }
      settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }

    Settings nodeSettings = settings.build();
    LogConfigurator.configureWithoutConfig(nodeSettings);
    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(
            nodeSettings, java.util.Map.of(), home.resolve("config"), () -> "lakestream-test-node");
    Node node =
        new ClasspathPluginNode(environment, List.of(Netty4Plugin.class, ReindexPlugin.class));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node), "opensearch-testnode-stop"));
    node.start();

    InetSocketAddress http =
        node.injector()
            .getInstance(HttpServerTransport.class)
            .boundAddress()
            .publishAddress()
            .address();
    System.out.println(READY_PREFIX + http.getHostString() + ":" + http.getPort());
    System.out.flush();

    // the parent keeps our stdin open; EOF means it is gone: do not outlive it
    InputStream in = System.in;
    try {
      while (in.read() >= 0) {
        // ignore input
      }
    } catch (IOException ignored) {
      // treat as EOF
    }
    System.exit(0);
  }

  private static void stop(Node node) {
    try {
      node.close();
      node.awaitClose(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println("OpenSearch test node did not stop cleanly: " + e);
    }
  }
}
