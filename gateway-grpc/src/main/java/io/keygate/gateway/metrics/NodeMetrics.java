package io.keygate.gateway.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.jmx.JmxReporter;
import io.keygate.gateway.auth.MacVerifier;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.dataplane.CallOutcomes;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A node's metrics: one Dropwizard registry per node (never a static one), published in JMX under
 * the domain {@value #JMX_DOMAIN} and, when the node is given a port, in Prometheus' text format
 * ({@link PrometheusEndpoint}). Every name is listed in docs/metrics.md.
 */
public final class NodeMetrics implements AutoCloseable {
  public static final String JMX_DOMAIN = "keygate";

  private final MetricRegistry registry = new MetricRegistry();
  private final JmxReporter jmx;

  private NodeMetrics(boolean publishInJmx) {
    if (publishInJmx) {
      jmx = JmxReporter.forRegistry(registry).inDomain(JMX_DOMAIN).build();
      jmx.start();
    } else {
      jmx = null;
    }
  }

  /** A registry published in the platform MBean server (a node process). */
  public static NodeMetrics withJmx() {
    return new NodeMetrics(true);
  }

  /** A registry that only this object and its endpoint read (several nodes in one JVM, tests). */
  public static NodeMetrics withoutJmx() {
    return new NodeMetrics(false);
  }

  /** The registry, for the Prometheus endpoint. */
  MetricRegistry registry() {
    return registry;
  }

  /** Reads {@code value} whenever the metrics are read; must be cheap and must not block. */
  public void gauge(String name, Supplier<? extends Number> value) {
    Objects.requireNonNull(value, "value");
    registry.register(name, (Gauge<Number>) value::get);
  }

  /** Counts authenticated calls and refusals by stable error code. */
  public CallObserver callObserver() {
    return new CallMeters(registry);
  }

  /** Counts ended calls per API and gRPC status, and times them per API. */
  public CallOutcomes apiCalls() {
    return new ApiCallMeters(registry);
  }

  /** {@code verifier}, timed: the HSM's MAC checks, their mismatches and their faults. */
  public MacVerifier timed(MacVerifier verifier) {
    return new TimedMacVerifier(verifier, registry);
  }

  /** {@code store}, timed: nonce records, replays found and failures to answer. */
  public NonceStore timed(NonceStore store) {
    return new TimedNonceStore(store, registry);
  }

  /**
   * The node's timers: a lock-free exponentially decaying reservoir (quantiles of about the last
   * five minutes), so that timing a call takes no lock on the event loop.
   */
  static Timer newTimer() {
    return new Timer(LockFreeExponentiallyDecayingReservoir.builder().build());
  }

  @Override
  public void close() {
    if (jmx != null) {
      jmx.close();
    }
  }
}
