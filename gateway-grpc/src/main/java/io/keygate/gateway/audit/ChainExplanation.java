package io.keygate.gateway.audit;

import io.keygate.gateway.audit.ChainWalk.Row;
import io.keygate.gateway.audit.VerificationReport.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pass two of the verification: explains the records {@link ChainWalk} kept near problems.
 *
 * <ul>
 *   <li>A record whose content hashes right at another position was moved: reordered, or renumbered
 *       after a deletion or an insertion. A run moved by the same offset is one finding.
 *   <li>A link break next to a moved record is explained by the move; a record moved into the place
 *       of records found nowhere means those were deleted.
 *   <li>A record in place that chains from a record other than its predecessor is forged: the seq
 *       is hashed, so only the true predecessor has that hash.
 *   <li>A record no neighbour chains from, and that no head vouches for, was inserted or replaced.
 *   <li>Anything else is reported as a broken link.
 * </ul>
 */
final class ChainExplanation {
  // Searching other anomalous records for a moved record's origin is quadratic; past this many
  // anomalies only the neighbouring positions are tried (the table is wrecked anyway).
  private static final int MOVE_SEARCH_LIMIT = 512;

  private final NavigableMap<Long, Row> kept;
  private final List<Long> linkBreaks;
  private final long lastSeq;
  private final Findings findings;
  private final Map<Long, Long> writtenAs = new TreeMap<>(); // seq -> the seq it was written for
  private final Set<Long> moved = new HashSet<>();

  ChainExplanation(
      NavigableMap<Long, Row> kept, List<Long> linkBreaks, long lastSeq, Findings findings) {
    this.kept = kept;
    this.linkBreaks = linkBreaks;
    this.lastSeq = lastSeq;
    this.findings = findings;
  }

  void explain() {
    findMoves();
    for (long s : linkBreaks) {
      explainBreak(s);
    }
  }

  private void findMoves() {
    List<Row> mismatched =
        kept.values().stream().filter(r -> r.malformed == null && !r.hashOk).toList();
    boolean wide = mismatched.size() <= MOVE_SEARCH_LIMIT;
    Map<Long, Long> contentOf = new TreeMap<>();
    for (Row r : mismatched) {
      long seq = r.seq();
      List<Long> positions = new ArrayList<>(List.of(seq - 1, seq + 1));
      if (wide) {
        mismatched.forEach(u -> positions.add(u.seq()));
      }
      byte[] prev = r.record.prevHashBytes();
      for (long t : positions) {
        // The whole row (its prev and hash too) was written for position t.
        if (t != seq
            && t >= 1
            && Arrays.equals(r.record.computeHash(prev, t), r.record.hashBytes())) {
          writtenAs.put(seq, t);
          break;
        }
      }
      if (!writtenAs.containsKey(seq) && wide) {
        for (Row u : mismatched) {
          // Only the content moved: it hashes right in u's place, with u's prev and hash.
          if (u != r
              && Arrays.equals(
                  r.record.computeHash(u.record.prevHashBytes(), u.seq()), u.record.hashBytes())) {
            contentOf.put(seq, u.seq());
            break;
          }
        }
      }
      if (writtenAs.containsKey(seq) || contentOf.containsKey(seq)) {
        moved.add(seq);
      } else {
        add(Kind.EDITED, seq, seq, "its content no longer matches its hash: edited");
      }
    }
    reportMoves();
    contentOf.forEach(
        (s, u) ->
            add(
                Kind.REORDERED,
                s,
                s,
                "holds the content recorded as seq " + u + ": records swapped"));
  }

  /** One problem per run of neighbours moved by the same offset (a renumbering), else per row. */
  private void reportMoves() {
    Long runStart = null;
    long runEnd = 0;
    long offset = 0;
    for (Map.Entry<Long, Long> e : writtenAs.entrySet()) {
      long s = e.getKey();
      long d = e.getValue() - s;
      if (runStart != null && s == runEnd + 1 && d == offset) {
        runEnd = s;
        continue;
      }
      if (runStart != null) {
        reportRun(runStart, runEnd, offset);
      }
      runStart = s;
      runEnd = s;
      offset = d;
    }
    if (runStart != null) {
      reportRun(runStart, runEnd, offset);
    }
  }

