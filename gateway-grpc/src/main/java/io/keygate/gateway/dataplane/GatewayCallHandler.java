package io.keygate.gateway.dataplane;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerStreamTracer;
import io.keygate.gateway.auth.MessageChain;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.payload.ApiPayloadKeys;
import io.keygate.gateway.payload.RequestPayloads;
import io.keygate.gateway.proxy.BackendProxy;
import io.keygate.gateway.proxy.Forwarded;
import io.keygate.gateway.proxy.ProxyRoute;
import io.keygate.hsm.PayloadKeys;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Every call the gateway proxies starts here. Only adapts gRPC: asks {@link CallAdmission} to
 * route and screen the call on its headers; only then, for a signature-mode API, requests the
 * first message (its digest is signed) and asks it again; then hands the {@link AdmittedCall} to
 * the {@link BackendProxy} explicitly, replaying that first message, has {@link OpenCalls} watch it
 * while it is open, and gives its {@link CallPlaces} back when the proxy is done with it. Refusals
 * go through {@link ErrorReplies}. Every call is watched ({@link ObservedCall}) until it ends, and
 * its end reported to {@link CallEndings}.
 */
public final class GatewayCallHandler implements ServerCallHandler<byte[], byte[]> {
  private static final byte[] NO_MESSAGE = new byte[0];

  private final CallAdmission admission;
  private final OpenCalls openCalls;
  private final BackendProxy proxy;
  private final PreAuthSettings preAuth;
  private final PreAuthTracing tracing;
  private final PreAuthMarshaller requests = new PreAuthMarshaller();
  private final PreAuthCapacity<PreAuthBudget> unauthenticated;
  private final FirstMessageDeadlines deadlines;
  private final CallsPerKey callsPerKey;
  private final CallsPerApi callsPerApi;
  private final Executor hsmLane;
  private final RequestIds requestIds;
  private final CallStarts starts;
  private final CallEndings endings;

  GatewayCallHandler(
      CallAdmission admission, CallsPerKey callsPerKey, CallsPerApi callsPerApi,
      OpenCalls openCalls, BackendProxy proxy, PreAuthSettings preAuth,
      ScheduledExecutorService timers, Executor hsmLane, RequestIds requestIds,
      CallStarts starts, CallEndings endings) {
    this.admission = Objects.requireNonNull(admission, "admission");
    this.starts = Objects.requireNonNull(starts, "starts");
    this.endings = Objects.requireNonNull(endings, "endings");
    this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
    this.hsmLane = Objects.requireNonNull(hsmLane, "hsmLane");
    this.callsPerKey = Objects.requireNonNull(callsPerKey, "callsPerKey");
    this.callsPerApi = Objects.requireNonNull(callsPerApi, "callsPerApi");
    this.openCalls = openCalls;
    this.proxy = proxy;
    this.preAuth = Objects.requireNonNull(preAuth, "preAuth");
    this.unauthenticated = new PreAuthCapacity<>(
        preAuth.nodeCalls(), preAuth.nodeBytes(), PreAuthCapacity.FREE_BYTES_PER_CALL);
    this.tracing = new PreAuthTracing(preAuth.maxFirstMessageBytes(), unauthenticated);
    this.deadlines = new FirstMessageDeadlines(unauthenticated);
    deadlines.start(Objects.requireNonNull(timers, "timers"), preAuth.firstMessageTimeout());
  }

