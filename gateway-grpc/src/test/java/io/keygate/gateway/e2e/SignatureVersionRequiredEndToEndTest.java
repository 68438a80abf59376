package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.keygate.client.AccessSecret;
import io.keygate.client.MessageEnvelopes;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.config.SignatureRequirementStore;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Version 2 required" through two real gateway nodes (SoftHSM2, Netty TLS) of one cluster to
 * the demo backend (docs/signature-spec.md, section 13.5): once an officer requires version 2 on
 * an API (or as its tenant's default), a client that downgrades to version 1 is refused
 * UNAUTHENTICATED SignatureVersionRequired on its headers and the backend receives nothing; the
 * captured-stream replay with a new tail of issue 13 is refused whichever version it was
 * captured in; a version-2 call still passes; and the requirement reaches the second node with
 * its next poll. Each attack is first shown to succeed without the requirement.
 */
class SignatureVersionRequiredEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static GatewayNode otherNode;
  static SignatureRequirementStore requirements;
  /** What the backend saw, as "text" per message, then "tag:complete" or "tag:cancel". */
  static final LinkedBlockingQueue<String> backendSaw = new LinkedBlockingQueue<>();
  private static final String COLLECT_API = "api-collect";

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(tokens)
        .withBackendServices(fixture -> service ->
            ServerInterceptors.intercept(service, new RecordMessages()))
        .start("gateway", List.of());
    otherNode = gw.startNode(s -> s);
    requirements = gw.database.signatureRequirements();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @AfterEach
  void relax() throws Exception {
    requirements.setApiRequirement(COLLECT_API, SignatureRequirement.V1_OR_V2, Instant.now());
    requirements.setTenantDefault("acme", SignatureRequirement.V1_OR_V2, Instant.now());
    refreshBoth();
  }

  @Test
  void v1Client_downgradingAgainstAV2RequiredApi_isRefused_andTheBackendGetsNothing()
      throws Exception {
    SignedCall before = SignedCall.v1("before", "before/0", "before/1");
    assertThat(send(gw.channel(), before).get(30, TimeUnit.SECONDS).status())
        .as("without the requirement a v1 stream passes").isEqualTo(Status.Code.OK);

    require(SignatureRequirement.V2);
    gw.refusals.clear();
    SignedCall downgraded = SignedCall.v1("down", "down/0 pay 1 EUR to bob", "down/1");

    assertThat(send(gw.channel(), downgraded).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.SIGNATURE_VERSION_REQUIRED));
    assertThat(gw.refusals).contains(gw.acmeKey.accessKey() + " acme-app SignatureVersionRequired");
    assertBackendSawNothingOf(gw.channel(), "down");

    SignedCall v2 = SignedCall.v2("v2ok", "v2ok/0", "v2ok/1");
    assertThat(send(gw.channel(), v2).get(30, TimeUnit.SECONDS).status())
        .as("a version-2 call is still accepted").isEqualTo(Status.Code.OK);
  }

  @Test
  void v1UnaryCall_toAV2RequiredApi_isRefusedToo() throws Exception {
    require(SignatureRequirement.V2);
    SignedCall unary = SignedCall.v1("unary", "unary/0");
    assertThat(send(gw.channel(), unary).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.SIGNATURE_VERSION_REQUIRED));
  }

  @Test
  void capturedStreamReplayedToAnotherNodeWithANewTail_isRefusedUnderV2Required()
      throws Exception {
    // Captured while the API still took version 1 (an old client), then replayed to another
    // node, with the attacker's tail, after the officer required version 2.
    SignedCall pay = SignedCall.v1("tail1", "tail1/0 pay 1 EUR to bob", "tail1/1 from A");
    assertThat(send(gw.channel(), pay).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    require(SignatureRequirement.V2);

    byte[] attackersTail = req("tail1/1 pay 1000000 EUR to mallory").toByteArray();
    assertThat(send(otherChannel(), pay, pay.messages()[0], attackersTail)
            .get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.SIGNATURE_VERSION_REQUIRED));
    assertBackendSawNothingOf(otherChannel(), "tail1/1 pay");

    // A version-2 capture with the attacker's payload in a captured envelope: its MAC fails.
    SignedCall pay2 = SignedCall.v2("tail2", "tail2/0 pay 1 EUR to bob", "tail2/1 from A");
    assertThat(send(gw.channel(), pay2).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    byte[] forged = Arrays.copyOf(pay2.messages()[1], 33);
    byte[] tail = req("tail2/1 pay 1000000 EUR to mallory").toByteArray();
    forged = Arrays.copyOf(forged, 33 + tail.length);
    System.arraycopy(tail, 0, forged, 33, tail.length);
    assertThat(send(otherChannel(), pay2, pay2.messages()[0], forged, pay2.messages()[2])
            .get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.BAD_MESSAGE_SIGNATURE));
    assertBackendSawNothingOf(otherChannel(), "tail2/1 pay");
  }

  @Test
  void requirement_reachesTheSecondNodeWithItsPoll() throws Exception {
    SignedCall first = SignedCall.v1("poll", "poll/0");
    assertThat(send(otherChannel(), first).get(30, TimeUnit.SECONDS).status())
        .as("the second node takes version 1 before").isEqualTo(Status.Code.OK);

    // Written to the shared store as the admin API of the first node writes it; the second node
    // learns it from the change feed at its next poll (taken now rather than waited for).
    requirements.setApiRequirement(COLLECT_API, SignatureRequirement.V2, Instant.now());
    otherNode.refreshConfiguration();

    SignedCall after = SignedCall.v1("poll2", "poll2/0");
    assertThat(send(otherChannel(), after).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.SIGNATURE_VERSION_REQUIRED));
  }

  @Test
  void tenantDefault_isAFloor_forAnApiWithoutItsOwnRequirement() throws Exception {
    requirements.setTenantDefault("acme", SignatureRequirement.V2, Instant.now());
    refreshBoth();
    SignedCall v1 = SignedCall.v1("floor", "floor/0");
    assertThat(send(gw.channel(), v1).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.SIGNATURE_VERSION_REQUIRED));
    SignedCall v2 = SignedCall.v2("floor2", "floor2/0", "floor2/1");
    assertThat(send(gw.channel(), v2).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
  }

  private static void require(SignatureRequirement requirement) throws Exception {
    requirements.setApiRequirement(COLLECT_API, requirement, Instant.now());
    refreshBoth();
  }

  private static void refreshBoth() throws Exception {
    gw.gateway.refreshConfiguration();
    otherNode.refreshConfiguration();
  }

  /**
   * The backend saw no message starting with {@code prefix}: a version-2 sentinel call through
   * the same node and backend connection marks the point by which every event has arrived.
   */
  private static void assertBackendSawNothingOf(Channel node, String prefix) throws Exception {
    String tag = "sentinel" + System.nanoTime();
    SignedCall sentinel = SignedCall.v2(tag, tag + "/0");
    assertThat(send(node, sentinel).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the sentinel reaches the backend").isNotNull();
      if (event.equals(tag + ":complete")) {
        break;
      }
      events.add(event);
    }
    assertThat(events).noneMatch(e -> e.startsWith(prefix));
  }

  /** A call to Collect signed by the SDK's signer, its messages serialized and (v2) sealed. */
  private record SignedCall(Metadata headers, byte[][] messages) {
    static SignedCall v1(String tag, String... texts) {
      return of(signer().build(), texts);
    }

    static SignedCall v2(String tag, String... texts) {
      return of(signer().signEveryMessage().build(), texts);
    }

    private static SignedCall of(XcaSigner signer, String... texts) {
      byte[] first = req(texts[0]).toByteArray();
      XcaSignature signature = signer.sign("/" + DemoTenants.COLLECT, authority(), first);
      List<byte[]> messages = new ArrayList<>(List.of(first));
      MessageEnvelopes envelopes = signer.envelopes(signature);
      for (String text : Arrays.asList(texts).subList(1, texts.length)) {
        byte[] payload = req(text).toByteArray();
        messages.add(signer.signsEveryMessage() ? envelopes.seal(payload) : payload);
      }
      if (signer.signsEveryMessage()) {
        messages.add(envelopes.end());
      }
      return new SignedCall(RawCalls.metadata(signature.headers()),
          messages.toArray(byte[][]::new));
    }
  }

  private static CompletableFuture<RawCalls.Ended> send(Channel channel, SignedCall call) {
    return send(channel, call, call.messages());
  }

  private static CompletableFuture<RawCalls.Ended> send(
      Channel channel, SignedCall call, byte[]... messages) {
    return RawCalls.start(channel, DemoTenants.COLLECT, call.headers(),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), true, messages);
  }

  private static Channel otherChannel() throws Exception {
    return gw.channel(otherNode, authority());
  }

  private static String authority() {
    return DemoTenants.ACME_DOMAIN + ":" + gw.gateway.port();
  }

  private static XcaSigner.Builder signer() {
    return XcaSigner.builder(gw.acmeKey.accessKey(),
        AccessSecret.copyOf(gw.acmeKey.secret().unsafeCopy()));
  }

  private static EchoRequest req(String text) {
    return EchoRequest.newBuilder().setMessage(text).build();
  }

  /** Records what the backend's calls receive and how they end, tagged by their first message. */
  private static final class RecordMessages implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return new SimpleForwardingServerCallListener<Q>(next.startCall(call, headers)) {
        private String tag = "?";

        @Override
        public void onMessage(Q message) {
          String text = ((EchoRequest) message).getMessage();
          if (tag.equals("?")) {
            tag = text.split("/", 2)[0];
          }
          backendSaw.add(text);
          super.onMessage(message);
        }

        @Override
        public void onCancel() {
          backendSaw.add(tag + ":cancel");
          super.onCancel();
        }

        @Override
        public void onComplete() {
          backendSaw.add(tag + ":complete");
          super.onComplete();
        }
      };
    }
  }
}
