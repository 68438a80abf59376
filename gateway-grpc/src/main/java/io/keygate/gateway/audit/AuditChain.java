package io.keygate.gateway.audit;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the hash-chained records are kept: the records ({@code audit_log}) and the head that issues
 * their seqs ({@code audit_head}). It stores and returns rows exactly as held, tampered or not; the
 * chain's rules (what is hashed, what a mismatch means) are {@link ChainedAuditLog}'s and {@link
 * AuditVerifier}'s.
 */
public interface AuditChain {

  /** The chain's head as stored: the last seq it issued and that record's hash (unparsed). */
  record Head(long seq, String hash) {}

  /** The first and last seq of some records. */
  record SeqRange(long first, long last) {}

  /** Makes the record to append once the head it follows is known. */
  @FunctionalInterface
  interface Link {
    /**
     * @param seq the seq the head issues next
     * @param prevHash the head's hash as stored (may be malformed if someone edited it)
     */
    StoredRecord next(long seq, String prevHash) throws AuditException;
  }

  /**
   * Appends one record in one transaction that locks the head first, so appends from every thread
   * and every node sharing the database are serialised: seqs are dense and the chain never forks.
   * The previous hash comes from the head, not from the table's last row, so records deleted from
   * the tail are not silently chained over.
   *
   * @return the record as inserted
   * @throws StoreConflictException DUPLICATE if the table already holds the seq the head issues
   *     next (nothing is written)
   * @throws StoreException if the head row is missing or the database fails
   * @throws AuditException what {@code link} throws (nothing is written)
   */
  StoredRecord append(Link link) throws StoreException, AuditException;

  /** The head, or empty if its row is gone. */
  Optional<Head> head() throws StoreException;

  /** The record at {@code seq}, if the table holds one. */
  Optional<StoredRecord> record(long seq) throws StoreException;

  /** Up to {@code limit} records with seq above {@code afterSeq}, in seq order. */
  List<StoredRecord> after(long afterSeq, int limit) throws StoreException;

  /** The newest {@code n} records, newest first. */
  List<StoredRecord> newest(int n) throws StoreException;

  /**
   * Up to {@code limit} records in seq order whose event time is in [{@code from}, {@code to}) and
   * whose actor and action match exactly; a null argument does not filter.
   */
  List<StoredRecord> matching(Instant from, Instant to, String actor, String action, int limit)
      throws StoreException;

  /** The seqs the table holds above {@code seq}, if any. */
  Optional<SeqRange> beyond(long seq) throws StoreException;
}
