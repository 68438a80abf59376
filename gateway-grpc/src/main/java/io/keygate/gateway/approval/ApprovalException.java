package io.keygate.gateway.approval;

/** A dual-control step that the rules refuse. The message names ids, never secrets. */
public final class ApprovalException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, as the admin API reports it. */
  public enum Reason {
    NOT_FOUND,
    /** Already ran, failed, was rejected or expired. */
    NOT_PENDING,
    EXPIRED,
    /** The caller is the requester or already approved. */
    ALREADY_APPROVED,
    /** Fewer security-officers exist than approvals are required. */
    TOO_FEW_OFFICERS
  }

  private final Reason reason;

  public ApprovalException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
