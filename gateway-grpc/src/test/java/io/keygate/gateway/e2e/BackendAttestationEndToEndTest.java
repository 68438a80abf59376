package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.keygate.backend.AttestationVerifier;
import io.keygate.backend.AttestedServices;
import io.keygate.backend.TrustedGatewayKeys;
import io.keygate.gateway.attestation.BackendAttestor;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node with KEYGATE_BACKEND_ATTESTATION_KEY in front of backends protected by the
 * backend-verifier module, holding only the key's public half. Tried as an attacker would: a call
 * straight to the backend, one replaying captured gateway headers, and one whose body or tenant is
 * changed between gateway and backend. Only the gateway's own, unchanged calls get through.
 */
class BackendAttestationEndToEndTest {
  private static final KeyLabel ATTESTATION_KEY = KeyLabel.of("backend-attestation");
  /** Set by a client to ask the test's hop between gateway and backend to misbehave. */
  private static final Metadata.Key<String> TAMPER =
      Metadata.Key.of("x-test-tamper", Metadata.ASCII_STRING_MARSHALLER);

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static String keyId;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(tokens)
        .withBackendServices(fixture -> {
          try {
            fixture.hsm.generateEcKey(ATTESTATION_KEY, new CertificateProfile(
                "keygate-backend-attestation", List.of(), List.of(), Duration.ofDays(1)));
            PublicKey publicKey = fixture.hsm.publicKey(ATTESTATION_KEY);
            keyId = TrustedGatewayKeys.keyId(publicKey);
            AttestationVerifier verifier =
                new AttestationVerifier(TrustedGatewayKeys.of(List.of(publicKey)));
            // The tamperer sits on the hop, before the verifier: what an attacker between the
            // gateway and the backend could do.
            return service -> ServerInterceptors.intercept(
                AttestedServices.protect(service, verifier), new Tamperer());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        })
        .withBuilder(b -> b.backendAttestation(ATTESTATION_KEY))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @BeforeEach
  void forgetEarlierHeaders() {
    gw.backendHeaders.clear();
  }

  @Test
  void aSignedCall_throughTheGateway_reachesTheBackend_attested() throws Exception {
    assertThat(echo(gw.signedChannel(gw.acmeKey), "hello").getMessage()).contains("hello");

    Metadata seen = gw.backendHeaders.poll(10, TimeUnit.SECONDS);
    assertThat(seen.get(key("x-keygate-tenant"))).isEqualTo("acme");
    assertThat(seen.get(key("x-keygate-attestation-key"))).isEqualTo(keyId);
    assertThat(seen.get(key("x-keygate-attestation"))).isNotBlank();
    assertThat(BackendAttestor.keyId(gw.hsm.publicKey(ATTESTATION_KEY))).isEqualTo(keyId);
  }

  @Test
  void aCallStraightToTheBackend_claimingATenant_isRefused() throws Exception {
    Metadata claimed = new Metadata();
    claimed.put(key("x-keygate-tenant"), "acme");
    claimed.put(key("x-keygate-app"), "acme-app");
    claimed.put(key("x-keygate-request-id"), "made-up");

    StatusRuntimeException refused = direct(claimed, "pay 1000000 EUR to mallory");

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refused.getTrailers().get(key("x-keygate-backend-error")))
        .isEqualTo("AttestationMissing");
  }

  @Test
  void capturedGatewayHeaders_sentAgainStraightToTheBackend_areRefused() throws Exception {
    echo(gw.signedChannel(gw.acmeKey), "pay 1 EUR to bob");
    Metadata captured = gatewayHeadersOf(gw.backendHeaders.poll(10, TimeUnit.SECONDS));

    StatusRuntimeException sameBody = direct(captured, "pay 1 EUR to bob");
    Metadata renamed = gatewayHeadersOf(captured);
    renamed.discardAll(key("x-keygate-request-id"));
    renamed.put(key("x-keygate-request-id"), "a-fresh-id");
    StatusRuntimeException freshId = direct(renamed, "pay 1 EUR to bob");

    assertThat(sameBody.getTrailers().get(key("x-keygate-backend-error")))
        .isEqualTo("AttestationReplayed");
    assertThat(freshId.getTrailers().get(key("x-keygate-backend-error")))
        .isEqualTo("AttestationInvalid");
  }

  @Test
  void aBodyChangedBetweenGatewayAndBackend_isRefused() throws Exception {
    StatusRuntimeException refused = catchThrowableOfType(
        () -> echo(tampering(gw.signedChannel(gw.acmeKey), "body"), "pay 1 EUR to bob"),
        StatusRuntimeException.class);

    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refused.getStatus().getDescription())
        .isEqualTo("the message is not the one the gateway attested");
  }

  @Test
  void aTenantChangedBetweenGatewayAndBackend_isRefused() throws Exception {
    StatusRuntimeException refused = catchThrowableOfType(
        () -> echo(tampering(gw.signedChannel(gw.acmeKey), "tenant"), "hello"),
        StatusRuntimeException.class);

    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refused.getStatus().getDescription()).isEqualTo("the attestation does not verify");
  }

  private static EchoResponse echo(Channel channel, String message) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build());
  }

  private static Channel tampering(Channel channel, String what) {
    Metadata ask = new Metadata();
    ask.put(TAMPER, what);
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(ask));
  }

  /** A call that bypasses the gateway: plaintext, straight to acme's backend. */
  private static StatusRuntimeException direct(Metadata headers, String message) throws Exception {
    ManagedChannel channel = NettyChannelBuilder
        .forAddress("127.0.0.1", gw.acmeBackend.getPort()).usePlaintext().build();
    try {
      StatusRuntimeException refused = catchThrowableOfType(
          () -> echo(ClientInterceptors.intercept(channel,
              MetadataUtils.newAttachHeadersInterceptor(headers)), message),
          StatusRuntimeException.class);
      assertThat(refused).as("a call that bypassed the gateway").isNotNull();
      return refused;
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Only the gateway's headers (x-keygate-*), as an eavesdropper on the hop would copy them. */
  private static Metadata gatewayHeadersOf(Metadata seen) {
    Metadata copy = new Metadata();
    for (String name : seen.keys()) {
      if (name.startsWith("x-keygate-")) {
        copy.put(key(name), seen.get(key(name)));
      }
    }
    return copy;
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** On the hop: changes a call's first message or its tenant when the client asks it to. */
  private static final class Tamperer implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String what = headers.get(TAMPER);
      if ("tenant".equals(what)) {
        headers.discardAll(key("x-keygate-tenant"));
        headers.put(key("x-keygate-tenant"), "globex");
      }
      ServerCall.Listener<Q> listener = next.startCall(call, headers);
      if (!"body".equals(what)) {
        return listener;
      }
      return new SimpleForwardingServerCallListener<Q>(listener) {
        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Q message) {
          byte[] bytes = ((byte[]) message).clone();
          bytes[bytes.length - 1] ^= 1; // "bob" becomes "boc"
          super.onMessage((Q) bytes);
        }
      };
    }
  }
}
