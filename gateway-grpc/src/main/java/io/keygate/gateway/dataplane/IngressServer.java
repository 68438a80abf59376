package io.keygate.gateway.dataplane;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.keygate.gateway.proxy.ProxyHandlerRegistry;
import io.keygate.gateway.proxy.TransportLoops;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's listener: Netty, TLS with the key in the HSM (or plaintext for development,
 * loudly), the gateway's own services (health, reflection) registered normally so they take
 * precedence, and every other method to the {@link GatewayCallHandler}. Runs what it is given;
 * the node builds it.
 */
public final class IngressServer implements AutoCloseable {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");
  static final String PLAINTEXT_BANNER = """
      ****************************************************************************
      *  KEYGATE PLAINTEXT DEVELOPMENT MODE: NO TLS on %s
      *  AccessKeys, signatures and payloads cross the network in clear.
      *  Never in production. Unset KEYGATE_PLAINTEXT_DEV to serve TLS.
      ****************************************************************************""";

  private final Server server;
  private final HealthStatusManager health;
  private final RotatingKeyManager tlsKeys;
  private final GatewayCallHandler gateway;

  private IngressServer(Server server, HealthStatusManager health, RotatingKeyManager tlsKeys,
      GatewayCallHandler gateway) {
    this.server = server;
    this.health = health;
    this.tlsKeys = tlsKeys;
    this.gateway = gateway;
  }

  /**
   * @param tlsKeys the listener's key (replaceable while it serves); empty only when the
   *     settings ask for plaintext
   * @param health the status the health service reports ({@link ServingHealth} keeps it current)
   * @param maxCallsPerConnection streams one connection may have open at once
   * @param loops the node's event loops, which the backend channels share: a client connection
   *     is served on one of them, and its calls' backend legs run there too
   */
  public static IngressServer start(
      GatewaySettings settings,
      GatewayCallHandler gateway,
      Optional<RotatingKeyManager> tlsKeys,
      HealthStatusManager health,
      int maxCallsPerConnection,
      TransportLoops loops)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(settings.listen())
            .bossEventLoopGroup(loops.boss())
            .workerEventLoopGroup(loops.workers())
            .channelType(loops.serverChannelType())
            .maxInboundMessageSize(settings.maxMessageBytes())
            // Sent to clients as SETTINGS_MAX_CONCURRENT_STREAMS: they queue further calls, and
            // the transport refuses a stream past it. Unlimited otherwise.
            .maxConcurrentCallsPerConnection(maxCallsPerConnection)
            // Calls are handled on the transport's event loops, with no hand-off to a pool: the
            // handler's work is cheap and never blocks (the HSM check goes to the HsmLane).
            .directExecutor()
            // Counts each call's first-message bytes, so an unauthenticated call is refused once
            // it passes the pre-authentication limit, not after 16 MiB were buffered.
            .addStreamTracerFactory(gateway.preAuthTracing())
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .fallbackHandlerRegistry(
                new ProxyHandlerRegistry(gateway, gateway.requestMarshaller()));
    if (settings.plaintextForDevelopment()) {
      LOG.log(
          Level.WARNING,
          "!!! PLAINTEXT: serving WITHOUT TLS on {0}. Development only: AccessKeys, signatures"
              + " and payloads cross the network in clear. !!!",
          settings.listen());
      // On stderr too, whatever the logging setup: nobody should run this by accident.
      System.err.println(PLAINTEXT_BANNER.formatted(settings.listen()));
    } else {
      builder.sslContext(
          IngressTls.serverContext(
              tlsKeys.orElseThrow(() -> new IllegalArgumentException("TLS needs a key")),
              settings.clientCas()));
    }
    Server server = builder.build().start();
    LOG.log(Level.INFO, "gateway listening on {0} (tls={1}, mtls={2})",
        server.getListenSockets(), !settings.plaintextForDevelopment(),
        !settings.clientCas().isEmpty());
    return new IngressServer(
        server, health, settings.plaintextForDevelopment() ? null : tlsKeys.get(), gateway);
  }

  /** What the calls on this listener hold now against the node's limits. */
  public DataPlaneLoad load() {
    return gateway.load();
  }

  /**
   * The listener's key, which {@code TlsKeyFollower} replaces on a rotation; empty when serving
   * plaintext for development.
   */
  public Optional<RotatingKeyManager> tlsKeys() {
    return Optional.ofNullable(tlsKeys);
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** How long {@link #close} lets running calls finish. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(5);

  /**
   * Stops the listener gracefully within {@code bound}: health reports NOT_SERVING for good, the
   * listening socket closes (a balancer's next connection goes to another node), every
   * connection is sent a GOAWAY (its client opens a new one for its next call, and grpc's
   * two-step GOAWAY lets no call fall between the two), and running calls finish. Those still
   * open at the bound are cancelled. Returns once the server has terminated.
   */
  public void drain(Duration bound) {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.log(Level.WARNING, "calls still open after draining for {0}: cancelled", bound);
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #drain} within {@link #DEFAULT_DRAIN}; at once if it was drained already. */
  @Override
  public void close() {
    drain(DEFAULT_DRAIN);
  }
}
