package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.credentials.WrappedIssuance;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.e2e.DemoTenants;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.RewrapCredentials;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KEK rotation under dual control, through the real admin API, token, database and data plane:
 * one officer asks, another approves, every blob is rewrapped under the new KEK inside the HSM
 * while a client keeps calling (no call fails), a second approval moves only what is left, a
 * damaged blob is skipped and counted, and a rotation that cannot run is refused when asked for.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KekRotationAdminTest {
  private static final KekId OLD = KekId.of("kek-old");
  private static final KekId NEW = KekId.of("kek-new");

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("kekrot");

  private static DirectWrappedMacs hierarchy;
  private static AdminFixture admin;
  private static TestAdminCa.Client officer2;
  private static Server backend;
  private static GatewayNode gateway;
  private static ManagedChannel tls;
  private static KeyPair tenantAdminKey;
  private static final Map<String, byte[]> secrets = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        tokens.config("kekrot"), Pin.fromFile(tokens.soPinFile()))) {
      so.generateKek(OLD);
      so.generateKek(NEW);
    }
    hierarchy = DirectWrappedMacs.open(tokens.config("kekrot"), tokens.pin(), 3, 1_000,
        Clock.systemUTC());
    admin = new AdminFixture(tokens).withKeyHierarchy(new WrappedIssuance(hierarchy, OLD))
        .start("kekrot");
    officer2 = admin.addOfficer("officer-2");
    backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend("acme-backend")).build().start();
    String target = "127.0.0.1:" + backend.getPort();
    admin.store.allowDomain(new DomainAllowance("acme", "localhost"));
    admin.store.allowBackend(new BackendAllowance("acme", target, false));
    admin.store.registerApi(new ApiDefinition("api-echo", "acme", "localhost", DemoTenants.ECHO,
        target, AuthMode.SIGNATURE));
    gateway = GatewayNode.builder(NodeSettings.local(
            GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), KeyLabel.of("admin-tls")),
            Files.createTempDirectory("keygate-kekrot-")))
        .token(admin.hsm)
        .database(admin.database)
        .wrappedSecrets(hierarchy)
        .start();
    tls = NettyChannelBuilder.forAddress("localhost", gateway.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(admin.serverCert).build()).build();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(3072);
    tenantAdminKey = rsa.generateKeyPair();
  }

  @AfterAll
  static void stop() throws Exception {
    if (tls != null) {
      tls.shutdownNow();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (backend != null) {
      backend.shutdownNow();
    }
    if (admin != null) {
      admin.close();
    }
    if (hierarchy != null) {
      hierarchy.close();
    }
  }

  @Test
  @Order(1)
  void rotation_needsASecondOfficer_movesEveryBlob_andNoCallFailsMeanwhile() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(issue("rot-app-" + i));
    }
    gateway.refreshConfiguration();
    String caller = keys.get(0);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Semaphore successes = new Semaphore(0);
    try {
      Future<?> client = pool.submit(() -> {
        for (int calls = 0; !stop.get() && calls < 20_000; calls++) {
          try {
            echo(caller, "tick");
            successes.release();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          }
        }
      });
      assertThat(successes.tryAcquire(20, 30, TimeUnit.SECONDS)).isTrue();

      ApprovalRequest asked = admin.as(admin.officer).requestApproval(rewrap(OLD, NEW));
      assertThat(kekOf(caller)).as("nothing moves on one officer's word").isEqualTo(OLD.value());
      ApprovalRequest done = admin.as(officer2).approve(
          ApproveRequest.newBuilder().setId(asked.getId()).build());
      assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
      gateway.refreshConfiguration();
      assertThat(successes.tryAcquire(20, 30, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
      client.get(30, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(failures.get()).as("failed calls (first: %s)", firstFailure.get()).isZero();
    for (String key : keys) {
      assertThat(kekOf(key)).isEqualTo(NEW.value());
      assertThat(echo(key, "after")).isEqualTo("after");
    }
    assertThat(admin.audit.events()).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("kek.rewrap");
      assertThat(e.target()).isEqualTo("kek/kek-old/kek-new");
      assertThat(e.detail()).contains("remaining=0");
    });

    // Issued under the old KEK after the first run: a second approval moves only these.
    String late = issue("rot-late");
    ApprovalRequest again = admin.as(admin.officer).requestApproval(rewrap(OLD, NEW));
    admin.as(officer2).approve(ApproveRequest.newBuilder().setId(again.getId()).build());
    assertThat(kekOf(late)).isEqualTo(NEW.value());
    assertThat(admin.audit.events()).anySatisfy(e ->
        assertThat(e.detail()).contains("rewrapped=1 remaining=0 unusable=0"));
    gateway.refreshConfiguration();
    assertThat(echo(late, "late")).isEqualTo("late");
  }

  @Test
  @Order(2) // leaves a row under the old KEK for good
  void damagedBlob_isSkippedAndCounted_theOthersMove() throws Exception {
    // Issued under the old KEK (the node's issuing KEK): two, one of them damaged in the DB.
    String good = issue("dmg-good");
    String damaged = issue("dmg-bad");
    byte[] blob = Base64.getDecoder().decode(blobOf(damaged));
    blob[9] ^= 0x10;
    setBlob(damaged, Base64.getEncoder().encodeToString(blob));

    ApprovalRequest asked = admin.as(admin.officer).requestApproval(rewrap(OLD, NEW));
    ApprovalRequest done = admin.as(officer2).approve(
        ApproveRequest.newBuilder().setId(asked.getId()).build());

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(kekOf(good)).isEqualTo(NEW.value());
    assertThat(kekOf(damaged)).isEqualTo(OLD.value());
    assertThat(admin.audit.events()).anySatisfy(e ->
        assertThat(e.detail()).contains("remaining=1 unusable=1"));
    gateway.refreshConfiguration();
    assertThat(echo(good, "ok")).isEqualTo("ok");
  }

  @Test
  void rotationThatCannotRun_isRefusedWhenAskedFor() {
    assertThat(Calls.status(() -> admin.as(admin.officer).requestApproval(rewrap(OLD, OLD))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
    assertThat(Calls.status(() -> admin.as(admin.officer).requestApproval(
            rewrap(OLD, KekId.of("kek-missing")))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).requestApproval(rewrap(OLD, NEW)))
        .status()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  private static RequestApprovalRequest rewrap(KekId from, KekId to) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder().setRewrapCredentials(
            RewrapCredentials.newBuilder().setFromKek(from.value()).setToKek(to.value())))
        .setReason("yearly KEK rotation")
        .build();
  }

  /** An app of acme, granted Echo, with a credential issued in the HSM; returns its AccessKey. */
  private static String issue(String app) throws Exception {
    admin.store.createApp(new App(app, "acme", app));
    admin.store.grant(new Grant("acme", app, "api-echo"));
    IssuedCredential issued = admin.as(admin.acmeAdmin).createCredential(
        CreateCredentialRequest.newBuilder().setTenantId("acme").setAppId(app)
            .setRecipientPublicKey(ByteString.copyFrom(tenantAdminKey.getPublic().getEncoded()))
            .build());
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, tenantAdminKey.getPrivate());
    String key = issued.getCredential().getAccessKey();
    secrets.put(key, c.doFinal(issued.getSecretForRecipient().toByteArray()));
    return key;
  }

  private static String echo(String accessKey, String message) {
    Channel signed = ClientInterceptors.intercept(tls,
        SigningClientInterceptor.create(accessKey, AccessSecret.copyOf(secrets.get(accessKey))));
    return EchoServiceGrpc.newBlockingStub(signed).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build()).getMessage();
  }

  private static String kekOf(String accessKey) throws Exception {
    return column("kek_id", accessKey);
  }

  private static String blobOf(String accessKey) throws Exception {
    return column("wrapped_secret", accessKey);
  }

  private static String column(String column, String accessKey) throws Exception {
    try (Connection c = admin.database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT " + column + " FROM credentials WHERE access_key = ?")) {
      s.setString(1, accessKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void setBlob(String accessKey, String blob) throws Exception {
    try (Connection c = admin.database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE credentials SET wrapped_secret = ? WHERE access_key = ?")) {
      s.setString(1, blob);
      s.setString(2, accessKey);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }
}
