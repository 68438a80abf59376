package io.keygate.gateway.errors;

import io.grpc.Status;
import javax.net.ssl.SSLException;
import io.keygate.gateway.auth.AuthFailure;
import io.keygate.gateway.authz.AccessDecision;
import io.keygate.gateway.payload.PayloadFailure;

/**
 * Every way the gateway itself refuses a call, with the gRPC status, the stable code sent in the
 * {@code x-keygate-error-code} trailer and the fixed message clients see. The detail of a failure goes
 * to the log with the request id, never to the client.
 */
public enum GatewayError {
  MISSING_HEADER(Status.Code.UNAUTHENTICATED, AuthFailure.MISSING_HEADER.code(), "signature header missing"),
  MALFORMED_HEADER(Status.Code.UNAUTHENTICATED, AuthFailure.MALFORMED_HEADER.code(), "signature header malformed"),
  BAD_TIMESTAMP(Status.Code.UNAUTHENTICATED, AuthFailure.BAD_TIMESTAMP.code(), "timestamp outside the allowed window"),
  REPLAYED_NONCE(Status.Code.UNAUTHENTICATED, AuthFailure.REPLAYED_NONCE.code(), "nonce already used"),
  UNKNOWN_KEY(Status.Code.UNAUTHENTICATED, AuthFailure.UNKNOWN_KEY.code(), "access key not recognised"),
  KEY_REVOKED(Status.Code.UNAUTHENTICATED, AuthFailure.KEY_REVOKED.code(), "access key revoked or expired"),
  BAD_SIGNATURE(Status.Code.UNAUTHENTICATED, AuthFailure.BAD_SIGNATURE.code(), "signature does not match"),
  BODY_DIGEST_MISMATCH(Status.Code.UNAUTHENTICATED, AuthFailure.BODY_DIGEST_MISMATCH.code(), "request body does not match its signed digest"),
  SECRET_UNUSABLE(Status.Code.UNAUTHENTICATED, AuthFailure.SECRET_UNUSABLE.code(), "access key cannot be verified; ask for a new one"),
  MALFORMED_ENVELOPE(Status.Code.UNAUTHENTICATED, AuthFailure.MALFORMED_ENVELOPE.code(), "stream message carries no valid message signature envelope"),
  BAD_MESSAGE_SIGNATURE(Status.Code.UNAUTHENTICATED, AuthFailure.BAD_MESSAGE_SIGNATURE.code(), "stream message signature does not match"),
  STREAM_TRUNCATED(Status.Code.UNAUTHENTICATED, AuthFailure.STREAM_TRUNCATED.code(), "stream ended without its signed end marker"),
  SIGNATURE_VERSION_REQUIRED(Status.Code.UNAUTHENTICATED, AuthFailure.VERSION_REQUIRED.code(), "this API requires signature version 2"),

  NOT_GRANTED(Status.Code.PERMISSION_DENIED, AccessDecision.DENIED_NOT_GRANTED.code(), "app is not granted this API"),
  CROSS_TENANT(Status.Code.PERMISSION_DENIED, AccessDecision.DENIED_CROSS_TENANT.code(), "app is not authorized for this API"),
  AUTHORIZATION_EXPIRED(Status.Code.PERMISSION_DENIED, AccessDecision.DENIED_AUTHORIZATION_EXPIRED.code(), "authorization for this API has expired"),
  UNKNOWN_APP(Status.Code.PERMISSION_DENIED, AccessDecision.DENIED_UNKNOWN_APP.code(), "app is not recognised"),

