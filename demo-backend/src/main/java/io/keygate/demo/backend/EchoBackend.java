package io.keygate.demo.backend;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;

/**
 * The demo tenant backend behind the gateway: one method of each gRPC call kind. It knows
 * nothing of Keygate; it answers whatever reaches it, which is why the gateway must not let
 * anything unauthenticated through. {@link EchoBackendMain} runs it as a program; the demo and
 * the tests add it to their own servers.
 */
public final class EchoBackend extends EchoServiceGrpc.EchoServiceImplBase {
  private final String name;

  public EchoBackend(String name) {
    this.name = name;
  }

  private EchoResponse reply(EchoRequest request, int index) {
    return EchoResponse.newBuilder()
        .setMessage(request.getMessage())
        .setPayload(request.getPayload())
        .setBackend(name)
        .setIndex(index)
        .build();
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
    out.onNext(reply(request, 0));
    out.onCompleted();
  }

  @Override
  public void echoStream(EchoRequest request, StreamObserver<EchoResponse> out) {
    int n = Math.max(1, Math.min(request.getRepeat(), 10_000));
    for (int i = 0; i < n; i++) {
      out.onNext(reply(request, i));
    }
    out.onCompleted();
  }

  @Override
  public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> out) {
    return new StreamObserver<>() {
      private final StringBuilder messages = new StringBuilder();
      private ByteString payload = ByteString.EMPTY;
      private int count;

      @Override
      public void onNext(EchoRequest value) {
        messages.append(value.getMessage());
        payload = payload.concat(value.getPayload());
        count++;
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(
            EchoResponse.newBuilder()
                .setMessage(messages.toString())
                .setPayload(payload)
                .setBackend(name)
                .setIndex(count)
                .build());
        out.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> out) {
    return new StreamObserver<>() {
      private int index;

      @Override
      public void onNext(EchoRequest value) {
        out.onNext(reply(value, index++));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }
}
