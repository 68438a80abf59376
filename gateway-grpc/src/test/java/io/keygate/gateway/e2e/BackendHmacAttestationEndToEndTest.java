package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.grpc.stub.StreamObserver;
import io.keygate.backend.AttestationVerifier;
import io.keygate.backend.AttestedServices;
import io.keygate.backend.TrustedGatewayKeys;
import io.keygate.gateway.attestation.AttestationKeys;
import io.keygate.gateway.attestation.BackendAttestor;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node with KEYGATE_BACKEND_ATTESTATION_HMAC: acme's and globex's backends each share their own
 * HMAC-SHA256 key with the gateway's token, imported as a sensitive, non-extractable key (the
 * backend's operator keeps the other copy), and verify with the backend-verifier module. Tried as
 * an attacker would: straight to the backend, a body or tenant changed on the hop, and a forged
 * call from someone holding the other backend's key.
 */
class BackendHmacAttestationEndToEndTest {
  private static final KeyLabel ACME_HMAC = KeyLabel.of("acme-backend-hmac");
  private static final KeyLabel GLOBEX_HMAC = KeyLabel.of("globex-backend-hmac");
  private static final Metadata.Key<String> TAMPER =
      Metadata.Key.of("x-test-tamper", Metadata.ASCII_STRING_MARSHALLER);

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  /** The backends' copies (what keystore-admin wrote to their operators' 0600 files). */
  static byte[] acmeKey;
  static byte[] globexKey;
  static final List<String> logged = new ArrayList<>();
  static Handler capture;

