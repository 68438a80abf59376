package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.ReplayWindow;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.proxy.BackendChannels;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.proxy.GatewayHeaders;
import io.keygate.gateway.proxy.MetadataPolicy;
import io.keygate.gateway.proxy.ProxyCallHandler;
import io.keygate.gateway.proxy.ProxyHandlerRegistry;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gateway node: the one place that builds the data plane's object graph. A call passes, in
 * order: TLS (key in the HSM) → {@link GatewayCallHandler} (route, authenticate in the HSM,
 * authorize) → {@link ProxyCallHandler} (raw bytes to the backend). The gateway's own services
 * (health, reflection) are registered normally and take precedence over the proxy registry.
 */
public final class KeygateGateway implements AutoCloseable {
  public static final Metadata.Key<String> REQUEST_ID_HEADER =
      Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> TENANT_HEADER =
      Metadata.Key.of("x-keygate-tenant", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> APP_HEADER =
      Metadata.Key.of("x-keygate-app", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  private final Server server;
  private final BackendChannels channels;
  private final ScheduledFuture<?> healthTask;
  private final HealthStatusManager health;
  private final RotatingKeyManager tlsKeys;

  private KeygateGateway(
      Server server, BackendChannels channels, ScheduledFuture<?> healthTask, HealthStatusManager health,
      RotatingKeyManager tlsKeys) {
    this.server = server;
    this.channels = channels;
    this.healthTask = healthTask;
    this.health = health;
    this.tlsKeys = tlsKeys;
  }

  /**
   * Builds and starts a node.
   *
   * @param scheduler runs the health probe (HSM and config freshness) every few seconds
   */
  public static KeygateGateway start(
      GatewaySettings settings,
      HsmToken hsm,
      ConfigView config,
      NonceStore nonces,
      Clock clock,
      ScheduledExecutorService scheduler)
      throws IOException, HsmException {
    return start(settings, hsm, config, nonces, clock, scheduler, CallObserver.NONE);
  }

  /** As above, telling {@code observer} about every authentication outcome. */
  public static KeygateGateway start(
      GatewaySettings settings,
      HsmToken hsm,
      ConfigView config,
      NonceStore nonces,
      Clock clock,
      ScheduledExecutorService scheduler,
      CallObserver observer)
      throws IOException, HsmException {
    RequestAuthenticator authenticator =
        new RequestAuthenticator(
            hsm::verifyMac, nonces, new ReplayWindow(clock, settings.timestampWindow()));
    BackendChannels channels =
        BackendChannels.builder().maxInboundMessageBytes(settings.maxMessageBytes()).build();
    ProxyCallHandler proxy =
        new ProxyCallHandler(
            KeygateGateway::backendOf,
            channels,
            MetadataPolicy.defaults(),
            identityHeaders(),
            ProxyCallHandler.DEFAULT_DEADLINE_OFFSET);
    GatewayCallHandler gateway =
        new GatewayCallHandler(
            config, authenticator, new AccessPolicy(clock), proxy, settings.maxConfigStaleness(),
            observer);

    HealthStatusManager health = new HealthStatusManager();
    RotatingKeyManager tlsKeys = null;
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(settings.listen())
            .maxInboundMessageSize(settings.maxMessageBytes())
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .fallbackHandlerRegistry(new ProxyHandlerRegistry(gateway));
    if (settings.plaintextForDevelopment()) {
      LOG.log(
          Level.WARNING,
          "!!! PLAINTEXT: serving WITHOUT TLS on {0}. Development only: AccessKeys, signatures"
              + " and payloads cross the network in clear. !!!",
          settings.listen());
    } else {
      tlsKeys = IngressTls.keys(hsm, settings.tlsKey());
      builder.sslContext(IngressTls.serverContext(tlsKeys, settings.clientCas()));
    }
    Server server = builder.build().start();
    ScheduledFuture<?> task =
        scheduler.scheduleWithFixedDelay(
            () -> updateHealth(health, hsm, config, settings), 0, 5, TimeUnit.SECONDS);
    LOG.log(Level.INFO, "gateway listening on {0} (tls={1}, mtls={2})",
        server.getListenSockets(), !settings.plaintextForDevelopment(), !settings.clientCas().isEmpty());
    return new KeygateGateway(server, channels, task, health, tlsKeys);
  }

  private static Optional<BackendTarget> backendOf(String fullMethodName) {
    ApiDefinition api = CallContext.API.get();
    if (api == null || !api.methodName().equals(fullMethodName)) {
      return Optional.empty();
    }
    return Optional.of(BackendTarget.parse(api.backendTarget()));
  }

  /** Tells the backend who called; x-keygate-* from clients is never forwarded (MetadataPolicy). */
  private static GatewayHeaders identityHeaders() {
    return (call, backend) -> {
      Metadata headers = new Metadata();
      String requestId = CallContext.REQUEST_ID.get();
      if (requestId != null) {
        headers.put(REQUEST_ID_HEADER, requestId);
      }
      Credential caller = CallContext.CALLER.get();
      if (caller != null) {
        headers.put(TENANT_HEADER, caller.tenantId());
        headers.put(APP_HEADER, caller.appId());
      }
      return headers;
    };
  }

  private static void updateHealth(
      HealthStatusManager health, HsmToken hsm, ConfigView config, GatewaySettings settings) {
    boolean serving = hsm.probe().isUp() && !config.isStale(settings.maxConfigStaleness());
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /**
   * The ingress listener's key, which {@code TlsKeyFollower} replaces on a rotation; empty when
   * serving plaintext for development.
   */
  public Optional<RotatingKeyManager> tlsKeys() {
    return Optional.ofNullable(tlsKeys);
  }

  public int port() {
    return ((java.net.InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Stops accepting calls, lets running ones finish for a moment, then closes backends. */
  @Override
  public void close() {
    healthTask.cancel(false);
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
    channels.close();
  }
}
