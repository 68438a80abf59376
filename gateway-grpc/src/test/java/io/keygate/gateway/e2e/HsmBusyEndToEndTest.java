package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.dataplane.CallLimits;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10: when the token cannot keep up, a signed call is refused RESOURCE_EXHAUSTED HsmBusy at
 * once instead of waiting in a growing queue, and the node serves again as soon as the token
 * does. The node runs one HSM thread with room for one more check to wait; the token is held busy
 * by a MAC check that waits on a latch the test opens (the real SoftHSM2 check runs after it).
 */
class HsmBusyEndToEndTest {
  private static final String PATH = "/" + GatewayFixture.ECHO;
  private static final String CANCELLED_ECHOES =
      "keygate_api_calls_total{api=\"api-echo\",status=\"CANCELLED\"}";

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static LoadWatch load;
  /** Held busy by the tests; its {@code held} has one entry per check that found it busy. */
  private static final ControlledToken token = new ControlledToken();

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        // Every check on the lane, as with a network HSM: this test is about the lane filling
        // (LoopChecksEndToEndTest has checks on the loops).
        .withSettings(s -> s.withCallLimits(
            CallLimits.defaults().withHsmLane(1, 1).withHsmOnLoopUnder(Duration.ZERO)))
        .withMacVerifier(token::wrap)
        .withBuilder(b -> b.prometheusEndpoint(new InetSocketAddress("127.0.0.1", 0)))
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
  void theTokenIsFree_andTheNodeHoldsNothingAfterwards() throws Exception {
    token.recover();
    load.untilIdle();
  }

  @Test
  void aFullHsmLane_refusesSignedCallsHsmBusyAtOnce_andServesAgainWhenTheTokenFrees()
      throws Exception {
    token.hang();
    CompletableFuture<RawCalls.Ended> inToken = signedEcho("in the token");
    assertThat(token.held.poll(20, TimeUnit.SECONDS)).as("the lane's one thread is held").isNotNull();

    // Three more: one waits in the lane's queue of one, the other two find it full.
    List<CompletableFuture<RawCalls.Ended>> more =
        List.of(signedEcho("more 1"), signedEcho("more 2"), signedEcho("more 3"));
    CountDownLatch twoEnded = new CountDownLatch(2);
    more.forEach(call -> call.thenRun(twoEnded::countDown));

    assertThat(twoEnded.await(20, TimeUnit.SECONDS))
        .as("two calls refused while the token is still busy").isTrue();
    assertThat(more.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
        .containsExactly(
            RawCalls.Ended.of(GatewayError.HSM_BUSY), RawCalls.Ended.of(GatewayError.HSM_BUSY));
    assertThat(inToken).isNotDone();
    assertThat(token.held).as("the queued call has not reached the token").isEmpty();
    // Counted like every refusal of a named key: the audit log's security events see the flood.
    List<String> reported = new java.util.ArrayList<>();
    gw.refusals.drainTo(reported);
    assertThat(reported).filteredOn(r -> r.endsWith(" HsmBusy")).hasSize(2)
        .allSatisfy(r -> assertThat(r).doesNotStartWith("- "));

    token.recover();
    RawCalls.Ended served = new RawCalls.Ended(Status.Code.OK, null);
    assertThat(inToken.get(20, TimeUnit.SECONDS)).isEqualTo(served);
    for (CompletableFuture<RawCalls.Ended> call : more) {
      assertThat(call.get(20, TimeUnit.SECONDS)).isIn(served, RawCalls.Ended.of(GatewayError.HSM_BUSY));
    }
    assertThat(more.stream().map(CompletableFuture::join)).containsOnlyOnce(served);
    for (int i = 0; i < 3; i++) {
      assertThat(signedEcho("served again " + i).get(20, TimeUnit.SECONDS)).isEqualTo(served);
    }
  }

  @Test
  void aClientThatLeavesWhileItsSignatureIsInTheToken_getsItsPlacesBack_onceTheCheckEnds()
      throws Exception {
    // The check passes after the client has gone: what follows it (on the client's event loop)
    // must see that, forward nothing and give back what the call held.
    token.hang();
    byte[] body = EchoRequest.newBuilder().setMessage("leaves").build().toByteArray();
    var headers = RawCalls.signed(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(),
        Clock.systemUTC(), PATH, "localhost:" + gw.gateway.port(), body);
    RawCalls.Stalled leaving = RawCalls.stall(gw.channel(), GatewayFixture.ECHO,
        RawCalls.metadata(headers), RawCalls.deadline(30));
    leaving.finish(body);
    assertThat(token.held.poll(20, TimeUnit.SECONDS)).as("its check is in the token").isNotNull();

    int metricsPort = gw.gateway.metricsPort().getAsInt();
    double cancelledBefore = MetricsScrape.of(metricsPort).value(CANCELLED_ECHOES);
    leaving.cancel();
    assertThat(leaving.ended().get(20, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.CANCELLED);
    // The node has seen the client leave (and counted it) while the check is still held.
    assertThat(MetricsScrape.awaiting(metricsPort,
            scrape -> scrape.value(CANCELLED_ECHOES) > cancelledBefore).value(CANCELLED_ECHOES))
        .isEqualTo(cancelledBefore + 1);
    assertThat(token.held).as("no other check reached the token").isEmpty();
    token.recover();

    load.untilIdle();
    assertThat(signedEcho("served after").get(20, TimeUnit.SECONDS))
        .isEqualTo(new RawCalls.Ended(Status.Code.OK, null));
  }

  /** A signed Echo call on a connection of its own, sent whole (message and half-close). */
  private static CompletableFuture<RawCalls.Ended> signedEcho(String text) throws Exception {
    byte[] body = EchoRequest.newBuilder().setMessage(text).build().toByteArray();
    var headers = RawCalls.signed(gw.acmeKey.accessKey(), gw.acmeKey.secret().unsafeCopy(),
        Clock.systemUTC(), PATH, "localhost:" + gw.gateway.port(), body);
    return RawCalls.start(gw.channel(), GatewayFixture.ECHO, RawCalls.metadata(headers),
        RawCalls.deadline(30), true, body);
  }
}
