package io.keygate.gateway.approval;

import java.time.Instant;
import java.util.List;

/**
 * A dual-control request as stored.
 *
 * @param votes oldest first; the requester's is the first
 * @param outcome for FAILED the error code, for REJECTED who ended it; else null
 * @param decidedAt when it left PENDING; null while pending
 */
public record DualControlRequest(
    String id,
    DualControlOperation operation,
    String reason,
    Officer requestedBy,
    Instant requestedAt,
    Instant expiresAt,
    int requiredApprovals,
    List<ApprovalVote> votes,
    ApprovalState state,
    String outcome,
    Instant decidedAt) {

  public DualControlRequest {
    votes = List.copyOf(votes);
  }

  /** The state as of {@code now}: a pending request past its expiry reads as EXPIRED. */
  public ApprovalState stateAt(Instant now) {
    return state == ApprovalState.PENDING && !now.isBefore(expiresAt)
        ? ApprovalState.EXPIRED
        : state;
  }

  /** Whether {@code officer} (or another certificate of the same person) already approved. */
  public boolean approvedBy(Officer officer) {
    return votes.stream().anyMatch(v -> v.officer().samePersonAs(officer));
  }

  /** The request as it reads at {@code now} (expiry applied), e.g. for listing. */
  public DualControlRequest asOf(Instant now) {
    ApprovalState current = stateAt(now);
    return current == state
        ? this
        : new DualControlRequest(id, operation, reason, requestedBy, requestedAt, expiresAt,
            requiredApprovals, votes, current, outcome, expiresAt);
  }
}
