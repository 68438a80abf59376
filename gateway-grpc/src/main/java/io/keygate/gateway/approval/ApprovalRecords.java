package io.keygate.gateway.approval;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where dual-control requests and their votes are kept, shared by every node. Every state change is
 * a compare-and-set on the request's state and every vote is unique per officer and request, so
 * nodes racing on one request agree without locks: one approval runs the operation, a second vote
 * by the same officer is refused.
 */
public interface ApprovalRecords {

  /**
   * Stores a new request with its votes (the requester's), all or nothing.
   *
   * @throws StoreConflictException DUPLICATE if the id is taken
   */
  void insert(DualControlRequest request) throws StoreException;

  /**
   * Adds an officer's vote.
   *
   * @return false if that officer had already voted on the request
   */
  boolean addVote(String requestId, ApprovalVote vote) throws StoreException;

  /**
   * Starts a run: PENDING to RUNNING, only if still pending and not expired at {@code now} (so a
   * node whose clock lags cannot run what already expired by the stored record).
   *
   * @return whether this call started it (false: another caller or node did, or it expired)
   */
  boolean start(String requestId, Instant now) throws StoreException;

  /**
   * Moves a request from {@code from} to {@code to} if it is still in {@code from}, recording the
   * outcome (shortened to 300 characters; null for none) and when.
   *
   * @return whether this call made the move (false: another caller or node got there first)
   */
  boolean transition(
      String requestId, ApprovalState from, ApprovalState to, String outcome, Instant at)
      throws StoreException;

  /** The request with its votes, the requester's first, then oldest first. */
  Optional<DualControlRequest> find(String requestId) throws StoreException;

  /**
   * At most {@code limit} requests newest first: those still PENDING or RUNNING (whatever their
   * expiry), or with {@code includeClosed} all of them.
   */
  List<DualControlRequest> list(boolean includeClosed, int limit) throws StoreException;
}
