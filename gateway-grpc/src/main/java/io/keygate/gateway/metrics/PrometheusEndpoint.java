package io.keygate.gateway.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.dropwizard.samplebuilder.CustomMappingSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.MapperConfig;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The node's metrics in Prometheus' text format over plain HTTP ({@code GET /metrics}) on a port
 * of its own, apart from the data plane and the admin API: bind it to an address only the
 * scraper reaches (it answers anyone who connects, and says how busy the node is, never a
 * secret, a key or a caller's identity).
 *
 * <p>The same port answers an orchestrator's probes: {@code GET /healthz} (liveness: 200 while the
 * process serves HTTP at all) and {@code GET /readyz} (readiness: 200 while the node can serve
 * signed calls, 503 otherwise; the data plane's health, docs/operations.md).
 */
public final class PrometheusEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private PrometheusEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Serves {@code metrics} on {@code listen} (port 0 picks a free one); always ready. */
  public static PrometheusEndpoint start(InetSocketAddress listen, NodeMetrics metrics)
      throws IOException {
    return start(listen, metrics, () -> true);
  }

  /**
   * Serves {@code metrics} and the probes on {@code listen} (port 0 picks a free one).
   *
   * @param ready read on each {@code GET /readyz}; must be cheap and must not block
   */
  public static PrometheusEndpoint start(InetSocketAddress listen, NodeMetrics metrics,
      BooleanSupplier ready) throws IOException {
    // A registry of its own: never Prometheus' static default one.
    CollectorRegistry registry = new CollectorRegistry();
    new DropwizardExports(metrics.registry(), new NodeSampleBuilder(new CustomMappingSampleBuilder(
        List.of(
            // keygate.calls.refused.<Code> -> keygate_calls_refused_total{code="<Code>"}
            new MapperConfig(CallMeters.REFUSED_PREFIX + "*", "keygate.calls.refused",
                Map.of("code", "${0}")),
            // keygate.calls.unrouted.<Code> -> keygate_calls_unrouted_total{code="<Code>"}
            new MapperConfig(ApiCallMeters.UNROUTED_PREFIX + "*", "keygate.calls.unrouted",
                Map.of("code", "${0}")),
            // keygate.calls.ended.<Code> -> keygate_calls_ended_total{code="<Code>"}
            new MapperConfig(ApiCallMeters.ENDED_PREFIX + "*", "keygate.calls.ended",
                Map.of("code", "${0}"))))))
        .register(registry);
    HttpServer http = HttpServer.create(listen, 3);
    http.createContext("/healthz", exchange -> answer(exchange, true));
    http.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean()));
    return new PrometheusEndpoint(new HTTPServer.Builder()
        .withHttpServer(http)
        .withRegistry(registry)
        .withDaemonThreads(true)
        .build());
  }

  private static void answer(HttpExchange exchange, boolean ok) throws IOException {
    try {
      byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(ok ? 200 : 503, -1);
        return;
      }
      exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
