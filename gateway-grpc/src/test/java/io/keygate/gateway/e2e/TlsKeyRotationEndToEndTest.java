package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyFollower;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The data plane's TLS key rotated under load: a signed bidi stream is open across the switch and
 * keeps flowing; new connections get the new certificate; a client that trusts only the old one
 * can no longer connect. The switch is what every node does when an approved activation lands in
 * the config database (ActiveTlsKeys, read by its TlsKeyFollower).
 */
class TlsKeyRotationEndToEndTest extends GatewayEndToEnd {

  @Test
  void anActivatedKey_servesNewHandshakes_whileAnOpenStreamKeepsFlowing() throws Exception {
    KeyLabel next = KeyLabel.of("gateway-tls-2");
    gw.hsm.generateEcKey(next, CertificateProfile.localhost("keygate-gateway", Duration.ofDays(1)));
    X509Certificate oldCert = gw.gatewayCert;
    X509Certificate newCert = gw.hsm.certificateChain(next).get(0);
    ActiveTlsKeys active = new ActiveTlsKeys(
        gw.database.tlsKeys(), Map.of(TlsListener.INGRESS, KeyLabel.of("gateway-tls")));
    ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    TlsKeyFollower follower = new TlsKeyFollower(active, gw.hsm, "e2e-node",
        java.time.Clock.systemUTC(), idle, Duration.ofDays(1));
    follower.follow(TlsListener.INGRESS, gw.gateway.tlsKeys().orElseThrow());

    // A stream over a connection that trusts only the old certificate.
    ManagedChannel oldTrust = channelTrusting(oldCert, DemoTenants.GLOBEX_DOMAIN);
    LinkedBlockingQueue<ByteString> echoed = new LinkedBlockingQueue<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    StreamObserver<EchoRequest> stream = EchoServiceGrpc.newStub(
            ClientInterceptors.intercept(oldTrust, signing(gw.globexKey)))
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .chat(collector(echoed, finished));
    try {
      stream.onNext(message("before"));
      assertThat(echoed.poll(30, TimeUnit.SECONDS)).isEqualTo(ByteString.copyFromUtf8("before"));

      assertThat(follower.pollNow()).isZero(); // nothing activated yet
      active.activate(TlsListener.INGRESS, next, java.time.Instant.now(), "test");
      assertThat(follower.pollNow()).isEqualTo(1);

      // The open stream is untouched by the switch.
      stream.onNext(message("during"));
      assertThat(echoed.poll(30, TimeUnit.SECONDS)).isEqualTo(ByteString.copyFromUtf8("during"));

      // New handshakes present the new certificate: only a client trusting it gets through.
      ManagedChannel newTrust = channelTrusting(newCert);
      ManagedChannel stale = channelTrusting(oldCert);
      try {
        EchoResponse viaNew = EchoServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(newTrust, signing(gw.acmeKey)))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .echo(message("after"));
        assertThat(viaNew.getPayload().toStringUtf8()).isEqualTo("after");
        StatusRuntimeException refused = Assertions.catchThrowableOfType(
            () -> EchoServiceGrpc.newBlockingStub(ClientInterceptors.intercept(stale, signing(gw.acmeKey)))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .echo(message("stale")),
            StatusRuntimeException.class);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        newTrust.shutdownNow();
        stale.shutdownNow();
      }

      stream.onNext(message("still"));
      assertThat(echoed.poll(30, TimeUnit.SECONDS)).isEqualTo(ByteString.copyFromUtf8("still"));
      stream.onCompleted();
      finished.get(30, TimeUnit.SECONDS);
    } finally {
      oldTrust.shutdownNow();
      follower.close();
      idle.shutdownNow();
    }
  }

  @Test
  void anActivatedKeyThisNodeCannotUse_leavesItServingTheCurrentKey() throws Exception {
    ActiveTlsKeys active = new ActiveTlsKeys(
        gw.database.tlsKeys(), Map.of(TlsListener.INGRESS, KeyLabel.of("gateway-tls")));
    ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
    TlsKeyFollower follower = new TlsKeyFollower(active, gw.hsm, "e2e-node",
        java.time.Clock.systemUTC(), idle, Duration.ofDays(1));
    var keys = gw.gateway.tlsKeys().orElseThrow();
    follower.follow(TlsListener.INGRESS, keys);
    String serving = keys.currentAlias();
    try {
      active.activate(TlsListener.INGRESS, KeyLabel.of("not-in-this-token"),
          java.time.Instant.now(), "test");

      assertThat(follower.pollNow()).isZero();
      assertThat(keys.currentAlias()).isEqualTo(serving);
      ManagedChannel ch = channelTrusting(keys.currentCertificate());
      try {
        assertThat(EchoServiceGrpc.newBlockingStub(ClientInterceptors.intercept(ch, signing(gw.acmeKey)))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .echo(message("up")).getPayload().toStringUtf8()).isEqualTo("up");
      } finally {
        ch.shutdownNow();
      }
    } finally {
      // Leave the table as the other test expects to find it.
      active.activate(TlsListener.INGRESS, KeyLabel.of(serving), java.time.Instant.now(), "test");
      follower.close();
      idle.shutdownNow();
    }
  }

  /** Globex's app may Chat (bidi), acme's may Echo. */
  private static SigningClientInterceptor signing(
      io.keygate.gateway.credentials.IssuedCredential.InClear key) {
    return SigningClientInterceptor.create(
        key.accessKey(), AccessSecret.copyOf(key.secret().unsafeCopy()));
  }

  private static ManagedChannel channelTrusting(X509Certificate cert) throws Exception {
    return channelTrusting(cert, DemoTenants.ACME_DOMAIN);
  }

  /** A channel whose calls are sent to {@code domain} (acme's or globex's). */
  private static ManagedChannel channelTrusting(X509Certificate cert, String domain)
      throws Exception {
    return NettyChannelBuilder.forAddress("localhost", gw.gateway.port())
        .overrideAuthority(domain + ":" + gw.gateway.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(cert).build())
        .build();
  }

  private static EchoRequest message(String text) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build();
  }

  private static StreamObserver<EchoResponse> collector(
      LinkedBlockingQueue<ByteString> echoed, CompletableFuture<Void> finished) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        echoed.add(value.getPayload());
      }

      @Override
      public void onError(Throwable t) {
        finished.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        finished.complete(null);
      }
    };
  }
}
