package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.dataplane.CallLimits;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10: calls on one API cannot starve calls on unrelated APIs. Each API may have a bounded
 * number of calls open on a node (KEYGATE_MAX_CALLS_PER_API); past it a call is refused
 * RESOURCE_EXHAUSTED ApiBusy, while the node's other APIs are served, and the API serves again
 * as soon as its calls end, however they end. Over real TLS, a real token and a real backend
 * that holds client-streaming calls open until their client half-closes.
 */
class CallsPerApiEndToEndTest {
  private static final int PER_API = 3;
  /** An API without authentication, on acme's domain: the backend's Chat, held until half-close. */
  private static final String PUBLIC_API = "api-public-chat";

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static LoadWatch load;
  /** Signature checks that reached the token. */
  static final java.util.concurrent.atomic.AtomicInteger signatureChecks =
      new java.util.concurrent.atomic.AtomicInteger();
  private final List<Runnable> endCalls = new ArrayList<>();

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s.withCallLimits(CallLimits.defaults().withPerApi(PER_API)))
        .withMacVerifier(token -> (credential, data, mac) -> {
          signatureChecks.incrementAndGet();
          token.verify(credential, data, mac);
        })
        .start("gateway", List.of());
    gw.registerPublicChat(PUBLIC_API);
    load = new LoadWatch(gw.gateway::dataPlaneLoad);
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (load != null) {
      load.close();
    }
    if (gw != null) {
      gw.close();
    }
  }

  @AfterEach
  void everyCallEnds_andTheNodeHoldsNothingAfterwards() throws Exception {
    endCalls.forEach(Runnable::run);
    load.untilIdle();
  }

  @Test
  void aSaturatedApi_isRefusedApiBusy_whileOtherApisAreServed_andServesAgainOnceItsCallsEnd()
      throws Exception {
    List<OpenCollect> held = new ArrayList<>();
    for (int i = 0; i < PER_API; i++) {
      held.add(holdCollect(gw.acmeKey, "held " + i));
    }
    load.until("the API's calls open", l -> l.apiCalls() == PER_API);

    // Another key of the same app, on a connection of its own: the API is what is full.
    InClear otherKey = freshAcmeKey();
    int checksBefore = signatureChecks.get();
    assertThat(collectOnce(otherKey, "one too many")).isEqualTo(RawCalls.Ended.of(GatewayError.API_BUSY));
    // Refused before the HSM: a flood on a full API does not take the token from other APIs.
    assertThat(signatureChecks.get()).isEqualTo(checksBefore);
    assertThat(echo(gw.signedChannel(otherKey), "another API")).isEqualTo("another API");
    assertThat(echo(gw.signedChannel(gw.acmeKey), "same key, another API"))
        .isEqualTo("same key, another API");
    assertThat(chatOnce(gw.channel(), "public")).isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
    load.until("the refusal holds no place", l -> l.apiCalls() == PER_API && l.keyedCalls() == PER_API);

    // Completed: half-closed and answered.
    held.get(0).requests().onCompleted();
    assertThat(held.get(0).answer().get(20, TimeUnit.SECONDS).getMessage()).isEqualTo("held 0");
    // Cancelled by its client.
    held.get(1).requests().cancel("the client gives up", null);
    // Ended with an error: a later message over the gateway's 16 MiB limit (which status the
    // client sees depends on how the transport's reset reaches it; CallLimitsEndToEndTest).
    held.get(2).requests().onNext(
        EchoRequest.newBuilder().setMessage("x".repeat((16 << 20) + 1)).build());
    assertThat(Status.fromThrowable(held.get(2).failure()).getCode())
        .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    load.until("every place given back", l -> l.apiCalls() == 0);

    assertThat(collectOnce(otherKey, "served again")).isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
    assertExactlyTheLimitFitsAgain();
  }

  @Test
  void callsEndedByTheirDeadline_orARevocation_giveTheirPlaceBack_once() throws Exception {
    InClear revoked = freshAcmeKey();
    OpenCollect ofRevoked = holdCollect(revoked, "revoked");
    holdCollect(gw.acmeKey, "kept");
    load.until("two calls open", l -> l.apiCalls() == PER_API - 1);
    // Last, and with room: it must be open (counted) before its deadline passes, on a busy
    // machine too.
    OpenCollect past = OpenCollect.start(gw.signedChannel(gw.acmeKey), "deadline", 10);
    load.until("the API's calls open", l -> l.apiCalls() == PER_API);
    assertThat(collectOnce(freshAcmeKey(), "one too many"))
        .isEqualTo(RawCalls.Ended.of(GatewayError.API_BUSY));

    // Its deadline passes while the backend holds it.
    assertThat(Status.fromThrowable(past.failure()).getCode())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // Its credential is revoked: the node ends it (docs/operations.md, revocation of open calls).
    gw.store.revokeCredential("acme", revoked.accessKey());
    gw.gateway.refreshConfiguration();
    assertThat(Status.fromThrowable(ofRevoked.failure()).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    load.until("the ended calls' places given back", l -> l.apiCalls() == 1);

    // Given back once each: one call still holds its place, so only PER_API - 1 more fit.
    List<OpenCollect> more = new ArrayList<>();
    for (int i = 1; i < PER_API; i++) {
      more.add(holdCollect(gw.acmeKey, "more " + i));
    }
    load.until("the API full again", l -> l.apiCalls() == PER_API);
    assertThat(collectOnce(freshAcmeKey(), "one too many"))
        .isEqualTo(RawCalls.Ended.of(GatewayError.API_BUSY));
  }

  @Test
  void anApiWithoutAuthentication_isLimitedToo_andCannotStarveSignedApis() throws Exception {
    // Anyone may call it: each call holds its place from its headers on, without a message.
    List<RawCalls.Stalled> held = new ArrayList<>();
    for (int i = 0; i < PER_API; i++) {
      RawCalls.Stalled call = RawCalls.stall(
          gw.channel(), DemoTenants.CHAT, new Metadata(), RawCalls.deadline(60));
      endCalls.add(call::cancel);
      held.add(call);
    }
    load.until("the public API's calls open", l -> l.apiCalls() == PER_API);

    assertThat(chatOnce(gw.channel(), "one too many"))
        .isEqualTo(RawCalls.Ended.of(GatewayError.API_BUSY));
    assertThat(echo(gw.signedChannel(gw.acmeKey), "signed")).isEqualTo("signed");
    assertThat(collectOnce(gw.acmeKey, "signed")).isEqualTo(new RawCalls.Ended(Status.Code.OK, null));

    held.get(0).finish(EchoRequest.newBuilder().setMessage("done").build().toByteArray());
    assertThat(held.get(0).ended().get(20, TimeUnit.SECONDS))
        .isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
    load.until("its place given back", l -> l.apiCalls() == PER_API - 1);
    assertThat(chatOnce(gw.channel(), "served again"))
        .isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
  }

  // --- helpers

  /** PER_API calls fit on the API, and the next is refused: no place was given back twice. */
  private void assertExactlyTheLimitFitsAgain() throws Exception {
    for (int i = 0; i < PER_API; i++) {
      holdCollect(gw.acmeKey, "again " + i);
    }
    load.until("the API full again", l -> l.apiCalls() == PER_API);
    assertThat(collectOnce(freshAcmeKey(), "one too many"))
        .isEqualTo(RawCalls.Ended.of(GatewayError.API_BUSY));
  }

  /** A Collect call, authenticated and held open by its client until the test ends it. */
  private OpenCollect holdCollect(InClear key, String first) throws Exception {
    OpenCollect call = OpenCollect.start(gw.signedChannel(key), first);
    endCalls.add(() -> call.requests().cancel("the test is over", null));
    return call;
  }

  /** A whole Collect call (one message, half-closed), signed with {@code key}. */
  private static RawCalls.Ended collectOnce(InClear key, String text) throws Exception {
    byte[] body = EchoRequest.newBuilder().setMessage(text).build().toByteArray();
    String path = "/" + DemoTenants.COLLECT;
    Metadata headers = RawCalls.metadata(RawCalls.signed(key.accessKey(), key.secret().unsafeCopy(),
        Clock.systemUTC(), path, DemoTenants.ACME_DOMAIN + ":" + gw.gateway.port(), body));
    return RawCalls.start(gw.channel(), DemoTenants.COLLECT, headers, RawCalls.deadline(10), true,
        body).get(20, TimeUnit.SECONDS);
  }

  /** A whole call of the public Chat API (one message, half-closed), without a signature. */
  private static RawCalls.Ended chatOnce(Channel channel, String text) throws Exception {
    byte[] body = EchoRequest.newBuilder().setMessage(text).build().toByteArray();
    return RawCalls.start(channel, DemoTenants.CHAT, new Metadata(), RawCalls.deadline(10), true,
        body).get(20, TimeUnit.SECONDS);
  }

  private static String echo(Channel channel, String text) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(text).build()).getMessage();
  }

  private static InClear freshAcmeKey() throws Exception {
    InClear c =
        new CredentialIssuer(gw.hsm, gw.store, new SecureRandom()).issue("acme", "acme-app", null);
    gw.gateway.refreshConfiguration();
    return c;
  }
}
