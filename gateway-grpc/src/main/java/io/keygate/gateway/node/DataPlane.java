package io.keygate.gateway.node;

import io.grpc.protobuf.services.HealthStatusManager;
import io.keygate.gateway.attestation.AttestationKeys;
import io.keygate.gateway.auth.CredentialSecrets;
import io.keygate.gateway.auth.MacVerifier;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.ReplayWindow;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.dataplane.ConfigView;
import io.keygate.gateway.dataplane.GatewayCallHandler;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.dataplane.HsmLane;
import io.keygate.gateway.dataplane.IngressServer;
import io.keygate.gateway.dataplane.IngressTls;
import io.keygate.gateway.dataplane.OpenCalls;
import io.keygate.gateway.dataplane.RequestIds;
import io.keygate.gateway.metrics.NodeMetrics;
import io.keygate.gateway.proxy.BackendChannels;
import io.keygate.gateway.proxy.BackendCredentials;
import io.keygate.gateway.proxy.BackendProxy;
import io.keygate.gateway.proxy.MetadataPolicy;
import io.keygate.gateway.proxy.TransportLoops;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.PayloadKeys;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Wires a node's data plane: route → authenticate (HSM) → authorize → proxy, behind the TLS
 * listener, on the node's own event loops, with the HSM lane, the backend channels, revocation of
 * open calls, and the health probe on its own thread. {@link NodeBuilder} decides what goes in;
 * this only connects it, and adds what it starts to the node's parts so that they stop with it.
 */
final class DataPlane {
  /** How often the data plane's health (HSM, configuration, nonce store) is probed. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

  /** What a node does once its token has been unavailable for {@code after}. */
  record TokenLoss(Duration after, Runnable action) {}

  /**
   * What the node hands its data plane.
   *
   * @param gateway the listener's settings, with the TLS key the cluster has activated
   * @param healthThread probes health (an HSM probe can take hundreds of milliseconds, or hang)
   * @param preAuthTimers fires first-message deadlines, even while a health probe hangs
   * @param configView wraps the data plane's view of the configuration (tests make it stale)
   * @param macVerifier wraps the HSM check (tests hold the token busy)
   * @param snapshotPollInterval how often open calls are judged again on time alone
   */
  record Parts(NodeSettings settings, GatewaySettings gateway, HsmToken hsm,
      Optional<WrappedMacKeys> hierarchy, Optional<PayloadKeys> payloads,
      SnapshotRefresher refresher, CallObserver observer, NodeObservability observed, Clock clock,
      ScheduledExecutorService healthThread, ScheduledExecutorService preAuthTimers,
      UnaryOperator<ConfigView> configView, UnaryOperator<MacVerifier> macVerifier,
      AttestationKeys attestation, Duration snapshotPollInterval, Optional<TokenLoss> onTokenLost) {}

  private DataPlane() {}

  /** Starts the data plane and returns its listener, serving. */
  static IngressServer start(StartedParts started, Parts p) throws Exception {
    NodeSettings settings = p.settings();
    GatewaySettings gateway = p.gateway();
    ConfigView view = p.configView().apply(ConfigView.of(p.refresher()));
    NonceStore nonces = p.observed().timed(NodeNonceStore.open(settings, p.clock(), started));
    RequestAuthenticator authenticator = new RequestAuthenticator(
        p.observed().timed(p.macVerifier().apply(new CredentialSecrets(p.hsm(), p.hierarchy()))),
        nonces, new ReplayWindow(p.clock(), gateway.timestampWindow()));
    // The node's event loops, closed after the listener and the channels that use them (parts
    // close in reverse order). Both legs of a call run on the loop that serves its client.
    TransportLoops loops = started.add(TransportLoops.start(settings.calls().eventLoops()));
    // The proxy's callbacks never block: they run on the transport threads, with no hand-off
    // and no queue.
    BackendChannels channels = started.add(BackendChannels.builder()
        .loops(loops)
        .maxInboundMessageBytes(gateway.maxMessageBytes())
        .maxCallsPerBackend(settings.calls().perBackend())
        .directCallbacks()
        // The officers' backend TLS policies, from the snapshot: a changed policy rebuilds the
        // backend's channel on its next call; mutual TLS presents a client key in the HSM.
        .credentials(BackendCredentials.configured(
            target -> view.current().backendTls(target), p.hsm()))
        .build());
    // Channels of backends no call used for their idle timeout (an API removed, a backend moved)
    // are closed, so a long-lived node does not keep one per backend it ever called.
    started.scheduler("keygate-backend-reaper").scheduleWithFixedDelay(
        channels::reapIdle, 1, 1, TimeUnit.MINUTES);
    // Only the signature check blocks (in the token): it runs on a few threads of its own.
    HsmLane hsmLane = started.add(
        new HsmLane(settings.calls().hsmThreads(), settings.calls().hsmQueue()));
    BackendProxy proxy =
        new BackendProxy(channels, MetadataPolicy.defaults(), BackendProxy.DEFAULT_DEADLINE_OFFSET);
    GatewayCallHandler handler = GatewayCallHandler.create(view, authenticator,
        new AccessPolicy(p.clock()), gateway.maxConfigStaleness(), p.observer(), proxy,
        settings.preAuth(), p.preAuthTimers(), settings.calls(), hsmLane,
        new RequestIds(SecureRandom.getInstance("DRBG")),
        p.attestation().inToken(p.hsm(), p.clock()), p.payloads(),
        p.observed().callEndings());
    // Revocation reaches calls in flight: every open call is asked again after each new snapshot,
    // and on a tick of its own thread for what changes with time alone (a credential's end, the
    // snapshot growing stale while the poll hangs on the store).
    OpenCalls openCalls = handler.openCalls();
    p.refresher().afterEachSwap(openCalls::recheckAll);
    long tick = p.snapshotPollInterval().toMillis();
    started.scheduler("keygate-open-calls").scheduleWithFixedDelay(
        openCalls::recheckAll, tick, tick, TimeUnit.MILLISECONDS);
    Optional<RotatingKeyManager> tlsKeys = gateway.plaintextForDevelopment()
        ? Optional.empty()
        : Optional.of(IngressTls.keys(p.hsm(), gateway.tlsKey()));
    HealthStatusManager health = new HealthStatusManager();
    IngressServer ingress = started.add(IngressServer.start(
        gateway, handler, tlsKeys, health, settings.calls().perConnection(), loops));
    p.healthThread().scheduleWithFixedDelay(
        p.observed().health(health, p.hsm(), view, gateway.maxConfigStaleness(), nonces),
        0, HEALTH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    p.onTokenLost().ifPresent(loss ->
        // Reads what the last call or probe saw, every second, on a thread of its own: a probe
        // that hangs in the token does not hold it up.
        started.scheduler("keygate-token-watchdog").scheduleWithFixedDelay(
            new TokenWatchdog(p.hsm(), p.clock(), loss.after(), loss.action()),
            1, 1, TimeUnit.SECONDS));
    NodeMetrics metrics = p.observed().metrics();
    NodeGauges.dataPlane(metrics, openCalls, handler, hsmLane, channels);
    return ingress;
  }
}
