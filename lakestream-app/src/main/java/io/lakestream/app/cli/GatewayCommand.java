package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import io.lakestream.app.embedded.GatewayNode;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lakestream gateway}: ingestion only, against an external Kafka cluster. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline's ingestion on its own: the HTTP gateway, the schema registry's REST API"
          + " and the syslog, Fluentd, MQTT and CDC listeners, writing to the Kafka cluster of"
          + " kafka.bootstrap_servers (TLS/SASL through kafka.properties). The job runs elsewhere"
          + " (a Flink cluster).",
      "Run as many as you need, each with its own --data-dir and ports; they share Kafka and the"
          + " registry (a Kafka topic). An event is acknowledged only once Kafka holds it, so"
          + " killing a node loses nothing it acknowledged."
    },
    footer = {
      "",
      "Example:",
      "  lakestream gateway -p pipeline.yaml -d /var/lib/lakestream/gw-1 --port 8081"
    })
final class GatewayCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Mixin GatewayAddressOptions address = new GatewayAddressOptions();

  @Override
  public Integer call() throws InterruptedException {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = address.applyTo(loaded.get());
    GatewayNode node;
    try {
      node = GatewayNode.start(cfg, pipeline.dataDirAbsolute());
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stop = StopSignals.install(null);
    Thread hook = new Thread(node::close, "lakestream-gateway-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.printf(
        "%nLakestream gateway node of pipeline '%s' is up%n  HTTP gateway  %s%n  Kafka         %s"
            + "   topic %s%n",
        node.pipeline().name(),
        node.gatewayUrl(),
        node.pipeline().kafka().bootstrapServers(),
        node.pipeline().rawTopic());
    for (String e : node.endpoints()) {
      System.out.printf("  Source        %s%n", e);
    }
    System.out.println("Ready. Press Ctrl-C to stop.");
    System.out.flush();
    stop.await();
    System.out.println("\nStopping: finishing the acknowledgements still due...");
    node.close();
    System.out.println("Stopped.");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // fine
    }
    return 0;
  }
}
