package io.keygate.gateway.proxy;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * The ways the proxy itself (not the backend) ends a call: a gRPC status, a stable code for the
 * {@code x-ca-error-code} trailer and a fixed message. Clients never see the local detail (it can
 * name backend hosts and addresses); the log gets it.
 */
public enum ProxyFailure {
  UNKNOWN_METHOD(Status.Code.UNIMPLEMENTED, "UnknownApi", "no API is registered for this method"),
  BACKEND_UNAVAILABLE(Status.Code.UNAVAILABLE, "BackendUnavailable", "the backend is unavailable"),
  BACKEND_DEADLINE_EXCEEDED(
      Status.Code.DEADLINE_EXCEEDED,
      "BackendTimeout",
      "the deadline expired before the backend answered"),
  BACKEND_RESPONSE_TOO_LARGE(
      Status.Code.RESOURCE_EXHAUSTED,
      "BackendResponseTooLarge",
      "the backend's response exceeds the gateway's limits"),
  BACKEND_PROTOCOL_ERROR(
      Status.Code.INTERNAL, "BackendError", "the backend's response could not be relayed"),
  CANCELLED(Status.Code.CANCELLED, "Cancelled", "the call was cancelled"),
  GATEWAY_ERROR(Status.Code.INTERNAL, "InternalError", "internal error");

  /** Same name as the gateway's other refusals use, so clients read one trailer. */
  public static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("x-ca-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private final Status.Code status;
  private final String code;
  private final String message;

  ProxyFailure(Status.Code status, String code, String message) {
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

  /** The failure for a status that the backend channel produced locally (not from the backend). */
  static ProxyFailure ofLocal(Status.Code local) {
    return switch (local) {
      case UNAVAILABLE -> BACKEND_UNAVAILABLE;
      case DEADLINE_EXCEEDED -> BACKEND_DEADLINE_EXCEEDED;
      // Locally, grpc raises RESOURCE_EXHAUSTED only for a message or metadata over our limits.
      case RESOURCE_EXHAUSTED -> BACKEND_RESPONSE_TOO_LARGE;
      case CANCELLED -> CANCELLED;
      default -> BACKEND_PROTOCOL_ERROR;
    };
  }

  /** Closes {@code call} with this failure. */
  void close(ServerCall<?, ?> call) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE, code);
    call.close(Status.fromCode(status).withDescription(message), trailers);
  }
}
