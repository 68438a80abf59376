package io.keygate.gateway.e2e;

import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.dataplane.ConfigView;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A whole gateway for end-to-end tests: a fresh SoftHSM2 token (TLS key generated in it), an
 * embedded H2 config store, two real backends, the gateway on real Netty TLS, and clients that
 * trust its certificate. Two tenants: acme (app acme-app, APIs Echo/EchoStream/Collect/Chat on
 * the acme backend, granted, plus a public API and an ungranted one) and globex (app globex-app).
 */
public final class GatewayFixture implements AutoCloseable {
  public static final String ECHO = DemoTenants.ECHO;
  public static final String CHAT = DemoTenants.CHAT;

  public final SoftHsmTokens tokens;
  public SunPkcs11Token hsm;
  public ConfigDatabase database;
  public ConfigStore store;
  public GatewayNode gateway;
  public Server acmeBackend;
  public Server globexBackend;
  public X509Certificate gatewayCert;
  public InClear acmeKey;
  public InClear globexKey;
  public final LinkedBlockingQueue<Metadata> backendHeaders = new LinkedBlockingQueue<>();
  /** The deadline each backend call carried (empty: none), in arrival order. */
  public final LinkedBlockingQueue<java.util.Optional<io.grpc.Deadline>> backendDeadlines =
      new LinkedBlockingQueue<>();
  /** Method names of backend calls that were cancelled. */
  public final LinkedBlockingQueue<String> backendCancellations = new LinkedBlockingQueue<>();
  /** Set to make the gateway see its configuration as stale (the store unreachable too long). */
  public final java.util.concurrent.atomic.AtomicBoolean configStale =
      new java.util.concurrent.atomic.AtomicBoolean();
  public final io.keygate.gateway.credentials.LastUsedTracker lastUsed =
      new io.keygate.gateway.credentials.LastUsedTracker();
  /** Refusals the gateway reported to its observer, as "accessKey appId code". */
  public final LinkedBlockingQueue<String> refusals = new LinkedBlockingQueue<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<GatewayNode> otherNodes = new ArrayList<>();
  private Path dataDir;
  private GatewaySettings gatewaySettings;
  private java.util.function.UnaryOperator<NodeSettings> nodeSettings = s -> s;
  private java.util.function.UnaryOperator<io.keygate.gateway.node.NodeBuilder> builder = b -> b;
  private java.util.function.UnaryOperator<io.keygate.gateway.auth.MacVerifier> macVerifier =
      v -> v;
  private java.util.function.Function<Path, ConfigDatabaseSettings> databaseSettings =
      ConfigDatabaseSettings::embeddedH2;
  private java.util.function.Function<GatewayFixture,
      java.util.function.UnaryOperator<io.grpc.ServerServiceDefinition>> backendServices =
          fixture -> service -> service;
  private java.util.Optional<java.util.function.BiFunction<GatewayFixture, String,
      java.util.function.UnaryOperator<io.grpc.ServerServiceDefinition>>> backendServicesByName =
          java.util.Optional.empty();

  public GatewayFixture(SoftHsmTokens tokens) {
    this.tokens = tokens;
  }

  /** Adds to the node's builder before {@link #start} (e.g. a metrics endpoint). */
  public GatewayFixture withBuilder(
      java.util.function.UnaryOperator<io.keygate.gateway.node.NodeBuilder> adjust) {
    this.builder = adjust;
    return this;
  }

  /**
   * The config database before {@link #start}, given the node's data directory (default: the
   * embedded H2 in it), e.g. a MariaDB primary and its standby.
   */
  public GatewayFixture withDatabase(
      java.util.function.Function<Path, ConfigDatabaseSettings> settings) {
    this.databaseSettings = settings;
    return this;
  }

  /**
   * Wraps the backends' Echo service before {@link #start} (e.g. in the backend verifier); asked
   * once the token is open, so the wrapper may use {@link #hsm}.
   */
  public GatewayFixture withBackendServices(java.util.function.Function<GatewayFixture,
      java.util.function.UnaryOperator<io.grpc.ServerServiceDefinition>> wrap) {
    this.backendServices = wrap;
    return this;
  }

  /**
   * Like {@link #withBackendServices}, but a wrapper per backend, asked with the backend's name
   * ({@code acme-backend}, {@code globex-backend}): backends that each hold their own key.
   */
  public GatewayFixture withBackendServicesByName(java.util.function.BiFunction<GatewayFixture,
      String, java.util.function.UnaryOperator<io.grpc.ServerServiceDefinition>> wrap) {
    this.backendServicesByName = java.util.Optional.of(wrap);
    return this;
  }

