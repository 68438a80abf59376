package io.keygate.gateway.admin.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.approval.ApprovalException;
import io.keygate.gateway.approval.OperationRefusedException;
import io.keygate.gateway.credentials.CredentialRuleException;
import io.keygate.gateway.tls.TlsKeyException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyAlreadyExistsException;

/**
 * The one place where what went wrong becomes what the caller sees: an {@link AdminError}, then a
 * gRPC status with its fixed message and the stable code in the trailers. Exception messages,
 * causes and stack traces never reach the caller.
 */
public final class AdminErrors {
  public static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("x-keygate-error-code", Metadata.ASCII_STRING_MARSHALLER);

  private AdminErrors() {}

  /** Classifies a failure of an allowed operation. */
  public static AdminError classify(Throwable failure) {
    if (failure instanceof AdminException e) {
      return e.error();
    }
    if (failure instanceof StoreConflictException e) {
      return switch (e.kind()) {
        case DUPLICATE -> AdminError.ALREADY_EXISTS;
        case UNKNOWN_REFERENCE -> AdminError.UNKNOWN_REFERENCE;
        case SAME_TENANT -> AdminError.SAME_TENANT;
        case NOT_ALLOWED -> AdminError.NOT_ALLOWED;
        case IN_USE -> AdminError.ALLOWANCE_IN_USE;
        case NO_CURRENT_KEY -> AdminError.PAYLOAD_KEY_NO_CURRENT;
      };
    }
    if (failure instanceof StoreNotFoundException) {
      return AdminError.NOT_FOUND;
    }
    if (failure instanceof StoreException) {
      return AdminError.CONFIG_UNAVAILABLE;
    }
    if (failure instanceof ApprovalException e) {
      return switch (e.reason()) {
        case NOT_FOUND -> AdminError.APPROVAL_NOT_FOUND;
        case NOT_PENDING -> AdminError.APPROVAL_CLOSED;
        case EXPIRED -> AdminError.APPROVAL_EXPIRED;
        case ALREADY_APPROVED -> AdminError.ALREADY_APPROVED;
        case TOO_FEW_OFFICERS -> AdminError.TOO_FEW_OFFICERS;
      };
    }
    if (failure instanceof CredentialRuleException e) {
      return switch (e.reason()) {
        case ALREADY_HAS_ONE -> AdminError.CREDENTIAL_EXISTS;
        case NONE_LIVE -> AdminError.NO_LIVE_CREDENTIAL;
        case LIMIT_REACHED -> AdminError.CREDENTIAL_LIMIT;
        case BAD_RETIREMENT -> AdminError.INVALID_ARGUMENT;
        case NOT_ACTIVE -> AdminError.CREDENTIAL_NOT_ACTIVE;
        case ENDS_SOONER -> AdminError.RETIRE_LATER;
        case RECIPIENT_KEY_REQUIRED -> AdminError.RECIPIENT_KEY_REQUIRED;
        case KEY_HIERARCHY_REQUIRED -> AdminError.KEY_HIERARCHY_REQUIRED;
      };
    }
    if (failure instanceof OperationRefusedException e) {
      return switch (e.reason()) {
        case KEY_PROTECTED -> AdminError.KEY_PROTECTED;
        case KEY_NOT_FOUND -> AdminError.HSM_KEY_NOT_FOUND;
        case TLS_KEY_SERVED -> AdminError.TLS_KEY_SERVED;
        case KEY_IN_USE -> AdminError.KEY_IN_USE;
        case LAST_OFFICER -> AdminError.LAST_OFFICER;
        case BELOW_QUORUM -> AdminError.BELOW_QUORUM;
        case NOT_AN_OFFICER -> AdminError.NOT_AN_OFFICER;
        case KEK_UNUSABLE -> AdminError.KEK_UNUSABLE;
        case KEK_IN_USE -> AdminError.KEK_IN_USE;
        case KEK_ISSUING -> AdminError.KEK_ISSUING;
      };
    }
    if (failure instanceof TlsKeyException e) {
      return switch (e.reason()) {
        case NOT_FOUND -> AdminError.TLS_KEY_NOT_FOUND;
        case SERVED -> AdminError.TLS_KEY_SERVED;
        case ALREADY_SERVED -> AdminError.TLS_KEY_ALREADY_SERVED;
        case CERTIFICATE_NOT_VALID -> AdminError.TLS_CERTIFICATE_NOT_VALID;
        case CERTIFICATE_CHANGED -> AdminError.TLS_CERTIFICATE_CHANGED;
      };
    }
    // A key the gateway relies on that has vanished is the HSM failing (HSM_UNAVAILABLE); an
    // operator naming a missing key gets HSM_KEY_NOT_FOUND from the operation's own check.
    if (failure instanceof KeyAlreadyExistsException) {
      return AdminError.HSM_KEY_EXISTS;
    }
    if (failure instanceof HsmException) {
      return AdminError.HSM_UNAVAILABLE;
    }
    if (failure instanceof AuditException) {
      return AdminError.AUDIT_UNAVAILABLE;
    }
    // Where input is checked (the store's id rules, value types, domain rules) a bad value is an
    // InvalidValueException: the caller's mistake. Any other IllegalArgumentException, like a
    // NullPointerException (protobuf never hands us nulls), is a bug of ours: INTERNAL, with the
    // detail only in the log.
    if (failure instanceof InvalidValueException) {
      return AdminError.INVALID_ARGUMENT;
    }
    return AdminError.INTERNAL;
  }

  /** How the audit log records a call that ended with {@code error}. */
  public static AuditEvent.Outcome outcome(AdminError error) {
    return error == AdminError.PERMISSION_DENIED || error == AdminError.UNAUTHENTICATED
        ? AuditEvent.Outcome.DENIED
        : AuditEvent.Outcome.FAILED;
  }

  /** The exception to hand to the caller's StreamObserver. */
  public static StatusRuntimeException toStatus(AdminError error) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE, error.code());
    return Status.fromCode(error.status())
        .withDescription(error.message())
        .asRuntimeException(trailers);
  }
}
