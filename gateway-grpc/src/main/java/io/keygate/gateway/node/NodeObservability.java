package io.keygate.gateway.node;

import io.grpc.protobuf.services.HealthStatusManager;
import io.keygate.gateway.accesslog.AccessLog;
import io.keygate.gateway.accesslog.AccessLogSettings;
import io.keygate.gateway.auth.MacVerifier;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.dataplane.CallEndings;
import io.keygate.gateway.dataplane.CallOutcomes;
import io.keygate.gateway.dataplane.ConfigView;
import io.keygate.gateway.dataplane.ServingHealth;
import io.keygate.gateway.metrics.NodeMetrics;
import io.keygate.hsm.TokenHealth;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The part of the composition root that makes a node observable, kept out of {@link NodeBuilder}:
 * where each call's end goes (per-API metrics, the access log with its writer thread and its
 * gauges), the timed decorators of the HSM's MAC check and of the nonce store, and the data
 * plane's health, whose readiness the metrics port's {@code /readyz} also answers.
 */
final class NodeObservability {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  private final NodeMetrics metrics;
  private final CallEndings endings;
  private volatile ServingHealth health;

  private NodeObservability(NodeMetrics metrics, CallEndings endings) {
    this.metrics = metrics;
    this.endings = endings;
  }

  /**
   * Opens the access log if the settings enable it (closed with the node's other parts, after
   * the listener, so the last calls' lines are written).
   *
   * @param nanoTime the monotonic clock latencies and the refusal budget are measured with
   * @throws IOException if the access log's file cannot be opened
   */
  static NodeObservability start(StartedParts parts, NodeMetrics metrics,
      AccessLogSettings accessLog, Clock clock, LongSupplier nanoTime) throws IOException {
    CallOutcomes outcomes = metrics.apiCalls();
    if (accessLog.enabled()) {
      AccessLog log = parts.add(AccessLog.open(accessLog, clock, nanoTime, job -> {
        Thread thread = new Thread(job, "keygate-access-log");
        thread.setDaemon(true);
        return thread;
      }));
      metrics.gauge("keygate.accesslog.dropped", log::dropped);
      metrics.gauge("keygate.accesslog.suppressed", log::suppressed);
      metrics.gauge("keygate.accesslog.queued", log::queued);
      outcomes = CallOutcomes.both(outcomes, log);
    }
    LOG.log(Level.INFO, "access log: " + accessLog);
    return new NodeObservability(metrics, new CallEndings(outcomes, clock, nanoTime));
  }

  NodeMetrics metrics() {
    return metrics;
  }

  /** Where the data plane reports each call's end. */
  CallEndings callEndings() {
    return endings;
  }

  MacVerifier timed(MacVerifier verifier) {
    return metrics.timed(verifier);
  }

  NonceStore timed(NonceStore store) {
    return metrics.timed(store);
  }

  /** The data plane's health (HSM, configuration, nonce store); its readiness is {@link #ready}. */
  ServingHealth health(HealthStatusManager status, TokenHealth hsm, ConfigView config,
      Duration maxConfigStaleness, NonceStore nonces) {
    ServingHealth made = new ServingHealth(status, hsm, config, maxConfigStaleness, nonces);
    health = Objects.requireNonNull(made);
    return made;
  }

  /** Readiness for {@code /readyz}: the data plane's last health verdict. */
  boolean ready() {
    ServingHealth current = health;
    return current != null && current.ready();
  }
}