  /** Adjusts the node's settings (limits) before {@link #start}. */
  public GatewayFixture withSettings(java.util.function.UnaryOperator<NodeSettings> adjust) {
    this.nodeSettings = adjust;
    return this;
  }

  /** Wraps the node's HSM MAC check before {@link #start} (a test holds the token busy). */
  public GatewayFixture withMacVerifier(
      java.util.function.UnaryOperator<io.keygate.gateway.auth.MacVerifier> wrap) {
    this.macVerifier = wrap;
    return this;
  }

  /** Starts everything on the token {@code label} (created by the test's SoftHsmTokens). */
  public GatewayFixture start(String label, List<X509Certificate> clientCas) throws Exception {
    hsm = tokens.open(label);
    KeyLabel tlsKey = KeyLabel.of("gateway-tls");
    // One certificate for both tenants' domains (acme: localhost; globex: globex.localhost).
    hsm.generateEcKey(tlsKey, new CertificateProfile("keygate-gateway",
        List.of(DemoTenants.ACME_DOMAIN, DemoTenants.GLOBEX_DOMAIN), List.of("127.0.0.1", "::1"),
        Duration.ofDays(1)));
    gatewayCert = hsm.certificateChain(tlsKey).get(0);

    if (backendServicesByName.isPresent()) {
      acmeBackend = backend("acme-backend", backendServicesByName.get().apply(this, "acme-backend"));
      globexBackend =
          backend("globex-backend", backendServicesByName.get().apply(this, "globex-backend"));
    } else {
      java.util.function.UnaryOperator<io.grpc.ServerServiceDefinition> services =
          backendServices.apply(this);
      acmeBackend = backend("acme-backend", services);
      globexBackend = backend("globex-backend", services);
    }

    dataDir = Files.createTempDirectory("keygate-gw-");
    database = ConfigDatabase.open(databaseSettings.apply(dataDir));
    store = database.store(Clock.systemUTC());
    provision();
    GatewaySettings settings =
        GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), tlsKey).withClientCas(clientCas);
    gatewaySettings = settings;
    gateway =
        builder.apply(GatewayNode.builder(
                nodeSettings.apply(NodeSettings.local(settings, dataDir).withNonceCapacity(100_000))))
            .token(hsm)
            .database(database)
            .snapshotPollInterval(Duration.ofMillis(200))
            .configView(this::staleWhenAsked)
            .macVerifier(macVerifier)
            .alsoObserve(
                new io.keygate.gateway.dataplane.CallObserver() {
                  @Override
                  public void authenticated(io.keygate.gateway.model.Credential caller) {
                    lastUsed.used(caller.accessKey(), java.time.Instant.now());
                  }

                  @Override
                  public void refused(
                      String accessKey, String appId, io.keygate.gateway.errors.GatewayError error) {
                    refusals.add(accessKey + " " + appId + " " + error.code());
                  }
                })
            .start();
    return this;
  }

  /**
   * Another node of the same cluster: the same token and config database as {@link #gateway},
   * its own port and data directory, and the settings {@code adjust} makes of the defaults
   * (not those of {@link #withSettings}). Closed with the fixture.
   */
  public GatewayNode startNode(java.util.function.UnaryOperator<NodeSettings> adjust)
      throws Exception {
    return startNode(adjust, b -> b);
  }

  /** As {@link #startNode(java.util.function.UnaryOperator)}, with {@code build} added to its builder. */
  public GatewayNode startNode(java.util.function.UnaryOperator<NodeSettings> adjust,
      java.util.function.UnaryOperator<io.keygate.gateway.node.NodeBuilder> build)
      throws Exception {
    Path nodeDir = Files.createTempDirectory("keygate-node-");
    GatewayNode node = build.apply(GatewayNode.builder(
            adjust.apply(NodeSettings.local(gatewaySettings, nodeDir).withNonceCapacity(100_000))))
        .token(hsm)
        .database(database)
        .snapshotPollInterval(Duration.ofMillis(200))
        .start();
    otherNodes.add(node);
    return node;
  }

  /**
   * A TLS channel to {@code node} whose calls carry {@code authority}: behind one L4 balancer
   * every node sees the one name and port clients dial, whichever node the call lands on.
   */
  public ManagedChannel channel(GatewayNode node, String authority) throws Exception {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("localhost", node.port())
            .overrideAuthority(authority)
            .sslContext(GrpcSslContexts.forClient().trustManager(gatewayCert).build())
            .build();
    channels.add(ch);
    return ch;
  }

  /** Set to make reading the snapshot throw, as a bug in the data plane would. */
  public final java.util.concurrent.atomic.AtomicBoolean configBroken =
      new java.util.concurrent.atomic.AtomicBoolean();

  private ConfigView staleWhenAsked(ConfigView real) {
    return new ConfigView() {
      @Override
      public io.keygate.gateway.config.ConfigSnapshot current() {
        if (configBroken.get()) {
          throw new IllegalStateException("a bug in reading the snapshot");
        }
        return real.current();
      }

      @Override
      public boolean isStale(Duration max) {
        return configStale.get() || real.isStale(max);
      }
    };
  }

  private void provision() throws Exception {
    DemoTenants.Credentials issued =
        DemoTenants.provision(
            store,
            new CredentialIssuer(hsm, store, new SecureRandom()),
            "127.0.0.1:" + acmeBackend.getPort(),
            "127.0.0.1:" + globexBackend.getPort());
    acmeKey = issued.acme();
    globexKey = issued.globex();
  }

  private Server backend(String name,
      java.util.function.UnaryOperator<io.grpc.ServerServiceDefinition> wrap) throws Exception {
    ServerInterceptor recordHeaders =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            backendHeaders.add(headers);
            backendDeadlines.add(java.util.Optional.ofNullable(io.grpc.Context.current().getDeadline()));
            String method = call.getMethodDescriptor().getFullMethodName();
            return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(
                next.startCall(call, headers)) {
              @Override
              public void onCancel() {
                backendCancellations.add(method);
                super.onCancel();
              }
            };
          }
        };
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(16 << 20)
        .addService(ServerInterceptors.intercept(
            wrap.apply(new EchoBackend(name).bindService()), recordHeaders))
        .build()
        .start();
  }

  /**
   * Registers acme's Chat method as an API without authentication ({@code apiId}), on the acme
   * backend in grpc's target form, which a security officer allows for calls without
   * authentication (the demo's allowance of it is for signed APIs only), and loads it.
   */
  public void registerPublicChat(String apiId) throws Exception {
    String target = "dns:///127.0.0.1:" + acmeBackend.getPort();
    store.allowBackend(new io.keygate.gateway.model.BackendAllowance("acme", target, true));
    store.registerApi(new io.keygate.gateway.model.ApiDefinition(apiId, "acme",
        DemoTenants.ACME_DOMAIN, DemoTenants.CHAT, target, io.keygate.gateway.model.AuthMode.NONE));
    gateway.refreshConfiguration();
  }

  /**
   * A TLS channel to the gateway that trusts its HSM-held certificate; no signing. Its authority
   * is {@code localhost:port}: acme's domain.
   */
  public ManagedChannel channel() throws Exception {
    return channel(DemoTenants.ACME_DOMAIN);
  }

  /** A TLS channel whose calls are sent to {@code domain} (their :authority), on this gateway. */
  public ManagedChannel channel(String domain) throws Exception {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("localhost", gateway.port())
            .overrideAuthority(domain + ":" + gateway.port())
            .sslContext(GrpcSslContexts.forClient().trustManager(gatewayCert).build())
            .maxInboundMessageSize(16 << 20)
            .build();
    channels.add(ch);
    return ch;
  }

  /** A channel that signs every call with {@code credential}, sent to acme's domain. */
  public Channel signedChannel(InClear credential) throws Exception {
    return signedChannel(credential, DemoTenants.ACME_DOMAIN);
  }

  /** A channel that signs every call with {@code credential}, sent to {@code domain}. */
  public Channel signedChannel(InClear credential, String domain) throws Exception {
    return ClientInterceptors.intercept(
        channel(domain),
        SigningClientInterceptor.create(
            credential.accessKey(), AccessSecret.copyOf(credential.secret().unsafeCopy())));
  }

  public Channel intercepted(ClientInterceptor interceptor) throws Exception {
    return ClientInterceptors.intercept(channel(), interceptor);
  }

  @Override
  public void close() throws Exception {
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (GatewayNode node : otherNodes) {
      node.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    for (Server s : new Server[] {acmeBackend, globexBackend}) {
      if (s != null) {
        s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    if (database != null) {
      database.close();
    }
    if (hsm != null) {
      hsm.close();
    }
  }
}
