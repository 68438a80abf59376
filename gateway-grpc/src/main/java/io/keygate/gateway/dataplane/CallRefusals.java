package io.keygate.gateway.dataplane;

import io.grpc.ServerCall;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * How the call handler ends a call it will not forward, through {@link ErrorReplies} (the one
 * place statuses are chosen): a refusal, a refusal that may race the call's own end, or a bug of
 * ours (the stack trace to the log with the request id, INTERNAL to the caller).
 */
final class CallRefusals {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");

  private CallRefusals() {}

  /** Refuses from another thread (timer, HSM lane): the call may have ended meanwhile. */
  static void refuse(ServerCall<byte[], byte[]> call, GatewayError error,
      String requestId, String method, String detail) {
    try {
      ErrorReplies.refuse(call, error, requestId, method, detail);
    } catch (IllegalStateException e) {
      LOG.log(Level.DEBUG, "call ended before it could be refused request=" + requestId);
    }
  }

  static ServerCall.Listener<byte[]> refuse(
      ServerCall<byte[], byte[]> call, Admission.Refused refused, String requestId, String method) {
    ErrorReplies.refuse(call, refused.error(), requestId, method, refused.detail());
    return new ServerCall.Listener<>() {};
  }

  static ServerCall.Listener<byte[]> failed(
      ServerCall<byte[], byte[]> call, String requestId, String method, RuntimeException e) {
    LOG.log(Level.ERROR, "call failed unexpectedly request=" + requestId + " method=" + method, e);
    ErrorReplies.refuse(
        call, GatewayError.INTERNAL, requestId, method, e.getClass().getSimpleName());
    return new ServerCall.Listener<>() {};
  }

  /**
   * Ends a call awaiting its first message when a pre-authentication limit strikes. These run on
   * other threads (transport, timer, a newer call entering); the budget lets only one end the
   * phase.
   */
  static void onPreAuthLimits(ServerCall<byte[], byte[]> call, PreAuthBudget budget,
      String requestId, String method, Duration firstMessageTimeout) {
    budget.onTooLarge(() -> refuse(call, GatewayError.PREAUTH_MESSAGE_TOO_LARGE, requestId,
        method, "first message passed " + budget.maxMessageBytes() + " bytes on the wire"));
    budget.onNoCapacity(detail ->
        refuse(call, GatewayError.PREAUTH_CAPACITY_EXHAUSTED, requestId, method, detail));
    budget.onLate(() -> refuse(call, GatewayError.FIRST_MESSAGE_TIMEOUT, requestId, method,
        "no first message within " + firstMessageTimeout));
  }
}
