package io.keygate.benchmarks.load;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The one call the benchmark makes: unary {@code keygate.demo.v1.EchoService/Echo} with a request
 * serialized once, up front, to exactly {@link #REQUEST_BYTES} bytes. Request and response travel
 * as raw bytes, so the client spends no time in protobuf inside the timed loop; the response's
 * bytes are only counted.
 */
final class LoadCall {
  static final int REQUEST_BYTES = 256;

  static final MethodDescriptor<byte[], byte[]> ECHO =
      EchoServiceGrpc.getEchoMethod().toBuilder(new RawBytes(), new RawBytes()).build();

  private LoadCall() {}

  /** An EchoRequest whose serialized form is exactly {@code size} bytes (the payload fills it up). */
  static byte[] request(int size) {
    for (int payload = Math.max(0, size - 16); payload <= size; payload++) {
      byte[] filler = new byte[payload];
      Arrays.fill(filler, (byte) 'k');
      byte[] bytes = EchoRequest.newBuilder()
          .setMessage("load")
          .setPayload(ByteString.copyFrom(filler))
          .build()
          .toByteArray();
      if (bytes.length == size) {
        return bytes;
      }
    }
    throw new IllegalArgumentException("no EchoRequest serializes to " + size + " bytes");
  }

  /**
   * One call outside the timed loop (a preflight): its message, the end marker of a version-2
   * call, and the half-close; the answer, or the status it failed with.
   */
  static ListenableFuture<byte[]> unary(Channel channel, CallHeaders.Call presigned, byte[] body,
      long deadlineSeconds) {
    ClientCall<byte[], byte[]> call = channel.newCall(
        ECHO, CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
    SettableFuture<byte[]> answer = SettableFuture.create();
    call.start(new ClientCall.Listener<>() {
      private byte[] reply;

      @Override
      public void onMessage(byte[] message) {
        reply = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (status.isOk() && reply != null) {
          answer.set(reply);
        } else {
          answer.setException((status.isOk()
              ? Status.INTERNAL.withDescription("OK without a message") : status)
              .asRuntimeException(trailers));
        }
      }
    }, presigned.headers());
    call.request(2);
    presigned.send(call, body);
    return answer;
  }

  /** gRPC frames a stream of known length without copying it into a buffer first. */
  private static final class KnownLengthBytes extends ByteArrayInputStream implements KnownLength {
    KnownLengthBytes(byte[] bytes) {
      super(bytes);
    }
  }

  /** Bytes in, bytes out: the message as it crosses the wire. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new KnownLengthBytes(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
