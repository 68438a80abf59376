package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.keygate.client.AccessSecret;
import io.keygate.client.MessageEnvelopes;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signature version 2 through a real gateway (SoftHSM2, Netty TLS) to the demo backend: every
 * request message after the first carries a MAC chained to the call's signature and its place
 * (docs/signature-spec.md, section 13). Signed calls of every streaming kind pass; a captured call
 * replayed to another node with an attacker's tail, and a stream whose messages were dropped,
 * reordered, swapped in from another call or cut off at the end, are each refused with a stable
 * code, and the backend receives nothing from the first bad point on (it sees its call
 * cancelled, never completed). The v1 control shows the attack the rule stops.
 */
class StreamMessageSignaturesEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  static GatewayNode otherNode;
  /** What the backend saw, as "text" per message, then "tag:complete" or "tag:cancel". */
  static final LinkedBlockingQueue<String> backendSaw = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(tokens)
        .withBackendServices(fixture -> service ->
            ServerInterceptors.intercept(service, new RecordMessages()))
        .start("gateway", List.of());
    // A second node of the cluster with its own (in-process) nonce store: a replay sent there is
    // not caught by the nonce, only by the message signatures.
    otherNode = gw.startNode(s -> s);
    // Both nodes' channels to the backend are connected before the attacks: a refused call's
    // first message then reaches the backend before its cancellation, on the one connection.
    for (Channel channel : List.of(gw.channel(), otherChannel())) {
      SignedCall warm = SignedCall.v1("warm", "warm/0");
      assertThat(send(channel, warm, warm.messages()).get(30, TimeUnit.SECONDS).status())
          .isEqualTo(Status.Code.OK);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void v2_clientStreamingBidiAndUnaryCalls_passThroughTheGateway() throws Exception {
    Channel v2 = ClientInterceptors.intercept(gw.channel(), new SigningClientInterceptor(
        signer().signEveryMessage().build()));
    EchoServiceGrpc.EchoServiceStub stub =
        EchoServiceGrpc.newStub(v2).withDeadlineAfter(30, TimeUnit.SECONDS);

    CompletableFuture<EchoResponse> collected = new CompletableFuture<>();
    StreamObserver<EchoRequest> collect = stub.collect(into(collected, new ArrayList<>()));
    for (String text : List.of("ok/0", "ok/1", "ok/2")) {
      collect.onNext(req(text));
    }
    collect.onCompleted();
    assertThat(collected.get(30, TimeUnit.SECONDS).getMessage()).contains("ok/0", "ok/1", "ok/2");
    assertThat(backendEvents("ok")).containsExactly("ok/0", "ok/1", "ok/2", "ok:complete");

    List<EchoResponse> answers = new ArrayList<>();
    CompletableFuture<EchoResponse> chatted = new CompletableFuture<>();
    // Chat is globex's API, on globex's domain.
    Channel globexV2 = ClientInterceptors.intercept(gw.channel(DemoTenants.GLOBEX_DOMAIN),
        new SigningClientInterceptor(XcaSigner.builder(gw.globexKey.accessKey(),
            AccessSecret.copyOf(gw.globexKey.secret().unsafeCopy())).signEveryMessage().build()));
    StreamObserver<EchoRequest> chat = EchoServiceGrpc.newStub(globexV2)
        .withDeadlineAfter(30, TimeUnit.SECONDS).chat(into(chatted, answers));
    for (String text : List.of("chat/0", "chat/1", "chat/2")) {
      chat.onNext(req(text));
    }
    chat.onCompleted();
    chatted.get(30, TimeUnit.SECONDS);
    assertThat(answers).extracting(EchoResponse::getMessage)
        .containsExactly("chat/0", "chat/1", "chat/2");

    assertThat(EchoServiceGrpc.newBlockingStub(v2).withDeadlineAfter(30, TimeUnit.SECONDS)
        .echo(req("unary/0")).getMessage()).isEqualTo("unary/0");
  }

  @Test
  void v1_capturedCallReplayedToAnotherNodeWithANewTail_reachesTheBackend() throws Exception {
    // The attack of issue 13, against version 1: only the first message is signed.
    SignedCall pay = SignedCall.v1("v1", "v1/0 pay 1 EUR to bob", "v1/1 from account A");
    assertThat(send(gw.channel(), pay, pay.messages()).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    backendEvents("v1");

    byte[] attackersTail = req("v1/1 pay 1000000 EUR to mallory").toByteArray();
    RawCalls.Ended replayed = send(otherChannel(), pay, pay.messages()[0], attackersTail)
        .get(30, TimeUnit.SECONDS);

    assertThat(replayed.status()).isEqualTo(Status.Code.OK);
    assertThat(backendEvents("v1"))
        .contains("v1/1 pay 1000000 EUR to mallory", "v1:complete");
  }

  @Test
  void v2_capturedCallReplayedToAnotherNodeWithANewTail_isRefused_andTheTailNeverArrives()
      throws Exception {
    SignedCall pay = SignedCall.v2("tail", "tail/0 pay 1 EUR to bob", "tail/1 from account A");
    assertThat(send(gw.channel(), pay, pay.messages()).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    backendEvents("tail");

    // The attacker keeps the captured envelope's MAC and puts its own message in it, then ends
    // the stream with the captured end marker.
    byte[] captured = pay.messages()[1];
    byte[] forged = withPayload(captured, req("tail/1 pay 1000000 EUR to mallory").toByteArray());
    RawCalls.Ended replayed = send(otherChannel(), pay, pay.messages()[0], forged,
        pay.messages()[2]).get(30, TimeUnit.SECONDS);

    assertThat(replayed).isEqualTo(RawCalls.Ended.of(GatewayError.BAD_MESSAGE_SIGNATURE));
    assertNeverCompletedHavingSeenAtMost(otherChannel(), "tail",
        List.of("tail/0 pay 1 EUR to bob"));
  }

  @Test
  void v2_droppedMessage_isRefusedAtItsPlace() throws Exception {
    SignedCall call = SignedCall.v2("drop", "drop/0", "drop/1", "drop/2");
    byte[][] m = call.messages();
    gw.refusals.clear();
    assertRefused(call, GatewayError.BAD_MESSAGE_SIGNATURE, List.of("drop/0"), m[0], m[2], m[3]);
    // A security event, like every refusal of a named key.
    assertThat(gw.refusals).contains(gw.acmeKey.accessKey() + " acme-app InvalidMessageSignature");
  }

  @Test
  void v2_reorderedMessages_areRefusedAtTheFirstOutOfPlace() throws Exception {
    SignedCall call = SignedCall.v2("order", "order/0", "order/1", "order/2");
    byte[][] m = call.messages();
    assertRefused(call, GatewayError.BAD_MESSAGE_SIGNATURE, List.of("order/0"),
        m[0], m[2], m[1], m[3]);
  }

  @Test
  void v2_messageSwappedInFromAnotherCall_isRefused() throws Exception {
    SignedCall call = SignedCall.v2("swap", "swap/0", "swap/1", "swap/2");
    SignedCall other = SignedCall.v2("swap", "swap/0", "swap/1 from the other call", "swap/2");
    byte[][] m = call.messages();
    assertRefused(call, GatewayError.BAD_MESSAGE_SIGNATURE, List.of("swap/0", "swap/1"),
        m[0], m[1], other.messages()[2], m[3]);
  }

  @Test
  void v2_streamCutOffAtTheEnd_isRefusedAtTheHalfClose_andTheBackendNeverCompletes()
      throws Exception {
    SignedCall call = SignedCall.v2("cut", "cut/0 order", "cut/1 item", "cut/2 confirm");
    byte[][] m = call.messages();
    assertRefused(call, GatewayError.STREAM_TRUNCATED, List.of("cut/0 order", "cut/1 item"),
        m[0], m[1]);
  }

  @Test
  void v2_messageAfterTheEndMarker_isReadAndRefused_notLeftHanging() throws Exception {
    SignedCall call = SignedCall.v2("after", "after/0", "after/1");
    byte[][] m = call.messages(); // m0, e1, end
    assertRefused(call, GatewayError.MALFORMED_ENVELOPE, List.of("after/0", "after/1"),
        m[0], m[1], m[2], m[1]);
  }

  @Test
  void v2_unsignedVersionHeader_isRefusedMalformed() throws Exception {
    SignedCall call = SignedCall.v1("unsigned", "unsigned/0");
    call.headers().put(Metadata.Key.of("x-ca-signature-version", Metadata.ASCII_STRING_MARSHALLER),
        "2");
    assertThat(send(gw.channel(), call, call.messages()).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.MALFORMED_HEADER));
  }

  private static void assertRefused(SignedCall call, GatewayError expected,
      List<String> backendGets, byte[]... sent) throws Exception {
    assertThat(send(gw.channel(), call, sent).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(expected));
    assertNeverCompletedHavingSeenAtMost(gw.channel(), call.tag(), backendGets);
  }

  /**
   * The backend never saw the call complete and received at most {@code allowed}, in order:
   * nothing from the first bad point on. It may have seen less, or nothing at all: a call the
   * gateway cancels right after starting it may be dropped before the backend hears of it. So a
   * sentinel call through the same node and backend connection marks the point by which every
   * event of the refused call has arrived.
   */
  private static void assertNeverCompletedHavingSeenAtMost(Channel node, String tag,
      List<String> allowed) throws Exception {
    SignedCall sentinel = SignedCall.v1(tag + "-sentinel", tag + "-sentinel/0");
    assertThat(send(node, sentinel, sentinel.messages()).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the sentinel reaches the backend").isNotNull();
      if (event.equals(tag + "-sentinel:complete")) {
        break;
      }
      if (event.startsWith(tag + "/") || event.startsWith(tag + ":")) {
        events.add(event);
      }
    }
    assertThat(events).doesNotContain(tag + ":complete");
    List<String> messages = events.stream().filter(e -> !e.equals(tag + ":cancel")).toList();
    assertThat(messages.size()).isLessThanOrEqualTo(allowed.size());
    assertThat(messages).isEqualTo(allowed.subList(0, messages.size()));
  }

  /** A call signed by the SDK's signer, its messages serialized and (v2) sealed in order. */
  private record SignedCall(String tag, Metadata headers, byte[][] messages) {
    static SignedCall v1(String tag, String... texts) {
      return of(tag, signer().build(), texts);
    }

    static SignedCall v2(String tag, String... texts) {
      return of(tag, signer().signEveryMessage().build(), texts);
    }

    private static SignedCall of(String tag, XcaSigner signer, String... texts) {
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
      return new SignedCall(tag, RawCalls.metadata(signature.headers()),
          messages.toArray(byte[][]::new));
    }
  }

  private static CompletableFuture<RawCalls.Ended> send(
      Channel channel, SignedCall call, byte[]... messages) {
    return RawCalls.start(channel, DemoTenants.COLLECT, call.headers(),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), true, messages);
  }

  /** The backend's events of the calls tagged {@code tag}, up to the end of one such call. */
  private static List<String> backendEvents(String tag) throws InterruptedException {
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the backend's call tagged " + tag + " ends").isNotNull();
      if (!event.startsWith(tag)) {
        continue; // an earlier test's
      }
      events.add(event);
      if (event.equals(tag + ":complete") || event.equals(tag + ":cancel")) {
        return events;
      }
    }
  }

  /** The envelope's kind and MAC (33 bytes) around another payload. */
  private static byte[] withPayload(byte[] envelope, byte[] payload) {
    byte[] forged = Arrays.copyOf(envelope, 33 + payload.length);
    System.arraycopy(payload, 0, forged, 33, payload.length);
    return forged;
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

  private static StreamObserver<EchoResponse> into(
      CompletableFuture<EchoResponse> done, List<EchoResponse> answers) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        answers.add(value);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(answers.get(answers.size() - 1));
      }
    };
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
