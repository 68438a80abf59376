package io.keygate.gateway.audit;

import io.keygate.gateway.audit.ChainWalk.Checkpoint;
import io.keygate.gateway.audit.VerificationReport.Kind;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@code audit verify}: walks the whole log in seq order, re-computes the hash chain, checks every
 * signed head's signature and that it matches the chain, and reports every problem with the record
 * it concerns (see {@link VerificationReport.Kind} and docs/audit.md).
 *
 * <p>Only signed heads made by one of {@code trustedKeys} count: the labels are taken from the
 * configuration, never from the table, so a row naming some other key in the HSM is refused.
 * Signatures are checked in software (SunEC) against the public keys read from the HSM.
 *
 * <p>Reads in pages of {@value #PAGE} rows, each its own statement, so it runs beside live appends;
 * memory grows with the number of problems, not with the log. Every signed head's signature is
 * checked (one ECDSA verification each, in software).
 */
public final class AuditVerifier {
  static final int PAGE = 1000;

  private final DataSource dataSource;
  private final HsmToken token;
  private final Set<KeyLabel> trustedKeys;
  private final int pageSize;

  /**
   * @param trustedKeys the labels of the audit signing keys, current and retired (from the
   *     configuration, e.g. {@link AuditHeadSigner#DEFAULT_KEY_LABEL})
   */
  public AuditVerifier(DataSource dataSource, HsmToken token, Set<KeyLabel> trustedKeys) {
    this(dataSource, token, trustedKeys, PAGE);
  }

  /** With a page size of choice: tests use tiny pages to put page boundaries everywhere. */
  AuditVerifier(DataSource dataSource, HsmToken token, Set<KeyLabel> trustedKeys, int pageSize) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.token = Objects.requireNonNull(token, "token");
    this.trustedKeys = Set.copyOf(trustedKeys);
    if (this.trustedKeys.isEmpty()) {
      throw new IllegalArgumentException("at least one trusted signing key label is needed");
    }
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be positive");
    }
    this.pageSize = pageSize;
  }

  /**
   * Verifies the log as it is now.
   *
   * @throws AuditException if the database cannot be read (a tampered table is a report, not an
   *     exception)
   */
  public VerificationReport verify() throws AuditException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      // Read before the walk: every record up to this head was committed before the walk began.
      Checkpoint headBefore = auditHead(c);
      SignedHeadReader signed = new SignedHeadReader(c, token, trustedKeys, pageSize);
      Iterator<Checkpoint> checkpoints =
          headBefore != null && headBefore.seq() > 0 ? merge(signed, headBefore) : signed;
      Findings findings = new Findings();
      ChainWalk walk = new ChainWalk(checkpoints, findings);
      long after = Long.MIN_VALUE;
      int n;
      do {
        n = 0;
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + StoredRecord.COLUMNS
                    + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT "
                    + pageSize)) {
          s.setLong(1, after);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              StoredRecord r = StoredRecord.read(rs);
              walk.accept(r);
              after = r.seq();
              n++;
            }
          }
        }
      } while (n == pageSize);
      walk.finish();
      signed.badSignatures().forEach(findings::add);
      // Read after the walk: a record the walk saw beyond this head was not appended by us.
      Checkpoint headAfter = auditHead(c);
      if (headAfter == null) {
        findings.add(Kind.HEAD_MISMATCH, 0, 0, "the audit_head row is missing: deleted");
      } else {
        recordsBeyondHead(c, headAfter.seq(), findings);
      }
      return new VerificationReport(
          walk.records(),
          walk.lastSeq(),
          signed.count(),
          walk.lastAnchoredSignedSeq(),
          findings.sorted());
    } catch (SQLException e) {
      throw new AuditException("audit verify: cannot read the audit log: " + e.getMessage(), e);
    } catch (SignedHeadReader.HsmUnavailable e) {
      throw new AuditException(
          "audit verify: cannot read signing keys from the HSM: " + e.getCause().getMessage(),
          e.getCause());
    } catch (SignedHeadReader.UncheckedSql e) {
      throw new AuditException(
          "audit verify: cannot read the signed heads: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** The audit head as a checkpoint, or null if its row is gone. */
  private static Checkpoint auditHead(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
        ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long seq = rs.getLong(1);
      return new Checkpoint(
          seq, String.valueOf(rs.getString(2)), "the audit head (seq " + seq + ")", false);
    }
  }

  private static void recordsBeyondHead(Connection c, long headSeq, Findings findings)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT MIN(seq), MAX(seq) FROM audit_log WHERE seq > ?")) {
      s.setLong(1, headSeq);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long first = rs.getLong(1);
        if (!rs.wasNull()) {
          findings.add(
              Kind.INSERTED,
              first,
              rs.getLong(2),
              "beyond the audit head (seq " + headSeq + "): not appended through the audit log");
        }
      }
    }
  }

  /** The audit head slotted into the (ascending) signed heads. */
  private static Iterator<Checkpoint> merge(Iterator<Checkpoint> signed, Checkpoint head) {
    return new Iterator<>() {
      private Checkpoint nextSigned = signed.hasNext() ? signed.next() : null;
      private Checkpoint pendingHead = head;

      @Override
      public boolean hasNext() {
        return nextSigned != null || pendingHead != null;
      }

      @Override
      public Checkpoint next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Checkpoint out;
        if (pendingHead != null && (nextSigned == null || pendingHead.seq() <= nextSigned.seq())) {
          out = pendingHead;
          pendingHead = null;
        } else {
          out = nextSigned;
          nextSigned = signed.hasNext() ? signed.next() : null;
        }
        return out;
      }
    };
  }
}
