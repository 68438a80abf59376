package io.keygate.gateway.audit;

import io.keygate.gateway.audit.VerificationReport.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * Re-computes the chain over records fed in seq order and says what is wrong where.
 *
 * <p>Pass one streams: each record is checked against its own hash (edited?), its predecessor's seq
 * (gap: deleted) and hash (link), and against checkpoints (signed heads, the audit head) that vouch
 * for the hash at a seq. Only records near a problem are kept, so memory grows with the damage, not
 * with the log. Pass two ({@link ChainExplanation}, run by {@link #finish}) says what the kept
 * anomalies mean.
 */
final class ChainWalk {
  /**
   * A (seq, hash) vouched for by a verified signed head ({@code signed}) or the audit head.
   *
   * @param source names it in problem descriptions
   */
  record Checkpoint(long seq, String hash, String source, boolean signed) {}

  /** A record as pass one saw it. */
  static final class Row {
    final StoredRecord record;
    final String malformed; // why it cannot be checked, or null
    final boolean hashOk;
    boolean anchored; // a checkpoint vouches for its hash

    Row(StoredRecord record) {
      this.record = record;
      this.malformed = record.malformation().orElse(null);
      this.hashOk = malformed == null && record.selfConsistent();
    }

    long seq() {
      return record.seq();
    }
  }

  private final Iterator<Checkpoint> checkpoints;
  private Checkpoint pendingCheckpoint;
  private final Findings findings;
  private final TreeMap<Long, Row> kept = new TreeMap<>();
  private final List<Long> linkBreaks = new ArrayList<>();
  private final ArrayDeque<Row> window = new ArrayDeque<>(3);
  private int keepAhead;
  private long records;
  private long lastSeq;
  private long lastAnchoredSignedSeq;

  /** {@code checkpoints} must come in ascending seq order; problems go to {@code findings}. */
  ChainWalk(Iterator<Checkpoint> checkpoints, Findings findings) {
    this.checkpoints = checkpoints;
    this.findings = findings;
    this.pendingCheckpoint = nextCheckpoint();
  }

  void accept(StoredRecord record) {
    Row row = new Row(record);
    long seq = record.seq();
    Row previous = window.peekLast();
    long expected = previous == null ? 1 : previous.seq() + 1;
    if (seq < expected) {
      add(Kind.INSERTED, seq, seq, "seq " + seq + " is never issued (seqs start at 1)");
      return;
    }
    matchCheckpoints(row);
    boolean gap = seq > expected;
    if (gap) {
      add(Kind.DELETED, expected, seq - 1, Findings.range(expected, seq - 1) + " missing: deleted");
    }
    boolean keep = keepAhead > 0;
    keepAhead = Math.max(0, keepAhead - 1);
    if (row.malformed != null) {
      add(Kind.MALFORMED, seq, seq, row.malformed);
      keep = true;
    } else {
      keep |= !row.hashOk;
      byte[] expectedPrev =
          previous == null
              ? RecordHash.ZERO
              : previous.malformed != null ? null : previous.record.hashBytes();
      if (!gap && expectedPrev != null && !Arrays.equals(record.prevHashBytes(), expectedPrev)) {
        linkBreaks.add(seq);
        window.forEach(w -> kept.put(w.seq(), w));
        keep = true;
        keepAhead = 2; // the successors show which side of the break is out of the chain
      }
    }
    if (keep) {
      kept.put(seq, row);
    }
    window.addLast(row);
    if (window.size() > 2) {
      window.removeFirst();
    }
    records++;
    lastSeq = seq;
  }

  private void matchCheckpoints(Row row) {
    while (pendingCheckpoint != null && pendingCheckpoint.seq() <= row.seq()) {
      Checkpoint c = pendingCheckpoint;
      if (c.seq() < row.seq()) {
        add(Kind.HEAD_MISMATCH, c.seq(), c.seq(), c.source() + " names a record that is gone");
      } else if (c.hash().equalsIgnoreCase(String.valueOf(row.record.hash()))) {
        row.anchored = true;
        if (c.signed()) {
          lastAnchoredSignedSeq = Math.max(lastAnchoredSignedSeq, c.seq());
        }
      } else {
        add(
            Kind.HEAD_MISMATCH,
            c.seq(),
            c.seq(),
            c.source()
                + " vouches for hash "
                + c.hash()
                + " but the record's hash is "
                + row.record.hash()
                + ": this record or one before it was rewritten");
      }
      pendingCheckpoint = nextCheckpoint();
    }
  }

  long records() {
    return records;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** The highest seq a verified signed head vouches for and the record matches (0 if none). */
  long lastAnchoredSignedSeq() {
    return lastAnchoredSignedSeq;
  }

  /** Reports the checkpoints beyond the end and explains the anomalies kept on the way. */
  void finish() {
    // The newest signed head (from the table or the sink) and the audit head each say how far the
    // log went; older ones beyond the end would only repeat it (one head per admin call).
    Checkpoint newestSigned = null;
    Checkpoint auditHead = null;
    for (; pendingCheckpoint != null; pendingCheckpoint = nextCheckpoint()) {
      if (pendingCheckpoint.signed()) {
        newestSigned = pendingCheckpoint;
      } else {
        auditHead = pendingCheckpoint;
      }
    }
    List<Checkpoint> beyond = new ArrayList<>();
    for (Checkpoint c : new Checkpoint[] {newestSigned, auditHead}) {
      if (c != null) {
        beyond.add(c);
      }
    }
    beyond.sort(java.util.Comparator.comparingLong(Checkpoint::seq));
    for (Checkpoint c : beyond) {
      add(
          Kind.TRUNCATED,
          lastSeq + 1,
          c.seq(),
          Findings.range(lastSeq + 1, c.seq())
              + " missing from the end: "
              + c.source()
              + " but the log ends at "
              + lastSeq);
    }
    new ChainExplanation(kept, linkBreaks, lastSeq, findings).explain();
  }

  private Checkpoint nextCheckpoint() {
    return checkpoints.hasNext() ? checkpoints.next() : null;
  }

  private void add(Kind kind, long seq, long last, String description) {
    findings.add(kind, seq, last, description);
  }
}
