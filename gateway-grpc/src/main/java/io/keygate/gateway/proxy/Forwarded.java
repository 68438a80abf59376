package io.keygate.gateway.proxy;

import io.grpc.ServerCall;
import io.keygate.gateway.errors.GatewayError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A call the {@link BackendProxy} took on: the listener grpc delivers the client's side to, a way
 * for the gateway to end the call while it runs (a revocation), and when it is over.
 */
public interface Forwarded {

  /** Where grpc delivers the client's messages, half-close and cancellation. */
  ServerCall.Listener<byte[]> listener();

  /**
   * Ends the call from outside, from any thread: the backend call is cancelled and the client is
   * answered with {@code error} (unless the backend's own answer is already on its way). Does
   * nothing once the call is over; only the first end counts.
   *
   * @param detail for the log only, with the request id
   */
  void end(GatewayError error, String detail);

  /** Completes once the call is over, however it ended: it then holds nothing of the node's. */
  CompletionStage<Void> ended();

  /** A call the proxy refused before it began (already closed with a status). */
  static Forwarded refused() {
    return new Forwarded() {
      @Override
      public ServerCall.Listener<byte[]> listener() {
        return new ServerCall.Listener<>() {};
      }

      @Override
      public void end(GatewayError error, String detail) {}

      @Override
      public CompletionStage<Void> ended() {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
