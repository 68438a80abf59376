package io.keygate.gateway.dataplane;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;

/**
 * Gives each stream a {@link PreAuthBudget} and feeds it the wire bytes the transport reads.
 *
 * <p>Why a stream tracer: grpc-java enforces only one, server-wide maximum message size (16 MiB
 * here) and has no per-call maximum on the server side. Its deframer reports the bytes it moves
 * into a message's buffer through {@link ServerStreamTracer#inboundWireSize} as they arrive, not
 * once the message is whole, so counting them lets the gateway close a call whose first message
 * passes the pre-authentication limit while at most one flow-control window more is buffered.
 */
final class PreAuthTracing extends ServerStreamTracer.Factory {
  private final int maxFirstMessageBytes;
  private final PreAuthCapacity<PreAuthBudget> node;

  /** @param node what the node's unauthenticated calls may hold together */
  PreAuthTracing(int maxFirstMessageBytes, PreAuthCapacity<PreAuthBudget> node) {
    this.maxFirstMessageBytes = maxFirstMessageBytes;
    this.node = node;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    PreAuthBudget budget = new PreAuthBudget(maxFirstMessageBytes, node);
    return new ServerStreamTracer() {
      @Override
      public Context filterContext(Context context) {
        return context.withValue(PreAuthBudget.KEY, budget);
      }

      @Override
      public void inboundWireSize(long bytes) {
        budget.wireBytesRead(bytes);
      }
    };
  }
}
