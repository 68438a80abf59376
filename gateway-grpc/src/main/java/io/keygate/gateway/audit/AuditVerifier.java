package io.keygate.gateway.audit;

import io.keygate.gateway.audit.ChainWalk.Checkpoint;
import io.keygate.gateway.audit.VerificationReport.Kind;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.PublicKeys;
import io.keygate.hsm.KeyLabel;
import io.keygate.gateway.audit.VerificationReport.Problem;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code audit verify}: walks the whole log in seq order, re-computes the hash chain, checks every
 * signed head's signature and that it matches the chain, and reports every problem with the record
 * it concerns (see {@link VerificationReport.Kind} and docs/audit.md).
 *
 * <p>Only signed heads made by one of {@code trustedKeys} count: the labels are taken from the
 * configuration, never from the table, so a row naming some other key in the HSM is refused.
 * Signatures are checked in software (SunEC) against the public keys read from the HSM.
 *
 * <p>Reads in pages of {@value #PAGE} rows, each its own read, so it runs beside live appends;
 * memory grows with the number of problems, not with the log. Every signed head's signature is
 * checked (one ECDSA verification each, in software).
 */
public final class AuditVerifier {
  static final int PAGE = 1000;

  private final AuditChain chain;
  private final SignedHeads signedHeads;
  private final PublicKeys token;
  private final Set<KeyLabel> trustedKeys;
  private final AuditHeadSink sink;
  private final int pageSize;

  /**
   * @param trustedKeys the labels of the audit signing keys, current and retired (from the
   *     configuration, e.g. {@link AuditHeadSigner#DEFAULT_KEY_LABEL})
   */
  public AuditVerifier(
      AuditChain chain, SignedHeads signedHeads, PublicKeys token, Set<KeyLabel> trustedKeys) {
    this(chain, signedHeads, token, trustedKeys, AuditHeadSink.NONE, PAGE);
  }

  /**
   * Also checks the database against the heads exported to {@code sink}: a head there that the
   * database no longer holds is {@link VerificationReport.Kind#HEAD_MISSING}, a log that ends
   * before it {@link VerificationReport.Kind#TRUNCATED}.
   */
  public AuditVerifier(
      AuditChain chain,
      SignedHeads signedHeads,
      PublicKeys token,
      Set<KeyLabel> trustedKeys,
      AuditHeadSink sink) {
    this(chain, signedHeads, token, trustedKeys, sink, PAGE);
  }

  /** With a page size of choice: tests use tiny pages to put page boundaries everywhere. */
  AuditVerifier(
      AuditChain chain,
      SignedHeads signedHeads,
      PublicKeys token,
      Set<KeyLabel> trustedKeys,
      AuditHeadSink sink,
      int pageSize) {
    this.chain = Objects.requireNonNull(chain, "chain");
    this.signedHeads = Objects.requireNonNull(signedHeads, "signedHeads");
    this.token = Objects.requireNonNull(token, "token");
    this.trustedKeys = Set.copyOf(trustedKeys);
    this.sink = Objects.requireNonNull(sink, "sink");
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
    try (Stream<String> sinkLines = sink.lines()) {
      // Read before the walk: every record up to this head was committed before the walk began.
      Checkpoint headBefore = auditHead();
      SignedHeadReader signed = new SignedHeadReader(signedHeads, token, trustedKeys, pageSize);
      List<Problem> sinkProblems = new ArrayList<>();
      ExportedHeads heads = new ExportedHeads(signed, sinkLines.iterator(), sink, sinkProblems);
      Iterator<Checkpoint> checkpoints =
          headBefore != null && headBefore.seq() > 0 ? merge(heads, headBefore) : heads;
      Findings findings = new Findings();
      ChainWalk walk = new ChainWalk(checkpoints, findings);
      long after = Long.MIN_VALUE;
      int n;
      do {
        List<StoredRecord> page = chain.after(after, pageSize);
        n = page.size();
        for (StoredRecord r : page) {
          walk.accept(r);
          after = r.seq();
        }
      } while (n == pageSize);
      walk.finish();
      heads.finish();
      signed.badSignatures().forEach(findings::add);
      sinkProblems.forEach(findings::add);
      // Read after the walk: a record the walk saw beyond this head was not appended by us.
      Checkpoint headAfter = auditHead();
      if (headAfter == null) {
        findings.add(Kind.HEAD_MISMATCH, 0, 0, "the audit_head row is missing: deleted");
      } else {
        recordsBeyondHead(headAfter.seq(), findings);
      }
      return new VerificationReport(
          walk.records(),
          walk.lastSeq(),
          signed.count(),
          walk.lastAnchoredSignedSeq(),
          findings.sorted());
    } catch (StoreException e) {
      throw new AuditException("audit verify: cannot read the audit log: " + e.getMessage(), e);
    } catch (SignedHeadReader.HsmUnavailable e) {
      throw new AuditException(
          "audit verify: cannot read signing keys from the HSM: " + e.getCause().getMessage(),
          e.getCause());
    } catch (UncheckedIOException e) {
      throw new AuditException(
          "audit verify: cannot read " + sink.name() + ": " + e.getCause().getMessage(), e);
    } catch (SignedHeadReader.UncheckedStore e) {
      throw new AuditException(
          "audit verify: cannot read the signed heads: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** The audit head as a checkpoint, or null if its row is gone. */
  private Checkpoint auditHead() throws StoreException {
    Optional<AuditChain.Head> head = chain.head();
    if (head.isEmpty()) {
      return null;
    }
    long seq = head.get().seq();
    return new Checkpoint(
        seq, String.valueOf(head.get().hash()), "the audit head (seq " + seq + ")", false);
  }

  private void recordsBeyondHead(long headSeq, Findings findings) throws StoreException {
    Optional<AuditChain.SeqRange> beyond = chain.beyond(headSeq);
    if (beyond.isPresent()) {
      findings.add(
          Kind.INSERTED,
          beyond.get().first(),
          beyond.get().last(),
          "beyond the audit head (seq " + headSeq + "): not appended through the audit log");
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
