package io.keygate.gateway.proxy;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.SocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend behind the proxy in tests: the demo Echo service, plus commands in the request's
 * {@code message} that make it fail, hang or flood, and a record of what each call looked like on
 * arrival (headers, deadline, connection).
 */
final class RecordingEchoBackend extends EchoServiceGrpc.EchoServiceImplBase {
  static final String NAME = "backend-1";
  static final Metadata.Key<String> DETAIL =
      Metadata.Key.of("x-backend-detail", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> RESPONSE_HEADER =
      Metadata.Key.of("x-backend-header", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SPOOFED_ERROR_CODE =
      Metadata.Key.of("x-ca-error-code", Metadata.ASCII_STRING_MARSHALLER);
  /** The gateway's own names (spec revision 2.1), which a backend must not be able to set either. */
  static final Metadata.Key<String> SPOOFED_GATEWAY_CODE =
      Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SPOOFED_REQUEST_ID =
      Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> STATUS_DETAILS =
      Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
  /** How many 64 KiB messages "flood" tries to send (64 MiB). */
  static final int FLOOD_MESSAGES = 1024;
  /**
   * 8 MiB: what may sit in buffers between a backend and a client that reads nothing. The two
   * HTTP/2 windows (1 MiB each by default) and grpc's 32 KiB ready thresholds fit many times.
   */
  static final int FLOOD_BUFFER_BOUND = 128;
  static final int CHUNK = 64 << 10;

  /** One call as the backend saw it arrive. */
  record CallSeen(String method, Metadata headers, Deadline deadline, SocketAddress remote) {}

  final BlockingQueue<CallSeen> calls = new LinkedBlockingQueue<>();
  final CountDownLatch hangStarted = new CountDownLatch(1);
  final CountDownLatch hangCancelled = new CountDownLatch(1);
  /** How many messages "flood" has sent so far. */
  final AtomicInteger floodSent = new AtomicInteger();
  /** Completes when "flood" has sent more than {@link #FLOOD_BUFFER_BOUND}. */
  final CompletableFuture<Void> floodBeyondBound = new CompletableFuture<>();
  /** Completes when "flood" has sent all {@link #FLOOD_MESSAGES}. */
  final CompletableFuture<Void> floodDone = new CompletableFuture<>();
  /** When set, Collect reads nothing until the test requests messages on the observer. */
  volatile boolean stallCollect;
  final CompletableFuture<ServerCallStreamObserver<EchoResponse>> stalledCollect =
      new CompletableFuture<>();

  /** Records each call and adds response headers, one allowed and one that must be stripped. */
  ServerInterceptor recorder() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        calls.add(
            new CallSeen(
                call.getMethodDescriptor().getFullMethodName(),
                headers,
                Context.current().getDeadline(),
                call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return next.startCall(
            new SimpleForwardingServerCall<>(call) {
              @Override
              public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(RESPONSE_HEADER, "present");
                responseHeaders.put(SPOOFED_ERROR_CODE, "Spoofed");
                responseHeaders.put(SPOOFED_GATEWAY_CODE, "Spoofed");
                responseHeaders.put(SPOOFED_REQUEST_ID, "chosen-by-backend");
                super.sendHeaders(responseHeaders);
              }
            },
            headers);
      }
    };
  }

  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
    switch (request.getMessage()) {
      case "fail" -> {
        Metadata trailers = new Metadata();
        trailers.put(DETAIL, "quota of tenant t1 used up");
        trailers.put(SPOOFED_ERROR_CODE, "Spoofed");
        trailers.put(SPOOFED_GATEWAY_CODE, "Spoofed");
        trailers.put(SPOOFED_REQUEST_ID, "chosen-by-backend");
        trailers.put(STATUS_DETAILS, new byte[] {8, 9});
        out.onError(
            Status.FAILED_PRECONDITION
                .withDescription("backend says no")
                .asRuntimeException(trailers));
      }
      case "hang" -> hang(out);
      default -> {
        out.onNext(response(request.getMessage(), request.getPayload(), 0));
        out.onCompleted();
      }
    }
  }

  @Override
  public void echoStream(EchoRequest request, StreamObserver<EchoResponse> out) {
    if (request.getMessage().equals("flood")) {
      flood((ServerCallStreamObserver<EchoResponse>) out);
      return;
    }
    for (int i = 0; i < request.getRepeat(); i++) {
      out.onNext(response(request.getMessage(), request.getPayload(), i));
    }
    out.onCompleted();
  }

  @Override
  public StreamObserver<EchoRequest> collect(StreamObserver<EchoResponse> out) {
    if (stallCollect) {
      var observer = (ServerCallStreamObserver<EchoResponse>) out;
      observer.disableAutoRequest();
      stalledCollect.complete(observer);
    }
    MessageDigest digest = sha256();
    return new StreamObserver<>() {
      int count;
      long bytes;

      @Override
      public void onNext(EchoRequest request) {
        count++;
        bytes += request.getPayload().size();
        digest.update(request.getPayload().asReadOnlyByteBuffer());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(
            response(
                count + " messages, " + bytes + " bytes",
                ByteString.copyFrom(digest.digest()),
                count));
        out.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<EchoRequest> chat(StreamObserver<EchoResponse> out) {
    // grpc takes the cancel handler only before this method returns; it fires only on cancel.
    ((ServerCallStreamObserver<EchoResponse>) out).setOnCancelHandler(hangCancelled::countDown);
    return new StreamObserver<>() {
      int index;

      @Override
      public void onNext(EchoRequest request) {
        if (request.getMessage().equals("hang")) {
          hangStarted.countDown();
          return;
        }
        out.onNext(response(request.getMessage(), request.getPayload(), index++));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  private void hang(StreamObserver<EchoResponse> out) {
    ((ServerCallStreamObserver<EchoResponse>) out).setOnCancelHandler(hangCancelled::countDown);
    hangStarted.countDown();
  }

  /** Sends only while the stream is ready, so it stalls as soon as the proxy stops reading. */
  private void flood(ServerCallStreamObserver<EchoResponse> out) {
    ByteString chunk = ByteString.copyFrom(new byte[CHUNK]);
    out.setOnCancelHandler(() -> {});
    out.setOnReadyHandler(
        () -> {
          while (out.isReady() && floodSent.get() < FLOOD_MESSAGES) {
            if (floodSent.get() > FLOOD_BUFFER_BOUND) {
              floodBeyondBound.complete(null);
            }
            out.onNext(response("flood", chunk, floodSent.getAndIncrement()));
          }
          if (floodSent.get() == FLOOD_MESSAGES && !floodDone.isDone()) {
            out.onCompleted();
            floodDone.complete(null);
          }
        });
  }

  private static EchoResponse response(String message, ByteString payload, int index) {
    return EchoResponse.newBuilder()
        .setMessage(message)
        .setPayload(payload)
        .setBackend(NAME)
        .setIndex(index)
        .build();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
