package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.proxy.BackendProxy;
import io.keygate.gateway.proxy.ProxyRoute;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.UUID;

/**
 * Every call the gateway proxies starts here. Only adapts gRPC: asks {@link CallAdmission} to
 * route and screen the call on its headers; only then, for a signature-mode API, requests the
 * first message (its digest is signed) and asks it again; then hands the {@link AdmittedCall} to the {@link BackendProxy} explicitly,
 * replaying that first message. Refusals go through {@link ErrorReplies}.
 */
public final class GatewayCallHandler implements ServerCallHandler<byte[], byte[]> {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");

  private final CallAdmission admission;
  private final BackendProxy proxy;

  GatewayCallHandler(CallAdmission admission, BackendProxy proxy) {
    this.admission = admission;
    this.proxy = proxy;
  }

  /**
   * @param maxConfigStaleness how old the configuration may get (store unreachable) before calls
   *     are refused with UNAVAILABLE ConfigUnavailable
   * @param observer told every authentication outcome (last use, security events); must not block
   */
  public static GatewayCallHandler create(
      ConfigView config,
      RequestAuthenticator authenticator,
      AccessPolicy policy,
      Duration maxConfigStaleness,
      CallObserver observer,
      BackendProxy proxy) {
    return new GatewayCallHandler(
        new CallAdmission(config, authenticator, policy, maxConfigStaleness, observer), proxy);
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    String requestId = UUID.randomUUID().toString();
    String method = call.getMethodDescriptor().getFullMethodName();
    Admission routed;
    try {
      // Headers only: the call is screened before a single message is requested.
      SignedRequest headersOnly = SignedRequest.headersOnly(
          "/" + method, call.getAuthority(), MetadataCopy.asciiEntries(headers));
      routed = admission.route(method, requestId, headersOnly);
    } catch (RuntimeException e) {
      return failed(call, requestId, method, e);
    }
    if (routed instanceof Admission.Refused refused) {
      return refuse(call, refused, requestId, method);
    }
    if (routed instanceof Admission.Admitted admitted) {
      return proxy.forward(call, headers, routeOf(admitted.call()));
    }
    call.request(1);
    return new AuthenticatingListener(call, headers, (Admission.AwaitingSignature) routed);
  }

  private static ProxyRoute routeOf(AdmittedCall admitted) {
    return new ProxyRoute(admitted.backend(), admitted.requestId(), IdentityHeaders.of(admitted));
  }

  private static ServerCall.Listener<byte[]> refuse(
      ServerCall<byte[], byte[]> call, Admission.Refused refused, String requestId, String method) {
    ErrorReplies.refuse(call, refused.error(), requestId, method, refused.detail());
    return new ServerCall.Listener<>() {};
  }

  /** A bug on our side: the stack trace to the log with the request id, INTERNAL to the caller. */
  private static ServerCall.Listener<byte[]> failed(
      ServerCall<byte[], byte[]> call, String requestId, String method, RuntimeException e) {
    LOG.log(Level.ERROR, "call failed unexpectedly request=" + requestId + " method=" + method, e);
    ErrorReplies.refuse(
        call, GatewayError.INTERNAL, requestId, method, e.getClass().getSimpleName());
    return new ServerCall.Listener<>() {};
  }

  /** Holds the call until its first message (or half-close) has been authenticated. */
  private final class AuthenticatingListener extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], byte[]> call;
    private final Metadata headers;
    private final Admission.AwaitingSignature routed;
    private ServerCall.Listener<byte[]> delegate;
    private boolean refused;

    AuthenticatingListener(
        ServerCall<byte[], byte[]> call, Metadata headers, Admission.AwaitingSignature routed) {
      this.call = call;
      this.headers = headers;
      this.routed = routed;
    }

    @Override
    public void onMessage(byte[] message) {
      if (delegate != null) {
        delegate.onMessage(message);
      } else if (!refused && admit(message, true)) {
        delegate.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      if (delegate == null && !refused) {
        admit(new byte[0], false);
      }
      if (delegate != null) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (delegate != null) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (delegate != null) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (delegate != null) {
        delegate.onReady();
      }
    }

    /** On success starts the proxy (delegate set), else closes the call. */
    private boolean admit(byte[] firstMessage, boolean isMessage) {
      String method = routed.api().methodName();
      Admission decided;
      try {
        decided = admission.authenticate(routed, firstMessage);
      } catch (RuntimeException e) {
        refused = true;
        failed(call, routed.requestId(), method, e);
        return false;
      }
      if (decided instanceof Admission.Refused refusal) {
        refused = true;
        refuse(call, refusal, routed.requestId(), method);
        return false;
      }
      AdmittedCall admitted = ((Admission.Admitted) decided).call();
      FirstMessageReplay<byte[], byte[]> replay = new FirstMessageReplay<>(call, isMessage);
      delegate = proxy.forward(replay, headers, routeOf(admitted));
      return true;
    }
  }
}
