package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.dataplane.CallLimits;
import io.keygate.gateway.dataplane.DataPlaneLoad;
import io.keygate.gateway.dataplane.PreAuthSettings;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many calls the gateway holds open, and what calls that are not authenticated yet may hold
 * together: per connection, per AccessKey, and per node (calls waiting for their first message,
 * and the bytes of first messages they buffer). Each test attacks one limit over real TLS and a
 * real token, checks that a legitimate client on another connection is served meanwhile, and,
 * once the attack's calls have ended, that the node holds nothing any more.
 */
class CallLimitsEndToEndTest {
  private static final int PER_CONNECTION = 4;
  private static final int PER_KEY = 3;
  private static final int NODE_CALLS = 8;
  private static final int NODE_BYTES = 256 << 10;
  private static final String PATH = "/" + GatewayFixture.ECHO;
  private static final byte[] BODY =
      EchoRequest.newBuilder().setMessage("attack").build().toByteArray();

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static LoadWatch load;
  private final List<Runnable> endAttack = new ArrayList<>();

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withSettings(s -> s
            // A long first-message timeout: only the limits under test end the attack's calls.
            .withPreAuth(new PreAuthSettings(PreAuthSettings.DEFAULT_MAX_FIRST_MESSAGE_BYTES,
                Duration.ofSeconds(60), NODE_BYTES, NODE_CALLS))
            .withCallLimits(CallLimits.defaults().withOpenCalls(PER_CONNECTION, PER_KEY)))
        .start("gateway", List.of());
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
  void theAttacksCallsEnd_andTheNodeHoldsNothingAfterwards() throws Exception {
    endAttack.forEach(Runnable::run);
    load.untilIdle();
    assertServed(gw.acmeKey);
    load.untilIdle();
  }

  @Test
  void oneConnection_hasAtMostItsLimitOfCallsOpen_whileAnotherConnectionIsServed()
      throws Exception {
    ManagedChannel attacker = gw.channel();
    List<RawCalls.Stalled> stalled = new ArrayList<>();
    for (int i = 0; i < PER_CONNECTION; i++) {
      stalled.add(stall(attacker));
    }
    load.until("the connection's calls waiting", l -> l.unauthenticatedCalls() == PER_CONNECTION);

    // A complete, valid call on the same connection: the client must hold it back.
    CompletableFuture<RawCalls.Ended> queued = RawCalls.start(attacker, GatewayFixture.ECHO,
        RawCalls.metadata(signed(gw.acmeKey, BODY)), RawCalls.deadline(60), true, BODY);
    assertServed(gw.acmeKey);

    assertThat(queued)
        .as("queued behind the connection's limit (another connection was served meanwhile)")
        .isNotDone();
    assertThat(gw.gateway.dataPlaneLoad().unauthenticatedCalls()).isEqualTo(PER_CONNECTION);
    // One of the connection's calls ends (it sends the message it signed and is answered).
    stalled.get(0).finish(BODY);
    assertThat(stalled.get(0).ended().get(20, TimeUnit.SECONDS))
        .isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
    assertThat(queued.get(20, TimeUnit.SECONDS)).isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
  }

  @Test
  void oneAccessKey_hasAtMostItsLimitOfCallsOpen_andEachWayACallEndsGivesItsPlaceBack()
      throws Exception {
    InClear busy = freshAcmeKey();
    List<OpenCollect> open = new ArrayList<>();
    for (int i = 0; i < PER_KEY; i++) {
      OpenCollect call = OpenCollect.start(gw.signedChannel(busy), "call " + i);
      endAttack.add(() -> call.requests().cancel("the test is over", null));
      open.add(call);
    }
    load.until("the key's calls open", l -> l.keyedCalls() == PER_KEY);

    Channel oneMore = gw.signedChannel(busy);
    assertRefused(() -> echo(oneMore, "one too many"), GatewayError.TOO_MANY_CALLS);
    assertServed(freshAcmeKey()); // another key of the same app
    load.until("the refused call holds no place", l -> l.keyedCalls() == PER_KEY);

    // Completed: half-closed, answered.
    open.get(0).requests().onCompleted();
    assertThat(open.get(0).answer().get(20, TimeUnit.SECONDS).getMessage()).isEqualTo("call 0");
    // Cancelled by its client.
    open.get(1).requests().cancel("client gives up", null);
    // Ended by the gateway with an error: a later message over the listener's 16 MiB limit.
    open.get(2).requests().onNext(
        EchoRequest.newBuilder().setMessage("x".repeat((16 << 20) + 1)).build());
    // Which status the client sees depends on how the transport's reset reaches it first (the
    // listener's size error, the reset as a cancel, or the stream closed under it); what matters
    // here is that the call ended with an error and its place comes back.
    assertThat(Status.fromThrowable(open.get(2).failure()).getCode())
        .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    load.until("every place given back", l -> l.keyedCalls() == 0);

    // Refused after its place was taken (a replay: the nonce is checked last): given back too.
    byte[] body = EchoRequest.newBuilder().setMessage("once").build().toByteArray();
    Metadata replayed = RawCalls.metadata(signed(busy, body));
    assertThat(RawCalls.start(gw.channel(), GatewayFixture.ECHO, replayed, RawCalls.deadline(10),
        true, body).get(20, TimeUnit.SECONDS)).isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
    assertThat(RawCalls.start(gw.channel(), GatewayFixture.ECHO, replayed, RawCalls.deadline(10),
        true, body).get(20, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.REPLAYED_NONCE));
    load.until("the replay's place given back", l -> l.keyedCalls() == 0);
    for (int i = 0; i < PER_KEY; i++) {
      assertServed(busy); // the key has all its places again
    }
  }