  PREAUTH_MESSAGE_TOO_LARGE(Status.Code.RESOURCE_EXHAUSTED, "PreAuthMessageTooLarge", "the first message exceeds the limit for unauthenticated calls"),
  FIRST_MESSAGE_TIMEOUT(Status.Code.DEADLINE_EXCEEDED, "FirstMessageTimeout", "the first message did not arrive in time"),
  PREAUTH_CAPACITY_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED, "PreAuthCapacityExhausted", "the gateway holds as many unauthenticated calls as it can"),
  TOO_MANY_CALLS(Status.Code.RESOURCE_EXHAUSTED, "TooManyCalls", "this access key has too many calls open"),
  API_BUSY(Status.Code.RESOURCE_EXHAUSTED, "ApiBusy", "this API has too many calls open right now"),

  PAYLOAD_MALFORMED(Status.Code.INVALID_ARGUMENT, PayloadFailure.MALFORMED.code(), "the encrypted message is malformed"),
  PAYLOAD_KEY_UNKNOWN(Status.Code.INVALID_ARGUMENT, PayloadFailure.KEY_UNKNOWN.code(), "the encrypted message names an unknown key"),
  PAYLOAD_COUNTER_OUT_OF_ORDER(Status.Code.INVALID_ARGUMENT, PayloadFailure.COUNTER_OUT_OF_ORDER.code(), "the encrypted message is out of order"),
  PAYLOAD_REJECTED(Status.Code.INVALID_ARGUMENT, PayloadFailure.REJECTED.code(), "the encrypted message does not authenticate"),
  PAYLOAD_UNAVAILABLE(Status.Code.UNAVAILABLE, "PayloadUnavailable", "the gateway cannot encrypt or decrypt this API's messages right now"),

  UNKNOWN_API(Status.Code.UNIMPLEMENTED, "UnknownApi", "no API is registered for this method"),
  BACKEND_UNAVAILABLE(Status.Code.UNAVAILABLE, "BackendUnavailable", "the backend is unavailable"),
  BACKEND_TLS_FAILED(Status.Code.UNAVAILABLE, "BackendTlsFailed", "the connection to the backend could not be secured"),
  BACKEND_BUSY(Status.Code.RESOURCE_EXHAUSTED, "BackendBusy", "the backend has too many calls open right now"),
  BACKEND_TIMEOUT(Status.Code.DEADLINE_EXCEEDED, "BackendTimeout", "the deadline expired before the backend answered"),
  BACKEND_RESPONSE_TOO_LARGE(Status.Code.RESOURCE_EXHAUSTED, "BackendResponseTooLarge", "the backend's response exceeds the gateway's limits"),
  BACKEND_ERROR(Status.Code.INTERNAL, "BackendError", "the backend's response could not be relayed"),
  CANCELLED(Status.Code.CANCELLED, "Cancelled", "the call was cancelled"),
  HSM_UNAVAILABLE(Status.Code.UNAVAILABLE, "HsmUnavailable", "the gateway cannot verify requests right now"),
  HSM_BUSY(Status.Code.RESOURCE_EXHAUSTED, "HsmBusy", "the gateway is verifying too many requests right now"),
  NONCE_STORE_UNAVAILABLE(Status.Code.UNAVAILABLE, "NonceStoreUnavailable", "the gateway cannot check replays right now"),
  CONFIG_UNAVAILABLE(Status.Code.UNAVAILABLE, "ConfigUnavailable", "the gateway configuration is unavailable"),
  INTERNAL(Status.Code.INTERNAL, "InternalError", "internal error");

  private final Status.Code status;
  private final String code;
  private final String message;

  GatewayError(Status.Code status, String code, String message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  public Status.Code status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String message() {
    return message;
  }

  public static GatewayError of(PayloadFailure failure) {
    return switch (failure) {
      case MALFORMED -> PAYLOAD_MALFORMED;
      case KEY_UNKNOWN -> PAYLOAD_KEY_UNKNOWN;
      case COUNTER_OUT_OF_ORDER -> PAYLOAD_COUNTER_OUT_OF_ORDER;
      case REJECTED -> PAYLOAD_REJECTED;
    };
  }

  public static GatewayError of(AuthFailure failure) {
    return switch (failure) {
      case MISSING_HEADER -> MISSING_HEADER;
      case MALFORMED_HEADER -> MALFORMED_HEADER;
      case BAD_TIMESTAMP -> BAD_TIMESTAMP;
      case REPLAYED_NONCE -> REPLAYED_NONCE;
      case UNKNOWN_KEY -> UNKNOWN_KEY;
      case KEY_REVOKED -> KEY_REVOKED;
      case BAD_SIGNATURE -> BAD_SIGNATURE;
      case BODY_DIGEST_MISMATCH -> BODY_DIGEST_MISMATCH;
      case SECRET_UNUSABLE -> SECRET_UNUSABLE;
      case MALFORMED_ENVELOPE -> MALFORMED_ENVELOPE;
      case BAD_MESSAGE_SIGNATURE -> BAD_MESSAGE_SIGNATURE;
      case STREAM_TRUNCATED -> STREAM_TRUNCATED;
      case VERSION_REQUIRED -> SIGNATURE_VERSION_REQUIRED;
    };
  }

  /**
   * The refusal for a status the gateway's own channel to a backend produced (not the backend): a
   * failed TLS handshake (an untrusted or misnamed backend certificate, our client certificate
   * refused) is told apart from a backend that is down by the TLS exception grpc attaches.
   */
  public static GatewayError ofLocalBackendStatus(Status local) {
    for (Throwable t = local.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return BACKEND_TLS_FAILED;
      }
    }
    return switch (local.getCode()) {
      case UNAVAILABLE -> BACKEND_UNAVAILABLE;
      case DEADLINE_EXCEEDED -> BACKEND_TIMEOUT;
      // Locally, grpc raises RESOURCE_EXHAUSTED only for a message or metadata over our limits.
      case RESOURCE_EXHAUSTED -> BACKEND_RESPONSE_TOO_LARGE;
      case CANCELLED -> CANCELLED;
      default -> BACKEND_ERROR;
    };
  }

  public static GatewayError of(AccessDecision denial) {
    return switch (denial) {
      case DENIED_NOT_GRANTED -> NOT_GRANTED;
      case DENIED_CROSS_TENANT -> CROSS_TENANT;
      case DENIED_AUTHORIZATION_EXPIRED -> AUTHORIZATION_EXPIRED;
      case DENIED_UNKNOWN_APP -> UNKNOWN_APP;
      default -> throw new IllegalArgumentException(denial + " is not a denial");
    };
  }
}
