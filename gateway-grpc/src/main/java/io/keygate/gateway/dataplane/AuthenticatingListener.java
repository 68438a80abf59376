package io.keygate.gateway.dataplane;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.keygate.gateway.auth.MessageChain;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.payload.ApiPayloadKeys;
import io.keygate.gateway.payload.RequestPayloads;
import io.keygate.gateway.proxy.BackendProxy;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Holds a signature-mode call until its first message (or half-close) has been authenticated.
 *
 * <p>Threading: the transport delivers these callbacks on the event loop that serves the client.
 * The token's work (the signature check, and the backend headers that may need the token too)
 * runs where {@link LoopChecks} says: on that loop itself while the token is fast and another loop
 * stays free, which spares the call two hand-offs between threads; otherwise on the {@link
 * HsmLane}, and what follows (refusing, or starting the proxy and replaying the first message)
 * goes back to the client's loop as one task. Either way the backend leg is started where its
 * connections live: one wake-up of the loop a call at most, instead of one for each command the
 * lane would hand it (open the stream, send, half-close). Every callback and that continuation
 * hold this listener's lock, so the call and its proxy are driven by one thread at a time; a
 * half-close or cancel that arrives during a check on the lane is kept and applied after it.
 */
final class AuthenticatingListener extends ServerCall.Listener<byte[]> {
  private static final byte[] NO_MESSAGE = new byte[0];

  /** Starts the proxy for an admitted call: the handler's forward. */
  @FunctionalInterface
  interface Forwarding {
    ServerCall.Listener<byte[]> forward(ServerCall<byte[], byte[]> call, ObservedCall observed,
        Metadata headers, Admission.Admitted admitted, Metadata gatewayHeaders,
        Optional<MessageChain> chain, RequestPayloads payloads, boolean firstSent,
        int clientLoop);
  }

  /** What every signed call shares: made once by the handler. */
  record Parts(CallAdmission admission, CallStarts starts, Executor hsmLane,
      LoopChecks loopChecks, BackendProxy proxy, Forwarding forwarding) {}

  /** The token's work for one call: its verdict and, if admitted, what its backend gets first. */
  private record Checked(Admission decided, Metadata gatewayHeaders,
      CallStarts.Start encrypted) {}

  private final Parts parts;
  private final ObservedCall call;
  private final Metadata headers;
  private final Admission.AwaitingSignature routed;
  private final PreAuthBudget budget;
  /** The call's context (deadline, cancellation): the check and its continuation run in it. */
  private final Context context = Context.current();
  /** Made on the client's event loop: the continuation goes back there. */
  private final int clientLoop;
  private ServerCall.Listener<byte[]> delegate;
  private boolean refused;
  private boolean authenticating;
  private boolean halfClosedMeanwhile;
  private boolean ended;

  AuthenticatingListener(Parts parts, ObservedCall call, Metadata headers,
      Admission.AwaitingSignature routed, PreAuthBudget budget) {
    this.parts = parts;
    this.call = call;
    this.headers = headers;
    this.routed = routed;
    this.budget = budget;
    this.clientLoop = parts.proxy().currentLoop();
  }

  @Override
  public synchronized void onMessage(byte[] message) {
    if (delegate != null) {
      delegate.onMessage(message);
    } else if (!authenticating && firstArrived()) {
      authenticate(message, true);
    }
  }

  @Override
  public synchronized void onHalfClose() {
    if (delegate != null) {
      delegate.onHalfClose();
    } else if (authenticating) {
      halfClosedMeanwhile = true;
    } else if (firstArrived()) {
      halfClosedMeanwhile = true;
      authenticate(new byte[0], false);
    }
  }

  /**
   * Takes the call over from the size limit and the deadline; false if one of them (or an
   * earlier refusal) already ended it, or if the first message inflated past the limit.
   */
  private boolean firstArrived() {
    if (refused) {
      return false;
    }
    if (!budget.claim()) {
      refused = true; // closed by the size limit or the deadline
      return false;
    }
    if (budget.inflatedTooLarge()) {
      refused = true;
      CallRefusals.refuse(call, GatewayError.PREAUTH_MESSAGE_TOO_LARGE, routed.requestId(),
          routed.api().methodName(), "first message inflated past "
              + budget.maxMessageBytes() + " bytes");
      return false;
    }
    return true;
  }

  // The call's end, exactly one of these two. A call holds places only once it is forwarded,
  // and the proxy gives them back (forward); one that ends while its signature is being
  // checked gives them back when the check is done (decide).
  @Override
  public synchronized void onCancel() {
    if (ended()) {
      delegate.onCancel();
    }
  }

  @Override
  public synchronized void onComplete() {
    if (ended()) {
      delegate.onComplete();
    }
  }

  /** Under the lock: notes the end; true if the proxy has the call and must hear of it. */
  private boolean ended() {
    ended = true;
    budget.claim();
    return delegate != null;
  }

  @Override
  public synchronized void onReady() {
    if (delegate != null) {
      delegate.onReady();
    }
  }

