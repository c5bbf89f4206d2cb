package io.lakestream.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRouting;
import io.lakestream.app.observe.PipelineObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} (Prometheus text format), {@code GET /health} (the process serves) and
 * {@code GET /ready} (the pipeline takes and processes events), for orchestrators and monitoring.
 * On the gateway's port, behind its API keys like every other path (Prometheus and Kubernetes
 * probes can send an {@code Authorization} header).
 */
public final class ObserveRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusMeterRegistry registry;
  private final Supplier<PipelineObserver> observer;

  /**
   * @param observer the pipeline's observer, or {@code null} while the stack is still starting
   */
  public ObserveRoutes(PrometheusMeterRegistry registry, Supplier<PipelineObserver> observer) {
    this.registry = registry;
    this.observer = observer;
  }

  /** Adds the routes to a router. */
  public void mount(JavalinDefaultRouting routes) {
    routes.get("/metrics", this::metrics);
    routes.get("/health", ctx -> ctx.contentType("application/json").result("{\"status\":\"up\"}"));
    routes.get("/ready", this::ready);
  }

  private void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
  }

  private void ready(Context ctx) {
    PipelineObserver o = observer.get();
    ObjectNode n = JSON.createObjectNode();
    if (o != null && o.ready()) {
      n.put("status", "ready");
      ctx.contentType("application/json").result(n.toString());
      return;
    }
    n.put("status", "not_ready");
    n.put("reason", o == null ? "starting" : o.notReadyBecause());
    ctx.status(503).contentType("application/json").result(n.toString());
  }
}
