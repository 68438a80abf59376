package io.keygate.gateway.approval;

import io.keygate.gateway.approval.ApprovalException.Reason;
import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.StoreException;
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

  /** The security-officers as they are now (admin_principals). */
  public interface Officers {
    int count() throws StoreException;

    /** Whether the principal (as admin_principals stores it) is a security-officer now. */
    boolean isOfficer(String principal) throws StoreException;
  }

  /** The smallest and the largest M. */
  public static final int MIN_APPROVALS = 2;
  public static final int MAX_APPROVALS = 10;
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final Duration MAX_TTL = Duration.ofDays(7);
  private static final int MAX_REASON = 200;
  private static final int MAX_LISTED = 1000;
  private static final Logger LOG = System.getLogger("io.keygate.gateway.approval");

  private final ApprovalRecords records;
  private final Runner runner;
  private final Officers officers;
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
      ApprovalRecords records,
      Runner runner,
      Officers officers,
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
    this.records = Objects.requireNonNull(records, "records");
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
    int existing = officers.count();
    if (existing < required) {
      throw new ApprovalException(Reason.TOO_FEW_OFFICERS,
          existing + " security-officers, " + required + " approvals required");
    }
    runner.check(op);
    Instant now = now();
    DualControlRequest r = new DualControlRequest(ids.get().toString(), op, why, requester, now,
        now.plus(ttl), required, List.of(new ApprovalVote(requester, now)),
        ApprovalState.PENDING, null, null);
    records.insert(r);
    return r;
  }

  /**
   * Adds {@code approver}'s approval; if that makes M, runs the operation now. Approvals count
   * only while their officer still is one. An officer who already approved may call again: if M
   * is reached and the request is still pending (a failure interrupted the run's start), this
   * starts it; otherwise it is ALREADY_APPROVED.
   *
   * @return the request after this approval (EXECUTED or FAILED if it ran)
   * @throws ApprovalException NOT_FOUND, EXPIRED, NOT_PENDING, or ALREADY_APPROVED (also for the
   *     requester, and for another certificate of someone who approved)
   */
  public DualControlRequest approve(String id, Officer approver, String auditRequestId)
      throws ApprovalException, StoreException, AuditException {
    DualControlRequest r = pending(id);
    if (r.approvedBy(approver)) {
      if (!r.votes().stream().anyMatch(v -> v.officer().principal().equals(approver.principal()))
          || countingVotes(r) < r.requiredApprovals()) {
        throw new ApprovalException(Reason.ALREADY_APPROVED, id + " already approved by caller");
      }
    } else if (!records.addVote(id, new ApprovalVote(approver, now()))) {
      throw new ApprovalException(Reason.ALREADY_APPROVED, id + " already approved by caller");
    }
    r = find(id);
    if (countingVotes(r) >= r.requiredApprovals()) {
      // Officers approving at the same moment all get here; the compare-and-set picks one to run
      // it. The others' approvals are stored (extra, harmless) and they see it running or done.
      // The quorum is audited first: if the audit log is down, nothing runs and nothing changes.
      audit.record(event(r, approver, AuditEvent.Outcome.SUCCESS, "approval.quorum",
          "approval/" + r.id(), auditRequestId, "reached, running: " + r.operation().summary()));
      if (records.start(id, now())) {
        run(r, approver, auditRequestId);
      }
      r = find(id);
    }
    return r.asOf(now());
  }

  /** Votes of principals that are security-officers now (a removed officer's vote lapses). */
  private int countingVotes(DualControlRequest r) throws StoreException {
    int n = 0;
    for (ApprovalVote v : r.votes()) {
      if (officers.isOfficer(v.officer().principal())) {
        n++;
      }
    }
    return n;
  }

  /** Ends a pending request without running it. */
  public DualControlRequest reject(String id, Officer officer)
      throws ApprovalException, StoreException {
    DualControlRequest r = pending(id);
    String by = (r.requestedBy().principal().equals(officer.principal())
        ? "withdrawn by " : "rejected by ") + officer.actor();
    if (!records.transition(id, ApprovalState.PENDING, ApprovalState.REJECTED, by, now())) {
      throw new ApprovalException(Reason.NOT_PENDING, id + " changed state meanwhile");
    }
    return find(id);
  }

  /** Open requests (or all with {@code includeClosed}), newest first, expiry applied. */
  public List<DualControlRequest> list(boolean includeClosed) throws StoreException {
    Instant now = now();
    return records.list(includeClosed, MAX_LISTED).stream()
        .map(r -> r.asOf(now))
        .filter(r -> includeClosed || !r.state().isClosed())
        .toList();
  }

  private void run(DualControlRequest r, Officer lastApprover, String auditRequestId)
      throws StoreException, AuditException {
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
    // Only what the operation did decides the state: never FAILED for something that ran. If
    // the audit log fails now, the operation has run: the event goes to the system log whole,
    // so it can still be traced to the officers, and the caller hears of the failure.
    AuditEvent ran = event(r, lastApprover, outcome, op.auditAction(), op.auditTarget(),
        auditRequestId, detail);
    try {
      audit.record(ran);
    } catch (AuditException | RuntimeException e) {
      LOG.log(Level.ERROR, "approval {0}: {1} on {2} by {3} ran ({4}) but could not be audited:"
          + " {5} [{6}]", r.id(), ran.action(), ran.target(), ran.actor(), ran.outcome(),
          e.getMessage(), ran.detail());
      throw e;
    } finally {
      records.transition(r.id(), ApprovalState.RUNNING,
          failureCode == null ? ApprovalState.EXECUTED : ApprovalState.FAILED, failureCode, now());
    }
  }

  private AuditEvent event(DualControlRequest r, Officer actor, AuditEvent.Outcome outcome,
      String action, String target, String auditRequestId, String detail) {
    return new AuditEvent(now(), actor.actor(), "security-officer", action, target, outcome,
        auditRequestId,
        "approval=" + r.id() + " approvals=" + r.votes().size() + "/" + r.requiredApprovals()
            + " " + detail);
  }

  /** The request if it is still pending; an expired one is marked so on the way. */
  private DualControlRequest pending(String id) throws ApprovalException, StoreException {
    DualControlRequest r = find(id);
    Instant now = now();
    if (r.stateAt(now) == ApprovalState.EXPIRED && r.state() == ApprovalState.PENDING) {
      records.transition(id, ApprovalState.PENDING, ApprovalState.EXPIRED, null, r.expiresAt());
      throw new ApprovalException(Reason.EXPIRED, id + " expired at " + r.expiresAt());
    }
    if (r.state() != ApprovalState.PENDING) {
      throw new ApprovalException(Reason.NOT_PENDING, id + " is " + r.state());
    }
    return r;
  }

  private DualControlRequest find(String id) throws ApprovalException, StoreException {
    if (id == null || id.length() > 36) {
      throw new ApprovalException(Reason.NOT_FOUND, "no approval request with that id");
    }
    return records.find(id)
        .orElseThrow(() -> new ApprovalException(Reason.NOT_FOUND, "no approval request " + id));
  }

  private static String reason(String reason) {
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON
        || !reason.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
      throw new InvalidValueException("reason must be 1-200 printable ASCII characters");
    }
    return reason.strip();
  }

  // The database keeps milliseconds; what is returned must equal what is read back.
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
