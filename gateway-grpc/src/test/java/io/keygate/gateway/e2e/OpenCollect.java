package io.keygate.gateway.e2e;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A client-streaming call (Collect) whose first message is sent, so a signed one is
 * authenticated, and that is then held open: the backend answers only once the client
 * half-closes. How the tests hold calls open on a real backend without sleeping.
 */
record OpenCollect(
    ClientCallStreamObserver<EchoRequest> requests, CompletableFuture<EchoResponse> answer) {

  static OpenCollect start(Channel channel, String first) {
    return start(channel, first, 60);
  }

  /** With a deadline of {@code deadlineSeconds}: past it the call ends DEADLINE_EXCEEDED. */
  static OpenCollect start(Channel channel, String first, int deadlineSeconds) {
    CompletableFuture<EchoResponse> answer = new CompletableFuture<>();
    StreamObserver<EchoRequest> requests = EchoServiceGrpc.newStub(channel)
        .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
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
    requests.onNext(EchoRequest.newBuilder().setMessage(first).build());
    return new OpenCollect((ClientCallStreamObserver<EchoRequest>) requests, answer);
  }

  /** How the call failed, within 30 s; an AssertionError if it succeeded. */
  Throwable failure() throws Exception {
    try {
      answer.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }
}
