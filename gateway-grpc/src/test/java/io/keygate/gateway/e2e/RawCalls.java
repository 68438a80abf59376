package io.keygate.gateway.e2e;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.keygate.client.AccessSecret;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.proxy.ByteMarshaller;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls a client drives by hand, frame by frame, the way an attacker would: start a call and
 * stall, send more than a unary method takes, and so on. Each reports how the call ended.
 */
final class RawCalls {
  private RawCalls() {}

  /** How a call ended: its status and the gateway's error code trailer (null if none). */
  record Ended(Status.Code status, String code) {
    static Ended of(GatewayError error) {
      return new Ended(error.status(), error.code());
    }
  }

  static Metadata metadata(Map<String, String> headers) {
    Metadata md = new Metadata();
    headers.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    return md;
  }

  /** X-Ca headers for {@code body} on {@code path}, signed the SDK's way at {@code clock}. */
  static Map<String, String> signed(
      String accessKey, byte[] secret, Clock clock, String path, String authority, byte[] body) {
    XcaSigner signer = XcaSigner.builder(accessKey, AccessSecret.copyOf(secret)).clock(clock).build();
    return signer.sign(path, authority, body).headers();
  }

  /**
   * Starts {@code method} with {@code headers}, asks for replies, then sends {@code messages}
   * (none: the client stalls) and half-closes only if {@code halfClose}.
   */
  static CompletableFuture<Ended> start(
      Channel channel,
      String method,
      Metadata headers,
      CallOptions options,
      boolean halfClose,
      byte[]... messages) {
    CompletableFuture<Ended> ended = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call =
        channel.newCall(ByteMarshaller.methodDescriptor(method), options);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            ended.complete(new Ended(status.getCode(), trailers.get(ErrorReplies.ERROR_CODE)));
          }
        },
        headers);
    call.request(Integer.MAX_VALUE);
    for (byte[] message : messages) {
      call.sendMessage(message);
    }
    if (halfClose) {
      call.halfClose();
    }
    return ended;
  }

  /** A call whose client sends its headers and then nothing; cancel it to end it. */
  record Stalled(ClientCall<byte[], byte[]> call, CompletableFuture<Ended> ended) {
    void cancel() {
      call.cancel("the test is over", null);
    }

    /** Sends the first message after all, and half-closes. */
    void finish(byte[] message) {
      call.sendMessage(message);
      call.halfClose();
    }
  }

  /** Starts {@code method} with {@code headers} and sends nothing more. */
  static Stalled stall(Channel channel, String method, Metadata headers, CallOptions options) {
    CompletableFuture<Ended> ended = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call =
        channel.newCall(ByteMarshaller.methodDescriptor(method), options);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            ended.complete(new Ended(status.getCode(), trailers.get(ErrorReplies.ERROR_CODE)));
          }
        },
        headers);
    call.request(1);
    return new Stalled(call, ended);
  }

  static CallOptions deadline(int seconds) {
    return CallOptions.DEFAULT.withDeadlineAfter(seconds, TimeUnit.SECONDS);
  }
}
