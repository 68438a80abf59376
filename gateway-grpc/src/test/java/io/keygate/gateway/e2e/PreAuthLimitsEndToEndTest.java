package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.dataplane.PreAuthSettings;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an unauthenticated call may cost: its first message is bounded on the wire and when
 * inflated, it must arrive in time, and a nonce takes room in the store only once the call was
 * authorized, within its AccessKey's share. Each attack is followed by a legitimate call from
 * another connection, which must still get through.
 */
class PreAuthLimitsEndToEndTest {
  private static final int LIMIT = PreAuthSettings.DEFAULT_MAX_FIRST_MESSAGE_BYTES;
  private static final int NONCE_SHARE = 3;
  private static final String PATH = "/" + GatewayFixture.ECHO;

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s
            .withPreAuth(new PreAuthSettings(LIMIT, Duration.ofMillis(500)))
            .withNonceShare(NONCE_SHARE))
        .start("gateway", List.of());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @AfterEach
  void aLegitimateClientStillGetsThrough() throws Exception {
    // A fresh credential each time: acme's own key may have used up its nonce share.
    InClear fresh = freshAcmeKey();
    EchoRequest body = EchoRequest.newBuilder().setMessage("still serving").build();
    assertThat(EchoServiceGrpc.newBlockingStub(gw.signedChannel(fresh))
            .withDeadlineAfter(10, TimeUnit.SECONDS).echo(body).getMessage())
        .isEqualTo("still serving");
  }

  private static InClear freshAcmeKey() throws Exception {
    InClear c =
        new CredentialIssuer(gw.hsm, gw.store, new SecureRandom()).issue("acme", "acme-app", null);
    gw.gateway.refreshConfiguration();
    return c;
  }

  private static RawCalls.Ended signedCall(byte[] body, CallOptions options) throws Exception {
    var headers = RawCalls.signed(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(),
        Clock.systemUTC(), PATH, "localhost:" + gw.gateway.port(), body);
    return RawCalls.start(gw.channel(), GatewayFixture.ECHO, RawCalls.metadata(headers), options,
            true, body)
        .get(20, TimeUnit.SECONDS);
  }

  private static byte[] echoBody(int size) {
    byte[] text = new byte[size];
    new Random(7).nextBytes(text);
    return EchoRequest.newBuilder()
        .setMessage(java.util.Base64.getEncoder().encodeToString(text)).build().toByteArray();
  }

  @Test
  void firstMessageLargerThanThePreAuthLimit_isRefusedWithPreAuthMessageTooLarge()
      throws Exception {
    // Signed correctly: before the limit the gateway read, hashed and forwarded all of it.
    assertThat(signedCall(echoBody(1 << 20), RawCalls.deadline(15)))
        .isEqualTo(RawCalls.Ended.of(GatewayError.PREAUTH_MESSAGE_TOO_LARGE));
  }

  @Test
  void gzipBomb_isRefusedBeforeItInflatesPastTheLimit() throws Exception {
    // 8 MiB of zeros: about 8 KiB on the wire, far below the limit until it is inflated.
    byte[] zeros = new byte[8 << 20];
    assertThat(signedCall(zeros, RawCalls.deadline(15).withCompression("gzip")))
        .isEqualTo(RawCalls.Ended.of(GatewayError.PREAUTH_MESSAGE_TOO_LARGE));
  }

  @Test
  void compressedFirstMessageWithinTheLimit_isServed() throws Exception {
    byte[] body = EchoRequest.newBuilder().setMessage("small, compressed").build().toByteArray();
    assertThat(signedCall(body, RawCalls.deadline(15).withCompression("gzip")).status())
        .isEqualTo(io.grpc.Status.Code.OK);
  }

  @Test
  void callThatNeverSendsItsFirstMessage_isEndedWithFirstMessageTimeout() throws Exception {
    byte[] body = echoBody(16);
    var headers = RawCalls.signed(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(),
        Clock.systemUTC(), PATH, "localhost:" + gw.gateway.port(), body);
    CompletableFuture<RawCalls.Ended> stalled = RawCalls.start(gw.channel(),
        GatewayFixture.ECHO, RawCalls.metadata(headers), RawCalls.deadline(15), false);
    assertThat(stalled.get(20, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.FIRST_MESSAGE_TIMEOUT));
  }

  @Test
  void laterMessagesOfAnAuthenticatedCall_mayExceedThePreAuthLimit() throws Exception {
    CompletableFuture<EchoResponse> answer = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(gw.signedChannel(gw.acmeKey))
        .withDeadlineAfter(15, TimeUnit.SECONDS)
        .collect(new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(EchoRequest.newBuilder().setMessage("small first").build());
    requests.onNext(EchoRequest.newBuilder().setMessage("x".repeat(LIMIT * 4)).build());
    requests.onCompleted();
    assertThat(answer.get(20, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void refusedCallsTakeNoNonceRoom_andOneKeyFloodingItsShareLeavesOthersServed()
      throws Exception {
    // globex-app is not authorized for acme's Echo: more refused calls than its share, and each
    // stays PERMISSION_DENIED (before the fix, the nonce was recorded first: NonceStoreUnavailable).
    Channel globex = gw.signedChannel(gw.globexKey);
    EchoRequest body = EchoRequest.newBuilder().setMessage("flood").build();
    for (int i = 0; i < NONCE_SHARE + 2; i++) {
      assertRefused(() -> EchoServiceGrpc.newBlockingStub(globex)
          .withDeadlineAfter(10, TimeUnit.SECONDS).echo(body), GatewayError.CROSS_TENANT);
    }
    // Key A fills its own share...
    InClear keyA = freshAcmeKey();
    Channel a = gw.signedChannel(keyA);
    for (int i = 0; i < NONCE_SHARE; i++) {
      EchoServiceGrpc.newBlockingStub(a).withDeadlineAfter(10, TimeUnit.SECONDS).echo(body);
    }
    assertRefused(() -> EchoServiceGrpc.newBlockingStub(a)
        .withDeadlineAfter(10, TimeUnit.SECONDS).echo(body), GatewayError.NONCE_STORE_UNAVAILABLE);
    // ...and key B is served (the @AfterEach call is a third key).
    Channel b = gw.signedChannel(gw.acmeKey);
    assertThat(EchoServiceGrpc.newBlockingStub(b).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(body).getMessage()).isEqualTo("flood");
  }
}