  @BeforeAll
  static void start() throws Exception {
    SecureRandom random = new SecureRandom();
    acmeKey = new byte[32];
    globexKey = new byte[32];
    random.nextBytes(acmeKey);
    random.nextBytes(globexKey);
    capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (logged) {
          logged.add(String.valueOf(record.getMessage()));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(capture);
    GatewayFixture fixture = new GatewayFixture(tokens);
    gw = fixture
        .withBackendServicesByName((f, name) -> {
          try {
            boolean acme = name.equals("acme-backend");
            f.hsm.importHmacSecret(acme ? ACME_HMAC : GLOBEX_HMAC,
                SecretBytes.copyOf(acme ? acmeKey : globexKey));
            AttestationVerifier verifier =
                new AttestationVerifier(TrustedGatewayKeys.hmac(acme ? acmeKey : globexKey));
            return service -> ServerInterceptors.intercept(
                AttestedServices.protect(service, verifier), new Tamperer());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        })
        // Asked once both backends listen, so their targets are known.
        .withBuilder(b -> b.backendAttestation(AttestationKeys.NONE.withHmac(Map.of(
            BackendTarget.parse("127.0.0.1:" + fixture.acmeBackend.getPort()), ACME_HMAC,
            BackendTarget.parse("dns:///127.0.0.1:" + fixture.globexBackend.getPort()),
            GLOBEX_HMAC))))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stop() throws Exception {
    Logger.getLogger("").removeHandler(capture);
    if (gw != null) {
      gw.close();
    }
  }

  @BeforeEach
  void forgetEarlierHeaders() {
    gw.backendHeaders.clear();
  }

  @Test
  void aCallThroughTheGateway_isMacedWithItsBackendsKey_andAccepted() throws Exception {
    assertThat(echo(gw.signedChannel(gw.acmeKey), "hello").getMessage()).contains("hello");
    Metadata acmeSeen = gw.backendHeaders.poll(10, TimeUnit.SECONDS);
    assertThat(acmeSeen.get(key("x-keygate-attestation-key")))
        .isEqualTo(TrustedGatewayKeys.hmacKeyId(acmeKey)).startsWith("hmac-");
    assertThat(Base64.getDecoder().decode(acmeSeen.get(key("x-keygate-attestation"))))
        .hasSize(32);

    Channel globex = gw.signedChannel(gw.globexKey, DemoTenants.GLOBEX_DOMAIN);
    assertThat(chatOnce(globex, "hi").getMessage()).contains("hi");
    assertThat(gw.backendHeaders.poll(10, TimeUnit.SECONDS).get(key("x-keygate-attestation-key")))
        .isEqualTo(TrustedGatewayKeys.hmacKeyId(globexKey));
  }

  @Test
  void aCallStraightToTheBackend_isRefused() throws Exception {
    Metadata claimed = new Metadata();
    claimed.put(key("x-keygate-tenant"), "acme");
    claimed.put(key("x-keygate-app"), "acme-app");
    claimed.put(key("x-keygate-request-id"), "made-up");

    StatusRuntimeException refused = direct(gw.acmeBackend.getPort(), claimed, "pay mallory");

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refused.getTrailers().get(key("x-keygate-backend-error")))
        .isEqualTo("AttestationMissing");
  }

  @Test
  void aBodyOrTenantChangedBetweenGatewayAndBackend_isRefused() throws Exception {
    StatusRuntimeException body = catchThrowableOfType(
        () -> echo(tampering(gw.signedChannel(gw.acmeKey), "body"), "pay 1 EUR to bob"),
        StatusRuntimeException.class);
    StatusRuntimeException tenant = catchThrowableOfType(
        () -> echo(tampering(gw.signedChannel(gw.acmeKey), "tenant"), "hello"),
        StatusRuntimeException.class);

    assertThat(body).isNotNull();
    assertThat(body.getStatus().getDescription())
        .isEqualTo("the message is not the one the gateway attested");
    assertThat(tenant).isNotNull();
    assertThat(tenant.getStatus().getDescription()).isEqualTo("the attestation does not verify");
  }

  @Test
  void whoeverHoldsAnotherBackendsKey_cannotForgeACallToThisOne() throws Exception {
    echo(gw.signedChannel(gw.acmeKey), "learn the api id");
    String api = gw.backendHeaders.poll(10, TimeUnit.SECONDS).get(key("x-keygate-api"));
    String method = "/" + EchoServiceGrpc.getEchoMethod().getFullMethodName();
    String message = "pay 1000000 EUR to mallory";

    // Globex's backend (or its operator) holds globexKey and forges a call to acme's backend.
    Metadata asItself = forged(globexKey, TrustedGatewayKeys.hmacKeyId(globexKey), method, api,
        message, "forged-1");
    Metadata asAcmesKey = forged(globexKey, TrustedGatewayKeys.hmacKeyId(acmeKey), method, api,
        message, "forged-2");
    // The same forgery with acme's own key is accepted: the refusals are the key's, not the form's.
    Metadata genuine = forged(acmeKey, TrustedGatewayKeys.hmacKeyId(acmeKey), method, api,
        "control", "forged-3");

    int acme = gw.acmeBackend.getPort();
    assertThat(direct(acme, asItself, message).getTrailers().get(key("x-keygate-backend-error")))
        .isEqualTo("AttestationKeyUnknown");
    assertThat(direct(acme, asAcmesKey, message).getTrailers().get(key("x-keygate-backend-error")))
        .isEqualTo("AttestationInvalid");
    assertThat(echo(withHeaders(plaintext(acme), genuine), "control").getMessage())
        .contains("control");
  }

  @Test
  void theTokensHmacKeys_areSensitiveAndNeverExtractable() throws Exception {
    for (KeyLabel label : List.of(ACME_HMAC, GLOBEX_HMAC)) {
      KeyInfo info = gw.hsm.describeKey(label).orElseThrow();
      assertThat(info.sensitive()).as(label + " CKA_SENSITIVE").isTrue();
      assertThat(info.extractable()).as(label + " CKA_EXTRACTABLE").isFalse();
      assertThat(info.tokenObject()).as(label + " CKA_TOKEN").isTrue();
    }
  }

  @Test
  void theKeysBytes_appearInNoLogToStringOrError() throws Exception {
    List<String> texts = new ArrayList<>();
    synchronized (logged) {
      texts.addAll(logged);
    }
    assertThat(texts).as("the node said which key MACs which backend")
        .anyMatch(line -> line.contains("MACed by " + ACME_HMAC));
    AttestationKeys keys = AttestationKeys.NONE.withHmac(
        Map.of(BackendTarget.parse("127.0.0.1:" + gw.acmeBackend.getPort()), ACME_HMAC));
    texts.add(keys.toString());
    texts.add(BackendAttestor.inToken(gw.hsm, Optional.empty(), keys.hmac(), Clock.systemUTC())
        .toString());
    texts.add(TrustedGatewayKeys.hmac(acmeKey, globexKey).toString());
    Map<BackendTarget, KeyLabel> missing =
        Map.of(BackendTarget.parse("127.0.0.1:1"), KeyLabel.of("no-such-hmac"));
    assertThatThrownBy(() -> BackendAttestor.inToken(gw.hsm, Optional.empty(), missing,
        Clock.systemUTC())).as("a node whose key is missing does not start")
        .isInstanceOf(KeyNotFoundException.class)
        .satisfies(e -> texts.add(String.valueOf(e)));
    for (byte[] secret : List.of(acmeKey, globexKey)) {
      String hex = HexFormat.of().formatHex(secret);
      String b64 = Base64.getEncoder().encodeToString(secret);
      assertThat(texts).noneMatch(t -> t.toLowerCase().contains(hex) || t.contains(b64));
    }
  }

  /** Headers as the gateway would send them to acme's backend, MACed with {@code key}. */
  private static Metadata forged(byte[] key, String keyId, String method, String api,
      String message, String requestId) throws Exception {
    String timestamp = Long.toString(System.currentTimeMillis());
    String digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(EchoRequest.newBuilder().setMessage(message).build().toByteArray()));
    String text = String.join("\n", "keygate-backend-attestation-v1", method, "acme",
        "acme-app", api, requestId, timestamp, digest);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    Metadata h = new Metadata();
    h.put(key("x-keygate-tenant"), "acme");
    h.put(key("x-keygate-app"), "acme-app");
    h.put(key("x-keygate-api"), api);
    h.put(key("x-keygate-request-id"), requestId);
    h.put(key("x-keygate-timestamp"), timestamp);
    h.put(key("x-keygate-content-sha256"), digest);
    h.put(key("x-keygate-attestation-key"), keyId);
    h.put(key("x-keygate-attestation"), Base64.getEncoder().encodeToString(
        mac.doFinal(text.getBytes(StandardCharsets.US_ASCII))));
    return h;
  }

  private static EchoResponse echo(Channel channel, String message) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(message).build());
  }

  /** globex's one API is Chat (bidi): one message, half-close, the first reply. */
  private static EchoResponse chatOnce(Channel channel, String message) throws Exception {
    CompletableFuture<EchoResponse> first = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).chat(new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse reply) {
            first.complete(reply);
          }

          @Override
          public void onError(Throwable t) {
            first.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            first.completeExceptionally(new AssertionError("no reply"));
          }
        });
    out.onNext(EchoRequest.newBuilder().setMessage(message).build());
    out.onCompleted();
    return first.get(10, TimeUnit.SECONDS);
  }

  private static Channel tampering(Channel channel, String what) {
    Metadata ask = new Metadata();
    ask.put(TAMPER, what);
    return withHeaders(channel, ask);
  }

  private static Channel withHeaders(Channel channel, Metadata headers) {
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static final List<ManagedChannel> direct = new ArrayList<>();

  private static ManagedChannel plaintext(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    synchronized (direct) {
      direct.add(channel);
    }
    return channel;
  }

  @AfterAll
  static void closeDirectChannels() throws Exception {
    for (ManagedChannel channel : direct) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** A call that bypasses the gateway: plaintext, straight to a backend. */
  private static StatusRuntimeException direct(int port, Metadata headers, String message) {
    StatusRuntimeException refused = catchThrowableOfType(
        () -> echo(withHeaders(plaintext(port), headers), message), StatusRuntimeException.class);
    assertThat(refused).as("a call that bypassed the gateway").isNotNull();
    return refused;
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
          bytes[bytes.length - 1] ^= 1;
          super.onMessage((Q) bytes);
        }
      };
    }
  }
}
