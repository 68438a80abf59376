package io.keygate.gateway.errors;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The one place a refused call is answered: fixed message, stable code and request id in the
 * trailers; the detail goes to the log only.
 *
 * <p>Wire names (signature spec revision 2.1): everything the gateway says is under {@code x-keygate-},
 * as on the admin API and towards backends; {@code x-ca-} names are the client's signature
 * headers. Until spec revision 3.0 a refusal also carries the names of revision 2.0 and earlier ({@code
 * x-ca-error-code}, {@code x-ca-request-id}) with the same values, for clients written then.
 */
public final class ErrorReplies {
  public static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-keygate-request-id", Metadata.ASCII_STRING_MARSHALLER);
  /** Deprecated alias of {@link #ERROR_CODE} (revision 2.0 and earlier); removed in 3.0. */
  public static final Metadata.Key<String> LEGACY_ERROR_CODE =
      Metadata.Key.of("x-ca-error-code", Metadata.ASCII_STRING_MARSHALLER);
  /** Deprecated alias of {@link #REQUEST_ID} (revision 2.0 and earlier); removed in 3.0. */
  public static final Metadata.Key<String> LEGACY_REQUEST_ID =
      Metadata.Key.of("x-ca-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private static final Logger LOG = System.getLogger("io.keygate.gateway.refusals");

  private ErrorReplies() {}

  /** The status and trailers a client receives for {@code error}. */
  public static Status status(GatewayError error) {
    return Status.fromCode(error.status()).withDescription(error.message());
  }

  public static Metadata trailers(GatewayError error, String requestId) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE, error.code());
    trailers.put(REQUEST_ID, requestId);
    trailers.put(LEGACY_ERROR_CODE, error.code());
    trailers.put(LEGACY_REQUEST_ID, requestId);
    return trailers;
  }

  /** Closes {@code call} with {@code error}; logs the detail (never secrets) with the request id. */
  public static void refuse(
      ServerCall<?, ?> call, GatewayError error, String requestId, String method, String detail) {
    LOG.log(
        error.status() == Status.Code.INTERNAL || error.status() == Status.Code.UNAVAILABLE
            ? Level.WARNING
            : Level.INFO,
        "refused request={0} method={1} code={2} detail={3}",
        requestId,
        method,
        error.code(),
        detail);
    call.close(status(error), trailers(error, requestId));
  }
}
