package io.keygate.gateway.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one gateway node as a process, configured by environment variables (see {@link
 * NodeSettings} and docs/operations.md). Exits 2 on a configuration error naming the variable, 1
 * if the node cannot start; stops cleanly on SIGTERM.
 */
public final class GatewayMain {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    NodeSettings settings;
    Optional<InetSocketAddress> metrics;
    try {
      settings = NodeSettings.fromEnvironment(System.getenv());
      metrics = NodeSettings.metricsListen(System.getenv());
    } catch (SettingsException e) {
      System.err.println("keygate: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Before the node starts, so that even one that fails to start shows which options took effect.
    LOG.log(Level.INFO, MemoryLimits.ofThisJvm().describe());
    GatewayNode node;
    try {
      NodeBuilder builder = GatewayNode.builder(settings).jmxMetrics();
      metrics.ifPresent(builder::prometheusEndpoint);
      node = builder.start();
    } catch (Exception e) {
      // The token, the database or a port: one line naming it, no stack trace for an operator.
      System.err.println("keygate: could not start: " + e);
      System.exit(1);
      return;
    }
    // One line on stdout that scripts (and a port of 0) can rely on.
    System.out.println("keygate: serving calls on port " + node.port()
        + (node.adminPort().isPresent() ? ", admin API on port " + node.adminPort().getAsInt() : "")
        + (node.metricsPort().isPresent() ? ", metrics on port " + node.metricsPort().getAsInt() : "")
        + " (pid " + ProcessHandle.current().pid() + ")");
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "keygate-shutdown"));
    stopped.await();
  }
}
