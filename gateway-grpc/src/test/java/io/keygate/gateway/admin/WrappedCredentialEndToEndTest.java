package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
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
import io.keygate.gateway.admin.api.AdminErrors;
import io.keygate.gateway.credentials.WrappedIssuance;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.e2e.DemoTenants;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.Credential;
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
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.IssuedCredential;
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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11's issuance and data path on a real token, admin API and gateway node: a node with a
 * KEK issues a secret made in the HSM, sent only encrypted to the tenant-admin's one-time key and
 * stored only wrapped; calls signed with it are verified in the HSM; a request that would need
 * the secret in the clear is refused; a damaged blob costs that one credential, with a stable
 * code and a security event, and every other credential keeps working.
 */
class WrappedCredentialEndToEndTest {
  private static final KekId KEK = KekId.of("kek-2026");

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("wrapped");

  private static DirectWrappedMacs hierarchy;
  private static AdminFixture admin;
  private static Server backend;
  private static GatewayNode gateway;
  private static ManagedChannel tls;
  private static KeyPair tenantAdminKey;
  private static final List<String> refusals = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // The officer's step, before any node logs in (one login type per process and token).
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        tokens.config("wrapped"), Pin.fromFile(tokens.soPinFile()))) {
      so.generateKek(KEK);
    }
    hierarchy = DirectWrappedMacs.open(tokens.config("wrapped"), tokens.pin(), 3, 1_000,
        Clock.systemUTC());
    admin = new AdminFixture(tokens).withKeyHierarchy(new WrappedIssuance(hierarchy, KEK))
        .start("wrapped");
    backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend("acme-backend")).build().start();
    String target = "127.0.0.1:" + backend.getPort();
    admin.store.allowDomain(new DomainAllowance("acme", "localhost"));
    admin.store.allowBackend(new BackendAllowance("acme", target, false));
    admin.store.registerApi(new ApiDefinition("api-echo", "acme", "localhost", DemoTenants.ECHO,
        target, AuthMode.SIGNATURE));
    admin.store.grant(new Grant("acme", "acme-app", "api-echo"));
    admin.snapshots.refreshNow();
    gateway = GatewayNode.builder(NodeSettings.local(
            GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), KeyLabel.of("admin-tls")),
            Files.createTempDirectory("keygate-wrapped-")))
        .token(admin.hsm)
        .database(admin.database)
        .wrappedSecrets(hierarchy)
        .alsoObserve(new CallObserver() {
          @Override
          public void authenticated(Credential caller) {}

          @Override
          public void refused(String accessKey, String appId, GatewayError error) {
            refusals.add(accessKey + " " + error.code());
          }
        })
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
  void issuedSecret_isOnlyEncryptedToTheRequester_storedWrapped_andVerifiesCalls() throws Exception {
    IssuedCredential issued = create("acme-app");

    assertThat(issued.getSecret().isEmpty()).as("no secret in the clear").isTrue();
    assertThat(issued.getCredential().getKekId()).isEqualTo(KEK.value());
    byte[] secret = decrypt(issued);
    assertThat(secret).hasSize(32);
    String stored = storedBlob(issued.getCredential().getAccessKey());
    assertThat(stored).isNotNull();
    assertThat(Base64.getDecoder().decode(stored)).hasSize(40).isNotEqualTo(secret);
    assertThat(stored).doesNotContain(Base64.getEncoder().encodeToString(secret));
    assertThat(admin.hsm.describeKey(KeyLabel.of("ak-"
        + issued.getCredential().getAccessKey().toLowerCase()))).as("no token key per secret").isEmpty();

    gateway.refreshConfiguration();
    assertThat(echo(signed(issued.getCredential().getAccessKey(), secret), "hello")).isEqualTo("hello");
    byte[] wrong = secret.clone();
    wrong[0] ^= 1;
    assertThat(refusedCode(signed(issued.getCredential().getAccessKey(), wrong)))
        .isEqualTo("InvalidSignature");
  }

  @Test
  void requestWithoutARecipientKey_isRefused_ratherThanSentInTheClear() throws Exception {
    admin.store.createApp(new io.keygate.gateway.model.App("acme-nokey", "acme", "no key"));
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> admin.as(admin.acmeAdmin).createCredential(CreateCredentialRequest.newBuilder()
            .setTenantId("acme").setAppId("acme-nokey").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo("RecipientKeyRequired");

    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(2048);
    for (ByteString bad : List.of(ByteString.copyFromUtf8("not a key"),
        ByteString.copyFrom(small.generateKeyPair().getPublic().getEncoded()))) {
      StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
          () -> admin.as(admin.acmeAdmin).createCredential(CreateCredentialRequest.newBuilder()
              .setTenantId("acme").setAppId("acme-nokey").setRecipientPublicKey(bad).build()));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(refused.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo("BadRecipientKey");
    }
    assertThat(admin.store.credentials("acme")).noneMatch(c -> c.appId().equals("acme-nokey"));
  }

  @Test
  void damagedBlob_refusesThatCredentialOnly_withAStableCode() throws Exception {
    admin.store.createApp(new io.keygate.gateway.model.App("acme-damaged", "acme", "damaged"));
    admin.store.grant(new Grant("acme", "acme-damaged", "api-echo"));
    IssuedCredential victim = create("acme-damaged");
    IssuedCredential rotated = admin.as(admin.acmeAdmin).addCredential(AddCredentialRequest
        .newBuilder().setTenantId("acme").setAppId("acme-damaged")
        .setRecipientPublicKey(ByteString.copyFrom(tenantAdminKey.getPublic().getEncoded()))
        .build());
    byte[] blob = Base64.getDecoder().decode(storedBlob(victim.getCredential().getAccessKey()));
    blob[7] ^= 0x20;
    setStoredBlob(victim.getCredential().getAccessKey(), Base64.getEncoder().encodeToString(blob));
    gateway.refreshConfiguration();

    String victimKey = victim.getCredential().getAccessKey();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> EchoServiceGrpc.newBlockingStub(signed(victimKey, decrypt(victim)))
            .withDeadlineAfter(10, TimeUnit.SECONDS).echo(EchoRequest.newBuilder().setMessage("x").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(e.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("CredentialUnusable");
    assertThat(e.getStatus().getDescription()).doesNotContain(Base64.getEncoder().encodeToString(blob));
    assertThat(refusals).contains(victimKey + " CredentialUnusable");

    // the same app's other credential, and the node, are fine
    assertThat(echo(signed(rotated.getCredential().getAccessKey(), decrypt(rotated)), "still"))
        .isEqualTo("still");
    assertThat(hierarchy.health().isUp()).isTrue();
  }

  private static IssuedCredential create(String app) {
    return admin.as(admin.acmeAdmin).createCredential(CreateCredentialRequest.newBuilder()
        .setTenantId("acme").setAppId(app)
        .setRecipientPublicKey(ByteString.copyFrom(tenantAdminKey.getPublic().getEncoded()))
        .build());
  }

  private static byte[] decrypt(IssuedCredential issued) throws Exception {
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, tenantAdminKey.getPrivate());
    return c.doFinal(issued.getSecretForRecipient().toByteArray());
  }

  private static Channel signed(String accessKey, byte[] secret) {
    return ClientInterceptors.intercept(tls,
        SigningClientInterceptor.create(accessKey, AccessSecret.copyOf(secret)));
  }

  private static String echo(Channel channel, String message) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build()).getMessage();
  }

  private static String refusedCode(Channel channel) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> echo(channel, "refused"));
    return e.getTrailers().get(ErrorReplies.ERROR_CODE);
  }

  private static String storedBlob(String accessKey) throws Exception {
    try (Connection c = admin.database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT wrapped_secret FROM credentials WHERE access_key = ?")) {
      s.setString(1, accessKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void setStoredBlob(String accessKey, String blob) throws Exception {
    try (Connection c = admin.database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE credentials SET wrapped_secret = ? WHERE access_key = ?")) {
      s.setString(1, blob);
      s.setString(2, accessKey);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }
}