  @Test
  void callsThatOnlyNameAKey_takeNoneOfItsPlaces() throws Exception {
    // More calls than the key's limit name acme's key with well-formed signature headers, and
    // never send the message the signature covers: only someone with the secret could.
    ManagedChannel impostor = gw.channel();
    for (int i = 0; i <= PER_KEY; i++) {
      stall(impostor);
    }
    load.until("the impostors waiting", l -> l.unauthenticatedCalls() == PER_KEY + 1);

    assertServed(gw.acmeKey);
    assertThat(gw.gateway.dataPlaneLoad().unauthenticatedCalls()).isEqualTo(PER_KEY + 1);
  }

  @Test
  void stalledCallsPastTheNodesLimit_pushOutTheOldest_soANewClientIsServed() throws Exception {
    List<RawCalls.Stalled> older = new ArrayList<>();
    for (int c = 0; c < NODE_CALLS / PER_CONNECTION; c++) {
      ManagedChannel channel = gw.channel();
      for (int i = 0; i < PER_CONNECTION; i++) {
        older.add(stall(channel));
      }
    }
    load.until("the node full of stalled calls", l -> l.unauthenticatedCalls() == NODE_CALLS);
    CountDownLatch pushedOut = new CountDownLatch(2);
    older.forEach(call -> call.ended().thenRun(pushedOut::countDown));

    ManagedChannel newcomers = gw.channel();
    List<RawCalls.Stalled> newer = List.of(stall(newcomers), stall(newcomers));

    assertThat(pushedOut.await(20, TimeUnit.SECONDS)).as("two old calls pushed out").isTrue();
    List<RawCalls.Ended> ended = older.stream()
        .filter(call -> call.ended().isDone()).map(call -> call.ended().join()).toList();
    assertThat(ended).containsExactly(
        RawCalls.Ended.of(GatewayError.PREAUTH_CAPACITY_EXHAUSTED),
        RawCalls.Ended.of(GatewayError.PREAUTH_CAPACITY_EXHAUSTED));
    assertThat(newer).noneMatch(call -> call.ended().isDone());
    assertThat(gw.gateway.dataPlaneLoad().unauthenticatedCalls()).isEqualTo(NODE_CALLS);

    assertServed(gw.acmeKey); // pushes out one more stalled call on its way through
  }

  @Test
  void largeFirstMessagesThatStall_pastTheNodesBytes_areRefused_whileSmallOnesAreServed()
      throws Exception {
    // Each stream sends 48 KiB of a 60 KiB first message (under the 64 KiB limit per call) and
    // waits: 44 KiB each beyond the free 4 KiB, so five fit in the node's 256 KiB, seven do not.
    int streams = 7;
    List<StallingClient.Stalled> stalled = new ArrayList<>();
    CountDownLatch refused = new CountDownLatch(2);
    for (int c = 0; stalled.size() < streams; c++) {
      StallingClient connection = new StallingClient(gw.gateway.port(), gw.gatewayCert);
      endAttack.add(connection::close);
      for (int i = 0; i < PER_CONNECTION && stalled.size() < streams; i++) {
        StallingClient.Stalled stream =
            connection.stall(PATH, signed(gw.acmeKey, BODY), 60 << 10, 48 << 10);
        stream.ended().thenRun(refused::countDown);
        stalled.add(stream);
      }
    }

    assertThat(refused.await(20, TimeUnit.SECONDS)).as("streams refused").isTrue();
    assertThat(stalled.stream().filter(s -> s.ended().isDone()).map(s -> s.ended().join()))
        .isNotEmpty()
        .allMatch(RawCalls.Ended.of(GatewayError.PREAUTH_CAPACITY_EXHAUSTED)::equals);
    DataPlaneLoad held = gw.gateway.dataPlaneLoad();
    assertThat(held.unauthenticatedBytes()).isPositive().isLessThanOrEqualTo(NODE_BYTES);

    assertServed(gw.acmeKey); // a small first message needs nothing from the budget
    stalled.forEach(StallingClient.Stalled::cancel);
  }

  // --- helpers

  /** A call with well-formed, signed headers that never sends its first message. */
  private RawCalls.Stalled stall(Channel channel) {
    RawCalls.Stalled call = RawCalls.stall(channel, GatewayFixture.ECHO,
        RawCalls.metadata(signed(gw.acmeKey, BODY)), RawCalls.deadline(60));
    endAttack.add(call::cancel);
    return call;
  }

  private static Map<String, String> signed(InClear key, byte[] body) {
    return RawCalls.signed(key.accessKey(), key.secret().unsafeCopy(), Clock.systemUTC(), PATH,
        "localhost:" + gw.gateway.port(), body);
  }

  private static InClear freshAcmeKey() throws Exception {
    InClear c =
        new CredentialIssuer(gw.hsm, gw.store, new SecureRandom()).issue("acme", "acme-app", null);
    gw.gateway.refreshConfiguration();
    return c;
  }

  private static EchoResponse echo(Channel channel, String text) {
    return EchoServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(text).build());
  }

  /** A legitimate client on a connection of its own, served within its call's deadline. */
  private static void assertServed(InClear key) throws Exception {
    assertThat(echo(gw.signedChannel(key), "legitimate").getMessage()).isEqualTo("legitimate");
  }
}
