package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.EchoMessages.ascii;
import static io.keygate.gateway.proxy.EchoMessages.digestOf;
import static io.keygate.gateway.proxy.EchoMessages.request;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy over real gRPC/Netty on loopback: client → proxy server → backend server. */
class BackendProxyTest {
  private ProxyFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new ProxyFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  // ---- the four call kinds ----

  @Test
  void proxy_forwardsUnaryCall() {
    EchoResponse response = fixture.blocking().echo(request("hello", 16));

    assertThat(response.getMessage()).isEqualTo("hello");
    assertThat(response.getPayload()).isEqualTo(request("hello", 16).getPayload());
    assertThat(response.getBackend()).isEqualTo(RecordingEchoBackend.NAME);
  }

  @Test
  void proxy_forwardsServerStreamingCall() {
    Iterator<EchoResponse> responses =
        fixture.blocking().echoStream(request("tick", 8).toBuilder().setRepeat(5).build());

    List<Integer> indexes = new ArrayList<>();
    responses.forEachRemaining(r -> indexes.add(r.getIndex()));
    assertThat(indexes).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void proxy_forwardsClientStreamingCall() throws Exception {
    List<EchoRequest> requests = List.of(request("a", 10), request("b", 20), request("c", 30));

    EchoResponse response = fixture.collect(requests);

    assertThat(response.getMessage()).isEqualTo("3 messages, 60 bytes");
    assertThat(response.getPayload().toByteArray()).isEqualTo(digestOf(requests));
  }

  @Test
  void proxy_forwardsBidiStreamingCall() throws Exception {
    List<EchoResponse> responses = fixture.chat(List.of(request("one", 1), request("two", 2)));

    assertThat(responses).extracting(EchoResponse::getMessage).containsExactly("one", "two");
    assertThat(responses).extracting(EchoResponse::getIndex).containsExactly(0, 1);
  }

  // ---- status, trailers, headers ----

  @Test
  void proxy_returnsBackendStatusAndTrailersFaithfully() {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> fixture.blocking().echo(request("fail", 0)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).isEqualTo("backend says no");
    Metadata trailers = e.getTrailers();
    assertThat(trailers.get(RecordingEchoBackend.DETAIL)).isEqualTo("quota of tenant t1 used up");
    assertThat(trailers.get(RecordingEchoBackend.STATUS_DETAILS)).containsExactly(8, 9);
    assertThat(trailers.get(RecordingEchoBackend.SPOOFED_ERROR_CODE))
        .as("a backend cannot fake the gateway's error code")
        .isNull();
    assertThat(trailers.get(RecordingEchoBackend.SPOOFED_GATEWAY_CODE))
        .as("nor under its revision 2.1 name")
        .isNull();
    assertThat(trailers.getAll(ErrorReplies.REQUEST_ID))
        .as("the gateway's request id, not one the backend chose")
        .containsExactly("req-1");
    fixture.assertServesAgain();
  }

  @Test
  void proxy_forwardsAllowedMetadataOnly_andAddsGatewayHeaders() throws Exception {
    Metadata sent = new Metadata();
    sent.put(ascii("x-app-header"), "hello");
    sent.put(Metadata.Key.of("x-trace-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {1, 2});
    sent.put(ascii("x-ca-signature"), "c2lnbmF0dXJl");
    sent.put(ascii("x-ca-key"), "AK123");
    sent.put(ascii("authorization"), "Bearer t");
    sent.put(ProxyFixture.GATEWAY_APP, "forged-app");
    AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
    AtomicReference<Metadata> responseTrailers = new AtomicReference<>();
    var stub =
        EchoServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(
                    fixture.clientChannel,
                    MetadataUtils.newAttachHeadersInterceptor(sent),
                    MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, responseTrailers)))
            .withDeadlineAfter(10, SECONDS);

    stub.echo(request("hello", 1));

    Metadata atBackend = fixture.backend.calls.poll(5, SECONDS).headers();
    assertThat(atBackend.get(ascii("x-app-header"))).isEqualTo("hello");
    assertThat(atBackend.get(Metadata.Key.of("x-trace-bin", Metadata.BINARY_BYTE_MARSHALLER)))
        .containsExactly(1, 2);
    assertThat(atBackend.get(ascii("x-ca-signature"))).isNull();
    assertThat(atBackend.get(ascii("x-ca-key"))).isNull();
    assertThat(atBackend.get(ascii("authorization"))).isNull();
    assertThat(atBackend.getAll(ProxyFixture.GATEWAY_APP)).containsExactly("app-42");
    assertThat(atBackend.get(ascii("user-agent"))).startsWith("keygate-gateway");
    assertThat(responseHeaders.get().get(RecordingEchoBackend.RESPONSE_HEADER))
        .isEqualTo("present");
    assertThat(responseHeaders.get().get(RecordingEchoBackend.SPOOFED_ERROR_CODE)).isNull();
    assertThat(responseHeaders.get().get(RecordingEchoBackend.SPOOFED_GATEWAY_CODE)).isNull();
    // A successful call tells its client its request id too (spec revision 2.1), in headers and trailers,
    // and it is the one the backend was given.
    assertThat(responseHeaders.get().getAll(ErrorReplies.REQUEST_ID)).containsExactly("req-1");
    assertThat(responseTrailers.get().getAll(ErrorReplies.REQUEST_ID)).containsExactly("req-1");
  }

  @Test
  void refusal_carriesSpec15Names_andTheOldOnesUntilSpec2() {
    fixture.gatewayHeaders.set(
        target -> {
          Metadata m = new Metadata();
          m.put(ascii("x-app"), "outside the gateway prefix: refused");
          return m;
        });

    Metadata trailers =
        catchThrowableOfType(
                StatusRuntimeException.class, () -> fixture.blocking().echo(request("hello", 1)))
            .getTrailers();

    assertThat(trailers.getAll(ErrorReplies.ERROR_CODE)).containsExactly("InternalError");
    assertThat(trailers.getAll(ErrorReplies.REQUEST_ID)).containsExactly("req-1");
    assertThat(trailers.getAll(ErrorReplies.LEGACY_ERROR_CODE)).containsExactly("InternalError");
    assertThat(trailers.getAll(ErrorReplies.LEGACY_REQUEST_ID)).containsExactly("req-1");
  }

  @Test
  void proxy_refusesGatewayHeaderOutsideItsPrefix_withInternal() {
    fixture.gatewayHeaders.set(
        target -> {
          Metadata m = new Metadata();
          m.put(ascii("x-app"), "would be forgeable");
          return m;
        });

    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> fixture.blocking().echo(request("hello", 1)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getTrailers().get(io.keygate.gateway.errors.ErrorReplies.ERROR_CODE)).isEqualTo("InternalError");
  }

  // ---- routing ----

  @Test
  void proxy_reusesOneChannelPerBackend() throws Exception {
    fixture.blocking().echo(request("one", 1));
    fixture.blocking().echo(request("two", 1));
    fixture.blocking().echoStream(request("three", 1).toBuilder().setRepeat(2).build())
        .forEachRemaining(r -> {});

    assertThat(fixture.channels.size()).isEqualTo(1);
    assertThat(fixture.channels.targets()).containsExactly(fixture.backendTarget);
    List<Object> remotes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      remotes.add(fixture.backend.calls.poll(5, SECONDS).remote());
    }
    assertThat(remotes).as("one connection carried all calls").containsOnly(remotes.get(0));
  }