  /**
   * @param maxConfigStaleness how old the configuration may get (store unreachable) before calls
   *     are refused with UNAVAILABLE ConfigUnavailable
   * @param observer told every authentication outcome (last use, security events); must not block
   * @param preAuth what a call may cost before it is authenticated
   * @param timers sweeps for calls whose first message is late (injected: the node owns the thread)
   * @param limits its {@link CallLimits#perKey} and {@link CallLimits#perApi} bound the calls one
   *     AccessKey and one API may have open at once (the rest are the listener's and the lane's)
   * @param hsmLane where signature checks run (they block in the token); one that refuses a task
   *     ({@link java.util.concurrent.RejectedExecutionException}) ends the call HsmBusy at once
   * @param requestIds gives each call its request id
   * @param backendHeaders what an authenticated call tells its backend ({@link
   *     BackendHeaders#UNSIGNED}, or an attestation)
   * @param payloadKeys opens and seals encrypting APIs' messages (empty: PayloadUnavailable)
   * @param endings told each call's end (per-API metrics, the access log); must not block
   */
  public static GatewayCallHandler create(ConfigView config, RequestAuthenticator authenticator,
      AccessPolicy policy, Duration maxConfigStaleness, CallObserver observer, BackendProxy proxy,
      PreAuthSettings preAuth, ScheduledExecutorService timers, CallLimits limits,
      Executor hsmLane, RequestIds requestIds, BackendHeaders backendHeaders,
      Optional<PayloadKeys> payloadKeys, CallEndings endings) {
    CallsPerKey callsPerKey = new CallsPerKey(limits.perKey());
    CallsPerApi callsPerApi = new CallsPerApi(limits.perApi());
    CallAdmission admission = new CallAdmission(
        config, authenticator, policy, maxConfigStaleness, observer, callsPerKey, callsPerApi);
    return new GatewayCallHandler(admission, callsPerKey, callsPerApi,
        new OpenCalls(admission, observer), proxy, preAuth, timers, hsmLane, requestIds,
        new CallStarts(backendHeaders, payloadKeys), endings);
  }

  /** What the calls hold now against the node's limits. */
  public DataPlaneLoad load() {
    return new DataPlaneLoad(unauthenticated.calls(), unauthenticated.bytes(),
        callsPerKey.total(), callsPerApi.total());
  }

  /**
   * The calls this handler is proxying; the node re-checks them after each new snapshot and on a
   * tick, so revocations reach calls in flight.
   */
  public OpenCalls openCalls() {
    return openCalls;
  }

  /** Install on the listener: counts each stream's first-message bytes against the limit. */
  public ServerStreamTracer.Factory preAuthTracing() {
    return tracing;
  }

  /** The request marshaller to serve with: stops inflating a first message at the limit. */
  public MethodDescriptor.Marshaller<byte[]> requestMarshaller() {
    return requests;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    ObservedCall observed = endings.observe(call, requestIds.next());
    return observed.listen(start(observed, headers));
  }

  private ServerCall.Listener<byte[]> start(ObservedCall call, Metadata headers) {
    String requestId = call.requestId();
    String method = call.getMethodDescriptor().getFullMethodName();
    // Absent only if the listener was built without preAuthTracing(): then no wire counting.
    PreAuthBudget found = PreAuthBudget.KEY.get();
    PreAuthBudget budget = found != null
        ? found : new PreAuthBudget(preAuth.maxFirstMessageBytes(), unauthenticated);
    Admission routed;
    try {
      routed = admission.route(method, requestId, call.getAuthority());
      call.learn(routed);
      if (routed instanceof Admission.Routed signatureMode) {
        // Headers only: the call is screened before a single message is requested. Its metadata
        // is copied only here: a call without authentication is routed on method and authority.
        routed = admission.screen(signatureMode, SignedRequest.headersOnly(
            "/" + method, call.getAuthority(), MetadataCopy.signatureEntries(headers)));
        call.learn(routed);
      }
    } catch (RuntimeException e) {
      budget.claim();
      return CallRefusals.failed(call, requestId, method, e);
    }
    if (routed instanceof Admission.Refused refused) {
      budget.claim();
      return CallRefusals.refuse(call, refused, requestId, method);
    }
    if (routed instanceof Admission.Admitted admitted) {
      budget.claim(); // no authentication: the listener's own limits apply
      return forward(call, call, headers, admitted, IdentityHeaders.of(admitted.call()),
          Optional.empty(), null, false, -1); // on the client's loop: the proxy finds it
    }
    Admission.AwaitingSignature awaiting = (Admission.AwaitingSignature) routed;
    AuthenticatingListener listener = new AuthenticatingListener(call, headers, awaiting, budget);
    CallRefusals.onPreAuthLimits(call, budget, requestId, method, preAuth.firstMessageTimeout());
    budget.narrowTo(awaiting.api().preAuthMaxMessageBytes());
    // Counted among the node's unauthenticated calls until the phase ends (may end the oldest),
    // and ended by the deadlines' sweep if its first message is late.
    budget.enterNode(deadlines.now());
    call.request(1);
    return listener;
  }

