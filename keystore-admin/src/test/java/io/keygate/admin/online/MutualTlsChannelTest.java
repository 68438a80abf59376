package io.keygate.admin.online;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.pki.Pem;
import io.keygate.admin.remote.NettyAdminChannels;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import io.keygate.proto.admin.v1.Role;
import io.keygate.proto.admin.v1.WhoAmIRequest;
import io.keygate.proto.admin.v1.WhoAmIResponse;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole officer path over real mutual TLS: admin CA and officer certificate made by the CLI in
 * the HSM, then {@code whoami} through NettyAdminChannels to a Netty server that trusts that CA and
 * answers with the subject of the certificate it saw.
 */
class MutualTlsChannelTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("mtls");
  @TempDir static Path tmp;
  private static final Context.Key<X509Certificate> PEER = Context.key("peer");
  private static Server server;
  private static Path serverCaFile;

  @BeforeAll
  static void startServer() throws Exception {
    Path adminCa = tmp.resolve("admin-ca.pem");
    assertThat(
            hsmAdmin("bootstrap", "admin-ca", "--cn", "Admin CA", "--cert-out", adminCa.toString())
                .exitCode())
        .isZero();
    assertThat(
            hsmAdmin(
                    "bootstrap",
                    "officer-cert",
                    "--cn",
                    "alice",
                    "--out-cert",
                    tmp.resolve("alice.pem").toString(),
                    "--out-key",
                    tmp.resolve("alice.key").toString())
                .exitCode())
        .isZero();

    TestCertificates.KeyAndCert serverCert = TestCertificates.selfSigned("CN=localhost");
    serverCaFile = Files.writeString(tmp.resolve("server.pem"), Pem.certificate(serverCert.cert()));
    var ssl =
        GrpcSslContexts.configure(
                SslContextBuilder.forServer(serverCert.keys().getPrivate(), serverCert.cert())
                    .trustManager(Pem.readCertificates(adminCa).toArray(X509Certificate[]::new))
                    .clientAuth(ClientAuth.REQUIRE),
                SslProvider.JDK)
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(ssl)
            .addService(ServerInterceptors.intercept(new WhoAmIOnly(), new PeerCertificate()))
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  private static Result hsmAdmin(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 4);
    all[args.length] = "--hsm-config";
    all[args.length + 1] = hsm.config("mtls").toString();
    all[args.length + 2] = "--pin-file";
    all[args.length + 3] = hsm.pinFile().toString();
    return CliRunner.run(CliRunner.environment(), all);
  }

  private static Result whoami(Path cert, Path key, Path ca) {
    CliEnvironment env = CliRunner.environment().withAdminChannels(new NettyAdminChannels());
    return CliRunner.run(
        env,
        "whoami",
        "--server",
        "localhost:" + server.getPort(),
        "--cert",
        cert.toString(),
        "--key",
        key.toString(),
        "--ca",
        ca.toString(),
        "--timeout",
        "20s");
  }

  @Test
  void whoami_overMutualTls_withTheOfficerCertificateFromTheHsmCa() {
    Result r = whoami(tmp.resolve("alice.pem"), tmp.resolve("alice.key"), serverCaFile);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("subject      CN=alice");
  }

  @Test
  void aClientCertificateFromAnotherCa_isRefused_withoutStackTrace() throws Exception {
    TestCertificates.KeyAndCert stranger = TestCertificates.selfSigned("CN=mallory");
    Path cert = Files.writeString(tmp.resolve("mallory.pem"), Pem.certificate(stranger.cert()));
    Path key = tmp.resolve("mallory.key");
    Files.writeString(
        key,
        Pem.encode("PRIVATE KEY", stranger.keys().getPrivate().getEncoded()),
        StandardCharsets.US_ASCII);
    Result r = whoami(cert, key, serverCaFile);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).startsWith("keystore-admin: admin server: UNAVAILABLE");
    r.assertNoStackTrace();
  }

  @Test
  void aServerNotSignedByTheGivenCa_isRefused() throws Exception {
    Path otherCa =
        Files.writeString(
            tmp.resolve("other-ca.pem"), TestCertificates.selfSignedPem("CN=localhost"));
    Result r = whoami(tmp.resolve("alice.pem"), tmp.resolve("alice.key"), otherCa);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
    r.assertNoStackTrace();
  }

  /** Puts the verified client certificate into the call's context, as the real server does. */
  private static final class PeerCertificate implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      try {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
        return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
      } catch (Exception e) {
        call.close(io.grpc.Status.UNAUTHENTICATED, new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
  }

  private static final class WhoAmIOnly extends AdminServiceGrpc.AdminServiceImplBase {
    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> out) {
      X509Certificate peer = PEER.get();
      out.onNext(
          WhoAmIResponse.newBuilder()
              .setSubject(peer.getSubjectX500Principal().getName())
              .setRole(Role.SECURITY_OFFICER)
              .build());
      out.onCompleted();
    }
  }
}
