package io.keygate.gateway.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.dropwizard.samplebuilder.CustomMappingSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.MapperConfig;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The node's metrics in Prometheus' text format over plain HTTP ({@code GET /metrics}) on a port
 * of its own, apart from the data plane and the admin API: bind it to an address only the
 * scraper reaches (it answers anyone who connects, and says how busy the node is, never a
 * secret, a key or a caller's identity).
 */
public final class PrometheusEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private PrometheusEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Serves {@code metrics} on {@code listen} (port 0 picks a free one). */
  public static PrometheusEndpoint start(InetSocketAddress listen, NodeMetrics metrics)
      throws IOException {
    // A registry of its own: never Prometheus' static default one.
    CollectorRegistry registry = new CollectorRegistry();
    new DropwizardExports(metrics.registry(), new CustomMappingSampleBuilder(List.of(
        // keygate.calls.refused.<Code> -> keygate_calls_refused_total{code="<Code>"}
        new MapperConfig(CallMeters.REFUSED_PREFIX + "*", "keygate.calls.refused",
            Map.of("code", "${0}")))))
        .register(registry);
    return new PrometheusEndpoint(new HTTPServer.Builder()
        .withInetSocketAddress(listen)
        .withRegistry(registry)
        .withDaemonThreads(true)
        .build());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