  /**
   * Starts the proxy for an admitted call, watches it (revocation), gives its places back once the
   * proxy is done with it. A v2 call's later messages pass its {@code chain}, an encrypting API's
   * its {@code payloads} ({@link ChainedMessages}); {@code firstSent}: the handler delivers the
   * already checked first message itself. {@code clientLoop}: the event loop that serves the
   * client, when forwarding from another thread; -1 on that loop.
   */
  private ServerCall.Listener<byte[]> forward(ServerCall<byte[], byte[]> call,
      ObservedCall observed, Metadata headers, Admission.Admitted admitted,
      Metadata gatewayHeaders, Optional<MessageChain> chain, RequestPayloads payloads,
      boolean firstSent, int clientLoop) {
    AdmittedCall open = admitted.call();
    observed.admitted(open);
    Forwarded forwarded;
    try {
      forwarded = proxy.forward(call, headers,
          new ProxyRoute(open.backend(), open.requestId(), gatewayHeaders, clientLoop));
    } catch (RuntimeException e) {
      admitted.places().release();
      return CallRefusals.failed(call, open.requestId(), open.api().methodName(), e);
    }
    // The one release of a forwarded call's places: ended() completes however the call ends
    // (completed, cancelled, past its deadline, failed at the backend, ended by a revocation).
    forwarded.ended().whenComplete((ignored, failure) -> admitted.places().release());
    openCalls.watch(open, forwarded::end, forwarded.ended());
    return chain.isEmpty() && payloads == null ? forwarded.listener() : new ChainedMessages(
        call, forwarded, chain.orElse(null), payloads, firstSent, hsmLane, open.requestId(),
        error -> admission.messageRefused(open, error));
  }

  /**
   * Holds the call until its first message (or half-close) has been authenticated.
   *
   * <p>Threading: the transport delivers these callbacks on its event loop; the signature check
   * runs on the {@link HsmLane} and then starts the proxy there. Every callback and that
   * continuation hold this listener's lock, so the call and its proxy are driven by one thread at
   * a time; a half-close or cancel that arrives during the check is kept and applied after it.
   */
  private final class AuthenticatingListener extends ServerCall.Listener<byte[]> {
    private final ObservedCall call;
    private final Metadata headers;
    private final Admission.AwaitingSignature routed;
    private final PreAuthBudget budget;
    /** The call's context (deadline, cancellation): the continuation runs in it. */
    private final Context context = Context.current();
    /** Made on the client's event loop: the backend leg, started on the lane, goes there. */
    private final int clientLoop = proxy.currentLoop();
    private ServerCall.Listener<byte[]> delegate;
    private boolean refused;
    private boolean authenticating;
    private boolean halfClosedMeanwhile;
    private boolean ended;

