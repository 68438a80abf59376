package io.keygate.gateway.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.audit.AuditEvent.Outcome;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreConflictException.Kind;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.KeyNotFoundException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failures map to statuses in one place, with fixed messages that never carry the detail. */
class AdminErrorsTest {
  private static final String DETAIL = "jdbc:h2:file:/secret/path password=hunter2 tenant globex";

  @Test
  void storeRefusals_mapToAlreadyExistsNotFoundAndInvalidArgument() {
    Map<Exception, Status.Code> cases = Map.of(
        new StoreConflictException(Kind.DUPLICATE, DETAIL), Status.Code.ALREADY_EXISTS,
        new StoreConflictException(Kind.UNKNOWN_REFERENCE, DETAIL), Status.Code.NOT_FOUND,
        new StoreConflictException(Kind.SAME_TENANT, DETAIL), Status.Code.INVALID_ARGUMENT,
        new StoreNotFoundException(DETAIL), Status.Code.NOT_FOUND,
        new InvalidValueException(DETAIL), Status.Code.INVALID_ARGUMENT);
    cases.forEach((e, code) ->
        assertThat(AdminErrors.classify(e).status()).as(e.toString()).isEqualTo(code));
  }

  @Test
  void databaseHsmAndAuditFailures_areUnavailable() throws Exception {
    assertThat(AdminErrors.classify(new StoreException(DETAIL)))
        .isEqualTo(AdminError.CONFIG_UNAVAILABLE);
    assertThat(AdminErrors.classify(new KeyNotFoundException("no key ak-x")))
        .isEqualTo(AdminError.HSM_UNAVAILABLE);
    assertThat(AdminErrors.classify(new AuditException(DETAIL)))
        .isEqualTo(AdminError.AUDIT_UNAVAILABLE);
    for (AdminError e : new AdminError[] {
      AdminError.CONFIG_UNAVAILABLE, AdminError.HSM_UNAVAILABLE, AdminError.AUDIT_UNAVAILABLE
    }) {
      assertThat(e.status()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void dualControlAndTlsKeyRefusals_haveTheirOwnCodes() {
    assertThat(AdminErrors.classify(new io.keygate.gateway.approval.ApprovalException(
            io.keygate.gateway.approval.ApprovalException.Reason.EXPIRED, DETAIL)))
        .isEqualTo(AdminError.APPROVAL_EXPIRED);
    assertThat(AdminErrors.classify(new io.keygate.gateway.approval.ApprovalException(
            io.keygate.gateway.approval.ApprovalException.Reason.ALREADY_APPROVED, DETAIL)))
        .isEqualTo(AdminError.ALREADY_APPROVED);
    assertThat(AdminErrors.classify(new io.keygate.gateway.tls.TlsKeyException(
            io.keygate.gateway.tls.TlsKeyException.Reason.SERVED, DETAIL)))
        .isEqualTo(AdminError.TLS_KEY_SERVED);
    assertThat(AdminErrors.classify(new io.keygate.hsm.KeyAlreadyExistsException("gateway-tls")))
        .isEqualTo(AdminError.HSM_KEY_EXISTS);
    assertThat(AdminError.TLS_KEY_SERVED.status()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void ourOwnBugs_areInternal_notTheCallersFault() {
    assertThat(AdminErrors.classify(new NullPointerException(DETAIL)))
        .isEqualTo(AdminError.INTERNAL);
    assertThat(AdminErrors.classify(new IllegalStateException(DETAIL)))
        .isEqualTo(AdminError.INTERNAL);
    // Only input checks throw InvalidValueException; any other IllegalArgumentException is ours.
    assertThat(AdminErrors.classify(new IllegalArgumentException(DETAIL)))
        .isEqualTo(AdminError.INTERNAL);
  }

  @Test
  void theCallerSees_theFixedMessageAndStableCode_neverTheDetail() {
    for (Exception e : new Exception[] {
      new StoreException(DETAIL),
      new IllegalArgumentException(DETAIL),
      new StoreConflictException(Kind.DUPLICATE, DETAIL),
      new AdminException(AdminError.CREDENTIAL_LIMIT, DETAIL),
      new RuntimeException(DETAIL)
    }) {
      AdminError error = AdminErrors.classify(e);
      StatusRuntimeException reply = AdminErrors.toStatus(error);

      assertThat(reply.getStatus().getDescription())
          .isEqualTo(error.message())
          .doesNotContain("hunter2", "globex");
      assertThat(reply.getStatus().getCause()).isNull();
      assertThat(reply.getTrailers().get(AdminErrors.ERROR_CODE)).isEqualTo(error.code());
    }
  }

  @Test
  void denials_areAuditedAsDenied_everythingElseAsFailed() {
    assertThat(AdminErrors.outcome(AdminError.PERMISSION_DENIED)).isEqualTo(Outcome.DENIED);
    assertThat(AdminErrors.outcome(AdminError.UNAUTHENTICATED)).isEqualTo(Outcome.DENIED);
    assertThat(AdminErrors.outcome(AdminError.NOT_FOUND)).isEqualTo(Outcome.FAILED);
    assertThat(AdminErrors.outcome(AdminError.HSM_UNAVAILABLE)).isEqualTo(Outcome.FAILED);
  }

  @Test
  void stableCodes_areUnique() {
    assertThat(java.util.Arrays.stream(AdminError.values()).map(AdminError::code))
        .doesNotHaveDuplicates();
  }
}
