package io.keygate.gateway.node;

import io.keygate.gateway.attestation.AttestationKeys;
import io.keygate.gateway.accesslog.AccessLogSettings;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import io.keygate.hsm.KeyLabel;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one gateway node as a process, configured by environment variables (see {@link
 * NodeSettings} and docs/operations.md) or by a config file they override ({@link #serve}). Exits 2
 * on a configuration error naming the variable, 1 if the node cannot start, 3 when its HSM token
 * stayed unavailable (KEYGATE_HSM_EXIT_AFTER) for its supervisor to restart it. On SIGTERM it drains: health NOT_SERVING, no new connections, a
 * GOAWAY on every open one, open calls finish within KEYGATE_DRAIN_TIMEOUT; then it stops.
 */
public final class GatewayMain {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  /** The exit status when the token stayed unavailable (docs/operations.md, "Supervision"). */
  static final int TOKEN_LOST = 3;

  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    run(SettingsSource.environment(System.getenv()));
  }

  /**
   * Runs a node from a config file (docs/operations.md, "A node from a config file"), each setting
   * overridden by its {@code KEYGATE_*} variable when the environment sets it; {@code keygate
   * serve --config FILE}. Exits like {@link #main}; a malformed file exits 2 naming the file, the
   * line and the setting.
   */
  public static void serve(Path configFile) throws Exception {
    SettingsSource source;
    try {
      source = SettingsSource.file(configFile, System.getenv());
    } catch (SettingsException e) {
      System.err.println("keygate: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!source.overridden().isEmpty()) {
      System.err.println("keygate: the environment overrides " + configFile + " for "
          + String.join(", ", source.overridden()));
    }
    run(source);
  }

  private static void run(SettingsSource source) throws Exception {
    Map<String, String> values = source.values();
    NodeSettings settings;
    Optional<InetSocketAddress> metrics;
    AttestationKeys attestation;
    Duration hsmExitAfter;
    Duration drain;
    AccessLogSettings accessLog;
    try {
      settings = NodeSettings.fromEnvironment(values);
      metrics = ProcessSettings.metricsListen(values);
      attestation = ProcessSettings.backendAttestation(values);
      hsmExitAfter = ProcessSettings.hsmExitAfter(values);
      drain = ProcessSettings.drainTimeout(values);
      accessLog = ProcessSettings.accessLog(values);
    } catch (SettingsException e) {
      System.err.println("keygate: " + source.locate(e).getMessage());
      System.exit(2);
      return;
    }
    // Before the node starts, so that even one that fails to start shows which options took effect.
    LOG.log(Level.INFO, MemoryLimits.ofThisJvm().describe());
    // 0 once stopped by a signal; TOKEN_LOST when the token stayed unavailable (the main thread
    // exits then, never the watchdog's: exiting runs the shutdown hook, which stops that thread).
    CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    GatewayNode node;
    try {
      NodeBuilder builder = GatewayNode.builder(settings).jmxMetrics()
          .onTokenLost(hsmExitAfter, () -> exitCode.complete(TOKEN_LOST)).accessLog(accessLog);
      metrics.ifPresent(builder::prometheusEndpoint);
      builder.backendAttestation(attestation);
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
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      long start = System.nanoTime();
      System.err.println("keygate: stopping: draining open calls for up to " + drain);
      node.close(drain);
      System.err.printf("keygate: stopped after %d ms%n", (System.nanoTime() - start) / 1_000_000);
      exitCode.complete(0);
    }, "keygate-shutdown"));
    int code = exitCode.get();
    if (code != 0) {
      System.err.println("keygate: the HSM token has been unavailable for " + hsmExitAfter
          + "; exiting " + code + " for the supervisor to restart the node");
      System.exit(code);
    }
  }
}
