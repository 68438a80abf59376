package io.keygate.gateway.dataplane;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ServerCall;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway reads a call's first message itself (its digest is part of the signature) before
 * the proxy starts. The proxy then receives that message without having asked the transport for
 * it, so this view of the call swallows the proxy's first request for one message: the flow
 * control count stays exact and no message is pulled early.
 */
final class FirstMessageReplay<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
  private final AtomicBoolean owed;

  /** @param alreadyDelivered whether a first message was read before the proxy started */
  FirstMessageReplay(ServerCall<ReqT, RespT> call, boolean alreadyDelivered) {
    super(call);
    this.owed = new AtomicBoolean(alreadyDelivered);
  }

  @Override
  public void request(int numMessages) {
    // The proxy may ask from the backend call's threads, hence the atomic.
    if (numMessages > 0 && owed.compareAndSet(true, false)) {
      numMessages--;
    }
    if (numMessages > 0) {
      super.request(numMessages);
    }
  }
}
