package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminAction;
import io.keygate.gateway.admin.access.AdminDecision;
import io.keygate.gateway.admin.access.AdminIdentity;
import io.keygate.gateway.admin.access.AdminPolicy;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditEvent.Outcome;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.audit.AuditUnsignedException;
import io.keygate.gateway.store.StoreException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one path every admin RPC takes: identity → principal → {@link AdminPolicy} → the operation →
 * audit → reply. Allowed or denied, succeeded or failed, each call produces exactly one audit
 * event, and every failure is answered through {@link AdminErrors}.
 *
 * <p>Order matters: the audit event of a success is recorded <em>before</em> the reply, so nothing
 * reaches a caller unaudited (if recording fails the caller gets AUDIT_UNAVAILABLE instead of the
 * data, and a secret is never sent). On a node the audit log is a {@code SignedAuditLog}:
 * recorded means signed in the HSM and exported too, so a failing HSM fails the call as well.
 * One exception: audit verify answers while the signer refuses for tampering (its report is
 * the evidence). A successful write refreshes this node's snapshot first,
 * because the store has changed whether or not the audit log works.
 */
final class AdminCalls {
  /** The work of one RPC, run only after the policy allowed it. */
  @FunctionalInterface
  interface Operation<R> {
    R run(Caller caller) throws Exception;
  }

  /** The authenticated, authorized caller. */
  record Caller(AdminIdentity identity, AdminPrincipal principal) {}

  private static final Logger LOG = System.getLogger("io.keygate.gateway.admin");
  private static final int MAX_AUDIT_TEXT = 300;

  private final AdminPrincipals principals;
  private final AdminPolicy policy;
  private final AuditLog audit;
  private final Clock clock;
  private final Runnable onConfigChanged;

  AdminCalls(
      AdminPrincipals principals,
      AdminPolicy policy,
      AuditLog audit,
      Clock clock,
      Runnable onConfigChanged) {
    this.principals = Objects.requireNonNull(principals, "principals");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onConfigChanged = Objects.requireNonNull(onConfigChanged, "onConfigChanged");
  }

  <R> void serve(
      AdminAction action, String tenantId, String target, StreamObserver<R> out, Operation<R> op) {
    serve(action, tenantId, target, out, op, response -> "");
  }

  /**
   * @param tenantId the tenant the request names (for tenant-scoped actions), else null
   * @param target the audited object, e.g. {@code tenant/acme/api/get}
   * @param auditDetail what of a successful response goes into the audit event; never a secret
   */
  <R> void serve(
      AdminAction action,
      String tenantId,
      String target,
      StreamObserver<R> out,
      Operation<R> op,
      Function<? super R, String> auditDetail) {
    String requestId = AdminIdentityInterceptor.REQUEST_ID.get();
    Call call = new Call(action, clean(target), requestId == null ? "-" : requestId);
    AdminIdentity identity = AdminIdentityInterceptor.IDENTITY.get();
    if (identity == null) {
      call.refuse(
          out, "unauthenticated", "none", AdminError.UNAUTHENTICATED, "", "no client certificate");
      return;
    }
    String actor = identity.auditActor();
    AdminPrincipal principal;
    try {
      principal = principals.find(identity).orElse(null);
    } catch (StoreException e) {
      call.refuse(out, actor, "unknown", AdminError.CONFIG_UNAVAILABLE, "", e.getMessage());
      return;
    }
    String role = principal == null ? "none" : principal.role().wireName();
    AdminDecision decision = policy.decide(principal, action, tenantId);
    if (!decision.allowed()) {
      // The reason (unknown identity, role, other tenant) is for auditors, not for the caller.
      call.refuse(out, actor, role, AdminError.PERMISSION_DENIED, decision.name(), decision.name());
      return;
    }
    R response;
    try {
      response = op.run(new Caller(identity, principal));
    } catch (Exception e) {
      AdminError error = AdminErrors.classify(e);
      if (error == AdminError.INTERNAL) {
        LOG.log(Level.WARNING, "admin request " + call.requestId + " failed", e);
      }
      call.refuse(out, actor, role, error, "", e.getMessage());
      return;
    }
    if (action.changesConfig()) {
      configChanged(call);
    }
    String detail = clean(auditDetail.apply(response));
    try {
      audit.record(call.event(actor, role, Outcome.SUCCESS, detail));
    } catch (AuditUnsignedException e) {
      if (!answersUnsigned(action, e)) {
        unaudited(out, call, actor, role, detail, e);
        return;
      }
      // audit verify explains why the signer refuses; withholding its report would hide the
      // tampering it found. It changes nothing and returns no secret.
      LOG.log(Level.ERROR, "admin request {0}: answering {1} although its record {2} is unsigned:"
          + " {3}", call.requestId, action.auditName(), e.seq(), e.getMessage());
    } catch (AuditException | RuntimeException e) {
      unaudited(out, call, actor, role, detail, e);
      return;
    }
    try {
      out.onNext(response);
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      // The caller went away (cancelled or deadline) after the work was done and audited.
      LOG.log(
          Level.INFO, "admin request {0}: reply not delivered: {1}", call.requestId, e.getStatus());
    }
  }