  // ---- ended from outside (a revocation) ----

  @Test
  void end_fromAnotherThread_cancelsTheBackend_andAnswersTheClientWithTheReason() throws Exception {
    CompletableFuture<StatusRuntimeException> closed = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = fixture.async().chat(failures(closed));
    out.onNext(request("hang", 0));
    assertThat(fixture.backend.hangStarted.await(10, SECONDS)).as("backend got the call").isTrue();
    Forwarded call = fixture.forwarded.poll(10, SECONDS);

    // Not a grpc thread: the revocation's own.
    CompletableFuture.runAsync(() -> call.end(GatewayError.NOT_GRANTED, "grant removed")).get(10, SECONDS);

    StatusRuntimeException e = closed.get(10, SECONDS);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("ApiNotGranted");
    assertThat(e.getTrailers().get(ErrorReplies.REQUEST_ID)).isEqualTo("req-1");
    assertThat(fixture.backend.hangCancelled.await(10, SECONDS)).as("backend saw cancel").isTrue();
    call.ended().toCompletableFuture().get(10, SECONDS);
    call.end(GatewayError.KEY_REVOKED, "a second end does nothing");
    fixture.assertServesAgain();
  }

  @Test
  void ended_completesWhenTheCallFinishesByItself() throws Exception {
    fixture.blocking().echo(request("hello", 1));
    Forwarded call = fixture.forwarded.poll(10, SECONDS);

    call.ended().toCompletableFuture().get(10, SECONDS);
    call.end(GatewayError.KEY_REVOKED, "too late: the answer went through");
    fixture.assertServesAgain();
  }

  @Test
  void ended_completesWhenTheClientCancels() throws Exception {
    CompletableFuture<ClientCallStreamObserver<EchoRequest>> started = new CompletableFuture<>();
    CompletableFuture<StatusRuntimeException> closed = new CompletableFuture<>();
    StreamObserver<EchoResponse> failures = failures(closed);
    StreamObserver<EchoRequest> out = fixture.async().chat(
        new ClientResponseObserver<EchoRequest, EchoResponse>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<EchoRequest> requests) {
            started.complete(requests);
          }

          @Override
          public void onNext(EchoResponse value) {}

          @Override
          public void onError(Throwable t) {
            failures.onError(t);
          }

          @Override
          public void onCompleted() {
            failures.onCompleted();
          }
        });
    out.onNext(request("hang", 0));
    assertThat(fixture.backend.hangStarted.await(10, SECONDS)).as("backend got the call").isTrue();
    Forwarded call = fixture.forwarded.poll(10, SECONDS);

    started.get(10, SECONDS).cancel("user gave up", null);

    call.ended().toCompletableFuture().get(10, SECONDS);
    assertThat(closed.get(10, SECONDS).getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  private static StreamObserver<EchoResponse> failures(
      CompletableFuture<StatusRuntimeException> closed) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {}

      @Override
      public void onError(Throwable t) {
        closed.complete((StatusRuntimeException) t);
      }

      @Override
      public void onCompleted() {
        closed.completeExceptionally(new AssertionError("completed normally"));
      }
    };
  }
}
