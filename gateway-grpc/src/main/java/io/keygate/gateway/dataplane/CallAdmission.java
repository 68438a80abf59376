package io.keygate.gateway.dataplane;

import io.keygate.gateway.auth.AuthFailure;
import io.keygate.gateway.auth.AuthResult;
import io.keygate.gateway.auth.MessageChain;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.auth.Screening;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.authz.AccessDecision;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.hsm.HsmException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a call may pass, in the spec's order: configuration fresh, (domain, method) → API
 * (routing, before any message is read), then for signature-mode APIs authentication in the HSM
 * and authorization once the first message is in. Plain: no gRPC types, so each step is tested
 * directly; {@link GatewayCallHandler} only adapts gRPC to it. Tells the {@link CallObserver}
 * about every authentication outcome.
 */
final class CallAdmission {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");

  private final ConfigView config;
  private final RequestAuthenticator authenticator;
  private final AccessPolicy policy;
  private final Duration maxConfigStaleness;
  private final CallObserver observer;
  private final CallsPerKey callsPerKey;
  private final CallsPerApi callsPerApi;

  CallAdmission(
      ConfigView config,
      RequestAuthenticator authenticator,
      AccessPolicy policy,
      Duration maxConfigStaleness,
      CallObserver observer,
      CallsPerKey callsPerKey,
      CallsPerApi callsPerApi) {
    this.config = config;
    this.authenticator = authenticator;
    this.policy = policy;
    this.maxConfigStaleness = maxConfigStaleness;
    this.observer = observer;
    this.callsPerKey = callsPerKey;
    this.callsPerApi = callsPerApi;
  }

  /**
   * The first step, on the call's method and {@code :authority} alone: configuration fresh enough,
   * (domain, method) → API, and its backend. A call of an API without authentication is admitted
   * here, holding a place among its API's open calls until the caller releases it, when the call
   * ends; a call of a signature-mode API is {@link Admission.Routed} on to {@link #screen}. Needs
   * none of the call's metadata, so a call without authentication costs no copy of it.
   *
   * @param authority the {@code :authority} the call arrived with (null: none)
   */
  Admission route(String method, String requestId, String authority) {
    if (config.isStale(maxConfigStaleness)) {
      return new Admission.Refused(GatewayError.CONFIG_UNAVAILABLE, "snapshot stale");
    }
    ConfigSnapshot snapshot = config.current();
    // The authority is part of what a client signs: a call reaches only the APIs of the tenant
    // that owns the domain it was signed for.
    Optional<ApiDefinition> api = snapshot.route(authority, method);
    if (api.isEmpty()) {
      return new Admission.Refused(GatewayError.UNKNOWN_API, "no API registered");
    }
    Optional<BackendTarget> backend = snapshot.backendOf(api.get());
    if (backend.isEmpty()) {
      return new Admission.Refused(
          GatewayError.BACKEND_UNAVAILABLE, "stored backend target of api=" + api.get().id()
              + " is not a valid target", api.get());
    }
    if (api.get().authMode() == AuthMode.NONE) {
      if (snapshot.payload(api.get().id()).policy() != EncryptionPolicy.NONE) {
        // Fail closed: envelopes bind the signed call's values, which such a call has none of.
        return new Admission.Refused(GatewayError.PAYLOAD_UNAVAILABLE,
            "api=" + api.get().id() + " encrypts but needs no signature", api.get());
      }
      // Nothing to prove: the call takes its API's place now, and holds it until it ends.
      Optional<CallsPerApi.Slot> place = callsPerApi.tryOpen(api.get().id());
      if (place.isEmpty()) {
        return apiBusy(api.get());
      }
      return new Admission.Admitted(
          new AdmittedCall(api.get(), backend.get(), Optional.empty(), requestId),
          CallPlaces.ofApi(place.get()));
    }
    return new Admission.Routed(api.get(), backend.get(), snapshot, requestId);
  }

