package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.credentials.WrappedIssuance;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.e2e.DemoTenants;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;

/**
 * A gateway with the key hierarchy, built as an operator would: the security officer makes the
 * KEKs first (before anything logs in as the user), the admin plane issues under the first, one
 * data-plane node verifies wrapped secrets, acme's API {@code api-echo} on localhost forwards to
 * an Echo backend, and acme's admin holds a one-time RSA key for the secrets issued to it.
 */
final class HierarchyFixture implements AutoCloseable {
  final DirectWrappedMacs hierarchy;
  final AdminFixture admin;
  final GatewayNode gateway;
  private final Server backend;
  private final ManagedChannel tls;
  private final KeyPair tenantAdminKey;

  private HierarchyFixture(DirectWrappedMacs hierarchy, AdminFixture admin, Server backend,
      GatewayNode gateway, ManagedChannel tls, KeyPair tenantAdminKey) {
    this.hierarchy = hierarchy;
    this.admin = admin;
    this.backend = backend;
    this.gateway = gateway;
    this.tls = tls;
    this.tenantAdminKey = tenantAdminKey;
  }

  /** Issues under {@code keks[0]}; every KEK named is generated in the token first. */
  static HierarchyFixture start(SoftHsmTokens tokens, String label, CallObserver observer,
      KekId... keks) throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        tokens.config(label), Pin.fromFile(tokens.soPinFile()))) {
      for (KekId kek : keks) {
        so.generateKek(kek);
      }
    }
    DirectWrappedMacs hierarchy =
        DirectWrappedMacs.open(tokens.config(label), tokens.pin(), 3, 1_000, Clock.systemUTC());
    AdminFixture admin = new AdminFixture(tokens)
        .withKeyHierarchy(new WrappedIssuance(hierarchy, keks[0])).start(label);
    Server backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend("acme-backend")).build().start();
    String target = "127.0.0.1:" + backend.getPort();
    admin.store.allowDomain(new DomainAllowance("acme", "localhost"));
    admin.store.allowBackend(new BackendAllowance("acme", target, false));
    admin.store.registerApi(new ApiDefinition("api-echo", "acme", "localhost", DemoTenants.ECHO,
        target, AuthMode.SIGNATURE));
    admin.snapshots.refreshNow();
    GatewayNode gateway = GatewayNode.builder(NodeSettings.local(
            GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), KeyLabel.of("admin-tls")),
            Files.createTempDirectory("keygate-" + label + "-")))
        .token(admin.hsm)
        .database(admin.database)
        .wrappedSecrets(hierarchy)
        .alsoObserve(observer)
        .start();
    ManagedChannel tls = NettyChannelBuilder.forAddress("localhost", gateway.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(admin.serverCert).build()).build();
    return new HierarchyFixture(hierarchy, admin, backend, gateway, tls, RsaTestKeys.rsa3072(0));
  }

  /** acme's admin's one-time public key, as CreateCredential and AddCredential take it. */
  ByteString recipientKey() {
    return ByteString.copyFrom(tenantAdminKey.getPublic().getEncoded());
  }

  /** The app's first credential, issued to acme's admin. */
  IssuedCredential create(String app) {
    return admin.as(admin.acmeAdmin).createCredential(CreateCredentialRequest.newBuilder()
        .setTenantId("acme").setAppId(app).setRecipientPublicKey(recipientKey()).build());
  }

  /** A second credential of the app, issued to acme's admin. */
  IssuedCredential add(String app) {
    return admin.as(admin.acmeAdmin).addCredential(AddCredentialRequest.newBuilder()
        .setTenantId("acme").setAppId(app).setRecipientPublicKey(recipientKey()).build());
  }

  /** What only acme's admin can do: read the secret the HSM encrypted to its key. */
  byte[] decrypt(IssuedCredential issued) throws Exception {
    return decrypt(issued.getSecretForRecipient());
  }

  /** Anything the HSM encrypted to acme's admin's key (a secret, or a bulk call's transport key). */
  byte[] decrypt(ByteString forRecipient) throws Exception {
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, tenantAdminKey.getPrivate());
    return c.doFinal(forRecipient.toByteArray());
  }

  Channel signed(String accessKey, byte[] secret) {
    return ClientInterceptors.intercept(tls,
        SigningClientInterceptor.create(accessKey, AccessSecret.copyOf(secret)));
  }

  static String echo(Channel channel, String message) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build()).getMessage();
  }

  /** A column of a credential's row in the config database. */
  String credentialColumn(String column, String accessKey) throws Exception {
    try (Connection c = admin.database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT " + column + " FROM credentials WHERE access_key = ?")) {
      s.setString(1, accessKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * What someone with write access to the database could do to a stored blob. It also moves the
   * configuration version on, as any write around the store must for nodes to see it: a version
   * with no change-feed entry makes them load everything again. (Without it, whether a node reads
   * the row again depends on whether its last poll came before the credential's own change.)
   */
  void overwriteBlob(String accessKey, String blob) throws Exception {
    try (Connection c = admin.database.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(
            "UPDATE credentials SET wrapped_secret = ? WHERE access_key = ?");
        PreparedStatement v = c.prepareStatement(
            "UPDATE config_version SET version = version + 1")) {
      s.setString(1, blob);
      s.setString(2, accessKey);
      assertThat(s.executeUpdate()).isEqualTo(1);
      assertThat(v.executeUpdate()).isEqualTo(1);
    }
  }

  @Override
  public void close() throws Exception {
    tls.shutdownNow();
    gateway.close();
    backend.shutdownNow();
    admin.close();
    hierarchy.close();
  }
}
