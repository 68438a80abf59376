package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.BackendTls;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS from the gateway to a backend that asks for it, as an officer configured it: the
 * gateway presents the certificate of a client key generated in (and never leaving) the HSM,
 * trusts only the officer's anchors, and checks the officer's expected name. Real SoftHSM2, real
 * Netty TLS on both hops, the demo Echo backend requiring client certificates.
 */
class BackendTlsEndToEndTest extends GatewayEndToEnd {
  private static final KeyLabel CLIENT_KEY = KeyLabel.of("gateway-backend-client");
  private static final String NAME = "orders.backend.test";
  private static final List<Server> backends = new ArrayList<>();
  private static TestBackendCa backendCa;
  private static X509Certificate clientCert;

  @BeforeAll
  static void clientKeyAndCa() throws Exception {
    // What `keystore-admin bootstrap backend-client-key` does: EC P-256 generated in the token,
    // with a self-signed certificate the backends are given as their client anchor.
    gw.hsm.generateEcKey(CLIENT_KEY, new CertificateProfile(
        "keygate-gateway", List.of(), List.of(), Duration.ofDays(1)));
    clientCert = gw.hsm.certificateChain(CLIENT_KEY).get(0);
    backendCa = new TestBackendCa("CN=Orders Backend CA");
  }

  @AfterAll
  static void stopBackends() throws Exception {
    for (Server s : backends) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void mtlsBackend_receivesCalls_andSeesTheGatewaysHsmClientCertificate() throws Exception {
    TlsBackend backend = tlsBackend("mtls-backend", backendCa.server(NAME));
    String target = backend.target();
    route(target, mtls(target, backendCa));

    assertThat(echo("over mutual TLS").getBackend()).isEqualTo("mtls-backend");

    Seen seen = backend.calls.poll(5, TimeUnit.SECONDS);
    assertThat(seen.peer()).as("the backend sees the HSM key's certificate").isEqualTo(clientCert);
    assertThat(seen.authority()).isEqualTo(NAME + ":" + backend.server.getPort());
  }

  @Test
  void aRogueBackend_withACertificateFromAnotherCa_orAnotherName_isRefused() throws Exception {
    // A MITM on the backend hop: it answers on the backend's address with a certificate for the
    // right name from its own CA, or with a real one of the officer's CA for another name.
    TestBackendCa rogueCa = new TestBackendCa("CN=Orders Backend CA");
    for (TestBackendCa.Issued rogueCert :
        List.of(rogueCa.server(NAME), backendCa.server("billing.backend.test"))) {
      TlsBackend rogue = tlsBackend("rogue-backend", rogueCert);
      route(rogue.target(), mtls(rogue.target(), backendCa));

      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
          () -> echo("for the rogue"));
      assertRefused(() -> echo("for the rogue"), GatewayError.BACKEND_TLS_FAILED);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(rogue.calls).as("no call reached the rogue").isEmpty();
      // Nothing of the certificates or keys in what the client gets.
      String reply = e.getStatus() + " " + Status.trailersFromThrowable(e);
      for (X509Certificate cert : List.of(rogueCert.certificate(), backendCa.certificate, clientCert)) {
        assertThat(reply)
            .doesNotContain("BEGIN")
            .doesNotContain(cert.getSubjectX500Principal().getName())
            .doesNotContain(Base64.getEncoder().encodeToString(cert.getEncoded()).substring(0, 40));
      }
    }
  }

  @Test
  void aChangedPolicy_rebuildsTheChannel_soAWithdrawnAnchorIsNoLongerTrusted() throws Exception {
    TlsBackend backend = tlsBackend("rebuilt-backend", backendCa.server(NAME));
    String target = backend.target();
    route(target, mtls(target, backendCa));
    assertThat(echo("trusted").getBackend()).isEqualTo("rebuilt-backend");

    // The officer withdraws the CA (trusting another one): the open connection is not reused.
    gw.store.setBackendTls(mtls(target, new TestBackendCa("CN=Another CA")));
    gw.gateway.refreshConfiguration();
    assertRefused(() -> echo("no longer trusted"), GatewayError.BACKEND_TLS_FAILED);

    gw.store.setBackendTls(mtls(target, backendCa));
    gw.gateway.refreshConfiguration();
    assertThat(echo("trusted again").getBackend()).isEqualTo("rebuilt-backend");
  }

