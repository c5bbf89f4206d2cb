package io.lakestream.app.cli;

import io.lakestream.api.config.KafkaSourceSettings;
import io.lakestream.api.config.PipelineConfig;
import io.lakestream.api.config.PipelineConfigException;
import io.lakestream.api.config.SourceConfig;
import io.lakestream.app.embedded.EmbeddedLakestream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakestream up}: the whole platform embedded in this JVM. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start Lakestream embedded in one JVM: Kafka broker, Flink job, HTTP gateway and lake.",
      "Data stays under --data-dir; the next 'up' resumes where this one stopped. Ctrl-C stops."
    })
final class UpCommand implements Callable<Integer> {

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Mixin GatewayAddressOptions address = new GatewayAddressOptions();

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      description = "Port of the embedded Kafka broker on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int kafkaPort = 9092;

  @Override
  public Integer call() throws InterruptedException {
    var loaded = pipeline.loadOrReport();
    if (loaded.isEmpty()) {
      return 2;
    }
    PipelineConfig cfg = address.applyTo(loaded.get());
    System.out.printf(
        "Starting pipeline '%s' from %s (data: %s)...%n",
        cfg.name(), pipeline.pipelineFile(), pipeline.dataDirAbsolute());
    EmbeddedLakestream ls;
    try {
      ls =
          EmbeddedLakestream.start(
              cfg,
              pipeline.dataDirAbsolute(),
              EmbeddedLakestream.Options.defaults().withKafkaPort(kafkaPort));
    } catch (PipelineConfigException e) {
      // Problems only planning finds (SQL, plugins), reported against the file like load errors.
      System.err.println(
          new PipelineConfigException(pipeline.pipelineFile().toString(), e.problems())
              .getMessage());
      return 2;
    } catch (IllegalStateException | IllegalArgumentException e) {
      // IllegalArgumentException: a notification channel's target is refused or unknown.
      System.err.println("error: " + e.getMessage());
      return 1;
    }
    // Stop on SIGINT/SIGTERM ourselves instead of in a JVM shutdown hook: by the time shutdown
    // hooks run, Iceberg's shared worker pool has been terminated by its own hook, and the final
    // lake commit of the savepoint would fail.
    CountDownLatch stopRequested =
        StopSignals.install("\nForced exit: the next start resumes from the last checkpoint.");
    Thread hook = new Thread(ls::close, "lakestream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    printBanner(ls);
    stopRequested.await();
    System.out.println(
        "\nStopping: committing to the lake, then closing Kafka (Ctrl-C again to force)...");
    ls.close();
    System.out.println(
        "Stopped. Data is in " + ls.dataDir() + "; './lakestream up' resumes from it.");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // fine: close() is idempotent
    }
    return 0;
  }

  private static void printBanner(EmbeddedLakestream ls) {
    PipelineConfig c = ls.pipeline();
    String url = ls.gatewayUrl();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "%nLakestream pipeline '%s' is up (%.1f s)%s%n",
            c.name(),
            ls.startupMillis() / 1000.0,
            ls.restoredFrom().map(p -> ", resumed from " + p.getFileName()).orElse("")));
    List<String> httpSources =
        c.sources().values().stream()
            .filter(SourceConfig::viaHttp)
            .map(SourceConfig::name)
            .toList();
    String firstSource = httpSources.isEmpty() ? null : httpSources.get(0);
    b.append(
        String.format(
            "  Dashboard     %s/   live pipeline, charts, alerts, errors, SQL%s%n",
            url, c.gateway().apiKeys().isEmpty() ? "" : " (user: key name, password: key)"));
    b.append(
        String.format(
            "  HTTP gateway  %s   POST /v1/sources/{%s}/events%n",
            url, String.join(",", httpSources)));
    b.append(
        String.format(
            "  Monitoring    %s/metrics (Prometheus), %s/health, %s/ready%n", url, url, url));
    if (c.search().enabled()) {
      b.append(
          String.format("  Search        %s/v1/search   ./lakestream search 'level:ERROR'%n", url));
    }
    b.append(
        String.format(
            "  Schemas       %s/registry   %d subject(s), Confluent REST API%n",
            url, ls.registry().subjects(false).size()));
    for (String endpoint : ls.sources().endpoints()) {
      b.append(String.format("  Source        %s%n", endpoint));
    }
    c.sources().values().stream()
        .filter(s -> s.settings() instanceof KafkaSourceSettings)
        .forEach(
            s ->
                b.append(
                    String.format(
                        "  Source        %s: Kafka topic %s (read by the job)%n",
                        s.name(), s.settings(KafkaSourceSettings.class).topic())));
    b.append(
        String.format(
            "  Kafka         %s   topics %s, %s%n",
            ls.kafkaBootstrap(), c.rawTopic(), c.enrichedTopic()));
    b.append(
        String.format(
            "  Flink         local mini cluster, parallelism %d, checkpoint every %ss%n",
            c.parallelism(), c.checkpointInterval().toMillis() / 1000.0));
    b.append(
        String.format(
            "  Lake          Iceberg %s, warehouse %s%n",
            c.lake().catalogUri(), c.lake().warehouse()));
    if (c.alerting().enabled()) {
      b.append(
          String.format(
              "  Alerts        %d detector(s) → topic %s, table alerts.events, %s%n",
              c.alerting().detectors().size(),
              c.alertsTopic(),
              c.alerting().channels().isEmpty()
                  ? "the log"
                  : String.join(", ", c.alerting().channels().keySet())));
    }
    b.append(String.format("  Data          %s%n", ls.dataDir()));
    b.append(String.format("%nTry:%n"));
    if (firstSource != null) {
      b.append(
          String.format(
              "  curl -X POST %s/v1/sources/%s/events --data-binary"
                  + " @examples/iot/readings.ndjson%n",
              url, firstSource));
    }
    b.append(
        String.format(
            "  ./lakestream sql \"SELECT count(*) FROM raw.%s\"%n",
            firstSource != null ? firstSource : c.sources().keySet().iterator().next()));
    b.append(String.format("%nPress Ctrl-C to stop.%n"));
    System.out.print(b);
    System.out.flush();
  }
}
