package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.keygate.gateway.config.TestDatabase;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.node.GatewayMain;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.redis.TestRedis;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real node processes (GatewayMain) on TLS behind a real haproxy in TCP mode, sharing one
 * token, a MariaDB config database and a private Redis for their nonces: the cluster of
 * docs/operations.md ("Cluster"). A client keeps calling through haproxy on two connections while
 * a node is SIGKILLed (only calls in flight fail, and calls succeed again within a bound) or
 * drained with SIGTERM (no call fails).
 */
class ClusterFailoverEndToEndTest {
  /** haproxy's check interval; a node is DOWN after two failed checks. */
  private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
  /**
   * From a SIGKILL until every call succeeds again. Usually under half a second (the cluster
   * script measures 0.5-0.75 s with three nodes, this test 0.1-0.5 s, 333 ms at load average 28).
   * Once in five runs at load average 12 on 2 cores a lone third failure came 4.7 s after the
   * kill, long after the node was gone and DOWN: most likely not the kill's doing but a nonce
   * check refused by the surviving node (UNAVAILABLE NonceStoreUnavailable, Redis answering past
   * the 250 ms default on the starved machine; the cluster script saw the same), which the nodes
   * here no longer get (KEYGATE_REDIS_TIMEOUT_MS below). Each failure's description is printed.
   * The bound catches a cluster that does not recover, without failing CI on a starved machine;
   * docs/operations.md, "Cluster", states the measured figures.
   */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);
  private static final int CALLERS = 4;

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("cluster");
  @TempDir static Path dir;

  static TestRedis redis;
  static TestDatabase database;
  static Server backend;
  static X509Certificate gatewayCert;
  static InClear acmeKey;
  static TestHaproxy haproxy;
  static final List<Integer> nodePorts = new ArrayList<>();
  static final Map<Integer, Process> nodes = new HashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    redis = TestRedis.start();
    database = TestDatabase.mariaDb();
    database.writePasswordFile(dir.resolve("db.password"));
    backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend("cluster-backend")).build().start();
    String backendAddress = "127.0.0.1:" + backend.getPort();
    try (SunPkcs11Token hsm = tokens.open("cluster");
        ConfigDatabase db = ConfigDatabase.open(database.settings())) {
      KeyLabel tls = KeyLabel.of("gateway-tls");
      hsm.generateEcKey(tls, new CertificateProfile("keygate-cluster",
          List.of(DemoTenants.ACME_DOMAIN), List.of("127.0.0.1"), Duration.ofDays(1)));
      gatewayCert = hsm.certificateChain(tls).get(0);
      ConfigStore store = db.store(Clock.systemUTC());
      acmeKey = DemoTenants.provision(store, new CredentialIssuer(hsm, store, new SecureRandom()),
          backendAddress, backendAddress).acme();
    }
    for (int n = 1; n <= 2; n++) {
      nodePorts.add(TestHaproxy.freePort());
    }
    // One after another: the first start makes shared token objects (the audit-signing key).
    for (int n = 1; n <= 2; n++) {
      startNode(n);
    }
    haproxy = TestHaproxy.start(dir.resolve("haproxy"), nodePorts, CHECK_INTERVAL);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Process p : nodes.values()) {
      p.destroyForcibly();
    }
    for (AutoCloseable c : new AutoCloseable[] {haproxy, redis, database}) {
      if (c != null) {
        c.close();
      }
    }
    if (backend != null) {
      backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Both nodes alive and UP in haproxy (a test before may have stopped one). */
  @BeforeEach
  void bothNodesUp() throws Exception {
    for (int n = 1; n <= 2; n++) {
      if (!nodes.get(n).isAlive()) {
        startNode(n);
      }
      haproxy.awaitUp(n, Duration.ofSeconds(30));
    }
  }

  @Test
  void aNodeKilledUnderLoad_losesOnlyItsCallsInFlight_andCallsSucceedAgainWithinTheBound()
      throws Exception {
    try (Load load = new Load()) {
      load.awaitSuccesses(0, 40);
      long killedAt = System.nanoTime();
      nodes.get(1).destroyForcibly(); // SIGKILL
      CompletableFuture<Long> down = CompletableFuture.supplyAsync(() -> awaitDown(1));
      assertThat(nodes.get(1).waitFor(10, TimeUnit.SECONDS)).isTrue();
      long goneAt = System.nanoTime();
      load.awaitSuccesses(killedAt, 100);

      List<Outcome> failed = load.failuresSince(killedAt);
      // Each caller has one call in flight: at most CALLERS calls can have been on the node.
      assertThat(failed).as("failures after the kill").hasSizeLessThanOrEqualTo(CALLERS)
          .allSatisfy(o -> assertThat(o.code()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(load.failuresSince(0)).as("no failure before the kill").hasSameSizeAs(failed);
      long lastFailure = failed.stream().mapToLong(Outcome::endNanos).max().orElse(killedAt);
      // The figure, for the CI log (docs/operations.md, "Cluster").
      Long downAt = down.get(40, TimeUnit.SECONDS);
      System.out.printf("SIGKILL under load: %d calls failed (at most %d in flight), the last"
          + " %d ms after the kill; the process was gone after %d ms, haproxy had it DOWN after"
          + " %s ms%n", failed.size(), CALLERS,
          TimeUnit.NANOSECONDS.toMillis(lastFailure - killedAt),
          TimeUnit.NANOSECONDS.toMillis(goneAt - killedAt),
          downAt == null ? "(not seen)" : TimeUnit.NANOSECONDS.toMillis(downAt - killedAt));
      failed.forEach(f -> System.out.printf("  +%d ms %s %s%n",
          TimeUnit.NANOSECONDS.toMillis(f.endNanos() - killedAt), f.code(), f.description()));
      assertThat(Duration.ofNanos(lastFailure - killedAt)).as("from the kill to the last failure")
          .isLessThanOrEqualTo(RECOVERY_BOUND);
    }
  }

  @Test
  void aNodeDrainedWithSigterm_underLoad_losesNoCall() throws Exception {
    try (Load load = new Load()) {
      load.awaitSuccesses(0, 40);
      long drainedAt = System.nanoTime();
      nodes.get(2).destroy(); // SIGTERM: NOT_SERVING, GOAWAY, open calls finish
      assertThat(nodes.get(2).waitFor(30, TimeUnit.SECONDS)).as("the node exited").isTrue();
      long exitedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainedAt);
      load.awaitSuccesses(System.nanoTime(), 100);
      assertThat(load.failuresSince(0)).as("calls that failed").isEmpty();
      assertThat(load.successesSince(drainedAt)).isGreaterThanOrEqualTo(100);
      System.out.printf("SIGTERM under load: 0 calls failed, %d succeeded since; the node exited"
          + " %d ms after the signal (exit status %d)%n", load.successesSince(drainedAt),
          exitedAfter, nodes.get(2).exitValue());
    }
  }

  /** When haproxy's checks had node {@code n} DOWN (nanoTime, polled every 10 ms); null after 30 s. */
  private static Long awaitDown(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (haproxy.status(n).startsWith("DOWN")) {
          return System.nanoTime();
        }
      } catch (java.io.IOException e) {
        return null;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return null;
  }

  private static void startNode(int n) throws Exception {
    Path nodeDir = dir.resolve("node" + n);
    Files.createDirectories(nodeDir);
    Path out = nodeDir.resolve("keygate.out");
    Files.deleteIfExists(out);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), GatewayMain.class.getName());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(tokens.childEnvironment());
    env.put("PATH", System.getenv("PATH"));
    env.put("KEYGATE_HSM_CONFIG", tokens.config("cluster").toString());
    env.put("KEYGATE_HSM_PIN_FILE", tokens.pinFile().toString());
    env.put("KEYGATE_TLS_KEY", "gateway-tls");
    env.put("KEYGATE_LISTEN", "127.0.0.1:" + nodePorts.get(n - 1));
    env.put("KEYGATE_DATA_DIR", nodeDir.resolve("data").toString());
    env.put("KEYGATE_DB_URL", database.settings().jdbcUrl());
    env.put("KEYGATE_DB_USER", database.settings().user());
    env.put("KEYGATE_DB_PASSWORD_FILE", dir.resolve("db.password").toString());
    env.put("KEYGATE_NONCE_STORE", "redis");
    env.put("KEYGATE_REDIS_URI", "redis://127.0.0.1:" + redis.port());
    // 1 s, not the 250 ms default, as benchmarks/cluster/run.sh: on a starved CI machine Redis
    // answers late and a node rightly fails closed (NonceStoreUnavailable), a failure that is
    // neither a kill's nor a drain's.
    env.put("KEYGATE_REDIS_TIMEOUT_MS", "1000");
    builder.redirectErrorStream(true).redirectOutput(out.toFile());
    Process node = builder.start();
    nodes.put(n, node);
    // Its one line on stdout once it serves; or it exits.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(out, StandardCharsets.UTF_8).contains("keygate: serving calls on port")) {
      if (!node.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("node" + n + " did not start: "
            + Files.readString(out, StandardCharsets.UTF_8));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  record Outcome(long endNanos, Status.Code code, String description) {}

  /**
   * CALLERS threads calling Echo through haproxy, signed, one call in flight each, on two
   * channels (two connections, which haproxy sends to the two nodes in turn). The channels are
   * what an application has: grpc-java's defaults, so a call that a GOAWAY refused before the node
   * saw it is retried transparently, as it is for every gRPC client.
   */
  private static final class Load implements AutoCloseable {
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    private final List<ManagedChannel> channels = new ArrayList<>();

    Load() throws Exception {
      for (int c = 0; c < 2; c++) {
        channels.add(NettyChannelBuilder.forAddress("localhost", haproxy.port())
            .sslContext(GrpcSslContexts.forClient().trustManager(gatewayCert).build())
            .build());
      }
      for (int i = 0; i < CALLERS; i++) {
        Channel signed = ClientInterceptors.intercept(channels.get(i % 2),
            SigningClientInterceptor.create(acmeKey.accessKey(),
                AccessSecret.copyOf(acmeKey.secret().unsafeCopy())));
        callers.execute(() -> call(signed));
      }
    }

    private void call(Channel signed) {
      EchoServiceGrpc.EchoServiceBlockingStub stub = EchoServiceGrpc.newBlockingStub(signed);
      while (!stop.get()) {
        Status status;
        try {
          stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .echo(EchoRequest.newBuilder().setMessage("through haproxy").build());
          status = Status.OK;
        } catch (StatusRuntimeException e) {
          status = e.getStatus();
        }
        outcomes.add(new Outcome(System.nanoTime(), status.getCode(), status.getDescription()));
      }
    }

    /** Waits (30 s at most) until {@code count} calls ended OK after {@code since}, with no failure after them. */
    void awaitSuccesses(long since, int count) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (successesAfterLastFailure(since) < count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("fewer than " + count + " calls succeeded in a row within 30 s;"
              + " failures: " + failuresSince(since));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }

    private long successesAfterLastFailure(long since) {
      long ok = 0;
      for (Outcome o : outcomes) {
        if (o.endNanos() >= since) {
          ok = o.code() == Status.Code.OK ? ok + 1 : 0;
        }
      }
      return ok;
    }

    long successesSince(long since) {
      return outcomes.stream().filter(o -> o.endNanos() >= since && o.code() == Status.Code.OK)
          .count();
    }

    List<Outcome> failuresSince(long since) {
      return outcomes.stream().filter(o -> o.endNanos() >= since && o.code() != Status.Code.OK)
          .toList();
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      callers.shutdown();
      callers.awaitTermination(30, TimeUnit.SECONDS);
      for (ManagedChannel c : channels) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
