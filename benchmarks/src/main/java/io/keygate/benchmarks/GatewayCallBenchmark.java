package io.keygate.benchmarks;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import io.keygate.proto.demo.v1.EchoServiceGrpc.EchoServiceBlockingStub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One unary Echo call through a whole gateway node, in process: a blocking client, the node's
 * Netty TLS listener (key in the token), routing, authentication, authorization and the proxy, an
 * Echo backend on loopback, and back. {@link #none}: an API with {@code AuthMode.NONE}; {@link
 * #signature}: an API with {@code AuthMode.SIGNATURE}, the client signing with the SDK and the
 * gateway verifying in the token and recording the nonce. {@link #direct} is the ruler: the same
 * call straight to the backend (plaintext, no gateway), measured in the same run, so the ratio
 * says what the gateway costs a call on whatever machine runs it.
 *
 * <p>JMH's {@code -prof gc} counts what every thread of the JVM allocates, so an operation's
 * allocation is the client's, the gateway's and the backend's together.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GatewayCallBenchmark {
  /** The signature API's domain; the none API lives on {@link #OPEN_DOMAIN}. Same method. */
  static final String SIGNED_DOMAIN = "localhost";
  static final String OPEN_DOMAIN = "open.localhost";
  static final String ECHO = "keygate.demo.v1.EchoService/Echo";
  static final String BACKEND_NAME = "bench-backend";
  private static final long DEADLINE_SECONDS = 10;
  /**
   * Calls made in setup, untimed, before JMH's own warm-up: a count, not a time, so the JIT has
   * compiled the same paths whatever the machine's speed (a call takes about 1 ms on a busy
   * 2-core machine, so a few seconds of JMH warm-up would leave it half interpreted, and an
   * interpreted call allocates more than a compiled one).
   */
  static final int WARMUP_CALLS = 3_000;
  private static final EchoRequest REQUEST =
      EchoRequest.newBuilder().setMessage("hello from the benchmark").build();

  /** The ruler: the same call, straight to the backend. */
  @Benchmark
  public EchoResponse direct(Backend backend) {
    return call(backend.direct);
  }

  /** Through the gateway to an API that needs no authentication. */
  @Benchmark
  public EchoResponse none(Gateway gateway) {
    return call(gateway.open);
  }

  /** Through the gateway to an API that needs an X-Ca signature, signed by the client SDK. */
  @Benchmark
  public EchoResponse signature(Gateway gateway) {
    return call(gateway.signed);
  }

  /** A deadline per call, as real clients set one: a hung call fails the run instead of hanging it. */
  private static EchoResponse call(EchoServiceBlockingStub stub) {
    return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).echo(REQUEST);
  }

  /** The Echo backend on loopback, and a plaintext channel straight to it. */
  @State(Scope.Benchmark)
  public static class Backend {
    Server server;
    ManagedChannel channel;
    EchoServiceBlockingStub direct;

    @Setup
    public void start(BenchmarkParams params) throws IOException {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new EchoBackend(BACKEND_NAME))
          .build()
          .start();
      channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      direct = EchoServiceGrpc.newBlockingStub(channel);
      expectAnswer(call(direct), "direct call");
      if (measures(params, "direct")) {
        warmUp(direct);
      }
    }

    String target() {
      return "127.0.0.1:" + server.getPort();
    }

    @TearDown
    public void stop() throws InterruptedException {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A gateway node on the benchmark token (TLS key generated in it) with an embedded H2 store in
   * a temp directory: one tenant owning both domains, the Echo method registered on each (none
   * and signature) towards the {@link Backend}, one app granted the signature API, its credential
   * issued into the token.
   */
  @State(Scope.Benchmark)
  public static class Gateway {
    private final List<AutoCloseable> opened = new ArrayList<>();
    private HsmToken token;
    private final List<KeyLabel> keys = new ArrayList<>();
    private Path dataDir;
    EchoServiceBlockingStub open;
    EchoServiceBlockingStub signed;

    @Setup
    public void start(Backend backend, BenchmarkParams params) throws Exception {
      // Flyway's and the node's start-up lines would bury JMH's output; warnings still show.
      Logger.getLogger("").setLevel(Level.WARNING);
      token = BenchmarkToken.open();
      opened.add(token);
      try {
        startNode(backend);
        warmUp(measures(params, "none") ? open : signed);
      } catch (Exception | Error e) {
        stop();
        throw e;
      }
    }

    private void startNode(Backend backend) throws Exception {
      SecureRandom random = SecureRandom.getInstance("DRBG");
      KeyLabel tlsKey = BenchmarkToken.uniqueLabel("bench-gw-tls", random);
      token.generateEcKey(tlsKey, new CertificateProfile("keygate-bench-gateway",
          List.of(SIGNED_DOMAIN, OPEN_DOMAIN), List.of("127.0.0.1"), Duration.ofDays(1)));
      keys.add(tlsKey);
      X509Certificate certificate = token.certificateChain(tlsKey).get(0);

      dataDir = Files.createTempDirectory("keygate-bench-gw-");
      ConfigDatabase database = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dataDir));
      opened.add(database);
      ConfigStore store = database.store(Clock.systemUTC());
      InClear credential = provision(store, new CredentialIssuer(token, store, random),
          backend.target());
      keys.add(CredentialIssuer.labelFor(credential.accessKey()));

      GatewaySettings settings =
          GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), tlsKey);
      // One key makes every call, and a fork's calls (tens of thousands) stay within the replay
      // window: the key may use the whole nonce store.
      GatewayNode node = GatewayNode.builder(NodeSettings.local(settings, dataDir)
              .withNonceCapacity(NodeSettings.DEFAULT_NONCE_CAPACITY)
              .withNonceShare(NodeSettings.DEFAULT_NONCE_CAPACITY))
          .token(token)
          .database(database)
          .start();
      opened.add(node);

      ManagedChannel toOpen = channel(node.port(), OPEN_DOMAIN, certificate);
      ManagedChannel toSigned = channel(node.port(), SIGNED_DOMAIN, certificate);
      open = EchoServiceGrpc.newBlockingStub(toOpen);
      byte[] secret = credential.secret().unsafeCopy();
      try {
        Channel signing = ClientInterceptors.intercept(toSigned,
            SigningClientInterceptor.create(credential.accessKey(), AccessSecret.copyOf(secret)));
        signed = EchoServiceGrpc.newBlockingStub(signing);
      } finally {
        Arrays.fill(secret, (byte) 0);
        credential.secret().close();
      }

      // Each mode answers, and the signature API really asks for a signature: otherwise the
      // figures would time something else than the benchmark's name says.
      expectAnswer(call(open), "none mode");
      expectAnswer(call(signed), "signature mode");
      try {
        call(EchoServiceGrpc.newBlockingStub(toSigned));
        throw new IllegalStateException("the gateway let an unsigned call reach the signature API");
      } catch (StatusRuntimeException expected) {
        if (expected.getStatus().getCode() != Status.Code.UNAUTHENTICATED) {
          throw expected;
        }
      }
    }

    private ManagedChannel channel(int port, String domain, X509Certificate trusted)
        throws IOException {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
          .overrideAuthority(domain + ":" + port)
          .sslContext(GrpcSslContexts.forClient().trustManager(trusted).build())
          .build();
      opened.add(channel::shutdownNow);
      return channel;
    }

    /** The configuration a security officer and a tenant admin would set up through the admin API. */
    private static InClear provision(
        ConfigStore store, CredentialIssuer issuer, String backendTarget) throws Exception {
      store.createTenant(new Tenant("bench", "Benchmark tenant"));
      store.allowDomain(new DomainAllowance("bench", SIGNED_DOMAIN));
      store.allowDomain(new DomainAllowance("bench", OPEN_DOMAIN));
      // NONE mode needs a backend the officer allowed for unauthenticated calls.
      store.allowBackend(new BackendAllowance("bench", backendTarget, true));
      store.createApp(new App("bench-app", "bench", "Benchmark client"));
      store.registerApi(new ApiDefinition(
          "api-echo-signed", "bench", SIGNED_DOMAIN, ECHO, backendTarget, AuthMode.SIGNATURE));
      store.registerApi(new ApiDefinition(
          "api-echo-open", "bench", OPEN_DOMAIN, ECHO, backendTarget, AuthMode.NONE));
      store.grant(new Grant("bench", "bench-app", "api-echo-signed"));
      return issuer.issue("bench", "bench-app", null);
    }

    private void destroyKeysAndClose() throws Exception {
      try {
        for (KeyLabel key : keys) {
          token.destroyKey(key);
        }
      } finally {
        token.close();
      }
    }

    /** Closes in reverse order (channels, node, database, then the keys and the token). */
    @TearDown
    public void stop() throws Exception {
      Exception first = null;
      for (int i = opened.size() - 1; i >= 0; i--) {
        AutoCloseable part = opened.get(i);
        try {
          if (part == token) {
            destroyKeysAndClose();
          } else {
            part.close();
          }
        } catch (Exception e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      opened.clear();
      if (dataDir != null) {
        try (Stream<Path> files = Files.walk(dataDir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  private static boolean measures(BenchmarkParams params, String method) {
    return params.getBenchmark().endsWith("." + method);
  }

  private static void warmUp(EchoServiceBlockingStub stub) {
    for (int i = 0; i < WARMUP_CALLS; i++) {
      call(stub);
    }
  }

  private static void expectAnswer(EchoResponse response, String what) {
    if (!BACKEND_NAME.equals(response.getBackend())
        || !REQUEST.getMessage().equals(response.getMessage())) {
      throw new IllegalStateException(what + ": unexpected answer " + response);
    }
  }
}