  /** Only audit verify answers while the signer refuses for tampering; nothing else, ever. */
  private static boolean answersUnsigned(AdminAction action, AuditUnsignedException e) {
    return action == AdminAction.AUDIT_VERIFY && e.refusedForTampering();
  }

  /** The operation ran but its record is not (fully) audited: the caller gets no result. */
  private static void unaudited(
      StreamObserver<?> out, Call call, String actor, String role, String detail, Exception e) {
    // The whole event goes to the system log, so the change can still be traced to a person.
    LOG.log(
        Level.ERROR,
        "admin request {0}: {1} on {2} by {3} ({4}) SUCCEEDED but could not be audited: {5}"
            + " [{6}]",
        call.requestId,
        call.action.auditName(),
        call.target,
        actor,
        role,
        e.getMessage(),
        detail);
    reply(out, AdminErrors.toStatus(AdminError.AUDIT_UNAVAILABLE), call);
  }

  private void configChanged(Call call) {
    try {
      onConfigChanged.run();
    } catch (RuntimeException e) {
      // The write is committed; the periodic poll will pick it up. Not the caller's failure.
      LOG.log(
          Level.WARNING,
          "admin request {0}: snapshot refresh after {1} failed: {2}",
          call.requestId,
          call.action.auditName(),
          e.getMessage());
    }
  }

  private static void reply(StreamObserver<?> out, StatusRuntimeException status, Call call) {
    try {
      out.onError(status);
    } catch (StatusRuntimeException e) {
      LOG.log(
          Level.INFO, "admin request {0}: error not delivered: {1}", call.requestId, e.getStatus());
    }
  }

  /** Ids in requests are unchecked until the store sees them: keep audit text printable, short. */
  static String clean(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_AUDIT_TEXT));
    for (int i = 0; i < text.length() && sb.length() < MAX_AUDIT_TEXT; i++) {
      char ch = text.charAt(i);
      sb.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    return sb.toString();
  }

  /** One call's audit facts and how it ends when refused. */
  private final class Call {
    final AdminAction action;
    final String target;
    final String requestId;

    Call(AdminAction action, String target, String requestId) {
      this.action = action;
      this.target = target;
      this.requestId = requestId;
    }

    AuditEvent event(String actor, String role, Outcome outcome, String detail) {
      return new AuditEvent(
          clock.instant(), actor, role, action.auditName(), target, outcome, requestId, detail);
    }

    /**
     * Audits and answers a refusal. The caller gets the fixed message, the audit log the stable
     * code (and {@code auditNote}), the system log also {@code logDetail} (an exception message:
     * ids and operations, never secrets).
     */
    void refuse(
        StreamObserver<?> out,
        String actor,
        String role,
        AdminError error,
        String auditNote,
        String logDetail) {
      LOG.log(
          error.status() == io.grpc.Status.Code.UNAVAILABLE ? Level.WARNING : Level.INFO,
          "admin request {0} refused: {1} on {2} by {3} ({4}): {5} {6}",
          requestId,
          action.auditName(),
          target,
          actor,
          role,
          error.code(),
          logDetail);
      String note = auditNote.isEmpty() ? error.code() : error.code() + " " + auditNote;
      try {
        audit.record(event(actor, role, AdminErrors.outcome(error), note));
      } catch (AuditException | RuntimeException e) {
        // The caller is refused anyway; it must not learn about the audit log's health from a
        // denial, so only the log hears of it.
        LOG.log(
            Level.ERROR,
            "admin request {0}: refusal {1} could not be audited: {2}",
            requestId,
            error.code(),
            e.getMessage());
      }
      reply(out, AdminErrors.toStatus(error), this);
    }
  }
}
