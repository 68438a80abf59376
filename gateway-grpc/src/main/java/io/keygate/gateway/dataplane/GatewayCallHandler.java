package io.keygate.gateway.dataplane;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.keygate.gateway.auth.AuthResult;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.authz.AccessDecision;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.hsm.HsmException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Every call the gateway proxies starts here: route (method to API), then for signature-mode APIs
 * wait for the first message (its digest is signed), authenticate in the HSM, authorize, and only
 * then hand the call to the proxy, replaying that first message. Refusals go through {@link
 * ErrorReplies}. This class only adapts gRPC to the plain {@link RequestAuthenticator} and {@link
 * AccessPolicy}.
 */
final class GatewayCallHandler implements ServerCallHandler<byte[], byte[]> {
  private final ConfigView config;
  private final RequestAuthenticator authenticator;
  private final AccessPolicy policy;
  private final ServerCallHandler<byte[], byte[]> proxy;
  private final Duration maxConfigStaleness;
  private final CallObserver observer;

  GatewayCallHandler(
      ConfigView config,
      RequestAuthenticator authenticator,
      AccessPolicy policy,
      ServerCallHandler<byte[], byte[]> proxy,
      Duration maxConfigStaleness,
      CallObserver observer) {
    this.config = config;
    this.authenticator = authenticator;
    this.policy = policy;
    this.proxy = proxy;
    this.maxConfigStaleness = maxConfigStaleness;
    this.observer = observer;
  }

  @Override
  public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
    String requestId = UUID.randomUUID().toString();
    String method = call.getMethodDescriptor().getFullMethodName();
    if (config.isStale(maxConfigStaleness)) {
      return refuse(call, GatewayError.CONFIG_UNAVAILABLE, requestId, method, "snapshot stale");
    }
    ConfigSnapshot snapshot = config.current();
    Optional<ApiDefinition> api = snapshot.apiForMethod(method);
    if (api.isEmpty()) {
      return refuse(call, GatewayError.UNKNOWN_API, requestId, method, "no API registered");
    }
    if (api.get().authMode() == AuthMode.NONE) {
      Context context = contextFor(api.get(), null, requestId);
      return ContextualListener.start(context, () -> proxy.startCall(call, headers));
    }
    call.request(1);
    return new AuthenticatingListener(call, headers, api.get(), snapshot, requestId);
  }

  private static ServerCall.Listener<byte[]> refuse(
      ServerCall<byte[], byte[]> call, GatewayError error, String requestId, String method, String detail) {
    ErrorReplies.refuse(call, error, requestId, method, detail);
    return new ServerCall.Listener<>() {};
  }

  private static Context contextFor(ApiDefinition api, Credential caller, String requestId) {
    Context context =
        Context.current().withValue(CallContext.API, api).withValue(CallContext.REQUEST_ID, requestId);
    return caller == null ? context : context.withValue(CallContext.CALLER, caller);
  }

  /** Holds the call until its first message (or half-close) has been authenticated. */
  private final class AuthenticatingListener extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], byte[]> call;
    private final Metadata headers;
    private final ApiDefinition api;
    private final ConfigSnapshot snapshot;
    private final String requestId;
    private ServerCall.Listener<byte[]> delegate;
    private boolean refused;

    AuthenticatingListener(
        ServerCall<byte[], byte[]> call,
        Metadata headers,
        ApiDefinition api,
        ConfigSnapshot snapshot,
        String requestId) {
      this.call = call;
      this.headers = headers;
      this.api = api;
      this.snapshot = snapshot;
      this.requestId = requestId;
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

    /** Authenticates and authorizes; on success starts the proxy, else closes the call. */
    private boolean admit(byte[] firstMessage, boolean isMessage) {
      String method = api.methodName();
      SignedRequest request =
          SignedRequest.withFirstMessage(
              "/" + method, call.getAuthority(), MetadataCopy.asciiEntries(headers), firstMessage);
      AuthResult result;
      try {
        result = authenticator.authenticate(request, snapshot);
      } catch (HsmException e) {
        return deny(GatewayError.HSM_UNAVAILABLE, "hsm: " + e.getMessage());
      } catch (NonceStoreUnavailableException e) {
        return deny(GatewayError.NONCE_STORE_UNAVAILABLE, e.getMessage());
      } catch (RuntimeException e) {
        return deny(GatewayError.INTERNAL, e.getClass().getSimpleName());
      }
      if (result instanceof AuthResult.Rejected rejected) {
        GatewayError error = GatewayError.of(rejected.failure());
        observer.refused(claimedKey(request), "-", error);
        return deny(error, rejected.logDetail());
      }
      Credential caller = ((AuthResult.Authenticated) result).credential();
      observer.authenticated(caller);
      AccessDecision decision = policy.decide(caller, api, snapshot);
      if (!decision.allowed()) {
        GatewayError error = GatewayError.of(decision);
        observer.refused(caller.accessKey(), caller.appId(), error);
        return deny(error, "app=" + caller.appId() + " key=" + caller.accessKey());
      }
      Context context = contextFor(api, caller, requestId);
      FirstMessageReplay<byte[], byte[]> replay = new FirstMessageReplay<>(call, isMessage);
      delegate = ContextualListener.start(context, () -> proxy.startCall(replay, headers));
      return true;
    }

    /** The AccessKey the caller named, for aggregation only (bounded length, printable). */
    private String claimedKey(SignedRequest request) {
      java.util.List<String> keys = request.values("x-ca-key");
      if (keys.size() != 1 || keys.get(0).length() > 64 || !keys.get(0).matches("[A-Za-z0-9._:-]+")) {
        return "-";
      }
      return keys.get(0);
    }

    private boolean deny(GatewayError error, String detail) {
      refused = true;
      ErrorReplies.refuse(call, error, requestId, api.methodName(), detail);
      return false;
    }
  }
}