  /**
   * The second step for a signature-mode API, on the call's headers alone: everything about the
   * signature that needs no message (header form, timestamp, AccessKey, credential state), so a
   * call that cannot be authenticated is refused before the gateway reads a byte of its body.
   *
   * @param headers the call's path, authority and metadata (no first message yet)
   */
  Admission screen(Admission.Routed routed, SignedRequest headers) {
    Screening screening;
    try {
      screening = authenticator.screen(headers, routed.snapshot());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "screening failed unexpectedly request=" + routed.requestId(), e);
      return new Admission.Refused(GatewayError.INTERNAL, e.getClass().getSimpleName());
    }
    if (screening instanceof Screening.Refused refused) {
      return refusedAuthentication(refused.rejection(), headers, routed.snapshot());
    }
    Screening.Passed passed = (Screening.Passed) screening;
    // A version-1 call to an API that requires version 2: refused on the headers, before the
    // HSM. The version is signed, so a call that lies about it fails its signature check instead.
    if (!routed.snapshot().signatureRequirement(routed.api()).accepts(passed.signedVersion2())) {
      return refusedAuthentication(new AuthResult.Rejected(AuthFailure.VERSION_REQUIRED,
          "api=" + routed.api().id() + " requires signature version 2"), headers,
          routed.snapshot());
    }
    Credential claimed = passed.claimed();
    // A key or an API already at its limit cannot take the call whatever its signature says:
    // refuse before the HSM, which a flood on one API would otherwise keep busy for nothing,
    // starving the signed calls of every other API. Only a look: places are taken once the
    // signature verifies (authenticate), so naming a key or an API still takes none of them.
    if (callsPerKey.open(claimed.accessKey()) >= callsPerKey.maxPerKey()) {
      return tooManyCalls(claimed);
    }
    if (callsPerApi.open(routed.api().id()) >= callsPerApi.maxPerApi()) {
      return apiBusy(claimed, routed.api());
    }
    return new Admission.AwaitingSignature(routed.api(), routed.backend(), routed.snapshot(),
        routed.requestId(), headers, passed);
  }

  /**
   * Verifies the signature (in the HSM) of a screened call whose first message is in, authorizes
   * it, takes a place among its AccessKey's open calls and one among its API's, and only then
   * records its nonce. An admitted call holds those places until the caller releases them, when
   * the call ends.
   *
   * @param firstMessage the first request message, empty if the client half-closed without one
   */
  Admission authenticate(Admission.AwaitingSignature routed, byte[] firstMessage) {
    Screening.Passed screened = routed.screened();
    Credential caller = screened.claimed();
    AuthResult result;
    try {
      result = authenticator.verify(screened, routed.headers().withFirstMessage(firstMessage));
    } catch (HsmException e) {
      return new Admission.Refused(GatewayError.HSM_UNAVAILABLE, "hsm: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug, not the caller's doing: the stack trace goes to the log with the request id.
      LOG.log(Level.ERROR, "authentication failed unexpectedly request=" + routed.requestId(), e);
      return new Admission.Refused(GatewayError.INTERNAL, e.getClass().getSimpleName());
    }
    if (result instanceof AuthResult.Rejected rejected) {
      return refusedAuthentication(rejected, routed.headers(), routed.snapshot());
    }
    AccessDecision decision = policy.decide(caller, routed.api(), routed.snapshot());
    if (!decision.allowed()) {
      GatewayError error = GatewayError.of(decision);
      observer.refused(caller.accessKey(), caller.appId(), error);
      return new Admission.Refused(error, "app=" + caller.appId() + " key=" + caller.accessKey());
    }
    // Counted only once the caller proved it holds the key's secret and may call the API:
    // naming a key or an API in the headers takes none of their places. The key first: a key
    // at its own limit is told so (TooManyCalls), whatever its API's load.
    Optional<CallsPerKey.Slot> keyPlace = callsPerKey.tryOpen(caller.accessKey());
    if (keyPlace.isEmpty()) {
      return tooManyCalls(caller);
    }
    Optional<CallsPerApi.Slot> apiPlace = callsPerApi.tryOpen(routed.api().id());
    if (apiPlace.isEmpty()) {
      keyPlace.get().release();
      return apiBusy(caller, routed.api());
    }
    CallPlaces places = new CallPlaces(apiPlace.get(), keyPlace.get());
    boolean admitted = false;
    try {
      Admission decided = recordNonce(routed, places);
      admitted = decided instanceof Admission.Admitted;
      return decided;
    } finally {
      if (!admitted) {
        places.release(); // refused, or a bug: the places must not leak either way
      }
    }
  }

  /**
   * How an admitted call's later messages are checked: a v2 call's {@link MessageChain}, empty
   * for a v1 call (its later messages rely on TLS alone, as the spec's version 1 says).
   */
  Optional<MessageChain> messageChain(Admission.AwaitingSignature admitted,
      boolean firstMessageSent) {
    return authenticator.messageChain(admitted.screened(), firstMessageSent);
  }

  /** A v2 call's later message was refused: reported to the observer (a security event). */
  void messageRefused(AdmittedCall call, GatewayError error) {
    call.caller().ifPresent(c -> observer.refused(c.accessKey(), c.appId(), error));
  }

  /**
   * The HSM lane had no room for this call's check: the refusal, reported to the observer like
   * every other refusal of a named key (a flood of signed calls is a security event too).
   */
  Admission.Refused hsmBusy(Admission.AwaitingSignature routed) {
    Credential claimed = routed.screened().claimed();
    observer.refused(claimed.accessKey(), claimed.appId(), GatewayError.HSM_BUSY);
    return new Admission.Refused(GatewayError.HSM_BUSY, "the HSM lane is full");
  }

  /** A key at its limit: reported to the observer, and refused. */
  private Admission.Refused tooManyCalls(Credential caller) {
    observer.refused(caller.accessKey(), caller.appId(), GatewayError.TOO_MANY_CALLS);
    return new Admission.Refused(GatewayError.TOO_MANY_CALLS, "app=" + caller.appId() + " key="
        + caller.accessKey() + " has " + callsPerKey.maxPerKey() + " calls open");
  }

  /** An API at its limit, for a caller: reported to the observer, and refused. */
  private Admission.Refused apiBusy(Credential caller, ApiDefinition api) {
    observer.refused(caller.accessKey(), caller.appId(), GatewayError.API_BUSY);
    return apiBusy(api);
  }

  private Admission.Refused apiBusy(ApiDefinition api) {
    return new Admission.Refused(GatewayError.API_BUSY,
        "api=" + api.id() + " has " + callsPerApi.maxPerApi() + " calls open", api);
  }

  // Only now, so a call that is refused anyway takes no room in the nonce store.
  private Admission recordNonce(Admission.AwaitingSignature routed, CallPlaces places) {
    Optional<AuthResult.Rejected> replay;
    try {
      replay = authenticator.recordNonce(routed.screened());
    } catch (NonceStoreUnavailableException e) {
      return new Admission.Refused(GatewayError.NONCE_STORE_UNAVAILABLE, e.getMessage());
    }
    if (replay.isPresent()) {
      return refusedAuthentication(replay.get(), routed.headers(), routed.snapshot());
    }
    Credential caller = routed.screened().claimed();
    observer.authenticated(caller);
    return new Admission.Admitted(
        new AdmittedCall(routed.api(), routed.backend(), Optional.of(caller), routed.requestId()),
        places);
  }

  /**
   * Whether a call let in earlier would still be let in now, by the rules every new call meets
   * that need none of its messages: the configuration fresh enough to trust, its API still
   * registered, its credential still known and active ({@link
   * RequestAuthenticator#credentialRefusal}), and the {@link AccessPolicy} still allowing it. So a
   * revoked or expired credential, a removed grant and a revoked or expired authorization end
   * calls in flight with the code a new call gets. Reads the snapshot and the clock only: no HSM,
   * no store. A call of an API without authentication has nothing to revoke; it ends only when
   * its API is removed.
   *
   * @return the refusal, or empty while the call may go on
   */
  Optional<Admission.Refused> reconsider(AdmittedCall call) {
    ConfigSnapshot snapshot = config.current();
    if (call.caller().isPresent() && config.isStale(maxConfigStaleness)) {
      return Optional.of(new Admission.Refused(GatewayError.CONFIG_UNAVAILABLE,
          "snapshot stale: a revocation could go unseen"));
    }
    // By id: the call was admitted to this API; what grants and authorizations name is its id.
    Optional<ApiDefinition> api = snapshot.api(call.api().id());
    if (api.isEmpty()) {
      return Optional.of(new Admission.Refused(
          GatewayError.UNKNOWN_API, "api=" + call.api().id() + " was removed"));
    }
    if (call.caller().isEmpty()) {
      return Optional.empty();
    }
    Credential caller = call.caller().get();
    Optional<AuthResult.Rejected> unusable =
        authenticator.credentialRefusal(caller.accessKey(), snapshot);
    if (unusable.isPresent()) {
      return Optional.of(new Admission.Refused(
          GatewayError.of(unusable.get().failure()), unusable.get().logDetail()));
    }
    AccessDecision decision = policy.decide(caller, api.get(), snapshot);
    if (!decision.allowed()) {
      return Optional.of(new Admission.Refused(GatewayError.of(decision),
          "app=" + caller.appId() + " key=" + caller.accessKey() + " api=" + api.get().id()));
    }
    return Optional.empty();
  }

  private Admission refusedAuthentication(
      AuthResult.Rejected rejected, SignedRequest request, ConfigSnapshot snapshot) {
    GatewayError error = GatewayError.of(rejected.failure());
    String key = claimedKey(request);
    // A key that names a credential is reported with its app; any other is "-" (aggregated).
    String app = key.equals("-") ? "-" : snapshot.credential(key).map(Credential::appId).orElse("-");
    observer.refused(key, app, error);
    return new Admission.Refused(error, rejected.logDetail());
  }

  /** The AccessKey the caller named, for aggregation only (bounded length, printable). */
  private static String claimedKey(SignedRequest request) {
    List<String> keys = request.values("x-ca-key");
    if (keys.size() != 1 || keys.get(0).length() > 64 || !keys.get(0).matches("[A-Za-z0-9._:-]+")) {
      return "-";
    }
    return keys.get(0);
  }
}
