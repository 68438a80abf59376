package io.keygate.gateway.approval;

import io.keygate.gateway.approval.ApprovalException.Reason;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.config.ConfigStoreException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rules of dual control: an officer requests an operation (its own approval counts as the
 * first), distinct officers approve, and the approval that reaches M runs it, once, on the node
 * that received it. A request not approved within its time to live expires; any officer may
 * reject a pending one (its requester withdraws it). No gRPC types: the admin API adapts it.
 *
 * <p>The operation is checked when requested, so nobody is asked to approve what could not run,
 * and again just before it runs, because the world may have changed in between. Its run is
 * audited here under its own action (e.g. {@code key.destroy}), in addition to the admin API's
 * records of the request and of each approval.
 */
public final class DualControl {
  /** What the operations do. */
  public interface Runner {
    /** Throws (with an exception the admin API can classify) if {@code op} could not run now. */
    void check(DualControlOperation op) throws Exception;

    /**
     * Runs the operation.
     *
     * @return what the audit record of the run says about it (no secrets)
     */
    String run(DualControlOperation op, String approvalId) throws Exception;
  }

  /** How many security-officers exist now. */
  @FunctionalInterface
  public interface OfficerCount {
    int officers() throws ConfigStoreException;
  }

  /** The smallest and the largest M. */
  public static final int MIN_APPROVALS = 2;
  public static final int MAX_APPROVALS = 10;
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final Duration MAX_TTL = Duration.ofDays(7);
  private static final int MAX_REASON = 200;
  private static final int MAX_LISTED = 1000;
  private static final Logger LOG = System.getLogger("io.keygate.gateway.approval");

  private final ApprovalStore store;
  private final Runner runner;
  private final OfficerCount officers;
  private final AuditLog audit;
  private final Function<Throwable, String> errorCode;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final int required;
  private final Duration ttl;

