package io.lakestream.app.cli;

import io.lakestream.api.config.PipelineConfig;
import picocli.CommandLine.Option;

/** {@code --port} and {@code --host} of the HTTP gateway, over the pipeline file's settings. */
final class GatewayAddressOptions {

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTP gateway port (default: gateway.port of the pipeline file, 8080).")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "HTTP gateway address (default: gateway.host of the pipeline file, 127.0.0.1).")
  String host;

  /** The pipeline with the address given on the command line, if any. */
  PipelineConfig applyTo(PipelineConfig cfg) {
    if (port == null && host == null) {
      return cfg;
    }
    var gw = cfg.gateway();
    gw = port != null ? gw.withPort(port) : gw;
    gw = host != null ? gw.withHost(host) : gw;
    return cfg.withGateway(gw);
  }
}
