package io.keygate.gateway.node;

import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.gateway.dataplane.GatewayCallHandler;
import io.keygate.gateway.dataplane.HsmLane;
import io.keygate.gateway.dataplane.OpenCalls;
import io.keygate.gateway.metrics.NodeMetrics;
import io.keygate.gateway.proxy.BackendChannels;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;

/** The node's gauges (docs/metrics.md): each reads a part the node built, nothing else. */
final class NodeGauges {
  private NodeGauges() {}

  /** What the data plane holds now: open calls, calls awaiting a signature, the HSM lane. */
  static void dataPlane(NodeMetrics metrics, OpenCalls openCalls, GatewayCallHandler handler,
      HsmLane hsmLane, BackendChannels channels) {
    metrics.gauge("keygate.calls.open", () -> openCalls.size());
    metrics.gauge("keygate.calls.unauthenticated", () -> handler.load().unauthenticatedCalls());
    metrics.gauge("keygate.hsm.lane.waiting", hsmLane::waiting);
    // Where the checks ran, and the average that decides it (docs/proxy.md, "Threads").
    metrics.gauge("keygate.hsm.checks.loops", handler::checksOnLoops);
    metrics.gauge("keygate.hsm.checks.lane", handler::checksOnLane);
    metrics.gauge("keygate.hsm.check.average.seconds",
        () -> handler.averageCheck().toNanos() / 1e9);
    metrics.gauge("keygate.backends.resolution.failing", channels.resolutions()::failing);
  }

  /** How current the node's configuration is (docs/metrics.md). */
  static void configuration(NodeMetrics metrics, SnapshotRefresher refresher) {
    metrics.gauge("keygate.config.version", () -> refresher.current().version());
    metrics.gauge("keygate.config.credentials", () -> refresher.current().credentialCount());
    // Seconds since the store last answered the poll (-1 before it ever has).
    metrics.gauge("keygate.config.staleness.seconds", () -> refresher.staleness()
        .map(d -> d.toMillis() / 1000.0).orElse(-1.0));
    metrics.gauge("keygate.config.loads.full", refresher::fullLoads);
    metrics.gauge("keygate.config.loads.incremental", refresher::incrementalLoads);
    metrics.gauge("keygate.config.poll.failures", refresher::failureCount);
  }

  /** The key hierarchy's cache of unwrapped keys, when this node opened it directly. */
  static void keyCache(NodeMetrics metrics, WrappedMacKeys keys) {
    if (keys instanceof DirectWrappedMacs direct) {
      metrics.gauge("keygate.keys.cached", direct::cachedKeys);
      metrics.gauge("keygate.keys.unwraps", direct::unwraps);
    }
  }
}
