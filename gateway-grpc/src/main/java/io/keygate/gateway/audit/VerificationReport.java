package io.keygate.gateway.audit;

import java.util.List;
import java.util.Objects;

/**
 * What {@link AuditVerifier#verify()} found: every problem, each naming the record(s) involved.
 *
 * @param records rows in {@code audit_log}
 * @param lastSeq the highest seq in the table (0 if empty)
 * @param signedHeads rows in {@code audit_signed_heads}, valid or not
 * @param lastVerifiedSignedSeq the highest seq whose signed head has a valid signature and matches
 *     the chain (0 if none): records up to it are pinned by the HSM key
 * @param problems sorted by seq; empty means the log verified
 */
public record VerificationReport(
    long records,
    long lastSeq,
    long signedHeads,
    long lastVerifiedSignedSeq,
    List<Problem> problems) {

  public VerificationReport {
    problems = List.copyOf(problems);
  }

  public boolean isClean() {
    return problems.isEmpty();
  }

  /**
   * Records after the last verified signed head: protected by the chain only, so deleting them
   * together with a reset of {@code audit_head} would go unnoticed (see docs/audit.md).
   */
  public long unsignedRecords() {
    return Math.max(0, lastSeq - lastVerifiedSignedSeq);
  }

  public List<Problem> problems(Kind kind) {
    return problems.stream().filter(p -> p.kind() == kind).toList();
  }

  /** What is wrong with a record, a range of records, or a signed head. */
  public enum Kind {
    /** A record's content no longer matches its own hash. */
    EDITED,
    /** Records are missing from the middle or start of the chain (a gap, or renumbered). */
    DELETED,
    /** A record sits at another position than it was written for, or holds another's content. */
    REORDERED,
    /** A record is not part of the chain: nothing chains from it, or it was appended around it. */
    INSERTED,
    /** A record does not chain from its predecessor, and no more specific cause was found. */
    BROKEN_LINK,
    /** Records after a signed head (or the audit head) are gone from the end of the log. */
    TRUNCATED,
    /** A signed head (or the audit head) names a record whose hash differs, or that is gone. */
    HEAD_MISMATCH,
    /**
     * A head exported to the sink outside the database is not among the database's signed heads:
     * its row was deleted (with the records after it, the log ends in {@link #TRUNCATED} too).
     */
    HEAD_MISSING,
    /** A signed head's signature does not verify, or its key is unknown or not trusted. */
    BAD_SIGNATURE,
    /** A row cannot be read as a record (a NULL, a hash that is not hex). */
    MALFORMED
  }

  /**
   * One finding.
   *
   * @param seq the record (or signed head) involved, or the first of a range
   * @param lastSeq the last of the range; equal to {@code seq} for one record
   */
  public record Problem(Kind kind, long seq, long lastSeq, String description) {
    public Problem {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(description, "description");
      if (lastSeq < seq) {
        throw new IllegalArgumentException("lastSeq < seq");
      }
    }

    @Override
    public String toString() {
      String where = seq == lastSeq ? "seq " + seq : "seq " + seq + ".." + lastSeq;
      return where + " " + kind + ": " + description;
    }
  }
}