  @Test
  void tlsWithoutAClientCertificate_isRefusedByABackendThatAsksForOne() throws Exception {
    TlsBackend backend = tlsBackend("asks-for-a-client", backendCa.server(NAME));
    String target = backend.target();
    route(target, new BackendTls(target, BackendTls.Mode.TLS, List.of(backendCa.certificate),
        NAME, Optional.empty()));

    assertRefused(() -> echo("no client certificate"), GatewayError.BACKEND_TLS_FAILED);
    assertThat(backend.calls).isEmpty();
  }

  @Test
  void aPlaintextPolicy_backendStillWorks() throws Exception {
    Server plain = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend("plaintext-backend")).build().start();
    backends.add(plain);
    String target = "127.0.0.1:" + plain.getPort();
    route(target, BackendTls.plaintext(target));

    assertThat(echo("h2c").getBackend()).isEqualTo("plaintext-backend");
  }

  @Test
  void theClientKey_isSensitiveAndNeverExtractable_inTheToken() throws Exception {
    KeyInfo info = gw.hsm.listKeys().stream()
        .filter(k -> k.label().equals(CLIENT_KEY)).findFirst().orElseThrow();
    assertThat(info.tokenObject()).isTrue();
    assertThat(info.sensitive()).as("CKA_SENSITIVE").isTrue();
    assertThat(info.extractable()).as("CKA_EXTRACTABLE").isFalse();
  }

  private static BackendTls mtls(String target, TestBackendCa ca) {
    return new BackendTls(target, BackendTls.Mode.MTLS, List.of(ca.certificate), NAME,
        Optional.of(CLIENT_KEY));
  }

  /** What a backend saw of one call: the client certificate and the authority. */
  private record Seen(Certificate peer, String authority) {}

  private record TlsBackend(Server server, LinkedBlockingQueue<Seen> calls) {
    String target() {
      return "127.0.0.1:" + server.getPort();
    }
  }

  /** The demo Echo backend on TLS, requiring a client certificate: the gateway's, and only it. */
  private static TlsBackend tlsBackend(String name, TestBackendCa.Issued cert) throws Exception {
    LinkedBlockingQueue<Seen> calls = new LinkedBlockingQueue<>();
    ServerInterceptor recordPeer = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
          calls.add(new Seen(session.getPeerCertificates()[0], call.getAuthority()));
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          throw new AssertionError("the backend requires a client certificate", e);
        }
        return next.startCall(call, headers);
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(
                SslContextBuilder.forServer(cert.keys().getPrivate(), cert.certificate()))
            .trustManager(clientCert)
            .clientAuth(ClientAuth.REQUIRE)
            .build())
        .addService(ServerInterceptors.intercept(new EchoBackend(name), recordPeer))
        .build()
        .start();
    backends.add(server);
    return new TlsBackend(server, calls);
  }

  /** Points the acme Echo API at {@code target} with the officer's {@code policy} for it. */
  private static void route(String target, BackendTls policy) throws Exception {
    gw.store.allowBackend(new BackendAllowance("acme", target, false));
    gw.store.setBackendTls(policy);
    gw.store.updateApi(new ApiDefinition("api-echo", "acme", DemoTenants.ACME_DOMAIN,
        GatewayFixture.ECHO, target, AuthMode.SIGNATURE));
    gw.gateway.refreshConfiguration();
  }

  private static EchoResponse echo(String message) {
    try {
      return EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(EchoRequest.newBuilder().setMessage(message).build());
    } catch (StatusRuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
