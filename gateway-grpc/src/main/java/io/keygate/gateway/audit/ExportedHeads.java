package io.keygate.gateway.audit;

import io.keygate.gateway.audit.ChainWalk.Checkpoint;
import io.keygate.gateway.audit.VerificationReport.Kind;
import io.keygate.gateway.audit.VerificationReport.Problem;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The database's signed heads merged, in seq order, with the heads exported to the sink, for the
 * chain walk. Exported heads whose signature verifies become checkpoints like the table's, so a
 * log cut back below one is {@link Kind#TRUNCATED} and a rewritten record {@link
 * Kind#HEAD_MISMATCH} even after every signed-head row was deleted; an exported head the table no
 * longer holds is {@link Kind#HEAD_MISSING}. Lines that are junk, out of order, or not signed by a
 * trusted key are findings too: the sink is evidence, not trusted input.
 *
 * <p>Streams both: memory does not grow with the log.
 */
final class ExportedHeads implements Iterator<Checkpoint> {
  private final Iterator<Checkpoint> table;
  private final Iterator<String> lines;
  private final AuditHeadSink sink;
  private final SignedHeadReader checker;
  private final List<Problem> problems;
  private Checkpoint nextTable;
  private Checkpoint nextExported;
  private long lastTableSeq = Long.MIN_VALUE;
  private long lastExportedSeq = Long.MIN_VALUE;
  private long lineNumber;
  private long exported;
  private Checkpoint missingFirst; // the current run of exported heads the table lacks
  private Checkpoint missingLast;
  private long missingCount;

  /**
   * @param table the table's verified heads, ascending ({@code checker} itself)
   * @param problems where findings about the sink go
   */
  ExportedHeads(
      SignedHeadReader checker, Iterator<String> lines, AuditHeadSink sink, List<Problem> problems) {
    this.table = checker;
    this.checker = checker;
    this.lines = lines;
    this.sink = sink;
    this.problems = problems;
    this.nextTable = table.hasNext() ? table.next() : null;
    this.nextExported = readExported();
  }

  /** Well-formed lines read so far. */
  long count() {
    return exported;
  }

  @Override
  public boolean hasNext() {
    return nextTable != null || nextExported != null;
  }

  @Override
  public Checkpoint next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (nextExported == null || (nextTable != null && nextTable.seq() <= nextExported.seq())) {
      Checkpoint out = nextTable;
      lastTableSeq = out.seq();
      nextTable = table.hasNext() ? table.next() : null;
      return out;
    }
    // Every table head up to this seq has been handed out: the table's copy is there or gone.
    Checkpoint out = nextExported;
    if (lastTableSeq != out.seq()) {
      if (missingFirst == null) {
        missingFirst = out;
      }
      missingLast = out;
      missingCount++;
    } else {
      flushMissing();
    }
    nextExported = readExported();
    return out;
  }

  /** Reports the last run of missing heads; call once the walk has drained this iterator. */
  void finish() {
    while (hasNext()) {
      next();
    }
    flushMissing();
  }

  /** Consecutive exported heads missing from the table are one finding (one head per call). */
  private void flushMissing() {
    if (missingFirst == null) {
      return;
    }
    String what =
        missingCount == 1
            ? missingFirst.source() + " is"
            : missingCount + " heads exported to " + sink.name() + " (seqs " + missingFirst.seq()
                + ".." + missingLast.seq() + ") are";
    problems.add(
        new Problem(
            Kind.HEAD_MISSING,
            missingFirst.seq(),
            missingLast.seq(),
            what + " not among the signed heads in the database: deleted"));
    missingFirst = null;
    missingLast = null;
    missingCount = 0;
  }

  private Checkpoint readExported() {
    while (lines.hasNext()) {
      String line = lines.next();
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      Optional<StoredSignedHead> parsed = ExportedHead.parse(line);
      if (parsed.isEmpty()) {
        problems.add(
            new Problem(
                Kind.MALFORMED,
                0,
                0,
                "line " + lineNumber + " of " + sink.name() + " is not a signed head line"));
        continue;
      }
      StoredSignedHead h = parsed.get();
      exported++;
      String source = ExportedHead.describe(h, sink);
      String bad = checker.check(h);
      if (bad != null) {
        problems.add(new Problem(Kind.BAD_SIGNATURE, h.seq(), h.seq(), source + ": " + bad));
        continue;
      }
      if (h.seq() < lastExportedSeq) {
        problems.add(
            new Problem(
                Kind.MALFORMED,
                h.seq(),
                h.seq(),
                source
                    + " at line "
                    + lineNumber
                    + " comes after seq "
                    + lastExportedSeq
                    + ": the file was edited or is shared by two writers"));
        continue;
      }
      if (h.seq() == lastExportedSeq) {
        continue; // the same seq again: the first one is checked already
      }
      lastExportedSeq = h.seq();
      return new Checkpoint(h.seq(), h.hash(), source, true);
    }
    return null;
  }
}
