package io.keygate.gateway.approval;

/**
 * Where a dual-control request stands. States only move forward: PENDING → RUNNING → EXECUTED or
 * FAILED, or PENDING → REJECTED or EXPIRED.
 */
public enum ApprovalState {
  PENDING,
  /** Approved by M officers; the operation is running (or its node stopped while it ran). */
  RUNNING,
  EXECUTED,
  FAILED,
  REJECTED,
  EXPIRED;

  public boolean isClosed() {
    return this != PENDING && this != RUNNING;
  }
}
