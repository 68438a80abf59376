package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.payload.ApiPayloadKeys;
import io.keygate.gateway.payload.PayloadAad;
import io.keygate.gateway.payload.PayloadCall;
import io.keygate.gateway.payload.PayloadException;
import io.keygate.gateway.payload.RequestPayloads;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.PayloadKeys;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an authenticated call sends its backend first, made on the HSM lane once its signature
 * verified: the gateway's headers for the backend and, for an API that encrypts
 * (docs/payload-encryption.md, section 9), the first message as it is forwarded and the {@link
 * RequestPayloads} that turn the later ones. The payload step runs before the headers are made, so
 * {@code x-keygate-content-sha256} covers the bytes forwarded (the backend envelope).
 *
 * <p>A call of an API whose policy is {@code none} goes through {@link #headers} alone and costs
 * nothing more than before.
 */
final class CallStarts {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");

  private final BackendHeaders backendHeaders;
  /** Null on a node that opened no payload keys: every encrypting API's calls are refused. */
  private final PayloadKeys payloadKeys;

  CallStarts(BackendHeaders backendHeaders, Optional<PayloadKeys> payloadKeys) {
    this.backendHeaders = Objects.requireNonNull(backendHeaders, "backendHeaders");
    this.payloadKeys = payloadKeys.orElse(null);
  }

  /** How an encrypting call starts: with its headers, first message and payloads, or refused. */
  sealed interface Start permits Started, Refused {}

  /** @param payloads turns the call's later request messages (message 1 on) */
  record Started(Metadata headers, byte[] firstMessage, RequestPayloads payloads)
      implements Start {}

  /** {@code detail} goes to the log only. */
  record Refused(GatewayError error, String detail) implements Start {}

  /**
   * An authenticated call's headers for its backend; null if the token could not make them.
   *
   * @param signed the call's signed headers: their path is the full method path
   */
  Metadata headers(AdmittedCall call, SignedRequest signed, byte[] firstMessage) {
    try {
      return backendHeaders.forAuthenticated(call, signed.path(), firstMessage);
    } catch (HsmException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot make the backend headers request=" + call.requestId()
          + " failure=" + e.getClass().getSimpleName());
    }
    return null;
  }

  /**
   * Starts an authenticated call of an API that encrypts: opens the client's envelope of message 0
   * and/or seals it for the backend, then makes the headers over what is forwarded.
   *
   * @param signed the call's verified signature headers (x-ca-timestamp, x-ca-nonce) and path
   * @param first the first request message as received (the client's envelope under {@code
   *     client} and {@code both})
   * @param isMessage false if the client half-closed without a message: nothing to turn
   */
  Start encrypted(AdmittedCall call, SignedRequest signed, byte[] first, boolean isMessage,
      ApiPayloadKeys keys) {
    EncryptionPolicy policy = keys.policy();
    String method = signed.path();
    if (payloadKeys == null) {
      return new Refused(GatewayError.PAYLOAD_UNAVAILABLE, "this node opened no payload keys");
    }
    if ((policy.opensRequests() && keys.client().isEmpty())
        || (policy.sealsRequests() && keys.backend().isEmpty())) {
      return new Refused(GatewayError.PAYLOAD_UNAVAILABLE,
          "api=" + call.api().id() + " is " + policy.text() + " but has no key for a hop");
    }
    PayloadCall fromClient = null;
    if (policy.opensRequests()) {
      String timestamp = single(signed.values("x-ca-timestamp"));
      String nonce = single(signed.values("x-ca-nonce"));
      if (timestamp == null || nonce == null || call.caller().isEmpty()) {
        return new Refused(GatewayError.PAYLOAD_UNAVAILABLE, "no signed values to bind to");
      }
      fromClient = new PayloadCall(PayloadAad.Direction.CLIENT_TO_GATEWAY, method,
          call.caller().get().accessKey(), timestamp, nonce);
    }
    try {
      if (!policy.sealsRequests()) {
        RequestPayloads payloads = new RequestPayloads(payloadKeys, policy,
            keys.client().orElse(null), null, fromClient, null);
        byte[] forward = isMessage ? payloads.next(first) : first;
        Metadata headers = headers(call, signed, forward);
        return headers == null
            ? new Refused(GatewayError.HSM_UNAVAILABLE, "cannot attest the call to its backend")
            : new Started(headers, forward, payloads);
      }
      PayloadCall opening = fromClient;
      RequestPayloads[] made = new RequestPayloads[1];
      Optional<BackendHeaders.Sealed> sealed = backendHeaders.forSealed(call, method, timestamp -> {
        made[0] = new RequestPayloads(payloadKeys, policy, keys.client().orElse(null),
            keys.backend().get(), opening, new PayloadCall(PayloadAad.Direction.GATEWAY_TO_BACKEND,
                method, call.caller().get().appId(), timestamp, call.requestId()));
        return isMessage ? made[0].next(first) : first;
      });
      if (sealed.isEmpty()) {
        return new Refused(GatewayError.PAYLOAD_UNAVAILABLE,
            "sealing for the backend needs backend attestation (x-keygate-timestamp)");
      }
      return new Started(sealed.get().headers(), sealed.get().firstMessage(), made[0]);
    } catch (PayloadException e) {
      return new Refused(GatewayError.of(e.failure()), "message 0: " + e.getMessage());
    } catch (HsmException e) {
      return new Refused(GatewayError.HSM_UNAVAILABLE, "hsm at message 0: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "payload start failed unexpectedly request=" + call.requestId(), e);
      return new Refused(GatewayError.INTERNAL, e.getClass().getSimpleName());
    }
  }

  private static String single(List<String> values) {
    return values.size() == 1 ? values.get(0) : null;
  }
}
