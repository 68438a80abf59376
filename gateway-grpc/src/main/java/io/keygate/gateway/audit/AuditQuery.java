package io.keygate.gateway.audit;

import io.keygate.gateway.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Reads the audit log for {@code audit tail} and {@code audit query}. Reading proves nothing about
 * integrity: that is {@link AuditVerifier}'s job, and a row too damaged to be an event fails the
 * read with a hint to run it.
 */
public final class AuditQuery {
  /** The most records one call returns, so a careless query cannot pull the whole log. */
  public static final int MAX_LIMIT = 10_000;

  private final AuditChain chain;

  public AuditQuery(AuditChain chain) {
    this.chain = Objects.requireNonNull(chain, "chain");
  }

  /** The last {@code n} records (1..{@value #MAX_LIMIT}), oldest first. */
  public List<AuditRecord> tail(int n) throws AuditException {
    checkLimit(n);
    List<AuditRecord> newestFirst;
    try {
      newestFirst = events(chain.newest(n));
    } catch (StoreException e) {
      throw failed(e);
    }
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  /**
   * Records whose event time is in [{@code from}, {@code to}), optionally of one actor and one
   * action (exact match), in seq order, at most {@code limit}.
   *
   * @param from inclusive; null for no lower bound
   * @param to exclusive; null for no upper bound
   * @param actor null for any
   * @param action null for any
   */
  public List<AuditRecord> query(Instant from, Instant to, String actor, String action, int limit)
      throws AuditException {
    checkLimit(limit);
    try {
      return events(chain.matching(from, to, actor, action, limit));
    } catch (StoreException e) {
      throw failed(e);
    }
  }

  private static List<AuditRecord> events(List<StoredRecord> rows) throws AuditException {
    List<AuditRecord> out = new ArrayList<>(rows.size());
    for (StoredRecord r : rows) {
      out.add(new AuditRecord(r.seq(), r.toEvent(), String.valueOf(r.hash())));
    }
    return out;
  }

  private static AuditException failed(StoreException e) {
    return new AuditException("audit query failed: " + e.getMessage(), e);
  }

  private static void checkLimit(int n) {
    if (n < 1 || n > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
  }
}
