package io.keygate.gateway.node;

import io.keygate.gateway.admin.api.AdminServer;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.gateway.dataplane.DataPlaneLoad;
import io.keygate.gateway.dataplane.IngressServer;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A running gateway node: the data plane's listener, the admin API when enabled, and everything
 * they feed, stopped in the reverse order they started. {@link NodeBuilder} builds one; {@link
 * GatewayMain} runs it as a process, the demo and the tests start it in theirs.
 */
public final class GatewayNode implements AutoCloseable {
  private final IngressServer ingress;
  private final AdminServer admin;
  private final SnapshotRefresher configuration;
  private final OptionalInt metricsPort;
  private final Deque<AutoCloseable> stopInOrder;

  GatewayNode(IngressServer ingress, AdminServer admin, SnapshotRefresher configuration,
      OptionalInt metricsPort, Deque<AutoCloseable> stopInOrder) {
    this.ingress = ingress;
    this.admin = admin;
    this.configuration = configuration;
    this.metricsPort = metricsPort;
    this.stopInOrder = stopInOrder;
  }

  public static NodeBuilder builder(NodeSettings settings) {
    return new NodeBuilder(settings);
  }

  /**
   * Starts a node configured by {@code env} (the KEYGATE_* variables; GatewayMain passes the
   * process environment, tests pass a map).
   *
   * @throws SettingsException if a variable is missing or malformed; nothing was started
   */
  public static GatewayNode start(Map<String, String> env) throws Exception {
    return builder(NodeSettings.fromEnvironment(env)).start();
  }

  /** The data plane's port (useful when KEYGATE_LISTEN asked for port 0). */
  public int port() {
    return ingress.port();
  }

  /**
   * The data plane listener's key, which the node's TLS key follower replaces on a rotation;
   * empty when serving plaintext for development.
   */
  public Optional<RotatingKeyManager> tlsKeys() {
    return ingress.tlsKeys();
  }

  /** What the data plane's calls hold now against the node's limits. */
  public DataPlaneLoad dataPlaneLoad() {
    return ingress.load();
  }

  /** The admin API's port, if the settings enabled it. */
  public OptionalInt adminPort() {
    return admin == null ? OptionalInt.empty() : OptionalInt.of(admin.port());
  }

  /** The Prometheus endpoint's port, if the node serves one (KEYGATE_METRICS_LISTEN). */
  public OptionalInt metricsPort() {
    return metricsPort;
  }

  /**
   * Loads the store's configuration now instead of at the next poll (the admin API does this
   * after each change on its own node; other nodes follow within the poll interval).
   */
  public void refreshConfiguration() throws StoreException {
    configuration.refreshNow();
  }

  /** Stops serving, flushes what is buffered (last use, security events), closes the HSM. */
  @Override
  public void close() {
    StartedParts.closeAll(stopInOrder);
  }

  /**
   * Drains the data plane first, letting open calls finish for up to {@code drain} while no new
   * connection is accepted (KEYGATE_DRAIN_TIMEOUT: what a node does on SIGTERM), then stops the
   * rest as {@link #close()} does. The backends, the HSM and the nonce store stay up until the
   * last call has ended.
   */
  public void close(Duration drain) {
    ingress.drain(drain);
    close();
  }
}
