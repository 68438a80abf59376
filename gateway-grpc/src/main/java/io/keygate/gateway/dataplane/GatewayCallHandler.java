package io.keygate.gateway.dataplane;

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
import io.keygate.gateway.payload.RequestPayloads;
import io.keygate.gateway.proxy.BackendProxy;
import io.keygate.gateway.proxy.Forwarded;
import io.keygate.gateway.proxy.ProxyRoute;
import io.keygate.hsm.PayloadKeys;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Every call the gateway proxies starts here. Only adapts gRPC: asks {@link CallAdmission} to
 * route and screen the call on its headers; only then, for a signature-mode API, requests the
 * first message (its digest is signed) and asks it again ({@link AuthenticatingListener}: the
 * check on the HSM lane, the rest back on the client's event loop); then hands the {@link
 * AdmittedCall} to the {@link BackendProxy} explicitly, replaying that first message, has {@link
 * OpenCalls} watch it while it is open, and gives its {@link CallPlaces} back when the proxy is
 * done with it. Refusals go through {@link ErrorReplies}. Every call is watched ({@link
 * ObservedCall}) until it ends, and its end reported to {@link CallEndings}.
 */
public final class GatewayCallHandler implements ServerCallHandler<byte[], byte[]> {
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
  private final LoopChecks loopChecks;
  private final RequestIds requestIds;
  private final CallStarts starts;
  private final CallEndings endings;
  /** What each signature-mode call's {@link AuthenticatingListener} works with. */
  private final AuthenticatingListener.Parts signedCalls;

  GatewayCallHandler(
      CallAdmission admission, CallsPerKey callsPerKey, CallsPerApi callsPerApi,
      OpenCalls openCalls, BackendProxy proxy, PreAuthSettings preAuth,
      ScheduledExecutorService timers, Executor hsmLane, LoopChecks loopChecks,
      RequestIds requestIds, CallStarts starts, CallEndings endings) {
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
    this.loopChecks = Objects.requireNonNull(loopChecks, "loopChecks");
    this.signedCalls = new AuthenticatingListener.Parts(
        admission, starts, this.hsmLane, loopChecks, proxy, this::forward);
    deadlines.start(Objects.requireNonNull(timers, "timers"), preAuth.firstMessageTimeout());
  }

  /**
   * @param maxConfigStaleness how old the configuration may get (store unreachable) before calls
   *     are refused with UNAVAILABLE ConfigUnavailable
   * @param observer told every authentication outcome (last use, security events); must not block
   * @param preAuth what a call may cost before it is authenticated
   * @param timers sweeps for calls whose first message is late (injected: the node owns the thread)
   * @param limits its {@link CallLimits#perKey} and {@link CallLimits#perApi} bound the calls one
   *     AccessKey and one API may have open at once, and its {@link CallLimits#loopCheckPermits}
   *     and {@link CallLimits#hsmOnLoopUnder} say when a loop checks a call itself ({@link
   *     LoopChecks}; the rest are the listener's and the lane's)
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
        new OpenCalls(admission, observer), proxy, preAuth, timers, hsmLane,
        new LoopChecks(limits.loopCheckPermits(), limits.hsmOnLoopUnder()), requestIds,
        new CallStarts(backendHeaders, payloadKeys), endings);
  }

  /** The moving average of the signature checks' durations (the node's metrics). */
  public Duration averageCheck() {
    return loopChecks.average();
  }

  /** Signature checks run on event loops since the node started (the node's metrics). */
  public long checksOnLoops() {
    return loopChecks.onLoops();
  }

  /** Signature checks run on the HSM lane since the node started (the node's metrics). */
  public long checksOnLane() {
    return loopChecks.onLane();
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
    AuthenticatingListener listener =
        new AuthenticatingListener(signedCalls, call, headers, awaiting, budget);
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
        call, forwarded, chain.orElse(null), payloads, firstSent, hsmLane, loopChecks,
        () -> proxy.currentLoop() >= 0, open.requestId(),
        error -> admission.messageRefused(open, error));
  }
}
