package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.store.redis.TestRedis;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes of one cluster, sharing one token, one config database and, with the rule, one Redis
 * for their nonces. A replay attacker who captured signed calls sends each to both nodes: with
 * in-process nonces the second node accepts it again (the hole), with Redis no replay is
 * accepted. Redis killed under load: signed calls fail closed within a second, and are served
 * again once it is back.
 */
class SharedNoncesEndToEndTest {
  private static final byte[] BODY = EchoRequest.newBuilder().setMessage("captured").build()
      .toByteArray();
  private static final RawCalls.Ended ACCEPTED = new RawCalls.Ended(Status.Code.OK, null);
  private static final RawCalls.Ended REPLAY = RawCalls.Ended.of(GatewayError.REPLAYED_NONCE);
  private static final RawCalls.Ended FAILED_CLOSED =
      RawCalls.Ended.of(GatewayError.NONCE_STORE_UNAVAILABLE);

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static TestRedis redis;
  static GatewayFixture gw;
  static GatewayNode memoryA;
  static GatewayNode memoryB;
  static GatewayNode redisA;
  static GatewayNode redisB;

  @BeforeAll
  static void startCluster() throws Exception {
    redis = TestRedis.start();
    gw = new GatewayFixture(tokens).start("gateway", List.of());
    memoryA = gw.gateway;
    memoryB = gw.startNode(s -> s);
    redisA = gw.startNode(s -> s.withRedisNonces(redis.settings()));
    redisB = gw.startNode(s -> s.withRedisNonces(redis.settings()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void withInProcessNonces_aCallCapturedOnOneNode_isAcceptedAgainByTheOther() throws Exception {
    // The hole this rule closes: each node remembers only the nonces it accepted itself.
    String authority = authority(memoryA);
    int acceptedAgain = 0;
    for (int i = 0; i < 5; i++) {
      Metadata captured = capturedCall(authority);
      assertThat(send(memoryA, authority, captured).get(20, TimeUnit.SECONDS)).isEqualTo(ACCEPTED);
      assertThat(send(memoryA, authority, captured).get(20, TimeUnit.SECONDS))
          .as("the node that saw it refuses the replay").isEqualTo(REPLAY);
      if (send(memoryB, authority, captured).get(20, TimeUnit.SECONDS).equals(ACCEPTED)) {
        acceptedAgain++;
      }
    }
    assertThat(acceptedAgain).as("replays the other node accepted").isEqualTo(5);
  }

  @Test
  void withRedis_everyCapturedCallSentToBothNodes_isAcceptedOnce_andNoReplayIsAccepted()
      throws Exception {
    String authority = authority(redisA);
    int calls = 20;
    List<String> failures = new ArrayList<>();
    int accepted = 0;
    for (int i = 0; i < calls; i++) {
      Metadata captured = capturedCall(authority);
      // Both nodes at once (which one wins the race is Redis' call), then each again in turn.
      List<CompletableFuture<RawCalls.Ended>> sends = List.of(
          send(redisA, authority, captured), send(redisB, authority, captured));
      List<RawCalls.Ended> ended = new ArrayList<>();
      for (CompletableFuture<RawCalls.Ended> send : sends) {
        ended.add(send.get(20, TimeUnit.SECONDS));
      }
      ended.add(send(i % 2 == 0 ? redisA : redisB, authority, captured).get(20, TimeUnit.SECONDS));
      ended.add(send(i % 2 == 0 ? redisB : redisA, authority, captured).get(20, TimeUnit.SECONDS));
      long ok = ended.stream().filter(ACCEPTED::equals).count();
      accepted += (int) ok;
      if (ok != 1 || ended.stream().filter(REPLAY::equals).count() != ended.size() - 1) {
        failures.add("call " + i + ": " + ended);
      }
    }
    assertThat(failures).as("each captured call: accepted once, then refused as a replay").isEmpty();
    assertThat(accepted).isEqualTo(calls);
  }

  @Test
  void redisKilledUnderLoad_signedCallsFailClosedWithinASecond_andAreServedAgainWhenItReturns()
      throws Exception {
    Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService load = Executors.newFixedThreadPool(4);
    try {
      for (GatewayNode node : List.of(redisA, redisB, redisA, redisB)) {
        Channel signed = ClientInterceptors.intercept(gw.channel(node, authority(redisA)),
            SigningClientInterceptor.create(gw.acmeKey.accessKey(),
                AccessSecret.copyOf(gw.acmeKey.secret().unsafeCopy())));
        load.execute(() -> callUntilStopped(node, signed, stop, outcomes));
      }
      awaitOutcomes(outcomes, o -> o.endedOk(), 5, "calls served before the kill");

      redis.kill();
      long killed = System.nanoTime();
      awaitOutcomes(outcomes, o -> o.started() > killed && o.ended().equals(FAILED_CLOSED), 10,
          "calls refused after the kill");
      for (GatewayNode node : List.of(redisA, redisB)) {
        long firstRefused = outcomes.stream()
            .filter(o -> o.node() == node && o.ended().equals(FAILED_CLOSED))
            .mapToLong(Outcome::finished).min().orElseThrow();
        Duration afterKill = Duration.ofNanos(firstRefused - killed);
        System.out.println("node on port " + node.port() + ": first NonceStoreUnavailable "
            + afterKill.toMillis() + " ms after Redis was killed");
        assertThat(afterKill).as("fails closed within a second of the kill")
            .isLessThan(Duration.ofSeconds(1));
      }

      long restarting = System.nanoTime(); // Redis may answer calls from here on
      redis.restart();
      long restarted = System.nanoTime();
      awaitOutcomes(outcomes, o -> o.started() > restarted && o.endedOk(), 5,
          "calls served after Redis returned");
      long firstServed = outcomes.stream().filter(o -> o.started() > restarted && o.endedOk())
          .mapToLong(Outcome::finished).min().orElseThrow();
      System.out.println("first call served " + Duration.ofNanos(firstServed - restarted).toMillis()
          + " ms after Redis answered again");
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      List<Outcome> all = List.copyOf(outcomes);
      // A call whose whole life (as the client saw it) lies between the kill and the restart
      // never met a live Redis. One that started before the restart but ended after it may have
      // reached its nonce check after Redis answered again, and may rightly be served.
      assertThat(all).as("while Redis was dead, no call that began and ended then was let in")
          .noneMatch(o -> o.started() > killed && o.finished() < restarting && o.endedOk());
      assertThat(all).as("calls began and ended while Redis was dead (the rule above was tried)")
          .anyMatch(o -> o.started() > killed && o.finished() < restarting);
      assertThat(all).as("every call: served, or refused as NonceStoreUnavailable")
          .allMatch(o -> o.endedOk() || o.ended().equals(FAILED_CLOSED));
      for (GatewayNode node : List.of(redisA, redisB)) {
        assertThat(all).as("node on port " + node.port() + " served again")
            .anyMatch(o -> o.node() == node && o.started() > restarted && o.endedOk());
      }
    } finally {
      stop.set(true);
      load.shutdownNow();
      load.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private record Outcome(GatewayNode node, long started, long finished, RawCalls.Ended ended) {
    boolean endedOk() {
      return ended.equals(ACCEPTED);
    }
  }

  private static void callUntilStopped(
      GatewayNode node, Channel signed, AtomicBoolean stop, Queue<Outcome> outcomes) {
    while (!stop.get()) {
      long started = System.nanoTime();
      RawCalls.Ended ended;
      try {
        EchoServiceGrpc.newBlockingStub(signed).withDeadlineAfter(5, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("load").build());
        ended = ACCEPTED;
      } catch (StatusRuntimeException e) {
        Metadata trailers = Status.trailersFromThrowable(e);
        ended = new RawCalls.Ended(e.getStatus().getCode(),
            trailers == null ? null : trailers.get(ErrorReplies.ERROR_CODE));
      }
      outcomes.add(new Outcome(node, started, System.nanoTime(), ended));
    }
  }

  /** Polls (no guessed sleep) until {@code atLeast} outcomes per node match, or fails. */
  private static void awaitOutcomes(
      Queue<Outcome> outcomes, Predicate<Outcome> matching, int atLeast, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      boolean enough = true;
      for (GatewayNode node : List.of(redisA, redisB)) {
        long seen = outcomes.stream().filter(o -> o.node() == node).filter(matching).count();
        enough &= seen >= atLeast;
      }
      if (enough) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": fewer than " + atLeast + " per node within 30 s; "
            + "last outcomes: " + outcomes.stream().skip(Math.max(0, outcomes.size() - 10)).toList());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** One name and port for the whole cluster, as clients dial it through the balancer. */
  private static String authority(GatewayNode node) {
    return DemoTenants.ACME_DOMAIN + ":" + node.port();
  }

  /** A signed Echo call as it travelled on the wire, headers and body, ready to be sent again. */
  private static Metadata capturedCall(String authority) {
    Map<String, String> headers = RawCalls.signed(gw.acmeKey.accessKey(),
        gw.acmeKey.secret().unsafeCopy(), Clock.systemUTC(), "/" + GatewayFixture.ECHO, authority,
        BODY);
    return RawCalls.metadata(headers);
  }

  /**
   * Sends the captured call again, from a copy of its metadata: grpc's client call edits the
   * Metadata it is given, so two sends at once must not share one (they did, and one crashed
   * its channel and never ended).
   */
  private static CompletableFuture<RawCalls.Ended> send(
      GatewayNode node, String authority, Metadata captured) throws Exception {
    Metadata copy = new Metadata();
    copy.merge(captured);
    return RawCalls.start(gw.channel(node, authority), GatewayFixture.ECHO, copy,
        RawCalls.deadline(15), true, BODY);
  }
}
