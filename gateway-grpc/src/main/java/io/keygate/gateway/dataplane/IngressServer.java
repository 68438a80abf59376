package io.keygate.gateway.dataplane;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.keygate.gateway.proxy.ProxyHandlerRegistry;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
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
   */
  public static IngressServer start(
      GatewaySettings settings,
      GatewayCallHandler gateway,
      Optional<RotatingKeyManager> tlsKeys,
      HealthStatusManager health,
      int maxCallsPerConnection)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(settings.listen())
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

  /** Reports NOT_SERVING for good, stops accepting calls, lets running ones finish for a moment. */
  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