  /**
   * @param errorCode the stable error code of a failed run, as the admin API would report it
   * @param ids new request ids (random UUIDs from a strong generator)
   * @param required M, the approvals an operation needs, {@value #MIN_APPROVALS}..{@value
   *     #MAX_APPROVALS}
   * @param ttl how long a request waits for approvals, at most {@link #MAX_TTL}
   */
  public DualControl(
      ApprovalStore store,
      Runner runner,
      OfficerCount officers,
      AuditLog audit,
      Function<Throwable, String> errorCode,
      Clock clock,
      Supplier<UUID> ids,
      int required,
      Duration ttl) {
    if (required < MIN_APPROVALS || required > MAX_APPROVALS) {
      throw new IllegalArgumentException("approvals required must be 2..10, was " + required);
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("approval time to live must be within 7 days: " + ttl);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.officers = Objects.requireNonNull(officers, "officers");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = Objects.requireNonNull(ids, "ids");
    this.required = required;
    this.ttl = ttl;
  }

  public int requiredApprovals() {
    return required;
  }

  /**
   * Opens a request with the requester's approval.
   *
   * @throws ApprovalException TOO_FEW_OFFICERS if fewer than M officers exist (it could never be
   *     approved)
   * @throws IllegalArgumentException if the reason is empty, too long or not printable
   * @throws Exception whatever {@link Runner#check} throws
   */
  public DualControlRequest request(DualControlOperation op, String reason, Officer requester)
      throws Exception {
    Objects.requireNonNull(op, "op");
    String why = reason(reason);
    int existing = officers.officers();
    if (existing < required) {
      throw new ApprovalException(Reason.TOO_FEW_OFFICERS,
          existing + " security-officers, " + required + " approvals required");
    }
    runner.check(op);
    Instant now = now();
    DualControlRequest r = new DualControlRequest(ids.get().toString(), op, why, requester, now,
        now.plus(ttl), required, List.of(new ApprovalVote(requester, now)),
        ApprovalState.PENDING, null, null);
    store.insert(r);
    return r;
  }

  /**
   * Adds {@code approver}'s approval; if that makes M, runs the operation now.
   *
   * @return the request after this approval (EXECUTED or FAILED if it ran)
   * @throws ApprovalException NOT_FOUND, EXPIRED, NOT_PENDING, or ALREADY_APPROVED (also for the
   *     requester)
   */
  public DualControlRequest approve(String id, Officer approver, String auditRequestId)
      throws ApprovalException, ConfigStoreException, AuditException {
    DualControlRequest r = pending(id);
    if (r.approvedBy(approver)) {
      throw new ApprovalException(Reason.ALREADY_APPROVED, id + " already approved by caller");
    }
    if (!store.addVote(id, new ApprovalVote(approver, now()))) {
      throw new ApprovalException(Reason.ALREADY_APPROVED, id + " already approved by caller");
    }
    r = find(id);
    if (r.votes().size() >= r.requiredApprovals()) {
      // Officers approving at the same moment all get here; the compare-and-set picks one to run
      // it. The others' approvals are stored (extra, harmless) and they see it running or done.
      if (store.transition(id, ApprovalState.PENDING, ApprovalState.RUNNING, null, now())) {
        run(r, approver, auditRequestId);
      }
      r = find(id);
    }
    return r.asOf(now());
  }

  /** Ends a pending request without running it. */
  public DualControlRequest reject(String id, Officer officer)
      throws ApprovalException, ConfigStoreException {
    DualControlRequest r = pending(id);
    String by = (r.requestedBy().principal().equals(officer.principal())
        ? "withdrawn by " : "rejected by ") + officer.actor();
    if (!store.transition(id, ApprovalState.PENDING, ApprovalState.REJECTED, by, now())) {
      throw new ApprovalException(Reason.NOT_PENDING, id + " changed state meanwhile");
    }
    return find(id);
  }

  /** Open requests (or all with {@code includeClosed}), newest first, expiry applied. */
  public List<DualControlRequest> list(boolean includeClosed) throws ConfigStoreException {
    Instant now = now();
    return store.list(includeClosed, MAX_LISTED).stream()
        .map(r -> r.asOf(now))
        .filter(r -> includeClosed || !r.state().isClosed())
        .toList();
  }

  private void run(DualControlRequest r, Officer lastApprover, String auditRequestId)
      throws ConfigStoreException, AuditException {
    DualControlOperation op = r.operation();
    AuditEvent.Outcome outcome;
    String detail;
    String failureCode = null;
    try {
      runner.check(op);
      detail = runner.run(op, r.id());
      outcome = AuditEvent.Outcome.SUCCESS;
    } catch (Exception e) {
      failureCode = errorCode.apply(e);
      LOG.log(Level.WARNING, "approval {0}: {1} failed: {2} {3}", r.id(), op.summary(),
          failureCode, e.getMessage());
      outcome = AuditEvent.Outcome.FAILED;
      detail = failureCode;
    }
    // The run is audited first: whatever happens next, it is traceable to the officers. Only
    // what the operation did decides the state; if that write fails the request stays RUNNING
    // (never FAILED for something that ran) and the caller sees the database error.
    try {
      audit.record(new AuditEvent(now(), lastApprover.actor(), "security-officer",
          op.auditAction(), op.auditTarget(), outcome, auditRequestId,
          "approval=" + r.id() + " approvals=" + r.votes().size() + "/" + r.requiredApprovals()
              + " " + detail));
    } finally {
      store.transition(r.id(), ApprovalState.RUNNING,
          failureCode == null ? ApprovalState.EXECUTED : ApprovalState.FAILED, failureCode, now());
    }
  }

  /** The request if it is still pending; an expired one is marked so on the way. */
  private DualControlRequest pending(String id) throws ApprovalException, ConfigStoreException {
    DualControlRequest r = find(id);
    Instant now = now();
    if (r.stateAt(now) == ApprovalState.EXPIRED && r.state() == ApprovalState.PENDING) {
      store.transition(id, ApprovalState.PENDING, ApprovalState.EXPIRED, null, r.expiresAt());
      throw new ApprovalException(Reason.EXPIRED, id + " expired at " + r.expiresAt());
    }
    if (r.state() != ApprovalState.PENDING) {
      throw new ApprovalException(Reason.NOT_PENDING, id + " is " + r.state());
    }
    return r;
  }

  private DualControlRequest find(String id) throws ApprovalException, ConfigStoreException {
    if (id == null || id.length() > 36) {
      throw new ApprovalException(Reason.NOT_FOUND, "no approval request with that id");
    }
    return store.find(id)
        .orElseThrow(() -> new ApprovalException(Reason.NOT_FOUND, "no approval request " + id));
  }

  private static String reason(String reason) {
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON
        || !reason.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
      throw new IllegalArgumentException("reason must be 1-200 printable ASCII characters");
    }
    return reason.strip();
  }

  // The database keeps milliseconds; what is returned must equal what is read back.
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
