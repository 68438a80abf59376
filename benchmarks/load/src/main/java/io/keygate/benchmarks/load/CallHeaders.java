package io.keygate.benchmarks.load;

import io.grpc.ClientCall;
import io.grpc.Metadata;

/**
 * Where each call's request headers come from, and under signature version 2 its end marker.
 * Called from several event-loop threads at once.
 */
interface CallHeaders {
  /** Calls to an API in auth mode none: nothing to add. */
  CallHeaders NONE = () -> new Call(new Metadata(), null);

  /** The next call's; each is used for exactly one call. */
  Call next();

  /**
   * What one call sends besides its message: its headers, and under signature version 2 the end
   * marker that follows the message (docs/signature-spec.md, section 13.2), null under version 1.
   */
  record Call(Metadata headers, byte[] endMarker) {
    /** Sends the call's message, its end marker if it has one, and half-closes. */
    void send(ClientCall<byte[], byte[]> call, byte[] body) {
      call.sendMessage(body);
      if (endMarker != null) {
        call.sendMessage(endMarker);
      }
      call.halfClose();
    }
  }
}