  private void reportRun(long first, long last, long offset) {
    if (first == last) {
      add(
          Kind.REORDERED,
          first,
          last,
          "holds the record written as seq " + (first + offset) + ": moved");
    } else {
      add(
          Kind.REORDERED,
          first,
          last,
          "hold the records written as seq "
              + (first + offset)
              + ".."
              + (last + offset)
              + ": renumbered");
    }
  }

  private void explainBreak(long s) {
    Row r = kept.get(s);
    Row p = kept.get(s - 1);
    Long origin = writtenAs.get(s);
    if (origin != null
        && origin > s
        && !moved.contains(s - 1)
        && writtenAs.values().stream().noneMatch(t -> t >= s && t < origin)) {
      // Seq s holds a later record, s-1 is in place and the records written in between are
      // nowhere: deleted, and the gap closed by renumbering or overwritten with a copy.
      add(
          Kind.DELETED,
          s,
          origin - 1,
          Findings.range(s, origin - 1)
              + " missing: deleted, and a later record moved into the gap");
      return;
    }
    if (r.hashOk) {
      // An append always chains from the record just before it, whose hash no other position
      // can have (the seq is hashed): a record in place that chains from elsewhere is forged.
      Row q = inPlaceRowWithHash(r.record.prevHashBytes(), s);
      if (q != null) {
        add(
            Kind.INSERTED,
            s,
            s,
            "chains from seq "
                + q.seq()
                + " instead of seq "
                + (s - 1)
                + ", which no append does: forged");
        return;
      }
    }
    boolean found = false;
    for (long x = s - 1; x <= s; x++) {
      Row xr = kept.get(x);
      if (xr == null || x == lastSeq || moved.contains(x) || xr.malformed != null || xr.anchored) {
        continue;
      }
      if (!chainedFrom(xr)) {
        add(
            Kind.INSERTED,
            x,
            x,
            "nothing chains from it and no head vouches for it: inserted or replaced");
        found = true;
      }
    }
    boolean explained =
        moved.contains(s)
            || moved.contains(s - 1)
            || !r.hashOk
            || (p != null && p.malformed != null);
    if (explained) {
      return;
    }
    if (s == 1) {
      add(Kind.BROKEN_LINK, s, s, "the first record does not chain from 32 zero bytes");
    } else if (s == lastSeq) {
      // Also when its predecessor looked orphaned: without a head vouching for either, both are
      // suspects.
      add(
          Kind.INSERTED,
          s,
          s,
          "the last record does not chain from seq " + (s - 1) + ": appended around the audit log");
    } else if (!found) {
      add(Kind.BROKEN_LINK, s, s, "its prev_hash is not the hash of seq " + (s - 1));
    }
  }

  /** A kept, unmoved record near {@code s} (other than s-1 and s) whose stored hash is this. */
  private Row inPlaceRowWithHash(byte[] hash, long s) {
    for (Row q : kept.subMap(s - 3, true, s + 2, true).values()) {
      if (q.seq() != s
          && q.seq() != s - 1
          && !moved.contains(q.seq())
          && q.malformed == null
          && Arrays.equals(q.record.hashBytes(), hash)) {
        return q;
      }
    }
    return null;
  }

  /** True if a kept neighbour (within two positions) names this record's hash as its prev. */
  private boolean chainedFrom(Row x) {
    byte[] hash = x.record.hashBytes();
    for (Row y : kept.subMap(x.seq() - 2, true, x.seq() + 2, true).values()) {
      if (y != x && y.malformed == null && Arrays.equals(y.record.prevHashBytes(), hash)) {
        return true;
      }
    }
    return false;
  }

  private void add(Kind kind, long seq, long last, String description) {
    findings.add(kind, seq, last, description);
  }
}