  /**
   * Checks the call on this loop if {@link LoopChecks} lets it, else hands the check to the HSM
   * lane; a full lane ends the call at once.
   */
  private void authenticate(byte[] firstMessage, boolean isMessage) {
    authenticating = true;
    if (clientLoop >= 0 && parts.loopChecks().tryEnter()) {
      checkOnLoop(firstMessage, isMessage);
      return;
    }
    try {
      parts.hsmLane().execute(context.wrap(() -> checkOnLane(firstMessage, isMessage)));
    } catch (RejectedExecutionException e) {
      authenticating = false;
      refused = true;
      Admission.Refused busy = parts.admission().hsmBusy(routed);
      CallRefusals.refuse(call, busy.error(), routed.requestId(), routed.api().methodName(),
          busy.detail());
    }
  }

  /** Under the lock, on the client's loop, holding a loop permit: the check, then the rest. */
  private void checkOnLoop(byte[] firstMessage, boolean isMessage) {
    Checked checked = timedCheck(firstMessage, isMessage, true);
    if (checked != null) {
      decide(checked, firstMessage, isMessage);
    }
  }

  /** On the HSM lane: the check, then the rest handed to the client's loop. */
  private void checkOnLane(byte[] firstMessage, boolean isMessage) {
    Checked checked = timedCheck(firstMessage, isMessage, false);
    if (checked != null) {
      parts.proxy().onClientLoop(clientLoop, context.wrap(
          () -> decide(checked, firstMessage, isMessage)));
    }
  }

  /**
   * The check, its duration told to {@link LoopChecks} (and a loop's permit given back); null if
   * it failed, the call then ended.
   */
  private Checked timedCheck(byte[] firstMessage, boolean isMessage, boolean onLoop) {
    long start = System.nanoTime();
    try {
      return check(firstMessage, isMessage);
    } catch (RuntimeException e) {
      failed(e);
      return null;
    } finally {
      long took = System.nanoTime() - start;
      if (onLoop) {
        parts.loopChecks().leave(took);
      } else {
        parts.loopChecks().record(took);
      }
    }
  }

  /** A bug in the check, not the caller's doing: the call ends INTERNAL, the trace is logged. */
  private synchronized void failed(RuntimeException e) {
    authenticating = false;
    refused = true;
    CallRefusals.failed(call, routed.requestId(), routed.api().methodName(), e);
  }

  /**
   * The token's work only: checks the signature and, for an admitted call, makes the backend
   * headers (an attestation may need the token; an API that encrypts has message 0 turned first,
   * so the headers cover what is sent).
   */
  private Checked check(byte[] firstMessage, boolean isMessage) {
    Admission decided = parts.admission().authenticate(routed, firstMessage);
    Metadata gatewayHeaders = null;
    CallStarts.Start encrypted = null;
    if (decided instanceof Admission.Admitted admittedNow) {
      byte[] first = isMessage ? firstMessage : NO_MESSAGE;
      ApiPayloadKeys payload = routed.snapshot().payload(routed.api().id());
      try {
        if (payload.policy() == EncryptionPolicy.NONE) {
          gatewayHeaders = parts.starts().headers(admittedNow.call(), routed.headers(), first);
        } else {
          encrypted = parts.starts().encrypted(admittedNow.call(), routed.headers(), first,
              isMessage, payload);
        }
      } catch (RuntimeException e) {
        admittedNow.places().release(); // a bug: the call fails, its places must not leak
        throw e;
      }
    }
    return new Checked(decided, gatewayHeaders, encrypted);
  }

  /** On the client's loop (or the lane, without one): starts the proxy or refuses. */
  private synchronized void decide(Checked checked, byte[] firstMessage, boolean isMessage) {
    Admission decided = checked.decided();
    Metadata gatewayHeaders = checked.gatewayHeaders();
    CallStarts.Start encrypted = checked.encrypted();
    authenticating = false;
    if (decided instanceof Admission.Refused refusal) {
      refused = true;
      if (!ended) {
        CallRefusals.refuse(call, refusal, routed.requestId(), routed.api().methodName());
      }
      return;
    }
    Admission.Admitted admitted = (Admission.Admitted) decided;
    if (ended) {
      admitted.places().release(); // the client left while its signature was checked
      return;
    }
    if (encrypted instanceof CallStarts.Refused no) {
      parts.admission().messageRefused(admitted.call(), no.error()); // a security event
      refuseAdmitted(admitted, no.error(), no.detail());
      return;
    }
    if (gatewayHeaders == null && encrypted == null) { // the token could not attest the call
      refuseAdmitted(admitted, GatewayError.HSM_UNAVAILABLE, "cannot attest the call");
      return;
    }
    CallStarts.Started s = (CallStarts.Started) encrypted; // null: the API encrypts nothing
    FirstMessageReplay<byte[], byte[]> replay = new FirstMessageReplay<>(call, isMessage);
    delegate = parts.forwarding().forward(replay, call, headers, admitted,
        s == null ? gatewayHeaders : s.headers(),
        parts.admission().messageChain(routed, isMessage), s == null ? null : s.payloads(),
        isMessage, clientLoop);
    if (isMessage) {
      delegate.onMessage(s == null ? firstMessage : s.firstMessage());
    }
    if (halfClosedMeanwhile) {
      delegate.onHalfClose();
    }
  }

  /** Under the lock: an admitted call that will not be forwarded gives its places back. */
  private void refuseAdmitted(Admission.Admitted admitted, GatewayError error, String detail) {
    admitted.places().release();
    refused = true;
    CallRefusals.refuse(call, error, routed.requestId(), routed.api().methodName(), detail);
  }
}
