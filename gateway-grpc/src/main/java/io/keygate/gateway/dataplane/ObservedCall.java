package io.keygate.gateway.dataplane;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.Credential;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One call as the gateway's client sees it, watched until it ends, so that its outcome reaches
 * {@link CallOutcomes} exactly once however it ends: closed with a status (served, refused, failed
 * at the backend, ended by a revocation) or cancelled by the client. Only adapts: it learns the
 * call's API and caller from the admission's steps, counts message bytes both ways, and reads the
 * status the call was closed with.
 *
 * <p>Cheap on purpose (every call passes here on the event loop): two small objects per call (this
 * and its listener), no map, no string built; the error code is read back from the trailers only
 * for a call that did not end OK, and only codes of {@link GatewayError} count (the proxy drops any
 * {@code x-ca-*} a backend sends, so the trailer is the gateway's own).
 */
final class ObservedCall extends ForwardingServerCall.SimpleForwardingServerCall<byte[], byte[]> {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");
  private static final AtomicIntegerFieldUpdater<ObservedCall> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(ObservedCall.class, "ended");
  // A HashMap: get(null) answers null (a call closed without a code), where Map.of would throw.
  private static final Map<String, GatewayError> BY_CODE;

  static {
    Map<String, GatewayError> byCode = new HashMap<>();
    for (GatewayError e : GatewayError.values()) {
      byCode.put(e.code(), e);
    }
    BY_CODE = Collections.unmodifiableMap(byCode);
  }

  private final CallEndings endings;
  private final String requestId;
  private final long startedNanos;
  // Learnt on the event loop or the HSM lane, read when the call ends on another thread.
  private volatile String apiId;
  private volatile Credential caller;
  private volatile boolean admitted;
  private volatile long requestBytes; // written by the client side's thread only
  private volatile long responseBytes; // written by the backend side's thread only
  private volatile int ended;

  ObservedCall(ServerCall<byte[], byte[]> call, String requestId, CallEndings endings,
      long startedNanos) {
    super(call);
    this.requestId = requestId;
    this.endings = endings;
    this.startedNanos = startedNanos;
  }

  String requestId() {
    return requestId;
  }

  /** What a step of the admission learnt about the call: its API, the credential it names. */
  void learn(Admission step) {
    if (step instanceof Admission.Routed routed) {
      apiId = routed.api().id();
    } else if (step instanceof Admission.AwaitingSignature awaiting) {
      apiId = awaiting.api().id();
      caller = awaiting.screened().claimed();
    } else if (step instanceof Admission.Admitted admittedStep) {
      admitted(admittedStep.call());
    } else if (step instanceof Admission.Refused refused && refused.api() != null) {
      apiId = refused.api().id();
    }
  }

  /** The call was let through to its backend. */
  void admitted(AdmittedCall call) {
    apiId = call.api().id();
    caller = call.caller().orElse(null);
    admitted = true;
  }

  /** The listener to hand grpc: counts request bytes and notices a cancellation. */
  ServerCall.Listener<byte[]> listen(ServerCall.Listener<byte[]> delegate) {
    return new Listening(delegate);
  }

  @Override
  public void sendMessage(byte[] message) {
    responseBytes += message.length;
    super.sendMessage(message);
  }

  @Override
  public void close(Status status, Metadata trailers) {
    GatewayError error = status.isOk() ? null : BY_CODE.get(trailers.get(ErrorReplies.ERROR_CODE));
    try {
      super.close(status, trailers);
    } finally {
      end(status.getCode(), error);
    }
  }

  private void end(Status.Code status, GatewayError error) {
    if (!ENDED.compareAndSet(this, 0, 1)) {
      return; // already reported: a close after a cancel, a second close
    }
    Credential who = caller;
    EndedCall summary = new EndedCall(endings.wallMillis(), requestId,
        getMethodDescriptor().getFullMethodName(), apiId,
        who == null ? null : who.tenantId(), who == null ? null : who.appId(),
        who == null ? null : who.accessKey(), admitted, status, error,
        endings.nanoTime() - startedNanos, requestBytes, responseBytes);
    try {
      endings.outcomes().ended(summary);
    } catch (RuntimeException e) {
      // Metrics or the access log failing must never fail a call.
      LOG.log(Level.ERROR, "reporting the end of request=" + requestId + " failed", e);
    }
  }

  private final class Listening
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<byte[]> {
    Listening(ServerCall.Listener<byte[]> delegate) {
      super(delegate);
    }

    @Override
    public void onMessage(byte[] message) {
      requestBytes += message.length;
      super.onMessage(message);
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } finally {
        // The client left (or its deadline passed) before the gateway answered.
        end(Status.Code.CANCELLED, null);
      }
    }
  }
}