    AuthenticatingListener(ObservedCall call, Metadata headers,
        Admission.AwaitingSignature routed, PreAuthBudget budget) {
      this.call = call;
      this.headers = headers;
      this.routed = routed;
      this.budget = budget;
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
    // checked gives them back when the check is done (admit).
    @Override
    public synchronized void onCancel() {
      ended = true;
      budget.claim();
      if (delegate != null) {
        delegate.onCancel();
      }
    }

    @Override
    public synchronized void onComplete() {
      ended = true;
      budget.claim();
      if (delegate != null) {
        delegate.onComplete();
      }
    }

    @Override
    public synchronized void onReady() {
      if (delegate != null) {
        delegate.onReady();
      }
    }

    /** Hands the check to the HSM lane; a full lane ends the call at once. */
    private void authenticate(byte[] firstMessage, boolean isMessage) {
      authenticating = true;
      try {
        hsmLane.execute(context.wrap(() -> admit(firstMessage, isMessage)));
      } catch (RejectedExecutionException e) {
        authenticating = false;
        refused = true;
        Admission.Refused busy = admission.hsmBusy(routed);
        CallRefusals.refuse(call, busy.error(), routed.requestId(), routed.api().methodName(),
            busy.detail());
      }
    }

    /** On the HSM lane: checks the signature, then (under the lock) starts the proxy or refuses. */
    private void admit(byte[] firstMessage, boolean isMessage) {
      String method = routed.api().methodName();
      Admission decided;
      try {
        decided = admission.authenticate(routed, firstMessage);
      } catch (RuntimeException e) {
        synchronized (this) {
          authenticating = false;
          refused = true;
          CallRefusals.failed(call, routed.requestId(), method, e);
        }
        return;
      }
      // Still on the HSM lane, outside the lock: the backend's headers may need the token too,
      // and an API that encrypts has message 0 turned first, so the headers cover what is sent.
      Metadata gatewayHeaders = null;
      CallStarts.Start encrypted = null;
      if (decided instanceof Admission.Admitted admittedNow) {
        byte[] first = isMessage ? firstMessage : NO_MESSAGE;
        ApiPayloadKeys payload = routed.snapshot().payload(routed.api().id());
        if (payload.policy() == EncryptionPolicy.NONE) {
          gatewayHeaders = starts.headers(admittedNow.call(), routed.headers(), first);
        } else {
          encrypted = starts.encrypted(admittedNow.call(), routed.headers(), first, isMessage,
              payload);
        }
      }
      synchronized (this) {
        authenticating = false;
        if (decided instanceof Admission.Refused refusal) {
          refused = true;
          if (!ended) {
            CallRefusals.refuse(call, refusal, routed.requestId(), method);
          }
          return;
        }
        Admission.Admitted admitted = (Admission.Admitted) decided;
        if (ended) {
          admitted.places().release(); // the client left while its signature was checked
          return;
        }
        if (encrypted instanceof CallStarts.Refused no) {
          admission.messageRefused(admitted.call(), no.error()); // a security event
          refuseAdmitted(admitted, no.error(), no.detail());
          return;
        }
        if (gatewayHeaders == null && encrypted == null) { // the token could not attest the call
          refuseAdmitted(admitted, GatewayError.HSM_UNAVAILABLE, "cannot attest the call");
          return;
        }
        CallStarts.Started s = (CallStarts.Started) encrypted; // null: the API encrypts nothing
        FirstMessageReplay<byte[], byte[]> replay = new FirstMessageReplay<>(call, isMessage);
        delegate = forward(replay, call, headers, admitted, s == null ? gatewayHeaders : s.headers(),
            admission.messageChain(routed, isMessage), s == null ? null : s.payloads(), isMessage,
            clientLoop);
        if (isMessage) {
          delegate.onMessage(s == null ? firstMessage : s.firstMessage());
        }
        if (halfClosedMeanwhile) {
          delegate.onHalfClose();
        }
      }
    }

    /** Under the lock: an admitted call that will not be forwarded gives its places back. */
    private void refuseAdmitted(Admission.Admitted admitted, GatewayError error, String detail) {
      admitted.places().release();
      refused = true;
      CallRefusals.refuse(call, error, routed.requestId(), routed.api().methodName(), detail);
    }
  }
}
